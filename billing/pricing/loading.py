"""Loading and merging: the shipped catalog, the config file's sections, the user's pricing file.

Precedence, lowest first: shipped catalog, sections written in the config file, the pricing file.
The user's entry for a key replaces the shipped entry for that key as a whole.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from replicost.config import CONFIG_KEYS, Config, load_config
from replicost.errors import InputError
from replicost.escape import terminal
from replicost.paths import updated_catalog_path
from replicost.tomlfile import TOO_DEEP, parse_toml, read_text

from .catalog import BEGINNING, Catalog
from .lines import LineIndex, Problem
from .skus import split_sku
from .validator import _Reader


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


def catalog_from_text(text: str, label: str) -> Catalog:
    """A whole price catalog in the shipped format, refused (InputError naming the line) unless
    every row has its source and read date, `[meta] snapshot` is a date, and it prices hardware."""
    catalog, problems = parse_pricing(parse_toml(text, label), text, label, shipped=True)
    raise_on_errors(problems, label)
    snapshot = catalog.meta.get("snapshot")
    try:
        day = date.fromisoformat(str(snapshot)) if snapshot is not None else None
    except ValueError:
        day = None
    if day is None:
        raise InputError(f"{label}: [meta] snapshot must be the catalog's date (YYYY-MM-DD)")
    if not catalog.hardware or not catalog.units:
        raise InputError(
            f"{label}: not a whole catalog (it must price hardware and official models)"
        )
    catalog.origin = {"kind": "shipped", "path": None, "snapshot": day.isoformat()}
    return catalog


def packaged_catalog() -> Catalog:
    """The catalog shipped in the package (catalog.toml), with a source on every price."""
    text = resources.files("replicost.billing").joinpath("catalog.toml").read_text(encoding="utf-8")
    try:
        catalog = catalog_from_text(text, "catalog.toml")
    except InputError as exc:  # a packaging bug, but say where
        raise InputError(f"shipped price catalog is invalid: {exc}") from None
    catalog.layers = ["shipped catalog"]
    return catalog


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    """A problem with the updated catalog, said once per process on stderr (every command
    prices through here; none may price from a file it cannot trust, nor hide that it did not)."""
    if message not in _warned:
        _warned.add(message)
        print(terminal(f"warning: {message}"), file=sys.stderr)


def shipped_catalog() -> Catalog:
    """The catalog in use: the one `replicost pricing update` saved beside the config file when
    it is valid and not older than the packaged one, else the packaged one (with a warning)."""
    packaged = packaged_catalog()
    path = updated_catalog_path()
    if not path.exists() and not path.is_symlink():
        return packaged
    try:
        if not path.is_file() or path.is_symlink():
            raise InputError("not a regular file")
        updated = catalog_from_text(read_text(path, "catalog"), str(path))
    except InputError as exc:
        _warn_once(f"ignoring the updated price catalog {path} ({exc}); using the shipped one")
        return packaged
    if updated.origin["snapshot"] < packaged.origin["snapshot"]:
        _warn_once(
            f"ignoring the updated price catalog {path}: its snapshot {updated.origin['snapshot']} "
            f"is older than the shipped one's ({packaged.origin['snapshot']})"
        )
        return packaged
    updated.origin = {**updated.origin, "kind": "updated", "path": str(path)}
    updated.layers = [f"updated catalog {path}"]
    return updated


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
    shipped = shipped_catalog()
    problems += _unknown_sku_warnings(shipped.merge(layer), layer, text, label)
    problems += _unlisted_sku_warnings(shipped, shipped.merge(layer), layer, text, label)
    return sorted(problems, key=lambda problem: problem.line)


def _unlisted_sku_warnings(
    shipped: Catalog, merged: Catalog, layer: Catalog, text: str, label: str
) -> list[Problem]:
    """Priced hardware SKUs that Replicate does not list (the shipped catalog's SKUs and their
    -Nx); an unpriced one already has its own warning."""
    lines = LineIndex(text)
    listed = sorted(shipped.hardware)
    uses = [(("hardware", sku), sku) for sku in layer.hardware]
    uses += [(("models", ref), sku) for ref, sku in layer.models.items()]
    uses += [
        (("deployments", name), row.hardware)
        for name, history in layer.deployments.items()
        for row in history
    ]
    return [
        Problem(
            label,
            lines.line_of(path),
            f"{'.'.join(path)}: hardware {sku} is not a SKU Replicate lists "
            f"(listed: {', '.join(listed)}, and their -2x/-4x/-8x)",
            "warning",
        )
        for path, sku in uses
        if split_sku(sku)[0] not in shipped.hardware and merged.knows_sku(sku)
    ]


def validate_file(path: str | Path) -> list[Problem]:
    """Every problem of a pricing file, each with its line number."""
    return validate_text(read_text(path), str(path))


def load_layer(path: str | Path) -> Catalog:
    """Read one pricing file; refuse it (InputError naming file and line) if it has any error."""
    return _layer_from_text(read_text(path), str(path))


def _layer_from_text(text: str, label: str) -> Catalog:
    data = parse_toml(text, label)
    layer, problems = parse_pricing(data, text, label)
    raise_on_errors(problems, label)
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


def config_layer(config: Config) -> Catalog | None:
    """The pricing sections written in the config file, as a layer (None when it has none).

    Problems are refused here, one line naming the config file and the line (exit 2).
    """
    if not config.has_pricing:
        return None
    label = str(config.path)
    layer, problems = parse_pricing(config.raw, config.text, label, extra_keys=CONFIG_KEYS)
    raise_on_errors(problems, label)
    return layer


def load_catalog(pricing_file: str | Path | None = None, config: Config | None = None) -> Catalog:
    """The shipped catalog merged with the config file's pricing sections, then the pricing file.

    `config` is None to read the default config file (if any).
    The pricing file is `pricing_file` when given, else the config's `pricing` setting.
    Precedence, lowest first: shipped catalog, sections written in the config, the pricing file.
    """
    if config is None:
        config = load_config()
    catalog = shipped_catalog()
    layer = config_layer(config)
    if layer is not None:
        catalog = catalog.merge(layer)
    path = pricing_file if pricing_file is not None else config.pricing
    if path is not None:
        text = read_text(path)
        layer = _layer_from_text(text, str(path))
        catalog = catalog.merge(layer)
        catalog.warnings += _unknown_sku_warnings(catalog, layer, text, str(path))
    return catalog


def _shown(kind: str, text: str) -> Any:
    """A condition's typed value as JSON shows it: true/false, a number, or text."""
    if kind == "b":
        return text == "true"
    if kind == "n":
        return int(text) if text.lstrip("-").isdigit() else float(text)
    return text


