"""The pricing file validator: reads parsed TOML into a `Catalog`, every problem with its line.

Prices are read as exact decimals (never floats) and kept to 12 decimal places; dates are TOML
dates or ISO strings, read as UTC. Every problem found is collected (not only the first), so
`replicost pricing validate` can list them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from replicost.limits import MAX_DEPLOYMENT_INSTANCES

from .catalog import (
    BEGINNING,
    CATALOG_KEYS,
    DEPLOYMENT_ROW_KEYS,
    HARDWARE_ROW_KEYS,
    MAX_PRICE_USD,
    PRICE_DECIMALS,
    PRICING_KEYS,
    PUBLIC_MODEL_KEYS,
    SOURCE_KINDS,
    UNIT_ROW_KEYS,
    UNIT_SPELLINGS,
    Catalog,
    Condition,
    DeploymentHardware,
    HardwarePrice,
    PublicModelHardware,
    UnitPrice,
)
from .lines import LineIndex, Problem
from .skus import canonical_sku

# \Z, not $: `$` also matches before a trailing newline, which would let "acme/x\n" through
_MODEL_REF = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+(:[\w.-]+)?\Z")
_DEPLOYMENT_REF = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+\Z")
_INPUT_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}\Z")  # also written into SQL: keep it plain
_MAX_CONDITION_TEXT = 200


def _typed_value(value: Any) -> tuple[str, str] | None:
    """A condition's value, typed: ("s", text), ("b", "true"/"false"), ("n", decimal text)."""
    if isinstance(value, bool):
        return ("b", "true" if value else "false")
    if isinstance(value, int | Decimal | float):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite() or abs(number) > 10**15:
            return None
        return ("n", format(number.normalize(), "f"))
    if isinstance(value, str) and len(value) <= _MAX_CONDITION_TEXT and value.isprintable():
        return ("s", value)
    return None


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
        if "public_models" in data and "public_models" in allowed:
            self.read_public_models(data["public_models"], catalog)
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
        effective: datetime | None = BEGINNING
        if "effective_from" in row:
            effective = self.when(row["effective_from"], (*path, "effective_from"))
        source = self.source(row, path, f"hardware {sku}")
        read = "" if plain else self.read_date(row, path, f"hardware {sku}")
        if plain and self.require_source:
            self.error(path, f"hardware {sku}: every shipped price needs a source and a read date")
        if price is None or effective is None or read is None:
            return None
        note = str(row.get("note", ""))
        return HardwarePrice(canonical_sku(sku), price, effective, source, note, read)

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

    def read_public_models(self, value: Any, catalog: Catalog) -> None:
        table = self.section(value, "public_models", '[public_models."owner/name"] hardware = ...')
        for model, entry in (table or {}).items():
            path = ("public_models", model)
            if not _MODEL_REF.match(model) or ":" in model or not isinstance(entry, dict):
                self.error(
                    path,
                    f"public_models: '{model}' must be owner/name = {{hardware, source, read}}",
                )
                continue
            self.unknown_keys(entry, PUBLIC_MODEL_KEYS, path)
            sku = self.text(entry.get("hardware"), (*path, "hardware"), "hardware")
            source = self.text(entry.get("source"), (*path, "source"), "source")
            read = entry.get("read")
            if not isinstance(read, date):
                self.error(
                    (*path, "read"), f"public_models.{model}: read must be a date (YYYY-MM-DD)"
                )
                continue
            if sku and source:
                catalog.public_models[model] = PublicModelHardware(
                    model, canonical_sku(sku), source, read.isoformat(), str(entry.get("note", ""))
                )

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
                self.read_unit(model, spelled, entry, catalog)

    def read_unit(self, model: str, spelled: str, entry: Any, catalog: Catalog) -> None:
        unit_path = ("units", model, spelled)
        if spelled not in UNIT_SPELLINGS:
            self.error(
                unit_path,
                f"unknown unit '{spelled}' for {model} (known units: {', '.join(UNIT_SPELLINGS)})",
            )
            return
        unit = UNIT_SPELLINGS[spelled][0]
        if (model, unit) in catalog.units:
            self.error(unit_path, f"units.{model}: {unit} is priced twice")
            return
        rows = self.rows(entry, unit_path, "usd_per_unit")
        if rows is None:
            return
        history = [
            price
            for row_path, row in rows
            if (price := self.unit_row(model, spelled, row, row_path)) is not None
        ]
        if history and len(history) == len(rows):
            catalog.units[(model, unit)] = self.dated_variants(history, unit_path)

    def unit_row(self, model: str, spelled: str, row: dict, path: tuple) -> UnitPrice | None:
        unit, divisor = UNIT_SPELLINGS[spelled]
        what = f"units.{model}.{spelled}"
        plain = row.pop("_plain", False)
        if not plain:
            self.unknown_keys(row, UNIT_ROW_KEYS, path)
        if "usd_per_unit" not in row:
            self.error(path, f"{what}: missing usd_per_unit")
            return None
        per = {Decimal(1): "", Decimal(1_000): " per thousand", Decimal(1_000_000): " per million"}
        price = self.price(
            row["usd_per_unit"],
            path if plain else (*path, "usd_per_unit"),
            f"USD per {unit}{per[divisor]}",
            divisor,
        )
        effective: datetime | None = BEGINNING
        if "effective_from" in row:
            effective = self.when(row["effective_from"], (*path, "effective_from"))
        conditions = self.conditions(row.get("when", {}), (*path, "when"), what)
        source = self.source(row, path, what)
        kind = row.get("source_kind", "")
        if kind not in ("", *SOURCE_KINDS) or (self.require_source and not kind):
            self.error(
                (*path, "source_kind"),
                f"{what}: source_kind must be one of {', '.join(SOURCE_KINDS)}",
            )
            return None
        read = self.read_date(row, path, what)
        if price is None or effective is None or conditions is None or read is None:
            return None
        note = str(row.get("note", ""))
        return UnitPrice(model, unit, price, effective, source, note, conditions, kind, read)

    def read_date(self, row: dict, path: tuple, what: str) -> str | None:
        """The `read` date of a row as YYYY-MM-DD ("" when absent; required in the shipped file)."""
        read = row.get("read")
        if read is None and not self.require_source:
            return ""
        if isinstance(read, date) and not isinstance(read, datetime):
            return read.isoformat()
        self.error(
            (*path, "read"), f"{what}: read must be a date (YYYY-MM-DD): when the source was read"
        )
        return None

    def conditions(self, value: Any, path: tuple, what: str) -> tuple[Condition, ...] | None:
        """`when = {field = value or [values]}` as sorted (field, typed values) pairs."""
        if not isinstance(value, dict):
            self.error(path, f'{what}: when must be a table like {{ resolution = "720p" }}')
            return None
        out = []
        for field_name, wanted in value.items():
            if not _INPUT_FIELD.match(field_name):
                self.error(path, f"{what}: when: '{field_name}' is not an input field name")
                return None
            values = wanted if isinstance(wanted, list) else [wanted]
            typed = [_typed_value(item) for item in values]
            if not values or any(item is None for item in typed):
                self.error(
                    (*path, field_name),
                    f"{what}: when.{field_name} must be a string, number or true/false, "
                    "or a non-empty list of them",
                )
                return None
            out.append((field_name, tuple(sorted(set(item for item in typed if item)))))
        return tuple(sorted(out))

    def dated_variants(self, entries: list[UnitPrice], path: tuple) -> list[UnitPrice]:
        """Rows sorted by date; two rows with the same conditions may not start at one moment."""
        entries = sorted(entries, key=lambda entry: entry.effective_from)
        seen: set[tuple] = set()
        for entry in entries:
            key = (entry.when, entry.effective_from)
            if key in seen:
                self.error(
                    path,
                    f"{path[-1]}: two rows with the same conditions take effect at "
                    f"{entry.effective_from.date()}",
                )
            seen.add(key)
        return entries

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
                effective: datetime | None = BEGINNING
                if "effective_from" in row:
                    effective = self.when(row["effective_from"], (*row_path, "effective_from"))
                min_instances = row.get("min_instances", 0)
                if (
                    isinstance(min_instances, bool)
                    or not isinstance(min_instances, int)
                    or not 0 <= min_instances <= MAX_DEPLOYMENT_INSTANCES
                ):
                    self.error(
                        (*row_path, "min_instances"),
                        f"deployments.{name}: min_instances must be a whole number from 0 to "
                        f"{MAX_DEPLOYMENT_INSTANCES}",
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
