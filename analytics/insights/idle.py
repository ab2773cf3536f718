"""Idle deployments: what `min_instances` cost each month against the work its predictions did.

An estimate, made from what the database records, in three steps per deployment, month, hardware
and `min_instances` (from the releases in `deployment_releases` and the pricing file):

1. Uptime cost: `min_instances` x seconds the release was in effect x the hardware's price (the
   `deployment_uptime_costs` view, up to the deployment's last sync).
2. Utilisation: the predict seconds of its predictions over the instance-seconds kept up.
3. The month with `min_instances` one lower: the lower floor kept up all month, plus on-demand
   instances for every stretch in which more predictions ran at once than that floor covers.
   Each run of such stretches, merged when less than IDLE_TIMEOUT_S apart (an instance waits that
   long before scaling down), bills its length plus BOOT_S to start and IDLE_TIMEOUT_S to stop.
   Predictions run from `started_at` (else `created_at`) for `predict_time` seconds.

Replicate does not publish its scale-down delay or boot times; the two constants are stated in the
evidence, so a reader can redo the arithmetic with their own.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb

from replicost.billing.costs import has_column
from replicost.limits import MAX_SECONDS

from .base import Insight, Period, usd

BOOT_S = 60
IDLE_TIMEOUT_S = 300
METHOD = (
    "estimate: uptime = min_instances x seconds in effect x price; the lower setting keeps "
    "min_instances - 1 up all month plus an on-demand instance for each stretch in which more "
    f"predictions ran at once than that, billed for its length + {BOOT_S} s boot + "
    f"{IDLE_TIMEOUT_S} s idle before scaling down (stretches closer than that merge)"
)

# Shape: one row per (deployment, month, hardware, min_instances > 0) in the period: uptime and
# its estimated cost.
UPTIME_SQL = """
SELECT deployment, strftime(day, '%Y-%m') AS month, hardware, min_instances,
       sum(uptime_seconds)::DOUBLE AS uptime_seconds, sum(cost_usd) AS uptime_usd,
       min(day) AS first_day, max(day) AS last_day
