"""Price catalog: the shipped, effective-dated prices merged with the user's overrides.

Replicate's API carries no price and no hardware, so every dollar replicost reports comes from this
catalog. The shipped file (`catalog.toml`, package data) holds per-second hardware prices and per-unit
prices of official models, each row with the date it takes effect and the source it was read from.
A user's pricing file (`--pricing FILE`, or `pricing = "FILE"` in the config file, or the same
sections written directly in the config file) uses the same shape and is merged over it.

File shape (shipped catalog and user file alike):

    [hardware]                      # SKU = USD per second, in effect since the beginning of time
    "gpu-a40-large" = 0.000725
    "gpu-l40s" = [                  # or a dated list; each row is in effect until the next one
      { usd_per_second = 0.000972 },
      { usd_per_second = 0.000975, effective_from = 2025-01-01, source = "..." },
    ]
    [[hardware_prices]]             # the same, one row per table: sku, usd_per_second, effective_from
    sku = "gpu-t4"
    usd_per_second = 0.000225

    [models]                        # "owner/name" or "owner/name:version" = the SKU it runs on
    "acme/private-upscaler" = "gpu-a100-large"

    [units."black-forest-labs/flux-schnell"]    # per-unit prices of an official model
    image = 0.003                               # units: image, input_token, output_token
    [units."meta/meta-llama-3-8b-instruct"]     # token prices may be given per million tokens;
    input_token_per_million = 0.05              # they are stored per token, exactly (0.05 / 10^6)
    output_token = [{ usd_per_unit = 0.00000025, effective_from = 2024-04-18 }]

    [deployments]                   # hardware of a deployment before its earliest observed release
    "acme/upscaler" = "gpu-l40s"    # a plain SKU, or a dated list of {hardware, effective_from,
    "acme/chat" = [{ hardware = "gpu-a100-large", effective_from = 2025-03-01, min_instances = 1 }]

Merge rule: the user's entry for a key replaces the shipped entry for that key as a whole (a SKU's
whole price history, one unit of one model, one model-map key, one deployment's history). Dates are
TOML dates or ISO strings, read as UTC; a row without `effective_from` is in effect from the
beginning of time. Prices are read as exact decimals (never floats) and kept to 12 decimal places.

Hardware SKUs are normalized: case and surrounding spaces are ignored, and both spellings Replicate
uses for multi-GPU hardware (`gpu-l40s-2x` and `gpu-2x-l40s`) become `gpu-l40s-2x`. A multiple without
its own price costs N times the base SKU's price in effect at the same time.

Line numbers: `tomllib` reports them for syntax errors only, so `validate` finds the line of a bad
value by scanning the text itself: it follows the `[table]` / `[[array]]` headers and `key =` lines
to map each key path to the line where it is written, and for a field inside an inline list of tables
(`"gpu-l40s" = [{...}, {...}]`) takes the n-th occurrence of `field =` after that key's line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from replicost.errors import InputError

TOO_DEEP = "arrays or tables nested too deeply to read"
PRICE_DECIMALS = 12
MAX_PRICE_USD = Decimal(10_000)  # per second or per unit; anything above is a typo, not a price
MAX_MULTIPLE = 16  # derived multiples priced for gpu-*-2x .. gpu-*-16x
BEGINNING = datetime(1, 1, 1, tzinfo=UTC)  # stands for "since the beginning of time"

# unit name in the file -> (unit stored, divisor applied to the price)
UNIT_SPELLINGS = {
    "image": ("image", Decimal(1)),
    "input_token": ("input_token", Decimal(1)),
    "output_token": ("output_token", Decimal(1)),
    "input_token_per_million": ("input_token", Decimal(1_000_000)),
    "output_token_per_million": ("output_token", Decimal(1_000_000)),
}
UNITS = ("image", "input_token", "output_token")
# the prediction column that counts each unit (from the prediction's metrics)
UNIT_COUNT_COLUMNS = {
    "image": "image_count",
    "input_token": "input_token_count",
    "output_token": "output_token_count",
}

PRICING_KEYS = ("hardware", "hardware_prices", "models", "units", "deployments")
CATALOG_KEYS = (*PRICING_KEYS, "meta")
HARDWARE_ROW_KEYS = {"sku", "usd_per_second", "effective_from", "source", "note"}
UNIT_ROW_KEYS = {"usd_per_unit", "effective_from", "source", "note"}
DEPLOYMENT_ROW_KEYS = {"hardware", "effective_from", "min_instances", "source", "note"}

_MULTIPLE_INFIX = re.compile(r"^gpu-(\d+)x-(.+)$")  # gpu-2x-h100
_MULTIPLE_SUFFIX = re.compile(r"^(.+)-(\d+)x$")  # gpu-h100-2x
# \Z, not $: `$` also matches before a trailing newline, which would let "acme/x\n" through
_MODEL_REF = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+(:[\w.-]+)?\Z")
_DEPLOYMENT_REF = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+\Z")
# control characters (newline, carriage return, escape...) a key may hold once TOML unescapes it
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


# --------------------------------------------------------------------------- hardware SKUs


def split_sku(sku: str) -> tuple[str, int]:
    """Split a hardware SKU, in either spelling, into its base SKU and its multiple."""
    text = sku.strip().lower()
    match = _MULTIPLE_INFIX.match(text)
    if match:
        return f"gpu-{match.group(2)}", int(match.group(1))
    match = _MULTIPLE_SUFFIX.match(text)
    if match:
        return match.group(1), int(match.group(2))
    return text, 1


def canonical_sku(sku: str) -> str:
    """The one spelling replicost uses for a SKU: `gpu-2x-h100` and `GPU-H100-2X` -> `gpu-h100-2x`."""
    base, multiple = split_sku(sku)
    return base if multiple == 1 else f"{base}-{multiple}x"


# --------------------------------------------------------------------------- the catalog


@dataclass(frozen=True)
class HardwarePrice:
    """USD per second of one SKU from `effective_from` until the next row of the same SKU."""

    sku: str
    usd_per_second: Decimal
    effective_from: datetime = BEGINNING
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class UnitPrice:
    """USD per unit (image, input or output token) of one official model."""

    model: str
    unit: str
    usd_per_unit: Decimal
    effective_from: datetime = BEGINNING
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class DeploymentHardware:
    """Hardware of a deployment from `effective_from`, supplied by the pricing file."""

    deployment: str
    hardware: str
    effective_from: datetime = BEGINNING
    min_instances: int = 0
    source: str = ""


@dataclass
class Catalog:
    """The merged price catalog: what `costs.install` loads into the database."""

    hardware: dict[str, list[HardwarePrice]] = field(default_factory=dict)
    units: dict[tuple[str, str], list[UnitPrice]] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)
    deployments: dict[str, list[DeploymentHardware]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    layers: list[str] = field(default_factory=list)  # files merged, shipped catalog first
    warnings: list[Problem] = field(default_factory=list)

    def merge(self, other: Catalog) -> Catalog:
        """A new catalog with `other`'s entries replacing this one's, key by key."""
        return Catalog(
            hardware={**self.hardware, **other.hardware},
            units={**self.units, **other.units},
            models={**self.models, **other.models},
            deployments={**self.deployments, **other.deployments},
            meta={**self.meta, **other.meta},
            layers=[*self.layers, *other.layers],
            warnings=[*self.warnings, *other.warnings],
        )

    def hardware_rows(self, skus: Iterable[str] = ()) -> list[HardwarePrice]:
        """Every price row, plus derived rows for multiples of priced base SKUs.

        Multiples `-2x` .. `-16x` of every base SKU are derived unless priced explicitly, and so is
        any canonical SKU in `skus` whose base is priced.
        """
        rows = [row for history in self.hardware.values() for row in history]
        wanted = set()
        for base in self.hardware:
            if split_sku(base)[1] == 1:
                wanted.update(f"{base}-{n}x" for n in range(2, MAX_MULTIPLE + 1))
        wanted.update(canonical_sku(sku) for sku in skus)
        for sku in sorted(wanted - set(self.hardware)):
            base, multiple = split_sku(sku)
            if multiple == 1 or base not in self.hardware:
                continue
            rows.extend(
                HardwarePrice(
                    sku=sku,
                    usd_per_second=row.usd_per_second * multiple,
                    effective_from=row.effective_from,
                    source=f"{multiple} x {base}",
                )
                for row in self.hardware[base]
            )
        return rows

    def price_at(self, sku: str, when: datetime) -> Decimal | None:
        """USD per second of `sku` at `when` (None when unknown): the rule the SQL implements."""
        sku = canonical_sku(sku)
        candidates = [row for row in self.hardware_rows([sku]) if row.sku == sku]
        in_effect = [row for row in candidates if row.effective_from <= when]
        if not in_effect:
            return None
        return max(in_effect, key=lambda row: row.effective_from).usd_per_second

    def knows_sku(self, sku: str) -> bool:
        return canonical_sku(sku) in self.hardware or split_sku(sku)[0] in self.hardware


# --------------------------------------------------------------------------- problems and lines


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


def printable(text: str) -> str:
    """`text` with control characters escaped (`\\n`, `\\x1b`): a problem stays one line, and a key
    written as "\\u001b[31m" in a file cannot recolour or rewrite the user's terminal."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


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


