"""The insights' facts: per-day aggregates of every priced record, from the bill itself.

`load_facts(con, period)` fills the TEMP table `insight_facts` that every finder but the
idle-deployment one reads: one row per (kind, model, version, deployment, source, status,
hardware, basis, reason, cost kind on the bill, error class, UTC day) of the records created
before the period's end (all history: spikes need the 28 days before the period, version changes
the versions before it).

They are read from `priced_amounts`, the same view every report adds up: the stored ledger when it
holds the bill of the prices in effect (a group-by over already priced rows), else the records
priced in memory. Nothing is kept anywhere else: no file outside the database is read for money.
Sums are of integers (micro-dollars, microseconds), so the figures are the same bytes whichever
way the records were priced and in whatever order they were added.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from replicost.analytics.reports.filters import floor_div
from replicost.billing import daily, ledger
from replicost.billing.daily import ERROR_CLASS_SQL
from replicost.limits import MAX_SECONDS

from .base import Period

_DAY_US = 86_400_000_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

# A record's UTC day as days since 1970-01-01, rounded down (before 1970 too).
DAY_NUMBER_SQL = floor_div("epoch_us(created_at)", str(_DAY_US))

# insight_facts: one row per (kind, model, version, deployment, source, status, hardware, basis,
# reason, cost kind, error class, day) of the priced records created before $end_utc. Records are
# grouped by day and a waste record's error text as it is first; the error class (two regular
# expressions) is then computed once per group. `seconds` are billable seconds (predict_time,
# else completed_at - started_at); `seconds_ok` and `timed_ok` the predict_time of succeeded runs
# (each rounded to the microsecond, as the money rule does; an implausible one, which the bill
# leaves unpriced, is left out); `unpriced_*_usd` the bill's range of
# unpriced ones.
_FACTS = f"""
WITH scanned AS (
    SELECT kind, model, version, deployment, source, status, hardware, basis, reason, reason_code,
           reason_subject, cost_kind,
           -- status_class 2: failed, canceled or aborted (WASTE_STATUSES), told without a string test
           status_class = 2 AS waste, CASE WHEN status_class = 2 THEN error END AS error,
           {DAY_NUMBER_SQL} AS day_number,
           count(*) AS records, sum(cost_micro) AS cost_micro, sum(seconds_micro) AS billable_micro,
           sum(CAST(round(timed_seconds * 1000000) AS BIGINT)) AS timed_micro,
           count(timed_seconds) AS timed,
           sum(unpriced_low_micro) AS unpriced_low_micro, sum(unpriced_high_micro) AS unpriced_high_micro
    FROM (SELECT *, CASE WHEN predict_time BETWEEN 0 AND {MAX_SECONDS} THEN predict_time END
                     AS timed_seconds FROM priced_amounts)
    WHERE created_at IS NOT NULL AND created_at < $end_utc
    GROUP BY ALL
),
labelled AS (
    SELECT kind, model, version, deployment, source, status, hardware, basis, reason, reason_code,
           reason_subject, cost_kind,
           CASE WHEN waste THEN {ERROR_CLASS_SQL} END AS error_class, day_number,
           records, cost_micro, billable_micro, timed_micro, timed, unpriced_low_micro,
           unpriced_high_micro
    FROM scanned
),
grouped AS (
    SELECT kind, model, version, deployment, source, status, hardware, basis, reason, reason_code,
           reason_subject, cost_kind,
           error_class, day_number, sum(records)::BIGINT AS records, sum(cost_micro) AS cost_micro,
           sum(billable_micro) AS billable_micro, sum(timed_micro) AS timed_micro,
           sum(timed)::BIGINT AS timed, sum(unpriced_low_micro) AS unpriced_low_micro,
           sum(unpriced_high_micro) AS unpriced_high_micro
    FROM labelled
    GROUP BY ALL
)
"""
# The same groups from the bill per UTC day (billing/daily.py), whose rows are already those sums
# (with more keys: they are added up again)
_FACTS_DAILY = f"""
WITH grouped AS (
    SELECT kind, model, version, deployment, source, status, hardware, basis, reason, reason_code,
           reason_subject, cost_kind, error_class, day - DATE '1970-01-01' AS day_number,
           sum(items)::BIGINT AS records, sum(cost_micro) AS cost_micro,
           sum(seconds_micro) AS billable_micro, sum(timed_micro) AS timed_micro,
           sum(timed)::BIGINT AS timed, sum(unpriced_low_micro) AS unpriced_low_micro,
           sum(unpriced_high_micro) AS unpriced_high_micro
    FROM {daily.DAILY}
    WHERE records = 1 AND day IS NOT NULL AND day < $end_day
    GROUP BY ALL
)
"""
_SELECT = """
SELECT kind, model, version, deployment, source, status, hardware, basis, reason, reason_code,
           reason_subject, cost_kind, error_class,
       CAST(DATE '1970-01-01' + CAST(day_number AS INTEGER) AS DATE) AS day,
       records, replicost_usd(cost_micro) AS cost_usd,
       coalesce(billable_micro, 0)::DOUBLE / 1000000.0 AS seconds,
       replicost_usd(unpriced_low_micro) AS unpriced_low_usd,
       replicost_usd(unpriced_high_micro) AS unpriced_high_usd,
       CASE WHEN status = 'succeeded' THEN timed ELSE 0 END AS timed_ok,
       CASE WHEN status = 'succeeded' THEN timed_micro::DOUBLE / 1000000.0 END AS seconds_ok
FROM grouped
"""


def load_facts(con: duckdb.DuckDBPyConnection, period: Period) -> None:
    """Fill `insight_facts` with the records created before `period`'s end: from the bill per day
    when the ledger serves this connection and the period ends at a UTC midnight (or not at all),
    else from the items."""
    end = period.end.astimezone(dt.UTC) if period.end else None
    create = "CREATE OR REPLACE TEMP TABLE insight_facts AS"
    if ledger.daily_until(con) is not None and (
        end is None or end.timetz() == dt.time(tzinfo=dt.UTC)
    ):
        day = end.date() if end else dt.date.max
        con.execute(f"{create} {_FACTS_DAILY} {_SELECT}", {"end_day": day})
        return
    con.execute(f"{create} {_FACTS} {_SELECT}", {"end_utc": end or "infinity"})
