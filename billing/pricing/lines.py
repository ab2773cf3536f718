"""Where a problem is: `Problem` (file, line, message) and the TOML line indexer behind it.

`tomllib` reports line numbers for syntax errors only, so the validator finds the line of a bad
value by scanning the text itself: `LineIndex` follows the `[table]` / `[[array]]` headers and
`key =` lines to map each key path to the line where it is written, and for a field inside an
inline list of tables (`"gpu-l40s" = [{...}, {...}]`) takes the n-th occurrence of `field =` after
that key's line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from replicost.escape import terminal as printable  # noqa: F401  (re-exported by billing.pricing)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a pricing file, with the line it is on (0 when unknown)."""

    label: str
    line: int
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = f"{self.label}:{self.line}" if self.line else self.label
        return printable(f"{where}: {self.severity}: {self.message}")


_KEY_PART = r'(?:"(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)'
_KEY_PATH = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_KEY_PATH})\s*\]\]?")
_ASSIGNMENT = re.compile(rf"^\s*({_KEY_PATH})\s*=")
_PART = re.compile(_KEY_PART)


def _key_parts(text: str) -> tuple[str, ...]:
    parts = []
    for raw in _PART.findall(text):
        if raw.startswith('"'):
            parts.append(raw[1:-1].encode().decode("unicode_escape"))
        elif raw.startswith("'"):
            parts.append(raw[1:-1])
        else:
            parts.append(raw)
    return tuple(parts)


class LineIndex:
    """Where each key path of a TOML text is written (tomllib gives no positions for values)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.paths: dict[tuple, int] = {}
        table: tuple = ()
        array_counts: dict[tuple, int] = {}
        in_multiline = False
        for number, line in enumerate(self.lines, start=1):
            # skip the insides of multi-line strings, whose lines may look like keys
            if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                was_inside, in_multiline = in_multiline, not in_multiline
                if was_inside:
                    continue
            elif in_multiline:
                continue
            header = _HEADER.match(line)
            if header and not _ASSIGNMENT.match(line):
                path = _key_parts(header.group(2))
                if header.group(1) == "[[":
                    index = array_counts.get(path, 0)
                    array_counts[path] = index + 1
                    table = (*path, index)
                else:
                    table = path
                self.paths.setdefault(table, number)
                continue
            assignment = _ASSIGNMENT.match(line)
            if assignment:
                self.paths.setdefault((*table, *_key_parts(assignment.group(1))), number)

    def line_of(self, path: tuple) -> int:
        """The line of `path`, or of its nearest written ancestor (or inline list entry)."""
        if path in self.paths:
            return self.paths[path]
        for cut in range(len(path) - 1, 0, -1):
            prefix = path[:cut]
            if prefix not in self.paths:
                continue
            start = self.paths[prefix]
            rest = path[cut:]
            if rest and isinstance(rest[0], int):
                return self._inline_entry_line(start, rest[0], rest[1] if len(rest) > 1 else None)
            return start
        return 0

    def _inline_entry_line(self, start: int, index: int, field_name: str | None) -> int:
        """Line of entry `index` of an inline list of tables whose key is on line `start` (of its
        field `field_name` when given): count the `{` that open top-level entries, skip strings."""
        entry_lines: list[int] = []  # the lines entry `index` spans, in order
        depth, opened, quote = 0, -1, ""
        for number in range(start, len(self.lines) + 1):
            line = self.lines[number - 1]
            column = line.index("=") + 1 if number == start and "=" in line else 0
            for char in line[column:]:
                if quote:
                    quote = "" if char == quote else quote
                elif char in "\"'":
                    quote = char
                elif char == "#":
                    break
                elif char == "{":
                    depth += 1
                    opened += depth == 1
                elif char == "}":
                    depth -= 1
                if opened == index and depth >= 1 and number not in entry_lines:
                    entry_lines.append(number)
            if opened > index or (opened == index and depth == 0):
                break
        if not entry_lines:
            return start
        if field_name:
            pattern = re.compile(rf"(?<![\w-])[\"']?{re.escape(field_name)}[\"']?\s*=")
            for number in entry_lines:
                if pattern.search(self.lines[number - 1]):
                    return number
        return entry_lines[0]
