"""The bill per UTC day: `bill_daily`, the ledger's items added up, written with it under its stamp.

A report over ten million stored items still spends most of a second grouping them on a dozen
columns (and several times that on the reason's subject, a STRUCT); over the same items added up
per UTC day it groups tens of thousands of rows. `bill_daily` holds one row per UTC day and every
column a report groups or filters on (`KEYS`), with the sums every report adds (`MEASURES`), all
integers (micro-dollars, microseconds, counts): adding the day rows up gives the same figures, to
the micro-dollar, as adding the items.

It is part of the ledger: written by `replicost.billing.ledger` in the same transaction as the
items (rebuilt with them, or only the days a refresh touched), read only when the ledger's stamp
matches, and never anywhere but the user's database. A report can read it when its days are UTC
days (`--tz UTC`) and it is not cut inside a day before the ledger's items end; otherwise it reads
the items themselves.
"""

from __future__ import annotations

import duckdb

from replicost.limits import MAX_SECONDS

from . import reasons

DAILY = "bill_daily"

# What a report groups or filters the bill on (with `day`, the UTC day of created_at)
KEYS = (
    "kind", "account", "model", "version", "deployment", "source", "status", "status_class",
    "hardware", "basis", "cost_kind", "reason", "reason_code", "reason_subject", "lower_bound",
    "quarantined", "seconds_estimated", "records", "error_class",
)  # fmt: skip

# Similar error texts as one class: the first line and sentence, numbers as N, at most 80 chars
# (a failed, canceled or aborted record's; the waste insight groups by it).
ERROR_CLASS_SQL = r"""CASE status
    WHEN 'canceled' THEN '(canceled)' WHEN 'aborted' THEN '(aborted)'
    ELSE coalesce(nullif(trim(left(regexp_replace(regexp_replace(
             split_part(split_part(coalesce(error, ''), chr(10), 1), '. ', 1),
             '[0-9]+([.,][0-9]+)*', 'N', 'g'), '\s+', ' ', 'g'), 80)), ''), '(no error text)')
END"""

# The measures, each a sum over the items of one day and key (NULL sums stay NULL, as over items):
#   items           the items; record_count  sum(records) (a top-up or unknown floor is 0)
#   cost_micro      their cost; priced_items how many have one
#   seconds_micro   billable seconds; timed_micro, timed  predict_time of the plausible ones
#   unpriced_low_micro, unpriced_high_micro  the range of the unpriced ones
#   unbounded_items unpriced with no upper bound; first_at  the earliest created_at
_SUMS = {
    "items": "count(*)",
    "record_count": "sum(records)",
    "cost_micro": "sum(cost_micro)",
    "priced_items": "count(cost_micro)",
    "seconds_micro": "sum(seconds_micro)",
    "timed_micro": "sum(CAST(round(timed_seconds * 1000000) AS BIGINT))",
    "timed": "count(timed_seconds)",
    "unpriced_low_micro": "sum(unpriced_low_micro)",
    "unpriced_high_micro": "sum(unpriced_high_micro)",
    "unbounded_items": "count(*) FILTER (WHERE reason_code IS NOT NULL AND unpriced_high_micro IS NULL)",
    "first_at": "min(created_at)",
}
MEASURES = tuple(_SUMS)

_DAY = "CAST(timezone('UTC', created_at) AS DATE)"


def _rollup(items: str, where: str) -> str:
    """SELECT the day rows of the stored items of `items` that `where` selects, in one group-by
    (a waste record's error class computed on the record: grouping by the error texts first, as
    the insights once did, holds a hash table of every distinct text, more than a sync's 128 MB).
    The reason's subjects are grouped as their columns (kept: reports group by them too) and
    made a STRUCT per day row after (cheaper than hashing a STRUCT of nine per item)."""
    keys = ", ".join(k for k in KEYS if k not in ("error_class", "reason", "reason_subject"))
    subjects = ", ".join(reasons.SUBJECT_COLUMNS.values())
    sums = ",\n       ".join(f"{sql} AS {name}" for name, sql in _SUMS.items())
    return f"""
SELECT *, {reasons.sentence_sql("reason_code", "reason_subject")} AS reason FROM (
SELECT *, {reasons.item_subject_sql("reason_code")} AS reason_subject FROM (
SELECT {_DAY} AS day, {keys}, {subjects},
       CASE WHEN status_class = 2 AND records = 1 THEN {ERROR_CLASS_SQL} END AS error_class,
       {sums}
FROM (SELECT *, CASE WHEN predict_time BETWEEN 0 AND {MAX_SECONDS} THEN predict_time END
                 AS timed_seconds FROM {items})
WHERE {where}
GROUP BY ALL
))
"""


