"""Records are checked at the door: impossible values are stored, but quarantined.

A server that lies must not poison the database: one record created "9999-12-31" would become the
high-water mark and blind every later incremental sync; one `predict_time` of 1e308 or -700 would
overflow or reverse the reports. Such a record is still stored (nothing is lost, `raw` keeps it as
served) with a `quarantine_reason` naming the field; a quarantined record never moves a
high-water mark, and the cost views leave it unpriced with that reason.

The rules (first match wins, the reason names the field):
- `created_at`, `started_at` or `completed_at` later than the reference clock plus
  `FUTURE_TOLERANCE` (1 hour). The reference is the server's `Date` header of the page that served
  the record, or the local clock when the header is missing or more than a day away from it;
- `predict_time` or `total_time` negative, not finite, beyond `MAX_SECONDS` (30 days), or longer
  than the record's own wall time (`completed_at - created_at`) plus `WALL_TOLERANCE` (60 s);
- `input_token_count`, `output_token_count` or `image_count` negative or beyond `MAX_UNITS`
  (100,000,000).

The same rules run in SQL inside the writer's INSERT (`store.quarantine.reason_sql`: the fast path,
and the migration that checked rows stored before the rules existed) and here in Python
(`quarantine_reason`, for tests and one-off checks); tests hold the two to each other.

Deployment releases are checked too (`release_quarantine_reason`, in store/quarantine.py with the
migration that checked the releases stored before it): an instance count outside 0 ..
`MAX_DEPLOYMENT_INSTANCES` (1,000, the pricing file's own bound) or a hardware GPU multiple Replicate
does not sell (only 1x, 2x, 4x, 8x) quarantines the release; the bill never prices it, and the next
sane release prices from its own date.
"""

from __future__ import annotations

import email.utils
import math
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb

from replicost.limits import MAX_SECONDS, MAX_UNITS, WALL_TOLERANCE
from replicost.store.quarantine import (
    MAX_SKU_LENGTH,
    SECONDS_FIELDS,
    TIMESTAMP_FIELDS,
    UNIT_FIELDS,
    reason_sql,
    release_quarantine_reason,
)
from replicost.store.query import one_row
from replicost.sync.timestamps import parse_timestamp

__all__ = [
    "FUTURE_TOLERANCE",
    "MAX_SKU_LENGTH",
    "not_after",
    "quarantine_reason",
    "reason_sql",
    "count_quarantined",
    "release_quarantine_reason",
    "count_quarantined_releases",
]

FUTURE_TOLERANCE = timedelta(hours=1)
SERVER_CLOCK_TRUSTED_WITHIN = timedelta(days=1)


def not_after(server_date: str | None, now: datetime | None = None) -> datetime:
    """The latest believable timestamp for records served with this `Date` header."""
    now = now or datetime.now(UTC)
    reference = now
    if server_date:
        try:
            served = email.utils.parsedate_to_datetime(server_date)
        except (TypeError, ValueError, IndexError, OverflowError):
            served = None
        if served is not None:
            served = served if served.tzinfo else served.replace(tzinfo=UTC)
            if abs(served - now) <= SERVER_CLOCK_TRUSTED_WITHIN:
                reference = served
    return reference + FUTURE_TOLERANCE


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_timestamp(value)
    except (ValueError, OverflowError):
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def quarantine_reason(record: dict[str, Any], limit: datetime) -> str | None:
    """Why `record` is quarantined (naming the field), or None; `limit` from `not_after`."""
    moments = {name: _moment(record.get(name)) for name in TIMESTAMP_FIELDS}
    for name, moment in moments.items():
        if moment is not None and moment > limit:
            return f"{name} in the future"
    metrics = record.get("metrics")
    metrics = metrics if isinstance(metrics, dict) else {}
    created, completed = moments["created_at"], moments["completed_at"]
    wall = (completed - created).total_seconds() if created and completed else None
    for name in SECONDS_FIELDS:
        seconds = _number(metrics.get(name))
        if seconds is None:
            continue
        if not math.isfinite(seconds):
            return f"{name} not finite"
        if seconds < 0:
            return f"{name} negative"
        if seconds > MAX_SECONDS:
            return f"{name} beyond {MAX_SECONDS:.0f} s"
        if wall is not None and seconds > wall + WALL_TOLERANCE:
            return f"{name} longer than the record's wall time"
    for name in UNIT_FIELDS:
        count = _number(metrics.get(name))
        if count is None:
            continue
        if not math.isfinite(count) or count > MAX_UNITS:
            return f"{name} beyond {MAX_UNITS:,}"
        if count < 0:
            return f"{name} negative"
    return None


def count_quarantined(con: duckdb.DuckDBPyConnection, account: str, since: datetime) -> int:
    """Records of `account` quarantined by writes since `since` (this sync)."""
    total = 0
    for table in ("predictions", "trainings"):
        total += one_row(
            con.execute(
                f"SELECT count(*) FROM {table} WHERE account = ? "
                "AND quarantine_reason IS NOT NULL AND synced_at >= ?",
                [account, since],
            )
        )[0]
    return total


def count_quarantined_releases(
    con: duckdb.DuckDBPyConnection, account: str, since: datetime
) -> int:
    """Deployment releases of `account` first stored, quarantined, since `since` (this sync)."""
    return int(
        one_row(
            con.execute(
                "SELECT count(*) FROM deployment_releases WHERE account = ? "
                "AND quarantine_reason IS NOT NULL AND first_observed_at >= ?",
                [account, since],
            )
        )[0]
    )