# --------------------------------------------------------------------------- parsing


class _Reader:
    """Reads one parsed TOML document into a Catalog, collecting every problem with its line."""

    def __init__(self, text: str, label: str, require_source: bool) -> None:
        self.label = label
        self.lines = LineIndex(text)
        self.require_source = require_source
        self.problems: list[Problem] = []

    def error(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.label, self.lines.line_of(path), message))

    def warn(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.label, self.lines.line_of(path), message, "warning"))

    # ---- values

    def price(
        self, value: Any, path: tuple, what: str, divisor: Decimal = Decimal(1)
    ) -> Decimal | None:
        name = ".".join(str(part) for part in path)
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            shown = f"'{value}'" if isinstance(value, str) else type(value).__name__
            hint = " (write it without quotes)" if isinstance(value, str) else ""
            self.error(path, f"{name}: {what} must be a number, got {shown}{hint}")
            return None
        number = Decimal(value) if isinstance(value, int) else Decimal(str(value))
        if not number.is_finite():
            self.error(path, f"{name}: {what} must be a finite number, got {value}")
            return None
        if number < 0:
            self.error(path, f"{name}: {what} must not be negative, got {value}")
            return None
        if number > MAX_PRICE_USD * divisor:
            self.error(
                path, f"{name}: {what} {value} is implausibly large (over USD {MAX_PRICE_USD})"
            )
            return None
        number = number / divisor
        if number != number.quantize(Decimal(1).scaleb(-PRICE_DECIMALS), rounding="ROUND_HALF_UP"):
            self.error(
                path,
                f"{name}: {what} {value} has more than {PRICE_DECIMALS} decimal places per unit",
            )
            return None
        return number.normalize() if number else Decimal(0)

    def when(self, value: Any, path: tuple) -> datetime | None:
        name = ".".join(str(part) for part in path)
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        if isinstance(value, date):
            return datetime.combine(value, time(0), tzinfo=UTC)
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                self.error(path, f"{name}: '{value}' is not a date (write YYYY-MM-DD)")
                return None
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        self.error(
            path, f"{name}: effective_from must be a date (YYYY-MM-DD), got {type(value).__name__}"
        )
        return None

    def text(self, value: Any, path: tuple, what: str) -> str | None:
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.error(path, f"{'.'.join(str(p) for p in path)}: {what} must be a non-empty string")
        return None

    def unknown_keys(self, row: dict, allowed: set[str], path: tuple) -> None:
        for key in row:
            if key not in allowed:
                self.error(
                    (*path, key),
                    f"unknown key '{key}' (expected one of: {', '.join(sorted(allowed))})",
                )

    def rows(self, value: Any, path: tuple, scalar_key: str) -> list[tuple[tuple, dict]] | None:
        """A plain value, one table, or a list of tables -> [(path, row dict)]."""
        if isinstance(value, list):
            if not value:
                self.error(path, f"{path[-1]}: empty list")
                return None
            out = []
            for index, row in enumerate(value):
                if not isinstance(row, dict):
                    self.error(
                        (*path, index),
                        f"{path[-1]}: list entries must be tables like {{{scalar_key} = ...}}",
                    )
                    continue
                out.append(((*path, index), row))
            return out
        if isinstance(value, dict):
            return [(path, value)]
        return [(path, {scalar_key: value, "_plain": True})]

    def dated(self, entries: list, path: tuple) -> list:
        """Sort rows by effective_from and refuse two rows taking effect at the same moment."""
        entries = sorted(entries, key=lambda entry: entry.effective_from)
        for before, after in zip(entries, entries[1:], strict=False):
            if before.effective_from == after.effective_from:
                self.error(
                    path, f"{path[-1]}: two rows take effect at {after.effective_from.date()}"
                )
        return entries

    # ---- sections

    def read(self, data: dict, extra_keys: Iterable[str] = ()) -> Catalog:
        catalog = Catalog(layers=[self.label])
        allowed = set(CATALOG_KEYS if self.require_source else PRICING_KEYS) | set(extra_keys)
        for key in data:
            if key not in allowed:
                self.error(
                    (key,), f"unknown key '{key}' (expected one of: {', '.join(sorted(allowed))})"
                )
        for key, reader in (
            ("hardware", self.read_hardware),
            ("hardware_prices", self.read_hardware_prices),
            ("models", self.read_models),
            ("units", self.read_units),
            ("deployments", self.read_deployments),
        ):
            if key in data:
                reader(data[key], catalog)
        if isinstance(data.get("meta"), dict) and "meta" in allowed:
            catalog.meta = dict(data["meta"])
        return catalog

    def section(self, value: Any, key: str, shape: str) -> dict | None:
        if isinstance(value, dict):
            return value
        self.error((key,), f"{key} must be a table ({shape})")
        return None

    def read_hardware(self, value: Any, catalog: Catalog) -> None:
        table = self.section(value, "hardware", '"sku" = USD per second')
        for sku, entry in (table or {}).items():
            path = ("hardware", sku)
            rows = self.rows(entry, path, "usd_per_second")
            if rows is None:
                continue
            history = [
                price for row_path, row in rows if (price := self.hardware_row(row, row_path, sku))
            ]
            if history and len(history) == len(rows):
                self.add_hardware(catalog, canonical_sku(sku), history, path)

    def read_hardware_prices(self, value: Any, catalog: Catalog) -> None:
        if not isinstance(value, list):
            self.error(
                ("hardware_prices",),
                "hardware_prices must be a list of tables ([[hardware_prices]])",
            )
            return
        by_sku: dict[str, list] = {}
        for index, row in enumerate(value):
            path = ("hardware_prices", index)
            if not isinstance(row, dict):
                self.error(path, "hardware_prices entries must be tables")
                continue
            sku = self.text(row.get("sku"), (*path, "sku"), "sku")
            if sku and (price := self.hardware_row(row, path, sku)):
                by_sku.setdefault(canonical_sku(sku), []).append(price)
        for sku, history in by_sku.items():
            self.add_hardware(catalog, sku, history, ("hardware_prices",))

    def add_hardware(self, catalog: Catalog, sku: str, history: list, path: tuple) -> None:
        if sku in catalog.hardware:
            self.error(
                path,
                f"hardware {sku} is priced twice in this file (spellings of one SKU count as one)",
            )
            return
        catalog.hardware[sku] = self.dated(history, path)

    def hardware_row(self, row: dict, path: tuple, sku: str) -> HardwarePrice | None:
        plain = row.pop("_plain", False)
        if not plain:
            self.unknown_keys(row, HARDWARE_ROW_KEYS, path)
        if "usd_per_second" not in row:
            self.error(path, f"hardware {sku}: missing usd_per_second")
            return None
        price_path = path if plain else (*path, "usd_per_second")
        price = self.price(row["usd_per_second"], price_path, "USD per second")
        effective = BEGINNING
        if "effective_from" in row:
            effective = self.when(row["effective_from"], (*path, "effective_from"))
        source = self.source(row, path, f"hardware {sku}")
        if price is None or effective is None:
            return None
        return HardwarePrice(canonical_sku(sku), price, effective, source, str(row.get("note", "")))

    def source(self, row: dict, path: tuple, what: str) -> str:
        source = row.get("source", "")
        if not isinstance(source, str):
            self.error((*path, "source"), f"{what}: source must be a string")
            return ""
        if self.require_source and not source.strip():
            self.error(path, f"{what}: every shipped price needs a source")
        return source.strip() or self.label

    def read_models(self, value: Any, catalog: Catalog) -> None:
        table = self.section(value, "models", '"owner/name" = "hardware SKU"')
        for ref, sku in (table or {}).items():
            path = ("models", ref)
            if not _MODEL_REF.match(ref):
                self.error(path, f"models: '{ref}' is not owner/name or owner/name:version")
                continue
            if not isinstance(sku, str) or not sku.strip():
                self.error(path, f'models.{ref}: expected a hardware SKU string like "gpu-l40s"')
                continue
            catalog.models[ref] = canonical_sku(sku)

    def read_units(self, value: Any, catalog: Catalog) -> None:
        table = self.section(value, "units", '[units."owner/name"] image = USD')
        for model, prices in (table or {}).items():
            path = ("units", model)
            if not _MODEL_REF.match(model) or ":" in model:
                self.error(path, f"units: '{model}' is not owner/name")
                continue
            if not isinstance(prices, dict):
                self.error(
                    path,
                    f"units.{model} must be a table of unit = USD (units: {', '.join(UNIT_SPELLINGS)})",
                )
                continue
            for spelled, entry in prices.items():
                unit_path = (*path, spelled)
                if spelled not in UNIT_SPELLINGS:
                    self.error(
                        unit_path,
                        f"unknown unit '{spelled}' for {model} (known units: {', '.join(UNIT_SPELLINGS)})",
                    )
                    continue
                unit, divisor = UNIT_SPELLINGS[spelled]
                if (model, unit) in catalog.units:
                    self.error(unit_path, f"units.{model}: {unit} is priced twice")
                    continue
                rows = self.rows(entry, unit_path, "usd_per_unit")
                if rows is None:
                    continue
                history = []
                for row_path, row in rows:
                    plain = row.pop("_plain", False)
                    if not plain:
                        self.unknown_keys(row, UNIT_ROW_KEYS, row_path)
                    if "usd_per_unit" not in row:
                        self.error(row_path, f"units.{model}.{spelled}: missing usd_per_unit")
                        continue
                    price = self.price(
                        row["usd_per_unit"],
                        row_path if plain else (*row_path, "usd_per_unit"),
                        f"USD per {spelled.removesuffix('_per_million')}"
                        + (" per million" if divisor != 1 else ""),
                        divisor,
                    )
                    effective = BEGINNING
                    if "effective_from" in row:
                        effective = self.when(row["effective_from"], (*row_path, "effective_from"))
                    source = self.source(row, row_path, f"units.{model}.{spelled}")
                    if price is not None and effective is not None:
                        history.append(
                            UnitPrice(
                                model, unit, price, effective, source, str(row.get("note", ""))
                            )
                        )
                if history and len(history) == len(rows):
                    catalog.units[(model, unit)] = self.dated(history, unit_path)

    def read_deployments(self, value: Any, catalog: Catalog) -> None:
        table = self.section(value, "deployments", '"owner/name" = "hardware SKU"')
        for name, entry in (table or {}).items():
            path = ("deployments", name)
            if not _DEPLOYMENT_REF.match(name):
                self.error(path, f"deployments: '{name}' is not owner/name")
                continue
            rows = self.rows(entry, path, "hardware")
            if rows is None:
                continue
            history = []
            for row_path, row in rows:
                plain = row.pop("_plain", False)
                if not plain:
                    self.unknown_keys(row, DEPLOYMENT_ROW_KEYS, row_path)
                sku = self.text(
                    row.get("hardware"), row_path if plain else (*row_path, "hardware"), "hardware"
                )
                effective = BEGINNING
                if "effective_from" in row:
                    effective = self.when(row["effective_from"], (*row_path, "effective_from"))
                min_instances = row.get("min_instances", 0)
                if (
                    isinstance(min_instances, bool)
                    or not isinstance(min_instances, int)
                    or not 0 <= min_instances <= 1000
                ):
                    self.error(
                        (*row_path, "min_instances"),
                        f"deployments.{name}: min_instances must be a whole number from 0 to 1000",
                    )
                    continue
                if sku and effective is not None:
                    history.append(
                        DeploymentHardware(
                            name,
                            canonical_sku(sku),
                            effective,
                            min_instances,
                            str(row.get("source", "")),
                        )
                    )
            if history and len(history) == len(rows):
                catalog.deployments[name] = self.dated(history, path)


