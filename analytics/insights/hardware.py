"""What-if hardware: the same seconds on each cheaper SKU of the catalog, per model or deployment.

For every model run directly (and every deployment) billed per second on one hardware SKU in the
period: the predict seconds it ran, priced at each other SKU the catalog lists (its current price;
multiples derived from a base SKU are not offered, nor CPU to a GPU workload), shown only where that
is cheaper than what it cost. A deployment's cost is its bill (per UTC day the larger of its
always-on floor and its predictions' active time), and the what-if keeps the same floor (its
min_instances for as long) on the other hardware. A what-if, not a promise: a model runs at a
different speed on other hardware and may not fit in a smaller GPU's memory.
The dollars are the saving on the cheapest such SKU: the upper bound of what moving could save.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb

from .base import Insight, Period, in_period_sql, usd

# Shape: one row per (model or deployment, hardware) billed per second in the period: records,
# seconds (predict seconds), cost_usd (what it cost on the bill) and billable_seconds (what the
# same bill counts in seconds: for a model its predict seconds; for a deployment, per UTC day, the
# larger of its always-on floor's instance-seconds and its predictions' seconds, the deployment
# rule, so the what-if keeps the same floor on the other hardware).
USAGE_SQL = f"""
WITH models AS (
    SELECT 'model' AS target_kind, model AS target, hardware, sum(records) AS records,
           sum(seconds)::DOUBLE AS seconds, sum(cost_usd) AS cost_usd,
           sum(seconds)::DOUBLE AS billable_seconds
    FROM insight_facts
    WHERE {in_period_sql()} AND basis = 'per_second' AND hardware IS NOT NULL
      AND deployment IS NULL AND model IS NOT NULL
    GROUP BY ALL
),
active AS (
    SELECT deployment, day, hardware, sum(records) AS records, sum(seconds)::DOUBLE AS seconds,
           sum(cost_usd) AS cost_usd
    FROM insight_facts
    WHERE {in_period_sql()} AND basis = 'per_second' AND hardware IS NOT NULL
      AND deployment IS NOT NULL
    GROUP BY ALL
),
floors AS (
    SELECT deployment, day, hardware,
           sum(min_instances * uptime_seconds)::DOUBLE AS instance_seconds, sum(cost_usd) AS cost_usd
    FROM deployment_uptime_costs
    WHERE {in_period_sql()} AND cost_usd IS NOT NULL
    GROUP BY ALL
),
deployments AS (
    SELECT 'deployment' AS target_kind, coalesce(a.deployment, f.deployment) AS target,
           coalesce(a.hardware, f.hardware) AS hardware, sum(coalesce(a.records, 0)) AS records,
           sum(coalesce(a.seconds, 0)) AS seconds,
           sum(greatest(coalesce(a.cost_usd, 0), coalesce(f.cost_usd, 0))) AS cost_usd,
           sum(greatest(coalesce(a.seconds, 0), coalesce(f.instance_seconds, 0)))
               AS billable_seconds
    FROM active a
    FULL JOIN floors f ON f.deployment = a.deployment AND f.day = a.day AND f.hardware = a.hardware
    GROUP BY ALL
)
SELECT * FROM (SELECT * FROM models UNION ALL SELECT * FROM deployments)
WHERE cost_usd > 0
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
    for target_kind, target, hardware, records, seconds, cost, billable in con.execute(
        USAGE_SQL, period.day_params()
    ).fetchall():
        cheaper = _cheaper(skus, hardware, Decimal(repr(billable)), cost)
        if cheaper:
            usage = {"target_kind": target_kind, "target": target, "hardware": hardware,
                     "records": int(records), "seconds": round(seconds, 3), "cost_usd": cost,
                     "billable_seconds": round(billable, 3)}  # fmt: skip
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
        "note": "what-if: the same seconds (and, for a deployment, the same always-on floor) at "
        "another SKU's price; speed and memory differ across hardware, so this bounds the saving, "
        "it does not promise it",
    }
    floor = usage["billable_seconds"] > usage["seconds"]
    title = (
        f"{usage['target_kind']} {usage['target']} ran {usage['seconds']:,.0f} s on {usage['hardware']} "
        + (f"and kept {usage['billable_seconds']:,.0f} instance-seconds on with its floor " if floor
           else "")
        + f"({usd(usage['cost_usd'])}); the same "
        + ("floor and seconds" if floor else "seconds")
        + f" on {best['sku']} would be {usd(best['would_cost_usd'])}"
    )  # fmt: skip
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