def _day(moment: datetime) -> str | None:
    """An effective date as `pricing show` prints it: None for the beginning, a day at midnight."""
    if moment == BEGINNING:
        return None
    return moment.date().isoformat() if moment.time() == time(0) else moment.isoformat()


def _unit_rows(catalog: Catalog, day: Any) -> list[dict[str, Any]]:
    return [
        {
            "model": row.model,
            "unit": row.unit,
            "usd_per_unit": format(row.usd_per_unit, "f"),
            "effective_from": day(row.effective_from),
            "when": {name: [_shown(*value) for value in values] for name, values in row.when},
            "source": row.source,
            "source_kind": row.source_kind,
            "read": row.read,
            "note": row.note,
        }
        for key in sorted(catalog.units)
        for row in catalog.units[key]
    ]


def describe(catalog: Catalog) -> dict[str, Any]:
    """The merged catalog as plain data (for `pricing show` and JSON output)."""
    day = _day
    return {
        "catalog": dict(catalog.origin),
        "layers": list(catalog.layers),
        "hardware": [
            {
                "sku": row.sku,
                "usd_per_second": format(row.usd_per_second, "f"),
                "effective_from": day(row.effective_from),
                "source": row.source,
                "read": row.read,
                "note": row.note,
            }
            for sku in sorted(catalog.hardware)
            for row in catalog.hardware[sku]
        ],
        "units": _unit_rows(catalog, day),
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
        "public_models": [
            {
                "model": e.model,
                "hardware": e.hardware,
                "source": e.source,
                "read": e.read,
                "note": e.note,
            }
            for _, e in sorted(catalog.public_models.items())
        ],
        "note": catalog.meta.get("note", ""),
    }