def parse_toml(text: str, label: str) -> dict:
    """Parse TOML with exact decimals; a syntax error becomes a one-line InputError with its line."""
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{label}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise InputError(f"{label}: not valid TOML: {TOO_DEEP}") from None


def read_text(path: str | Path) -> str:
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"pricing file {path} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a pricing file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read pricing file {path}: {getattr(exc, 'strerror', None) or exc}"
        ) from None


def parse_pricing(
    data: dict, text: str, label: str, *, extra_keys: Iterable[str] = (), shipped: bool = False
) -> tuple[Catalog, list[Problem]]:
    """Read pricing sections from parsed TOML; returns the layer and every problem found."""
    reader = _Reader(text, label, require_source=shipped)
    catalog = reader.read(data, extra_keys)
    return catalog, reader.problems


def _syntax_problem(label: str, exc: tomllib.TOMLDecodeError) -> Problem:
    match = re.search(r"at line (\d+)", str(exc))
    return Problem(label, int(match.group(1)) if match else 0, f"not valid TOML: {exc}")


def shipped_catalog() -> Catalog:
    """The catalog shipped in the package (catalog.toml), with a source on every price."""
    text = (
        resources.files("replicost.analytics").joinpath("catalog.toml").read_text(encoding="utf-8")
    )
    catalog, problems = parse_pricing(
        parse_toml(text, "catalog.toml"), text, "catalog.toml", shipped=True
    )
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:  # a packaging bug, but say where
        raise InputError(f"shipped price catalog is invalid: {errors[0]}")
    catalog.layers = ["shipped catalog"]
    return catalog


