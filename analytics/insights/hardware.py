"""What-if hardware: the same seconds on each cheaper SKU of the catalog, per model or deployment.

For every model run directly (and every deployment) billed per second on one hardware SKU in the
period: the predict seconds it ran, priced at each other SKU the catalog lists (its current price;
multiples derived from a base SKU are not offered, nor CPU to a GPU workload), shown only where that
is cheaper than what it cost. A what-if, not a promise: a model runs at a different speed on other
hardware, may not fit in a smaller GPU's memory, and a deployment also bills its idle uptime.
The dollars are the saving on the cheapest such SKU: the upper bound of what moving could save.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb

from .base import Insight, Period, in_period_sql, usd

# Shape: one row per (model or deployment, hardware) billed per second in the period.
USAGE_SQL = f"""
SELECT CASE WHEN deployment IS NULL THEN 'model' ELSE 'deployment' END AS target_kind,
       coalesce(deployment, model) AS target, hardware,
       sum(records) AS records, sum(seconds) AS seconds, sum(cost_usd) AS cost_usd
FROM insight_facts
WHERE {in_period_sql()} AND basis = 'per_second' AND hardware IS NOT NULL
  AND coalesce(deployment, model) IS NOT NULL
GROUP BY ALL
HAVING sum(cost_usd) > 0
"""

# Shape: one row per SKU the catalog lists itself (not derived as N x a base SKU): current price.
SKUS_SQL = """
SELECT sku, usd_per_second FROM replicost_hardware_price
WHERE effective_to = 'infinity'::TIMESTAMPTZ AND NOT regexp_matches(coalesce(source, ''), '^[0-9]+ x ')
ORDER BY usd_per_second, sku
"""


def catalog_skus(con: duckdb.DuckDBPyConnection) -> list[tuple[str, Decimal]]:
    """(sku, current USD per second) for every SKU the catalog lists, cheapest first."""
    return [(sku, Decimal(price)) for sku, price in con.execute(SKUS_SQL).fetchall()]


def find(con: duckdb.DuckDBPyConnection, period: Period) -> list[Insight]:
    """One `what-if-hardware` insight per (model or deployment, hardware) with a cheaper SKU."""
    skus = catalog_skus(con)
    found = []
    for target_kind, target, hardware, records, seconds, cost in con.execute(
        USAGE_SQL, period.day_params()
    ).fetchall():
        cheaper = _cheaper(skus, hardware, Decimal(repr(seconds)), cost)
        if cheaper:
            usage = {"target_kind": target_kind, "target": target, "hardware": hardware,
                     "records": int(records), "seconds": round(seconds, 3), "cost_usd": cost}  # fmt: skip
            found.append(_insight(usage, cheaper))
    return found


def _cheaper(
    skus: list[tuple[str, Decimal]], hardware: str, seconds: Decimal, cost: Decimal
) -> list[dict[str, Any]]:
    options = []
    for sku, price in skus:
        if sku == hardware or (sku == "cpu" and hardware != "cpu"):
            continue
        would_cost = (seconds * price).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
        if would_cost < cost:
            options.append({"sku": sku, "usd_per_second": price, "would_cost_usd": would_cost,
                            "saving_usd": cost - would_cost})  # fmt: skip
    return sorted(options, key=lambda o: (o["would_cost_usd"], o["sku"]))


def _insight(usage: dict[str, Any], cheaper: list[dict[str, Any]]) -> Insight:
    best = cheaper[0]
    evidence = {
        **usage,
        "cheaper_skus": cheaper,
        "note": "what-if: the same seconds at another SKU's price; speed and memory differ across "
        "hardware, so this bounds the saving, it does not promise it",
    }
    title = (
        f"{usage['target_kind']} {usage['target']} ran {usage['seconds']:,.0f} s on {usage['hardware']} "
        f"({usd(usage['cost_usd'])}); the same seconds on {best['sku']} would be "
        f"{usd(best['would_cost_usd'])}"
    )
    where = (
        f"the hardware of deployment {usage['target']}"
        if usage["target_kind"] == "deployment"
        else f"a version or deployment of {usage['target']} on other hardware"
    )
    action = (
        f"Benchmark {usage['target']} on {', '.join(o['sku'] for o in cheaper[:3])}; if it fits "
        f"and runs about as fast, switch {where} (saves at most {usd(best['saving_usd'])})."
    )
    return Insight("what-if-hardware", title, best["saving_usd"], "what-if", evidence, action)