def rebuild(con: duckdb.DuckDBPyConnection, items: str, *, low_memory: bool = False) -> None:
    """Replace `bill_daily` with the day rows of every item of `items` (the ledger). With
    `low_memory` (a sync's capped buffer pool), one UTC month at a time: the group-by of ten
    million items at once does not fit 128 MB (about three times slower)."""
    if not low_memory:
        con.execute(f"CREATE OR REPLACE TABLE {DAILY} AS {_rollup(items, 'TRUE')}")
        return
    con.execute(f"CREATE OR REPLACE TABLE {DAILY} AS {_rollup(items, 'FALSE')}")
    months = con.execute(
        "SELECT DISTINCT epoch(month)::BIGINT, epoch(month + INTERVAL 1 MONTH)::BIGINT FROM "
        f"(SELECT date_trunc('month', timezone('UTC', created_at)) AS month FROM {items} "
        "WHERE created_at IS NOT NULL) ORDER BY 1"
    ).fetchall()
    for start, end in months:
        _insert_rollup(
            con,
            items,
            f"created_at >= to_timestamp({int(start)}) AND created_at < to_timestamp({int(end)})",
        )
    _insert_rollup(con, items, "created_at IS NULL")


def start_redo(con: duckdb.DuckDBPyConnection) -> None:
    """Begin collecting the (kind, UTC day) a refresh changes (`mark_days`, then `redo_records`)."""
    con.execute("CREATE OR REPLACE TEMP TABLE replicost_redo_days (kind VARCHAR, day DATE)")


def mark_days(con: duckdb.DuckDBPyConnection, kind: str, select: str) -> None:
    """Add the UTC days of the `created_at` that `select` returns (NULL: none) to those of the
    records of `kind` to redo."""
    con.execute(
        f"INSERT INTO replicost_redo_days SELECT DISTINCT $kind, {_DAY} FROM ({select})",
        {"kind": kind},
    )


def redo_records(con: duckdb.DuckDBPyConnection, items: str) -> None:
    """Write the day rows of the records of `items` again for the (kind, day) marked: one kind
    at a time (a few trainings a refresh prices again can lie on a hundred days that hold
    millions of predictions)."""
    con.execute(
        f"DELETE FROM {DAILY} WHERE records = 1 AND ((kind, day) IN (SELECT (kind, day) FROM "
        "replicost_redo_days) OR (day IS NULL AND kind IN (SELECT kind FROM replicost_redo_days "
        "WHERE day IS NULL)))"
    )
    marked = con.execute(
        "SELECT kind, min(day) - DATE '1970-01-01', max(day) - DATE '1970-01-01' + 1, "
        "count(*) > count(day) FROM replicost_redo_days GROUP BY kind ORDER BY kind"
    ).fetchall()
    for kind, first, last, undated in marked:
        this = f"records = 1 AND kind = '{_kind(kind)}'"
        # each its own statement: an OR of the two would scan every item
        if first is not None:
            # a range of literal instants first (the ledger's zone maps skip what lies outside
            # it), then the days themselves
            _insert_rollup(
                con,
                items,
                f"{this} AND created_at >= to_timestamp({int(first) * 86400}) "
                f"AND created_at < to_timestamp({int(last) * 86400}) AND {_DAY} IN "
                f"(SELECT day FROM replicost_redo_days WHERE kind = '{_kind(kind)}')",
            )
        if undated:
            _insert_rollup(con, items, f"{this} AND created_at IS NULL")


def _kind(kind: str) -> str:
    """A record kind for a SQL literal (only the ledger's own: prediction, training)."""
    if kind not in ("prediction", "training"):
        raise ValueError(f"not a record kind: {kind!r}")
    return kind


def _insert_rollup(con: duckdb.DuckDBPyConnection, items: str, where: str) -> None:
    con.execute(f"INSERT INTO {DAILY} BY NAME {_rollup(items, where)}")


def redo_derived(con: duckdb.DuckDBPyConnection, items: str) -> None:
    """Write the day rows of the items made of many records again (top-ups, unknown floors:
    each refresh derives them again)."""
    con.execute(f"DELETE FROM {DAILY} WHERE records IS DISTINCT FROM 1")
    con.execute(f"INSERT INTO {DAILY} BY NAME {_rollup(items, 'records IS DISTINCT FROM 1')}")


def shape(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The columns of `bill_daily` (part of the ledger's stamp: another shape is another version)."""
    return [row[0] for row in con.execute(f"DESCRIBE {DAILY}").fetchall()]
