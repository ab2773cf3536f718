"""The ledger: the bill's views, stored in the database, kept current by each sync.

`bill_ledger` (store migration m005) holds one row per bill item exactly as the cost views compute
it: every column of `bill_amounts` but those computed from others (`DERIVED`, computed again in
the views over it), materialised column by column (a column the views gain is added to the table
by the next write, so new item kinds and columns flow in unchanged). It is stamped
(`bill_ledger_state`, billing/stamp.py) with a digest of everything a price is decided from.

Writers (`replicost sync` after it commits, `replicost reprice`) call `refresh` on a writable
connection: under the stored prices it prices only the records stamped (`synced_at`) after the
ledger's newest one, and re-derives the items made of many records (deployments' top-ups) from the
stored ones; under other prices, or with `full=True`, it rebuilds everything. Either way in one
transaction: a failed refresh leaves the old ledger and its stamp as they were.

Readers call `attach` on a connection with the prices installed (`costs.install(...,
records=False)`): when the stamp matches the prices in effect and the database holds the
records and deployments the ledger was written from, the records' views (`priced_records`, ...)
become views over the ledger and the bill's views are derived over them: no record is priced;
otherwise `attach` says why and the caller prices in memory. Readers never write.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from replicost.config import Config
from replicost.errors import DatabaseError
from replicost.store.query import one_row
from replicost.store.transactions import transaction

from . import busy, costs, daily, reasons
from .cost_sql import REBUILT, REBUILT_COLUMNS
from .pricing import Catalog, load_catalog
from .stamp import (
    FLOORS,
    LEDGER,
    READ_VIEWS,
    STAMPED,
    STATE,
    Stamp,
    coverage_digest,
    prices_digest,
    read_stamp,
    stale_reason,
)

NEXT = "bill_ledger_next"  # a rebuild's items before they replace the ledger
STORE_COMMAND = "replicost reprice"
# The views of the records alone (the bill's views are derived over them)
RECORD_VIEWS = ("priced_amounts", "priced_records", "prediction_costs", "training_costs")
# Columns of the views computed from stored ones as the cost views compute them, not stored: the
# money in USD from its micro-dollars, seconds from microseconds, the reason's sentence from its
# code and subjects (a first build writes ten million items: a fifth fewer bytes, measured); and
# those the cost views compute from their own columns (cost_sql.REBUILT: the reason's subjects,
# the unit detail), computed first (`_rebuilt`)
DERIVED = {
    "cost_usd": "CAST(replicost_record_usd(cost_micro) AS DECIMAL(18,6))",
    "unpriced_low_usd": "CAST(replicost_record_usd(unpriced_low_micro) AS DECIMAL(18,6))",
    "unpriced_high_usd": "CAST(replicost_record_usd(unpriced_high_micro) AS DECIMAL(18,6))",
    "seconds": "seconds_micro::DOUBLE / 1000000.0",
    "reason": reasons.sentence_sql("reason_code", "reason_subject"),
}
# Every item of the bill, and the record tables whose rows are items of their own
ITEMS = "bill_amounts"
RECORD_TABLES = {"prediction": "predictions", "training": "trainings"}


@dataclass(frozen=True)
class RefreshResult:
    """What a refresh did: `rebuilt` (everything priced) or not, how many records it priced, and
    how many items the ledger holds after it."""

    rebuilt: bool
    priced: int
    items: int

    def line(self) -> str:
        what = "rebuilt" if self.rebuilt else "refreshed"
        return f"ledger {what}: {self.priced:,} records priced, {self.items:,} bill items stored"


def attach(con: duckdb.DuckDBPyConnection) -> str | None:
    """On a connection with the catalog installed, make the cost views read the ledger when it
    holds the bill of these prices and this database; else leave them and return why not."""
    stamp = read_stamp(con)
    reason = stale_reason(con, stamp)
    if reason is None and stamp is not None:
        # the records read the ledger; so do the items made of many records (top-ups, unknown
        # floors), derived again over the stored records only where a cut (`cut_at`: --now)
        # changes them: from the day it falls in
        _ledger_views(con, {view: stamp.views[view] for view in RECORD_VIEWS})
        con.execute(_STORED, [json.dumps(stamp.views)])
        con.execute(_FIRST_RECORDS_STORED)
        _bill_views(con, stamp.views, None)
    return reason


# Marks a connection whose bill reads the ledger (with the columns of each view)
_STORED = "CREATE OR REPLACE TEMP TABLE replicost_stored_bill AS SELECT ?::VARCHAR AS views"
# Each deployment's and account's first record, and the deployments the records name, from the
# bill per day instead of every record
_FIRST_RECORDS_STORED = f"""
CREATE OR REPLACE TEMP VIEW replicost_known_deployments AS
SELECT deployment FROM deployments
UNION
SELECT DISTINCT deployment FROM {daily.DAILY}
WHERE kind = 'prediction' AND records = 1 AND deployment IS NOT NULL;
CREATE OR REPLACE TEMP VIEW replicost_deployment_first AS
SELECT deployment, min(first_at) AS first_at FROM {daily.DAILY}
WHERE kind = 'prediction' AND records = 1 AND deployment IS NOT NULL GROUP BY deployment;
CREATE OR REPLACE TEMP VIEW replicost_account_first AS
SELECT account, min(first_at) AS first_at FROM {daily.DAILY} WHERE records = 1 GROUP BY account;
"""


def _stored_views(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]] | None:
    """The stored views' columns when the bill on `con` reads the ledger, else None."""
    if not _has_table(con, "replicost_stored_bill"):
        return None
    row = con.execute("SELECT views FROM replicost_stored_bill").fetchone()
    return json.loads(row[0]) if row else None


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]
    ).fetchone()
    return bool(row and row[0])


