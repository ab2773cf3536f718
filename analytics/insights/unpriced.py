"""Unpriced gap: the largest groups of finished records without a price, and the line fixing each.

Unpriced records are never in a sum and never $0: each group (one reason, which names the model,
deployment or hardware it is about) says how many records and predict seconds it holds and the
range they could cost, from the cheapest to the dearest SKU the catalog lists (single-GPU prices:
a record that ran on a multi-GPU SKU could cost more). The dollars are the top of that range, a
bound. Records still running are left out: they are priced once they finish.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb

from .base import Insight, Period, in_period_sql, usd
from .hardware import catalog_skus

# Shape: one row per unpriced reason in the period, with the names it is about.
UNPRICED_SQL = f"""
SELECT reason, sum(records) AS records, sum(seconds) AS seconds,
       any_value(model) AS model, any_value(deployment) AS deployment, any_value(hardware) AS hardware,
       min(day) AS first_day, max(day) AS last_day
FROM insight_facts
WHERE {in_period_sql()} AND basis = 'unpriced' AND reason NOT LIKE 'still %'
GROUP BY reason
"""

_MICRO = Decimal("0.000001")


def find(con: duckdb.DuckDBPyConnection, period: Period) -> list[Insight]:
    """One `unpriced` insight per reason, with the low and high bound of what it could cost."""
    skus = catalog_skus(con)
    low_price = skus[0][1] if skus else Decimal(0)
    high_price = skus[-1][1] if skus else Decimal(0)
    rows = con.execute(UNPRICED_SQL, period.day_params()).fetchall()
    columns = [d[0] for d in con.description]
    found = []
    for row in rows:
        group = dict(zip(columns, row, strict=True))
        per_unit = "bills per unit" in group["reason"]
        seconds = Decimal(repr(group["seconds"] or 0.0))
        low = Decimal(0) if per_unit else (seconds * low_price).quantize(_MICRO, ROUND_HALF_UP)
        high = Decimal(0) if per_unit else (seconds * high_price).quantize(_MICRO, ROUND_HALF_UP)
        found.append(_insight(group, low, high, per_unit, skus))
    return found


def fix_line(group: dict[str, Any]) -> str:
    """The pricing-file line that prices a group, from the section its reason names."""
    reason = group["reason"]
    if "[deployments]" in reason and group["deployment"]:
        return f'[deployments] "{group["deployment"]}" = "<hardware SKU>"'
    if "[hardware]" in reason:
        sku = re.search(r"hardware (\S+)", reason)
        return f'[hardware] "{sku.group(1) if sku else group["hardware"]}" = <USD per second>'
    units = re.search(r'\[units\."([^"]+)"\]', reason)
    if units:
        return f'[units."{units.group(1)}"] image = <USD per image>  (or input_token/output_token)'
    if "bills per unit" in reason and group["model"]:
        return f"nothing to add: {group['model']} records lack unit counts (failed before output?)"
    if "[models]" in reason and group["model"]:
        return f'[models] "{group["model"]}" = "<hardware SKU>"'
    return f"see the reason: {reason}"


def _insight(
    group: dict[str, Any],
    low: Decimal,
    high: Decimal,
    per_unit: bool,
    skus: list[tuple[str, Decimal]],
) -> Insight:
    records = int(group["records"])
    name = group["deployment"] or group["model"] or "(unknown)"
    evidence = {
        "reason": group["reason"], "records": records,
        "seconds": round(float(group["seconds"] or 0), 3),
        "first_day": group["first_day"], "last_day": group["last_day"],
        "model": group["model"], "deployment": group["deployment"],
        "unpriced_cost_usd": {"low": low, "high": high},
        "range_from": {"low": skus[0][0] if skus else None, "high": skus[-1][0] if skus else None},
    }  # fmt: skip
    if per_unit:
        evidence["note"] = (
            "per-unit records without unit counts: their seconds say nothing of the price"
        )
    title = (
        f"{records:,} records of {name} are unpriced: they could cost "
        f"{usd(low)} to {usd(high)} and are in no total"
    )
    action = f"Add to your pricing file: {fix_line(group)}  ({group['reason']})"
    return Insight("unpriced", title, high, "what-if", evidence, action)
