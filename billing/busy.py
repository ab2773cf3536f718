"""The deployments' busy time per UTC month, as the idle-deployment insight weighs it.

For each deployment, month, hardware and `min_instances` > 0 (from `replicost_deployment_timeline`:
the releases and the pricing file's history): its predictions' count and active seconds, and the
stretches an instance fewer would have had to start on demand for. A sweep over every prediction
of the deployments, so the ledger keeps its result (`bill_busy`, under the ledger's stamp: the
months a refresh's records touch are swept again) and a report whose period is whole UTC months
reads it instead of sweeping ten million records.

Predictions run from `started_at` (else `created_at`) for `predict_time` seconds. Stretches in
which more ran at once than `min_instances - 1` instances hold are merged when less than
IDLE_TIMEOUT_S apart (an instance waits that long before scaling down). Months are independent:
a month's figures come from its own predictions only.
"""

from __future__ import annotations

from typing import Any

import duckdb

from replicost.limits import MAX_SECONDS

from .costs import has_column

# Replicate does not publish its scale-down delay; the idle insight states it in its evidence
IDLE_TIMEOUT_S = 300
BUSY = "bill_busy"  # the stored sweep (billing.ledger writes it with the ledger)
COLUMNS = (
    "deployment", "month", "hardware", "min_instances", "predictions", "active_seconds",
    "overflow_runs", "overflow_us",
)  # fmt: skip

# Shape (the COLUMNS): one row per (deployment, month, hardware, min_instances): the predictions'
# count and active seconds, and the stretches an instance fewer would have had to start on demand
# for (`overflow_runs`, `overflow_us` = their lengths summed, merged as described above).
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
      AND p.created_at >= {start} AND p.created_at < {end}
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


def busy_sql(
    con: duckdb.DuckDBPyConnection, start: str = "$start_utc", end: str = "$end_utc"
) -> str:
    """BUSY_SQL for the predictions created in [start, end) (SQL expressions; by default the
    parameters $start_utc and $end_utc), with $idle_us (`busy_params`)."""
    quarantined = has_column(con, "predictions", "quarantine_reason")
    return BUSY_SQL.format(
        max_seconds=MAX_SECONDS,
        quarantine="p.quarantine_reason" if quarantined else "NULL",
        start=start,
        end=end,
    )


def busy_params(start: Any = None, end: Any = None) -> dict[str, Any]:
    """The parameters of `busy_sql`: [start, end) ($start_utc, $end_utc) when given, and $idle_us."""
    params: dict[str, Any] = {"idle_us": IDLE_TIMEOUT_S * 1_000_000}
    if start is not None or end is not None:
        params.update(start_utc=start, end_utc=end)
    return params


# The UTC months (as epoch seconds of their first and next first instant) of the predictions of
# deployments created in the days that {days} selects (a relation with a `day` DATE column)
_MONTHS = """
SELECT DISTINCT epoch(month)::BIGINT, epoch(month + INTERVAL 1 MONTH)::BIGINT, strftime(month, '%Y-%m')
FROM (SELECT date_trunc('month', {day}) AS month FROM {days} WHERE {day} IS NOT NULL)
ORDER BY 1
"""


def store(con: duckdb.DuckDBPyConnection, redo_days: str | None = None) -> None:
    """Write `bill_busy`: the whole sweep (`redo_days` None), or again for the months of the
    days the relation `redo_days` lists (kind, day) of predictions. One month at a time: the
    sweep's windows over a month's predictions fit a sync's capped buffer pool."""
    if redo_days is None:
        con.execute(
            f"CREATE OR REPLACE TABLE {BUSY} AS SELECT * FROM ({busy_sql(con, 'NULL', 'NULL')}) "
            "WHERE FALSE",
            busy_params(),
        )
        months = _MONTHS.format(
            day="timezone('UTC', created_at)",
            days="(SELECT created_at FROM predictions WHERE deployment IS NOT NULL)",
        )
    else:
        months = _MONTHS.format(
            day="CAST(day AS TIMESTAMP)",
            days=f"(SELECT day FROM {redo_days} WHERE kind = 'prediction')",
        )
    for start, end, month in con.execute(months).fetchall():
        con.execute(f"DELETE FROM {BUSY} WHERE month = ?", [month])
        sweep = busy_sql(con, f"to_timestamp({int(start)})", f"to_timestamp({int(end)})")
        con.execute(f"INSERT INTO {BUSY} SELECT * FROM ({sweep})", busy_params())


def shape(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The columns of `bill_busy` (part of the ledger's stamp)."""
    return [row[0] for row in con.execute(f"DESCRIBE {BUSY}").fetchall()]