def _has_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [name]).fetchone()
    return bool(row and row[0])


# The views of what items made of many records are derived from, which reports also read, and
# the stored tables that hold them uncut: under a cut, each is kept in a TEMP table (derived once
# per cut, not once per report)
_CUT_VIEWS = {
    "deployment_uptime_costs": "bill_uptime",
    "replicost_unknown_floor_days": "bill_unknown_days",
}


def _bill_views(
    con: duckdb.DuckDBPyConnection, views: dict[str, list[str]], cut: dt.datetime | None
) -> None:
    """The bill's views (`bill_amounts`, `bill_items`) over the stored items; with a cut, the
    items made of many records from the cut's UTC day on are those derived under it, kept in TEMP
    tables for the reports that follow (with the floors they are derived from, which reports
    also read)."""
    day = None if cut is None else _day_start(cut)
    # a cut at a UTC midnight leaves its day no time: nothing made of many records is derived
    # from it on (no floor runs in it), the stored ones before it stand
    midnight = day is not None and cut == day
    con.execute("UPDATE replicost_cut SET derive_from = coalesce(?, '-infinity')", [day])
    for view, table in _CUT_VIEWS.items():
        source = table
        if day is not None:
            derived = FLOORS[table]
            # an uptime row is of its day alone; an unknown floor's rows carry their stretch's
            # end, which the cut moves: derived again whole
            select = f"SELECT * FROM {derived}"
            if view == "deployment_uptime_costs":
                select = f"SELECT * FROM {table} WHERE day < $day" + (
                    "" if midnight else f" UNION ALL SELECT * FROM {derived} WHERE day >= $day"
                )
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {view}_cut AS {select}",
                {"day": day.date()} if "$day" in select else None,
            )
            source = f"{view}_cut"
        con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {source}")
    source = LEDGER
    if midnight:
        assert day is not None
        source = (
            f"(SELECT * FROM {LEDGER} WHERE records = 1 OR created_at < '{day.isoformat()}'"
            "::TIMESTAMPTZ)"
        )
    elif day is not None:
        if not _has_view(con, "replicost_derived_amounts"):
            # (it makes bill_amounts and bill_items too: replaced below)
            costs.install_bill_views(con)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE replicost_cut_items AS "
            + _stored(
                "SELECT * FROM replicost_derived_amounts WHERE created_at >= ?",
                _view_columns(con, "replicost_derived_amounts"),
            ),
            [day],
        )
        source = (
            f"(SELECT * FROM {LEDGER} WHERE records = 1 OR created_at < '{day.isoformat()}'"
            "::TIMESTAMPTZ UNION ALL BY NAME SELECT * FROM replicost_cut_items)"
        )
    for view in ("bill_amounts", "bill_items"):
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT {_columns(views[view])} FROM "
            f"{_rebuilt(source)}"
        )


