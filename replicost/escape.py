"""Text is data: one escaping rule per kind of output, each written once, here.

Anything that comes from the server or from a model (model and deployment names, error texts, the
account's username, tags) is printed, written or embedded by replicost as it is, never as markup or
code. Each output kind has one function, applied where the text leaves the program (the renderers),
never scattered over the call sites that build the text:

- `terminal`: a plain line for a terminal (`click.echo`, rich with `markup=False`): control and
  invisible format characters are shown as escapes (`\\x1b`, `\\u202e`), so no escape sequence
  (window title, colours, OSC 8 hyperlinks, cursor moves) reaches the terminal raw.
- `rich_markup`: the same, then rich's markup escaped (`[/INST]`, `[link=...]`), for the strings
  rich parses as markup (table cells, titles, lines printed with markup on).
- `csv_cell` / `csv_cell_sql`: a text cell that a spreadsheet would read as a formula (starting with
  `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, as OWASP's CSV-injection
  guidance says. Only text cells: a number or a money figure (`-1.500000`) is not text and is
  written as it is.
- `markdown`: Markdown's inline syntax escaped with backslashes (links, images, emphasis, code,
  raw HTML, table pipes, autolinks), control characters shown as escapes.
- `xml_text`: text for SVG/XML and HTML: `<`, `>`, `&` and quotes escaped, characters XML forbids
  (C0 controls but tab and newlines, U+FFFE/U+FFFF, lone surrogates) shown as escapes
  (`\\u001b`), so the document stays valid.
- `toml_string`: a TOML basic string (the pricing lines replicost drafts name models and
  deployments): quotes, backslashes and every control character escaped, so a name cannot end
  the string, the line or the comment it sits in and add lines of its own to a pricing file.
- `json_for_script`: JSON embedded in an HTML `<script>` element, with `<`, `>` and `&` written as
  `\\u003c`... so no value can close the element or open a comment (`acme/<!--<script>`).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

# Characters that can rewrite a terminal line or reorder what it shows: C0/C1 controls (newline,
# escape...), and Unicode's invisible format characters (bidirectional overrides and isolates,
# zero-width marks, the byte-order mark), which let "acme/x<U+202E>..." display as something else.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def _visible(match: re.Match[str]) -> str:
    return repr(match.group())[1:-1]


def terminal(text: object) -> str:
    """`text` with control and invisible format characters escaped (`\\n`, `\\x1b`, `\\u202e`):
    what replicost prints stays one line and shows what is really there (an error message, a
    pricing key or a model name from the API cannot drive or disguise the terminal)."""
    return _UNPRINTABLE.sub(_visible, str(text))


# rich's tag pattern (rich.markup.RE_TAGS) with the backslashes before it: a tag is escaped by one
# more backslash, and the backslashes before it doubled (rich's own `escape`, without its rule for a
# trailing backslash, which prints doubled when the text stands alone, as a cell does).
_RICH_TAG = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])")


def rich_markup(text: object) -> str:
    """`terminal(text)` for a string that rich parses as markup: its `[...]` print as they are."""
    return _RICH_TAG.sub(lambda m: f"{m.group(1)}{m.group(1)}\\{m.group(2)}", terminal(text))


# OWASP, CSV injection: a cell starting with one of these may be read as a formula.
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell: text that starts like a formula gets a leading `'`; anything else as it is."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS):
        return "'" + value
    return value


def csv_cell_sql(column_sql: str) -> str:
    """The same rule as `csv_cell`, as a DuckDB expression over a VARCHAR column (for COPY)."""
    starts = ", ".join(f"chr({ord(start)})" for start in CSV_FORMULA_STARTS)
    return (
        f"CASE WHEN left({column_sql}, 1) IN ({starts}) THEN '''' || {column_sql} "
        f"ELSE {column_sql} END"
    )


# Backslash-escapable ASCII punctuation that starts Markdown's inline syntax: links and images
# (`[`, `]`, `(`, `)`, `!`), emphasis (`*`, `_`, `~`), code (`` ` ``), raw HTML and autolinks (`<`,
# `>`), table cells (`|`), headings (`#`) and the backslash itself.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]()!<>|#~])")
_BARE_LINK = re.compile(r"(?i)(https?|ftp|www)([:.])")  # GFM autolinks `https://x` and `www.x`


def markdown(text: object) -> str:
    """`text` as literal Markdown inline text: no link, image, emphasis, HTML or table syntax."""
    escaped = _MARKDOWN_SYNTAX.sub(r"\\\1", terminal(text))
    return _BARE_LINK.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", escaped)


# XML 1.0 forbids C0 controls other than tab, newline and carriage return, U+FFFE, U+FFFF and
# surrogates (an SVG holding one is not a document at all); they are shown as escapes.
_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: object) -> str:
    """`text` for an XML or HTML text node or attribute value (SVG labels, HTML cells)."""
    visible = _XML_FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", str(text))
    return html.escape(visible, quote=True)


def json_for_script(data: Any) -> str:
    """`data` as JSON to embed in an HTML `<script>` element: no `<`, `>` or `&` in the text."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def toml_string(text: object) -> str:
    """`text` as a quoted TOML basic string (JSON's escapes are TOML's; DEL escaped too)."""
    return json.dumps(str(text), ensure_ascii=True).replace("\x7f", "\\u007f")
