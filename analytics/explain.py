"""`explain ID`: why one prediction or training costs what it costs, step by step.

The record's facts (model, version, deployment, status, seconds or units), where its hardware came
from (a deployment release observed at a time, the pricing file's line, or the shipped public-model
map with its source), the price row in effect at its `created_at` with its effective date and
source, the arithmetic and its one rounding, and the kind (`exact`, `estimated` or `unpriced` with
its reason). Everything is read from the same cost views the reports add up, so the figure
explained is the figure reported.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb

from replicost.billing import reasons
from replicost.billing.pricing import BEGINNING, Catalog, LineIndex, load_catalog
from replicost.errors import InputError

from .reports import ConfigLike, Database, load_config, money_str, priced_connection

MICRO = Decimal("0.000001")
_RECORD = """
SELECT kind, id, account, model, version, deployment, status, created_at, predict_time, seconds,
       seconds_estimated, hardware, basis, cost_usd, cost_kind, reason, reason_code, reason_subject,
       billing_note, map_source,
       image_count, input_token_count, output_token_count, image_price, input_token_price,
       output_token_price, unit_price, unit_detail, unpriced_low_usd, unpriced_high_usd, quarantined
FROM priced_records WHERE id = ?
"""
_RELEASE = """
SELECT origin, hardware, effective_from FROM replicost_deployment_timeline
WHERE deployment = $deployment AND effective_from <= $at AND $at < effective_to
ORDER BY effective_from DESC LIMIT 1
"""
_PRICE = """
SELECT usd_per_second, effective_from, source FROM replicost_hardware_price
WHERE sku = $sku AND effective_from <= $at AND $at < effective_to
"""


def explain(
    db: Database,
    record_id: str,
    *,
    pricing_file: str | Path | None = None,
    config: ConfigLike = None,
) -> dict[str, Any]:
    """The explanation of one record as plain data (the CLI prints it as text or JSON)."""
    config = load_config(config)
    catalog = load_catalog(pricing_file, config=config)
    with priced_connection(db, pricing_file=pricing_file, config=config) as con:
        cursor = con.execute(_RECORD, [record_id])
        row = cursor.fetchone()
        if row is None:
            raise InputError(f"no prediction or training with id {record_id!r} in the database")
        record = dict(zip([c[0] for c in cursor.description], row, strict=True))
        hardware = _hardware_origin(con, record, pricing_file, config.pricing)
        price = _price_row(con, record)
    return _assemble(record, hardware, price, catalog)


def _hardware_origin(
    con: duckdb.DuckDBPyConnection,
    record: dict[str, Any],
    pricing_file: str | Path | None,
    config_pricing: Path | None,
) -> dict[str, Any] | None:
    if record["basis"] == "per_unit" or record["hardware"] is None and not record["deployment"]:
        return None
    if record["deployment"]:
        found = con.execute(
            _RELEASE, {"deployment": record["deployment"], "at": record["created_at"]}
        ).fetchone()
        if found is None:
            return None
        origin, sku, since = found
        where = (
            f"deployment {record['deployment']} {origin}, in effect from {since.isoformat()}"
            if origin.startswith("release")
            else f'pricing file [deployments] "{record["deployment"]}"'
        )
        return {"hardware": sku, "from": where}
    if record["map_source"]:
        return {
            "hardware": record["hardware"],
            "from": f"shipped public-model map: {record['map_source']}",
        }
    path = pricing_file or config_pricing
    ref = f"{record['model']}:{record['version']}"
    line = 0
    if path is not None:
        index = LineIndex(Path(path).read_text(encoding="utf-8"))
        line = index.paths.get(("models", ref)) or index.paths.get(("models", record["model"]), 0)
    where = f"{path}:{line} [models]" if path else "config file [models]"
    return {"hardware": record["hardware"], "from": where}


def _price_row(con: duckdb.DuckDBPyConnection, record: dict[str, Any]) -> dict[str, Any] | None:
    if record["basis"] != "per_second":
        return None
    found = con.execute(_PRICE, {"sku": record["hardware"], "at": record["created_at"]}).fetchone()
    if found is None:
        return None
    usd, since, source = found
    effective = None if since.year <= 1 else since.date().isoformat()
    return {
        "usd_per_second": format(usd.normalize(), "f"),
        "effective_from": effective,
        "source": source,
    }


def _iso(moment: datetime | str | None) -> str | None:
    """A stored instant as text. DuckDB hands over an instant Python cannot hold (a year past
    9999 or before 1) as its own text: explain prints what it can rather than fail on it."""
    return moment.isoformat() if isinstance(moment, datetime) else moment


def _in_effect(effective_from: datetime, created_at: datetime | str) -> bool:
    if isinstance(created_at, datetime):
        return effective_from <= created_at
    # text: outside Python's years; after every price date unless it is before year 1
    return not created_at.startswith("-")


def _billed_units(record: dict[str, Any]) -> list[tuple[str, Decimal, Decimal]]:
    """(unit, count, USD per unit) of a record priced per output, from its `unit_detail`
    ("output_video_second 8.0 x 0.150000000000; run 1.0 x 0.04...")."""
    out = []
    for part in (record.get("unit_detail") or "").split("; "):
        unit, _, rest = part.partition(" ")
        count, _, usd = rest.partition(" x ")
        if unit and count and usd:
            out.append((unit, Decimal(count), Decimal(usd)))
    return out


def _unit_sources(catalog: Catalog, record: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    applied = {unit: usd for unit, _, usd in _billed_units(record)}
    for (model, unit), history in sorted(catalog.units.items()):
        if model != record["model"] or record["created_at"] is None:
            continue
        in_effect = [r for r in history if _in_effect(r.effective_from, record["created_at"])]
        # rows that differ by conditions on the input: the one whose price the record was billed at
        in_effect = [r for r in in_effect if applied.get(unit, r.usd_per_unit) == r.usd_per_unit]
        if in_effect:
            row = in_effect[-1]
            out.append({
                "unit": unit,
                "usd_per_unit": format(row.usd_per_unit, "f"),
                "effective_from": None if row.effective_from == BEGINNING else row.effective_from.date().isoformat(),
                "source": row.source,
            })  # fmt: skip
    return out


def _arithmetic(record: dict[str, Any], price: dict[str, Any] | None) -> str | None:
    if record["basis"] == "per_second" and price:
        seconds = Decimal(repr(record["seconds"])).quantize(MICRO)
        exact = seconds * Decimal(price["usd_per_second"])
        return (
            f"{seconds} s x ${price['usd_per_second']}/s = ${exact.normalize():f}, rounded half up "
            f"to micro-dollars: ${money_str(exact.quantize(MICRO, ROUND_HALF_UP))}"
        )
    if record["basis"] == "per_unit":
        parts, exact = [], Decimal(0)
        for unit, count, usd in _billed_units(record):
            if count:
                parts.append(f"{count.normalize():f} {unit} x ${usd.normalize():f}")
                exact += count * usd
        if not parts:
            return "no output counted: nothing billed"
        return (
            f"{' + '.join(parts)} = ${exact.normalize():f}, rounded half up to micro-dollars: "
            f"${money_str(exact.quantize(MICRO, ROUND_HALF_UP))}"
        )
    return None


def _assemble(
    record: dict[str, Any],
    hardware: dict[str, Any] | None,
    price: dict[str, Any] | None,
    catalog: Catalog,
) -> dict[str, Any]:
    unpriced = record["cost_kind"] == "unpriced"
    return {
        "id": record["id"],
        "kind": record["kind"],
        "facts": {
            "model": record["model"],
            "version": record["version"],
            "deployment": record["deployment"],
            "status": record["status"],
            "created_at": _iso(record["created_at"]),
            "predict_time": record["predict_time"],
            "billed_seconds": record["seconds"],
            "seconds_from_timestamps": bool(record["seconds_estimated"]),
            "units": {
                "image_count": record["image_count"],
                "input_token_count": record["input_token_count"],
                "output_token_count": record["output_token_count"],
            },
            "quarantined": bool(record["quarantined"]),
        },
        "hardware": hardware,
        "price": price,
        "unit_prices": _unit_sources(catalog, record) if record["basis"] == "per_unit" else [],
        "arithmetic": _arithmetic(record, price),
        "cost_usd": None if unpriced else money_str(record["cost_usd"]),
        "cost_kind": record["cost_kind"],
        "reason": record["reason"],
        "reason_code": record["reason_code"],
        "fix": reasons.fix(record["reason_code"], record["reason_subject"])
        if record["reason_code"]
        else None,
        "note": record["billing_note"],
        "unpriced_cost_usd": (
            {
                "low": money_str(record["unpriced_low_usd"]),
                "high": money_str(record["unpriced_high_usd"]),
            }
            if unpriced and record["unpriced_high_usd"] is not None
            else None
        ),
    }


def as_text(explained: dict[str, Any]) -> list[str]:
    """The explanation as lines for a terminal."""
    facts = explained["facts"]
    lines = [
        f"{explained['kind']} {explained['id']}: {facts['status']}, created {facts['created_at']}",
        f"  model {facts['model']}  version {facts['version']}"
        + (f"  deployment {facts['deployment']}" if facts["deployment"] else ""),
    ]
    if facts["billed_seconds"] is not None:
        origin = (
            " (completed_at - started_at: no predict_time)"
            if facts["seconds_from_timestamps"]
            else ""
        )
        lines.append(f"  seconds {facts['billed_seconds']}{origin}")
    units = {k: v for k, v in facts["units"].items() if v is not None}
    if units:
        lines.append("  units " + ", ".join(f"{k}={v}" for k, v in units.items()))
    if explained["hardware"]:
        lines.append(
            f"  hardware {explained['hardware']['hardware']} from {explained['hardware']['from']}"
        )
    if explained["price"]:
        price = explained["price"]
        since = f"from {price['effective_from']}" if price["effective_from"] else "always"
        lines.append(f"  price ${price['usd_per_second']}/s ({since}; {price['source']})")
    for unit in explained["unit_prices"]:
        since = f"from {unit['effective_from']}" if unit["effective_from"] else "always"
        lines.append(
            f"  price ${unit['usd_per_unit']} per {unit['unit']} ({since}; {unit['source']})"
        )
    if explained["arithmetic"]:
        lines.append(f"  {explained['arithmetic']}")
    cost = f"${explained['cost_usd']}" if explained["cost_usd"] is not None else "unpriced"
    lines.append(f"  cost {cost} ({explained['cost_kind']})")
    if explained["reason"]:
        lines.append(f"  reason: {explained['reason']}")
        if explained["fix"]:
            lines.append("  fix (pricing file): " + " / ".join(explained["fix"].splitlines()))
    if explained["unpriced_cost_usd"]:
        r = explained["unpriced_cost_usd"]
        lines.append(f"  could cost ${r['low']} to ${r['high']} (cheapest to dearest hardware)")
    if explained["note"]:
        lines.append(f"  note: {explained['note']}")
    return lines