def _day_start(instant: dt.datetime) -> dt.datetime:
    utc = instant.astimezone(dt.UTC)
    return dt.datetime(utc.year, utc.month, utc.day, tzinfo=dt.UTC)


def daily_until(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """Up to which instant (a UTC midnight; `dt.datetime.max` in UTC: all of it) a report may read
    the bill per day (`bill_daily`) instead of the items, or None: not on this connection (its bill
    is priced in memory). The days from a cut's day on are read from the items."""
    if _stored_views(con) is None:
        return None
    cut = _cut(con)
    return dt.datetime.max.replace(tzinfo=dt.UTC) if cut is None else _day_start(cut)


def _cut(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The instant the bill on `con` is cut at (None: not cut)."""
    return one_row(
        con.execute("SELECT CASE WHEN isfinite(cut_at) THEN cut_at END FROM replicost_cut")
    )[0]


# Whether a cut at $cut falls at or after everything the stored bill holds, on an uncut
# connection: the deployments' floors (up to their last sync) and the records (the newest
# created_at, looked up on the last day of the bill per day); NULL (nothing held) counts as true
_AFTER_ALL = f"""
SELECT coalesce($cut >= greatest(
    (SELECT max(synced_until) FROM replicost_synced_until),
    (SELECT max(created_at) FROM {LEDGER} WHERE records = 1 AND created_at >= (
        SELECT timezone('UTC', CAST(max(day) AS TIMESTAMP)) FROM {daily.DAILY} WHERE records = 1))
), TRUE)
"""


def _after_all(con: duckdb.DuckDBPyConnection, instant: dt.datetime) -> bool:
    """Whether a cut at `instant` changes nothing of the stored bill (on an uncut connection)."""
    return bool(one_row(con.execute(_AFTER_ALL, {"cut": instant}))[0])


@contextlib.contextmanager
def cut_at(con: duckdb.DuckDBPyConnection, instant: dt.datetime | None) -> Iterator[None]:
    """Within the block, the bill on `con` stops at `instant` (None: no cut): deployments' floors
    run up to it and no later prediction counts against a floor. Records are cut by the report's
    own filter (`Filters.before`). The previous cut comes back afterwards (a connection can serve
    several reports)."""
    if instant is None:
        yield
        return
    previous = _cut(con)
    stored = _stored_views(con)
    # a cut at or after everything the stored bill holds (a report's default `now`) changes
    # none of it: the stored items serve as they are
    changes = stored is not None and (previous is not None or not _after_all(con, instant))
    con.execute("UPDATE replicost_cut SET cut_at = ?", [instant])
    if changes:
        assert stored is not None
        _bill_views(con, stored, instant)
    try:
        yield
    finally:
        con.execute("UPDATE replicost_cut SET cut_at = coalesce(?, 'infinity')", [previous])
        if changes:
            assert stored is not None
            _bill_views(con, stored, previous)


def _ledger_views(con: duckdb.DuckDBPyConnection, views: dict[str, list[str]]) -> None:
    """The cost views as views over the ledger rows they hold, with the columns they had."""
    for view, columns_of in views.items():
        where = READ_VIEWS[view]
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT {_columns(columns_of)} FROM "
            f"{_rebuilt(LEDGER)} WHERE {where}"
        )


def _columns(names: list[str]) -> str:
    """SELECT items of a view over the stored items with the columns `names` (`DERIVED` ones
    computed)."""
    return ", ".join(
        f"{DERIVED[name]} AS {_ident(name)}" if name in DERIVED else _ident(name) for name in names
    )


def _rebuilt(source: str) -> str:
    """The stored items of `source` (the ledger, or a subquery of its rows) with the columns the
    cost views build from their others (`REBUILT`), for the `DERIVED` ones and the views."""
    return f"(SELECT *, {REBUILT_COLUMNS} FROM {source})"


def _stored(select: str, names: Iterable[str] = (*DERIVED, *REBUILT)) -> str:
    """A SELECT of the columns of `select` the ledger stores: all but the `DERIVED` and `REBUILT`
    ones among `names`, the columns `select` has (the records' pricing has every one)."""
    derived = [name for name in (*DERIVED, *REBUILT) if name in set(names)]
    return f"SELECT * EXCLUDE ({', '.join(derived)}) FROM ({select})" if derived else select


def _view_columns(con: duckdb.DuckDBPyConnection, view: str) -> list[str]:
    """The columns of a TEMP view as bound when it was created (no binding again)."""
    return [
        row[0]
        for row in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'temp' "
            "AND table_name = ? ORDER BY column_index",
            [view],
        ).fetchall()
    ]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _shapes(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    return {
        **{
            # (as bound when created: a DESCRIBE binds the cost views again, 0.2 s each at 10M)
            view: _view_columns(con, view)
            for view in READ_VIEWS
        },
        daily.DAILY: daily.shape(con),
        busy.BUSY: busy.shape(con),
        **{
            table: [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
            for table in FLOORS
        },
    }


def _store_floors(con: duckdb.DuckDBPyConnection) -> None:
    """Write the deployments' floors per UTC day (`FLOORS`) as the views derive them now."""
    for table, view in FLOORS.items():
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {view}")


def refresh(
    con: duckdb.DuckDBPyConnection,
    catalog: Catalog,
    *,
    full: bool = False,
    pricing_file: str | Path | None = None,
    low_memory: bool = False,
) -> RefreshResult:
    """Bring the ledger up to date on a writable, migrated connection (see the module doc);
    `low_memory`: the connection's buffer pool is capped (the sync's), build in smaller steps."""
    costs.install(con, catalog, records=False)
    prices = prices_digest(con)
    stamp = read_stamp(con)
    rebuild = full or stamp is None or stamp.prices != prices or set(stamp.views) != set(STAMPED)
    if rebuild:
        # every item into a table of its own first, committed: readers never see it, and the bill
        # per day is then built from committed rows (over ten million rows inserted in the same
        # transaction it does not fit a sync's 128 MB pool). Swapped in below, in one transaction
        # with the rest: a failure leaves the old ledger and its stamp.
        costs.install_records(con, catalog)
        con.execute(f"DROP TABLE IF EXISTS {NEXT}")
        items = _stored(f"SELECT * FROM {ITEMS}", _view_columns(con, ITEMS))
        con.execute(f"CREATE TABLE {NEXT} AS {items}")
    try:
        return _write(con, catalog, stamp, prices, rebuild, pricing_file, low_memory)
    except _Drifted:  # (rolled back)
        return refresh(con, catalog, full=True, pricing_file=pricing_file, low_memory=low_memory)


def _write(
    con: duckdb.DuckDBPyConnection,
    catalog: Catalog,
    stamp: Stamp | None,
    prices: str,
    rebuild: bool,
    pricing_file: str | Path | None,
    low_memory: bool,
) -> RefreshResult:
    """Swap a rebuild's items in (`NEXT`), or price the records synced since `stamp`, in one
    transaction with the bill per day, the floors, the busy time and the stamp."""
    with transaction(con):
        values = {
            "coverage": coverage_digest(con),
            **{f"{kind}s_synced_until": at for kind, at in _synced_until(con).items()},
        }
        if rebuild:
            priced = int(one_row(con.execute(f"SELECT count(*) FROM {NEXT}"))[0])
            con.execute(f"DROP TABLE {LEDGER}")
            con.execute(f"ALTER TABLE {NEXT} RENAME TO {LEDGER}")
            daily.rebuild(con, LEDGER, low_memory=low_memory)
            _store_floors(con)
            busy.store(con)
            con.execute(f"DELETE FROM {STATE}")
            con.execute(
                f"INSERT INTO {STATE} VALUES ($prices, $coverage, $predictions_synced_until, "
                "$trainings_synced_until, $views, $file, now(), now())",
                {
                    **values,
                    "prices": prices,
                    "views": json.dumps(_shapes(con)),
                    "file": _text(pricing_file),
                },
            )
        else:
            assert stamp is not None
            priced = _reprice_since(con, catalog, stamp)
            con.execute(
                f"UPDATE {STATE} SET coverage = $coverage, "
                "predictions_synced_until = $predictions_synced_until, "
                "trainings_synced_until = $trainings_synced_until, refreshed_at = now()",
                values,
            )
        items = one_row(con.execute(f"SELECT count(*) FROM {LEDGER}"))[0]
    return RefreshResult(rebuild, priced, int(items))


def _text(path: str | Path | None) -> str | None:
    return None if path is None else str(path)


def _insert(con: duckdb.DuckDBPyConnection, select: str) -> int:
    return int(one_row(con.execute(f"INSERT INTO {LEDGER} BY NAME {select}"))[0])


def _synced_until(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    return {
        kind: one_row(con.execute(f"SELECT max(synced_at) FROM {table}"))[0]
        for kind, table in RECORD_TABLES.items()
    }


def _reprice_since(con: duckdb.DuckDBPyConnection, catalog: Catalog, stamp: Stamp) -> int:
    """Price the records stamped since the ledger's newest ones into it (replacing their old
    items), then derive the items made of many records (top-ups) again from the stored ones.
    Returns how many records were priced."""
    since = {"prediction": stamp.predictions_synced_until, "training": stamp.trainings_synced_until}
    relations = {}
    daily.start_redo(con)  # the UTC days whose records change (bill_daily)
    for kind, table in RECORD_TABLES.items():
        staged = f"replicost_ledger_{table}"
        if _stage(con, table, staged, since[kind]):
            relations[table] = staged
        # the stored items of those records (found once, deleted by row id): their days change
        _find_replaced(con, kind, table, staged)
        daily.mark_days(con, kind, "SELECT created_at FROM replicost_replaced")
        daily.mark_days(con, kind, f"SELECT created_at FROM {staged}")
        con.execute(f"DELETE FROM {LEDGER} WHERE rowid IN (SELECT row_id FROM replicost_replaced)")
    # the records' pricing as one statement (its views as CTEs: bound once)
    select = costs.priced_amounts_select(con, catalog, relations)
    priced = (
        0 if select is None else _insert(con, _stored(f"SELECT *, 1 AS records FROM ({select})"))
    )
    # the records' views read the ledger (every record, old and new): the items made of many
    # records are derived again over them, as a full pricing would
    _ledger_views(con, {view: stamp.views[view] for view in RECORD_VIEWS})
    costs.install_bill_views(con)
    # the records' day rows first: the top-ups read their predictions' active time per day, and
    # each deployment's first record, from them
    daily.redo_records(con, LEDGER)
    con.execute(_ACTIVE_FROM_DAILY)
    con.execute(_FIRST_RECORDS_STORED)
    _store_floors(con)
    busy.store(con, "replicost_redo_days")
    con.execute(f"DELETE FROM {LEDGER} WHERE records IS DISTINCT FROM 1")
    derived = "SELECT * FROM replicost_derived_amounts"
    _insert(con, _stored(derived, _view_columns(con, "replicost_derived_amounts")))
    daily.redo_derived(con, LEDGER)
    return priced


def _stage(con: duckdb.DuckDBPyConnection, table: str, staged: str, since: Any) -> int:
    """Copy the records of `table` stamped after `since` (all when None; and any never stamped)
    into the TEMP table `staged`, without the raw JSON pricing never reads. Returns how many
    there are. (A sync stamps each page it writes with its transaction's start: the records
    stamped at `since` were committed before the refresh that read it.)"""
    columns = "* EXCLUDE (raw)" if costs.has_column(con, table, "raw") else "*"
    where = "TRUE" if since is None else "synced_at > $since OR synced_at IS NULL"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {staged} AS SELECT {columns} FROM {table} WHERE {where}",
        {} if since is None else {"since": since},
    )
    return int(one_row(con.execute(f"SELECT count(*) FROM {staged}"))[0])


class _Drifted(Exception):
    """The ledger does not hold one item per record (a record deleted, or written with a stamp
    older than the ledger's, by hand or by a clock set back): a refresh cannot say which items
    are missing or stale, a rebuild can."""


def _find_replaced(con: duckdb.DuckDBPyConnection, kind: str, table: str, staged: str) -> None:
    """The stored items of the records in `staged` (records `kind` of `table`), as the TEMP table
    replicost_replaced (row id, created_at). Raises `_Drifted` when the ledger does not then hold
    one item per record of `table`.

    Every id of the ledger is a tenth of a second to scan at 10M, so the items are looked for
    first where the staged records' `created_at` lie (the ledger's zone maps skip the rest), and
    the find is checked by counting: the ledger holds one item per record after the refresh
    exactly when its items of `kind`, less those found, plus the staged records, are the rows of
    `table`. A record whose `created_at` moved (or one without) fails the count, and the items
    are then looked for among every id."""
    lookup = (
        "CREATE OR REPLACE TEMP TABLE replicost_replaced AS SELECT rowid AS row_id, created_at "
        f"FROM {LEDGER} WHERE records = 1 AND kind = $kind AND id IN (SELECT id FROM {staged})"
    )
    low, high, staged_rows, dated = one_row(
        con.execute(
            f"SELECT min(created_at), max(created_at), count(*), count(created_at) FROM {staged}"
        )
    )
    stored = one_row(
        con.execute(
            f"SELECT count(*) FROM {LEDGER} WHERE records = 1 AND kind = $kind", {"kind": kind}
        )
    )[0]
    rows = one_row(con.execute(f"SELECT count(*) FROM {table}"))[0]

    def complete() -> bool:
        found = one_row(con.execute("SELECT count(*) FROM replicost_replaced"))[0]
        return bool(stored - found + staged_rows == rows)

    if staged_rows and dated == staged_rows:
        con.execute(
            lookup + " AND created_at >= $low AND created_at <= $high",
            {"kind": kind, "low": low, "high": high},
        )
        if complete():
            return
    con.execute(lookup + ("" if staged_rows else " AND FALSE"), {"kind": kind})
    if not complete():
        raise _Drifted(f"{stored:,} items of {rows:,} {table}")


# The deployments' active time per UTC day (bill_sql's replicost_deployment_active) from the
# bill per day: the same sums, without reading every stored record
_ACTIVE_FROM_DAILY = f"""
CREATE OR REPLACE TEMP VIEW replicost_deployment_active AS
SELECT deployment, day, replicost_usd(sum(cost_micro)) AS active_usd
FROM {daily.DAILY}
WHERE kind = 'prediction' AND records = 1 AND basis = 'per_second' AND deployment IS NOT NULL
GROUP BY ALL
"""


def store(
    db: str | Path,
    *,
    pricing_file: str | Path | None = None,
    config: Config | None = None,
    full: bool = False,
    memory_mb: int | None = None,
    catalog: Catalog | None = None,
) -> RefreshResult:
    """Open `db` for writing and bring its ledger up to date under the prices in effect (the
    shipped catalog, the config's sections, the pricing file): `replicost reprice` (full) and
    `replicost sync` after it commits. `memory_mb` caps DuckDB's buffer pool (the sync's memory
    target); `catalog`: those prices, already loaded (a sync checks them before it starts)."""
    from replicost.store import connect

    if not Path(db).exists():
        raise DatabaseError(
            f"no database at {db}; run `replicost sync` (or `replicost demo`) first"
        )
    if catalog is None:
        catalog = load_catalog(pricing_file=pricing_file, config=config)
    con = connect(db)
    try:
        if memory_mb is not None:
            con.execute(f"SET memory_limit = '{int(memory_mb)}MB'")
        path = pricing_file if pricing_file is not None else (config.pricing if config else None)
        return refresh(con, catalog, full=full, pricing_file=path, low_memory=memory_mb is not None)
    finally:
        con.close()
