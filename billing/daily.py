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
from replicost.store.query import one_row

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
# how the per-error-text groups add up into one row per error class
_RESUM = {name: "min" if name == "first_at" else "sum" for name in _SUMS}
MEASURES = tuple(_SUMS)

_DAY = "CAST(timezone('UTC', created_at) AS DATE)"


def _rollup(items: str, where: str) -> str:
    """SELECT the day rows of the items of `items` that `where` selects. Items are grouped with a
    waste record's error text as it is first; its class (two regular expressions) is then
    computed once per group, and the groups of one class added up."""
    keys = ", ".join(k for k in KEYS if k != "error_class")
    sums = ",\n           ".join(f"{sql} AS {name}" for name, sql in _SUMS.items())
    resums = ", ".join(f"{_RESUM[name]}({name}) AS {name}" for name in _SUMS)
    return f"""
WITH scanned AS (
    SELECT {_DAY} AS day, {keys},
           CASE WHEN status_class = 2 AND records = 1 THEN error END AS error,
           {sums}
    FROM (SELECT *, CASE WHEN predict_time BETWEEN 0 AND {MAX_SECONDS} THEN predict_time END
                     AS timed_seconds FROM {items})
    WHERE {where}
    GROUP BY ALL
)
SELECT day, {keys},
       CASE WHEN status_class = 2 AND records = 1 THEN {ERROR_CLASS_SQL} END AS error_class,
       {resums}
FROM scanned
GROUP BY ALL
"""


def rebuild(con: duckdb.DuckDBPyConnection, items: str) -> None:
    """Replace `bill_daily` with the day rows of every item of `items` (the ledger)."""
    con.execute(f"CREATE OR REPLACE TABLE {DAILY} AS {_rollup(items, 'TRUE')}")


def start_redo(con: duckdb.DuckDBPyConnection) -> None:
    """Begin collecting the UTC days a refresh changes (`mark_days`, then `redo`)."""
    con.execute("CREATE OR REPLACE TEMP TABLE replicost_redo_days (day DATE)")


def mark_days(con: duckdb.DuckDBPyConnection, select: str, params: object = None) -> None:
    """Add the UTC days of the `created_at` that `select` returns (NULL: none) to those to redo."""
    con.execute(
        f"INSERT INTO replicost_redo_days SELECT DISTINCT {_DAY} FROM ({select})", params or {}
    )


def redo(con: duckdb.DuckDBPyConnection, items: str) -> None:
    """Write the day rows again for what changed in `items`: the rows of the days marked, and
    every row of the items made of many records (top-ups, unknown floors: re-derived by each
    refresh)."""
    marked = "day IN (SELECT day FROM replicost_redo_days)"
    undated = "(SELECT count(*) FROM replicost_redo_days WHERE day IS NULL) > 0"
    con.execute(
        f"DELETE FROM {DAILY} WHERE records IS DISTINCT FROM 1 OR {marked} "
        f"OR (day IS NULL AND {undated})"
    )
    (dated,) = one_row(con.execute("SELECT count(day) FROM replicost_redo_days"))
    where = ["records IS DISTINCT FROM 1", f"(created_at IS NULL AND {undated})"]
    if dated:
        # a range first (the ledger's zone maps skip what lies outside), then the days themselves
        where.append(
            "(created_at >= timezone('UTC', (SELECT min(day) FROM replicost_redo_days)::TIMESTAMP)"
            " AND created_at < timezone('UTC', (SELECT max(day) + 1 FROM replicost_redo_days)"
            f"::TIMESTAMP) AND {_DAY} IN (SELECT day FROM replicost_redo_days))"
        )
    con.execute(f"INSERT INTO {DAILY} BY NAME {_rollup(items, ' OR '.join(where))}")


def shape(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The columns of `bill_daily` (part of the ledger's stamp: another shape is another version)."""
    return [row[0] for row in con.execute(f"DESCRIBE {DAILY}").fetchall()]
