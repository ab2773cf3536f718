"""The rows `report spend` adds up (sql/spend_by.sql's `{measured}`): bill items, or the bill per day.

Over a stored ledger, the bill per UTC day (`bill_daily`, billing/daily.py) holds the same sums as
the items it adds up, in a few rows per day instead of tens of thousands of items; a report whose
days are UTC days reads it up to the day its cut falls in (`replicost.billing.ledger.daily_until`)
and the items from there on. Every measure is a sum (m_*: one item's value, or one day's sum), so
adding either kind of row gives the same figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from replicost.billing import reasons

from .filters import Filters, bucket_seconds

# What spend_by filters and groups on, in each of its sources (the reason's subjects as the
# columns its STRUCT is built from: spend_by builds it per group, not per item)
_GROUPED_ON = (
    "kind, account, model, version, deployment, source, status, hardware, reason_code, "
    + ", ".join(reasons.SUBJECT_COLUMNS.values())
)
# spend_by's measures over bill items (one item each) ...
_ITEM_MEASURES = """records AS m_count,
       CASE WHEN NOT seconds_estimated THEN seconds_micro END AS m_predict, cost_micro AS m_cost,
       CASE WHEN reason_code IS NOT NULL AND records = 1 THEN 1 ELSE 0 END AS m_unpriced,
       CASE WHEN lower_bound THEN 1 ELSE 0 END AS m_lower_n,
       CASE WHEN lower_bound THEN cost_micro END AS m_lower_cost,
       CASE WHEN cost_micro IS NOT NULL THEN 1 ELSE 0 END AS m_priced,
       CASE WHEN cost_kind = 'estimated' THEN cost_micro END AS m_estimated,
       unpriced_low_micro AS m_low, unpriced_high_micro AS m_high,
       CASE WHEN reason_code IS NOT NULL AND unpriced_high_micro IS NULL AND records = 1
            THEN 1 ELSE 0 END AS m_unbounded,
       CASE WHEN quarantined THEN 1 ELSE 0 END AS m_quarantined,
       CASE WHEN kind = 'unknown_floor' THEN 1 ELSE 0 END AS m_unknown_floor, created_at"""
# ... and over the bill per UTC day (billing/daily.py: each row the sums of a day's items)
_DAY_MEASURES = """record_count AS m_count,
       CASE WHEN NOT seconds_estimated THEN seconds_micro END AS m_predict, cost_micro AS m_cost,
       CASE WHEN reason_code IS NOT NULL AND records = 1 THEN items ELSE 0 END AS m_unpriced,
       CASE WHEN lower_bound THEN items ELSE 0 END AS m_lower_n,
       CASE WHEN lower_bound THEN cost_micro END AS m_lower_cost,
       priced_items AS m_priced,
       CASE WHEN cost_kind = 'estimated' THEN cost_micro END AS m_estimated,
       unpriced_low_micro AS m_low, unpriced_high_micro AS m_high,
       CASE WHEN records = 1 THEN unbounded_items ELSE 0 END AS m_unbounded,
       CASE WHEN quarantined THEN items ELSE 0 END AS m_quarantined,
       CASE WHEN kind = 'unknown_floor' THEN items ELSE 0 END AS m_unknown_floor,
       timezone('UTC', day::TIMESTAMP) AS created_at"""


def measured(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    span: tuple[dt.datetime | None, dt.datetime | None],
) -> tuple[str, dict[str, Any]]:
    """The rows spend_by adds up, with their parameters: the bill per UTC day (`bill_daily`) for
    the days it serves, the items for the rest (all of them when the bill is priced in memory,
    or the report's days are not UTC days). The sums are the same either way."""
    from replicost.billing import daily, ledger

    items = f"SELECT {_GROUPED_ON}, {_ITEM_MEASURES} FROM bill_amounts"
    until = ledger.daily_until(con)
    if until is None or bucket_seconds(filters.tz, *span) != 86_400:
        return items, {}
    if filters.before is not None:
        before = filters.before.astimezone(dt.UTC)
        until = min(until, dt.datetime.combine(before.date(), dt.time(), dt.UTC))
    days = f"SELECT {_GROUPED_ON}, {_DAY_MEASURES} FROM {daily.DAILY}"
    if until.year > dt.MAXYEAR - 1:
        return days, {}
    return (
        f"{days} WHERE day < $daily_until_day UNION ALL BY NAME "
        f"{items} WHERE created_at >= $daily_until",
        {"daily_until_day": until.date(), "daily_until": until},
    )
