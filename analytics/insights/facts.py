"""The insights' facts: per-day aggregates of every priced record, from the bill itself.

`load_facts(con, period)` makes `insight_facts`, which every finder but the idle-deployment one
reads: rows of (kind, model, version, deployment, source, status, hardware, basis, reason, cost
kind on the bill, error class, UTC day) with their sums, of the records created before the
period's end (all history: spikes need the 28 days before the period, version changes the
versions before it). Finders add its rows up by the keys they need, so a key may have several.

It is a view. When the ledger serves the connection and the period ends at a UTC midnight, over
the bill per day (`bill_daily`, whose rows are already those sums): nothing is copied. Otherwise
over a TEMP table grouped once from `priced_amounts`, the same view every report adds up: the stored
items, or the records priced in memory. Nothing is kept anywhere else: no file outside the
database is read for money. Every sum is exact (micro-dollars and microseconds as integers,
seconds as DECIMAL), so the figures are the same bytes whichever way the rows are cut and in
whatever order they are added.
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

# A record's UTC day as days since 1970-01-01, rounded down (before 1970 too).
DAY_NUMBER_SQL = floor_div("epoch_us(created_at)", str(_DAY_US))

# The facts grouped from the items (records created before $end_utc). Records are grouped by day
# and a waste record's error text as it is first; the error class (two regular expressions) is
# then computed once per group. `seconds` are billable seconds (predict_time, else completed_at -
# started_at); `seconds_ok` and `timed_ok` the predict_time of succeeded runs (each rounded to the
# microsecond, as the money rule does; an implausible one, which the bill leaves unpriced, is left
# out); `unpriced_*_usd` the bill's range of unpriced ones, `unbounded_items` those with no upper
# bound.
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
           sum(unpriced_low_micro) AS unpriced_low_micro, sum(unpriced_high_micro) AS unpriced_high_micro,
           count(*) FILTER (WHERE reason_code IS NOT NULL AND unpriced_high_micro IS NULL)
               AS unbounded_items
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
           unpriced_high_micro, unbounded_items
    FROM scanned
),
grouped AS (
    SELECT kind, model, version, deployment, source, status, hardware, basis, reason, reason_code,
           reason_subject, cost_kind,
           error_class, day_number, sum(records)::BIGINT AS records, sum(cost_micro) AS cost_micro,
           sum(billable_micro) AS billable_micro, sum(timed_micro) AS timed_micro,
           sum(timed)::BIGINT AS timed, sum(unpriced_low_micro) AS unpriced_low_micro,
           sum(unpriced_high_micro) AS unpriced_high_micro, sum(unbounded_items) AS unbounded_items
    FROM labelled
    GROUP BY ALL
)
"""
# The same columns over the day rows of the bill per day (billing/daily.py): more keys than the
# facts have, so a group of facts may span several rows
_FACTS_DAILY = f"""
SELECT kind, model, version, deployment, source, status, hardware, basis, reason, reason_code,
       reason_subject, cost_kind, error_class, day, items AS records,
       cost_micro, seconds_micro AS billable_micro, timed_micro, timed, unpriced_low_micro,
       unpriced_high_micro, unbounded_items
FROM {daily.DAILY}
WHERE records = 1 AND day IS NOT NULL
"""
_SECONDS = "CAST({} AS DECIMAL(38,0)) * 0.000001::DECIMAL(38,6)"
_SELECT = f"""
SELECT kind, model, version, deployment, source, status, hardware, basis, reason, reason_code,
       reason_subject, cost_kind, error_class, day, records, replicost_usd(cost_micro) AS cost_usd,
       {_SECONDS.format("coalesce(billable_micro, 0)")} AS seconds,
       replicost_usd(unpriced_low_micro) AS unpriced_low_usd,
       replicost_usd(unpriced_high_micro) AS unpriced_high_usd, unbounded_items,
       CASE WHEN status = 'succeeded' THEN timed ELSE 0 END AS timed_ok,
       CASE WHEN status = 'succeeded' THEN {_SECONDS.format("timed_micro")} END AS seconds_ok
FROM {{source}}
"""


def load_facts(con: duckdb.DuckDBPyConnection, period: Period) -> None:
    """Make the view `insight_facts` of the records created before `period`'s end: over the bill
    per day when the ledger serves this connection and the period ends at a UTC midnight (or
    not at all), else over a TEMP table grouped from the items."""
    end = period.end.astimezone(dt.UTC) if period.end else None
    if ledger.daily_until(con) is not None and (
        end is None or end.timetz() == dt.time(tzinfo=dt.UTC)
    ):
        day = (end.date() if end else dt.date.max).isoformat()  # a date: no text comes in
        source = f"({_FACTS_DAILY} AND day < DATE '{day}')"
    else:
        day_of = "CAST(DATE '1970-01-01' + CAST(day_number AS INTEGER) AS DATE) AS day"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE insight_facts_items AS {_FACTS} "
            f"SELECT {day_of}, * EXCLUDE (day_number) FROM grouped",
            {"end_utc": end or "infinity"},
        )
        source = "insight_facts_items"
    con.execute(f"CREATE OR REPLACE TEMP VIEW insight_facts AS {_SELECT.format(source=source)}")