def _unknown_sku_warnings(merged: Catalog, layer: Catalog, text: str, label: str) -> list[Problem]:
    lines = LineIndex(text)
    warnings = []
    for ref, sku in layer.models.items():
        if not merged.knows_sku(sku):
            warnings.append(
                Problem(
                    label,
                    lines.line_of(("models", ref)),
                    f"models.{ref}: hardware {sku} has no price; add it under [hardware]",
                    "warning",
                )
            )
    for name, history in layer.deployments.items():
        for row in history:
            if not merged.knows_sku(row.hardware):
                warnings.append(
                    Problem(
                        label,
                        lines.line_of(("deployments", name)),
                        f"deployments.{name}: hardware {row.hardware} has no price; add it under [hardware]",
                        "warning",
                    )
                )
    return warnings


def validate_text(text: str, label: str, *, extra_keys: Iterable[str] = ()) -> list[Problem]:
    """Every problem of a pricing file's text (errors and warnings), in line order."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        return [_syntax_problem(label, exc)]
    except RecursionError:
        return [Problem(label, 0, f"not valid TOML: {TOO_DEEP}")]
    layer, problems = parse_pricing(data, text, label, extra_keys=extra_keys)
    problems += _unknown_sku_warnings(shipped_catalog().merge(layer), layer, text, label)
    return sorted(problems, key=lambda problem: problem.line)


def validate_file(path: str | Path) -> list[Problem]:
    """Every problem of a pricing file, each with its line number."""
    return validate_text(read_text(path), str(path))


def load_layer(path: str | Path) -> Catalog:
    """Read one pricing file; refuse it (InputError naming file and line) if it has any error."""
    text = read_text(path)
    data = parse_toml(text, str(path))
    layer, problems = parse_pricing(data, text, str(path))
    raise_on_errors(problems, str(path))
    layer.warnings = [problem for problem in problems if problem.severity == "warning"]
    return layer


def raise_on_errors(problems: list[Problem], label: str) -> None:
    errors = sorted(
        (problem for problem in problems if problem.severity == "error"), key=lambda p: p.line
    )
    if errors:
        more = (
            f" (and {len(errors) - 1} more; run `replicost pricing validate {label}`)"
            if len(errors) > 1
            else ""
        )
        raise InputError(f"{errors[0]}{more}")


def load_catalog(pricing_file: str | Path | None = None, config: Any = None) -> Catalog:
    """The shipped catalog merged with the config file's pricing sections, then the pricing file.

    `config` is a `replicost.config.Config`, or None to read the default config file (if any).
    The pricing file is `pricing_file` when given, else the config's `pricing` setting.
    Precedence, lowest first: shipped catalog, sections written in the config, the pricing file.
    """
    from replicost.config import Config, load_config

    if config is None:
        config = load_config()
    catalog = shipped_catalog()
    if isinstance(config, Config) and config.pricing_overrides is not None:
        catalog = catalog.merge(config.pricing_overrides)
    path = pricing_file if pricing_file is not None else getattr(config, "pricing", None)
    if path is not None:
        layer = load_layer(path)
        catalog = catalog.merge(layer)
        catalog.warnings += _unknown_sku_warnings(catalog, layer, read_text(path), str(path))
    return catalog


def describe(catalog: Catalog) -> dict[str, Any]:
    """The merged catalog as plain data (for `pricing show` and JSON output)."""

    def day(moment: datetime) -> str | None:
        return (
            None
            if moment == BEGINNING
            else moment.date().isoformat()
            if moment.time() == time(0)
            else moment.isoformat()
        )

    return {
        "layers": list(catalog.layers),
        "hardware": [
            {
                "sku": row.sku,
                "usd_per_second": format(row.usd_per_second, "f"),
                "effective_from": day(row.effective_from),
                "source": row.source,
                "note": row.note,
            }
            for sku in sorted(catalog.hardware)
            for row in catalog.hardware[sku]
        ],
        "units": [
            {
                "model": row.model,
                "unit": row.unit,
                "usd_per_unit": format(row.usd_per_unit, "f"),
                "effective_from": day(row.effective_from),
                "source": row.source,
            }
            for key in sorted(catalog.units)
            for row in catalog.units[key]
        ],
        "models": dict(sorted(catalog.models.items())),
        "deployments": [
            {
                "deployment": row.deployment,
                "hardware": row.hardware,
                "effective_from": day(row.effective_from),
                "min_instances": row.min_instances,
            }
            for name in sorted(catalog.deployments)
            for row in catalog.deployments[name]
        ],
        "note": catalog.meta.get("note", ""),
    }
