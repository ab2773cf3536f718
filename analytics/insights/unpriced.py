"""Unpriced gap: the largest groups of finished records without a price, and the line fixing each.

Unpriced records are never in a sum and never $0: each group (one reason, which names the model,
deployment or hardware it is about) says how many records and seconds it holds and the range they
could cost, the bill's own (`unpriced_low_usd`/`unpriced_high_usd` of the cost views: their seconds
on the catalog's cheapest and dearest hardware, multiples up to 8x included). The dollars are the
top of that range, a bound. Per-unit records without counts have no range (their seconds say
nothing of the price). Records still running are left out: they are priced once they finish.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb

from replicost.billing import reasons

from .base import Insight, Period, in_period_sql, usd

# Shape: one row per unpriced reason in the period, with the names it is about.
UNPRICED_SQL = f"""
SELECT reason_code, reason_subject, any_value(reason) AS reason, sum(records) AS records,
       sum(seconds)::DOUBLE AS seconds,
       sum(unpriced_low_usd) AS low_usd, sum(unpriced_high_usd) AS high_usd,
       sum(unbounded_items) = 0 AS bounded,
       any_value(model) AS model, any_value(deployment) AS deployment, any_value(hardware) AS hardware,
       min(day) AS first_day, max(day) AS last_day
FROM insight_facts
WHERE {in_period_sql()} AND basis = 'unpriced' AND reason_code <> 'in_flight'
GROUP BY reason_code, reason_subject
"""


def find(con: duckdb.DuckDBPyConnection, period: Period) -> list[Insight]:
    """One `unpriced` insight per reason, with the low and high bound of what it could cost."""
    rows = con.execute(UNPRICED_SQL, period.day_params()).fetchall()
    columns = [d[0] for d in con.description]
    return [_insight(dict(zip(columns, row, strict=True))) for row in rows]


def fix_line(group: dict[str, Any]) -> str:
    """The pricing-file lines that price a group, on one line: the same snippet `pricing suggest`
    and the HTML report give (billing.reasons.fix), its section header first."""
    lines = reasons.fix(group["reason_code"], group["reason_subject"])
    if lines is not None:
        header, *body = lines.splitlines()
        return " ".join([header.split("#", 1)[0].rstrip(), *body])
    if group["reason_code"] == "no_unit_counts" and group["model"]:
        return f"nothing to add: {group['model']} records lack unit counts (failed before output?)"
    return f"see the reason: {group['reason']}"


def _insight(group: dict[str, Any]) -> Insight:
    records = int(group["records"])
    name = group["deployment"] or group["model"] or "(unknown)"
    low, high = group["low_usd"] or Decimal(0), group["high_usd"] or Decimal(0)
    evidence = {
        "reason": group["reason"], "records": records,
        "seconds": round(float(group["seconds"] or 0), 3),
        "first_day": group["first_day"], "last_day": group["last_day"],
        "model": group["model"], "deployment": group["deployment"],
        "unpriced_cost_usd": {"low": low, "high": high},
    }  # fmt: skip
    if not group["bounded"]:
        evidence["note"] = (
            "some records have no range (per-unit without counts, or no known seconds): "
            "the range covers the others"
        )
    title = (
        f"{records:,} records of {name} are unpriced: they could cost "
        f"{usd(low)} to {usd(high)} and are in no total"
    )
    action = f"Add to your pricing file: {fix_line(group)}  ({group['reason']})"
    return Insight("unpriced", title, high, "what-if", evidence, action)
