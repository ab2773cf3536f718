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

The sweep of step 3 is billing/busy.py's: the ledger keeps it per month, so a period of whole UTC
months reads it; any other is swept from the records.

Replicate does not publish its scale-down delay or boot times; the two constants are stated in the
evidence, so a reader can redo the arithmetic with their own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import duckdb

from replicost.billing import busy as sweep
from replicost.billing import ledger
from replicost.billing.busy import IDLE_TIMEOUT_S

from .base import Insight, Period, usd

BOOT_S = 60
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


def _busy_rows(con: duckdb.DuckDBPyConnection, period: Period) -> list[tuple]:
    """The busy time of the period's months (billing/busy.py): stored with the ledger when it
    serves this connection and the period is whole UTC months, else swept from the records."""
    months = _whole_months(period)
    if months is not None and ledger.daily_until(con) is not None:
        first, last = months
        return con.execute(
            f"SELECT {', '.join(sweep.COLUMNS)} FROM {sweep.BUSY} "
            "WHERE month >= coalesce($first, '') AND month < coalesce($last, chr(65535))",
            {"first": first, "last": last},
        ).fetchall()
    params = sweep.busy_params(period.start or "-infinity", period.end or "infinity")
    return con.execute(sweep.busy_sql(con), params).fetchall()


def _whole_months(period: Period) -> tuple[str | None, str | None] | None:
    """The period as UTC months ('YYYY-MM' of its first and of the one after it; None: open),
    or None when an end falls inside a month."""
    bounds: list[str | None] = []
    for moment in (period.start, period.end):
        if moment is None:
            bounds.append(None)
            continue
        utc = moment.astimezone(dt.UTC)
        if (utc.day, utc.time()) != (1, dt.time()):
            return None
        bounds.append(f"{utc.year:04d}-{utc.month:02d}")
    return bounds[0], bounds[1]


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