FROM deployment_uptime_costs
WHERE min_instances > 0 AND day BETWEEN $first_day AND $last_day AND cost_usd IS NOT NULL
GROUP BY ALL
"""

# Shape: one row per (deployment, month, hardware, min_instances): the predictions' count and
# active seconds, and the stretches an instance fewer would have had to start on demand for
# (`overflow_runs`, `overflow_us` = their lengths summed, merged as described above).
# The window functions partition by one integer per (deployment, hardware, min_instances, month)
# (`part`, numbered over the few distinct keys) instead of the four columns: a third less time.
BUSY_SQL = """
WITH busy AS (
    SELECT p.deployment, t.hardware, t.min_instances,
           strftime(timezone('UTC', p.created_at), '%Y-%m') AS month,
           epoch_us(coalesce(p.started_at, p.created_at)) AS start_us,
           -- a seconds figure the bill finds implausible (NaN, negative, over MAX_SECONDS) runs 0 s
           -- and so does a quarantined record's (the bill does not believe it either)
           CASE WHEN {quarantine} IS NULL AND p.predict_time BETWEEN 0 AND {max_seconds}
                THEN CAST(round(p.predict_time * 1000000) AS BIGINT) ELSE 0 END AS run_us
    FROM predictions p
    JOIN replicost_deployment_timeline t
      ON t.deployment = p.deployment AND p.created_at >= t.effective_from AND p.created_at < t.effective_to
    WHERE t.min_instances > 0 AND p.deployment IS NOT NULL
      AND p.created_at >= $start_utc AND p.created_at < $end_utc
),
ids AS MATERIALIZED (   -- (materialized: both readers must see the same numbers)
    SELECT *, row_number() OVER (ORDER BY deployment, hardware, min_instances, month) AS part
    FROM (SELECT DISTINCT deployment, hardware, min_instances, month FROM busy)
),
parted AS (
    SELECT b.*, i.part FROM busy b
    JOIN ids i ON i.deployment = b.deployment AND i.hardware IS NOT DISTINCT FROM b.hardware
     AND i.min_instances = b.min_instances AND i.month = b.month
),
events AS (
    SELECT part, min_instances, start_us AS at_us, 1 AS delta FROM parted
    UNION ALL
    SELECT part, min_instances, start_us + run_us, -1 FROM parted
),
levels AS (
    SELECT *, sum(delta) OVER w AS running, lead(at_us) OVER w AS next_us
    FROM events
    WINDOW w AS (PARTITION BY part
                 ORDER BY at_us, delta ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
overflow AS (   -- stretches with more predictions running than min_instances - 1 instances hold
    SELECT part, at_us AS from_us, next_us AS to_us,
           max(next_us) OVER (PARTITION BY part ORDER BY at_us
                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_end_us
    FROM levels
    WHERE running > min_instances - 1 AND next_us > at_us
),
runs AS (
    SELECT *, sum(CASE WHEN previous_end_us IS NULL OR from_us > previous_end_us + $idle_us
                       THEN 1 ELSE 0 END)
              OVER (PARTITION BY part ORDER BY from_us
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run
    FROM overflow
),
merged AS (
    SELECT part, max(to_us) - min(from_us) AS run_us
    FROM runs GROUP BY part, run
),
totals AS (
    SELECT deployment, hardware, min_instances, month, count(*) AS predictions,
           sum(run_us) / 1e6 AS active_seconds
    FROM busy GROUP BY ALL
)
SELECT t.deployment, t.month, t.hardware, t.min_instances, t.predictions, t.active_seconds,
       coalesce(m.overflow_runs, 0) AS overflow_runs, coalesce(m.overflow_us, 0) AS overflow_us
FROM totals t
LEFT JOIN (SELECT i.deployment, i.hardware, i.min_instances, i.month, count(*) AS overflow_runs,
                  sum(run_us)::BIGINT AS overflow_us FROM merged JOIN ids i USING (part)
           GROUP BY i.deployment, i.hardware, i.min_instances, i.month) m
  USING (deployment, hardware, min_instances, month)
"""


def busy_sql(con: duckdb.DuckDBPyConnection) -> str:
    """BUSY_SQL for the predictions created in [$start_utc, $end_utc) ($idle_us: IDLE_TIMEOUT_S)."""
    quarantined = has_column(con, "predictions", "quarantine_reason")
    return BUSY_SQL.format(
        max_seconds=MAX_SECONDS, quarantine="p.quarantine_reason" if quarantined else "NULL"
    )


def busy_params(start: Any, end: Any) -> dict[str, Any]:
    return {"start_utc": start, "end_utc": end, "idle_us": IDLE_TIMEOUT_S * 1_000_000}


def _busy_rows(con: duckdb.DuckDBPyConnection, period: Period) -> list[tuple]:
    params = busy_params(period.start or "-infinity", period.end or "infinity")
    return con.execute(busy_sql(con), params).fetchall()


def find(con: duckdb.DuckDBPyConnection, period: Period) -> list[Insight]:
    """One `idle-deployment` insight per deployment, month and floor whose floor cost more than needed."""
    params = period.day_params()
    uptime = con.execute(UPTIME_SQL, params).fetchall()
    if not uptime:
        return []
    busy = {(row[0], row[1], row[2], row[3]): row[4:] for row in _busy_rows(con, period)}
    found = []
    for deployment, month, hardware, floor, seconds, cost, first_day, last_day in uptime:
        predictions, active, runs, overflow_us = busy.get(
            (deployment, month, hardware, floor), (0, 0.0, 0, 0)
        )
        facts = {
            "deployment": deployment, "month": month, "hardware": hardware,
            "min_instances": floor, "first_day": first_day, "last_day": last_day,
            "uptime_seconds": round(seconds, 3), "uptime_usd": cost,
            "predictions": int(predictions), "active_seconds": round(float(active), 3),
            "overflow_runs": int(runs), "overflow_seconds": overflow_us / 1e6,
        }  # fmt: skip
        insight = _insight(facts)
        if insight is not None:
            found.append(insight)
    return found


def _insight(facts: dict[str, Any]) -> Insight | None:
    floor, seconds, cost = facts["min_instances"], facts["uptime_seconds"], facts["uptime_usd"]
    if not seconds or not cost:
        return None
    price_per_instance_second = cost / Decimal(repr(floor * seconds))
    lower = floor - 1
    on_demand_seconds = facts["overflow_seconds"] + facts["overflow_runs"] * (
        BOOT_S + IDLE_TIMEOUT_S
    )
    would_cost = (
        price_per_instance_second * Decimal(repr(lower * seconds + on_demand_seconds))
    ).quantize(Decimal("0.000001"))
    saving = cost - would_cost
    if saving <= 0:
        return None
    utilisation = float(f"{facts['active_seconds'] / (floor * seconds) * 100:.3g}")
    evidence = {
        **{k: v for k, v in facts.items() if k not in ("overflow_runs", "overflow_seconds")},
        "utilisation_pct": utilisation,
        "with_min_instances": lower,
        "on_demand_starts": facts["overflow_runs"],
        "on_demand_seconds": round(on_demand_seconds, 3),
        "would_have_cost_usd": would_cost,
        "assumptions": {"boot_seconds": BOOT_S, "idle_timeout_seconds": IDLE_TIMEOUT_S},
        "method": METHOD,
    }
    title = (
        f"{facts['deployment']} kept {floor} x {facts['hardware']} up in {facts['month']} for an "
        f"estimated {usd(cost)}, {utilisation}% used; min_instances {lower} would have cost about "
        f"{usd(would_cost)}"
    )
    action = (
        f"Set min_instances of {facts['deployment']} to {lower} (estimated saving {usd(saving)} for "
        f"{facts['month']}): {facts['predictions']:,} predictions used {facts['active_seconds']:,.0f} s "
        f"of {floor * seconds:,.0f} instance-seconds. This is an estimate; see evidence.method."
    )
    return Insight("idle-deployment", title, saving, "estimated", evidence, action)
