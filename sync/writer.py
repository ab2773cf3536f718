"""Upsert batches of records into DuckDB fast, with the sync state in the same transaction.

What is fast here (measured on this 2-core machine with DuckDB 2.0, benchmarks/sync_bench.py):
binding Python lists costs DuckDB about 1 microsecond per value and 7 per 800-byte string, so
17 column lists of 5,000 records cost about 100 ms before the INSERT even starts, and the per-record
Python that builds them as much again. So a batch crosses into DuckDB as a handful of strings:
each page's records as JSON lines (`encode`, run by the pager threads, which hold the GIL while
DuckDB, which releases it, writes the previous batch). DuckDB splits the lines and extracts every
column in SQL (`_COLUMN_SQL`): about 50,000 rows/s into the table, where the column lists managed
20,000. The extraction mirrors `records.columns` value for value (tests/test_sync_writer.py
checks the two against each other on odd records).

Pages are added to an open transaction (`add`) and committed with the given `sync_state` entries
(`commit`), so a crash leaves either all the pages of a commit with their cursors or none of them.

Uniqueness. The record tables have no primary key (m002: DuckDB holds a key's index in memory,
about 100 bytes a record, so memory grew with the history). No id is ever stored twice all the
same; the writer checks every batch before it writes it, inside the transaction that commits it:

- `fresh=True` (the caller knows no stored row should have these ids: a window of a full sync
  that was empty in the database when it was planned): if no id repeats within the batch and the
  id filter (idfilter.py: a fixed-size Bloom filter over every stored id) rules every id out, a
  plain INSERT. Otherwise the careful way.
- the careful way: the pages go to a TEMP table; stored rows with the same ids are looked up in
  the batch's `created_at` range (windows are disjoint in `created_at`, and an incremental run
  only overlaps the newest stored minutes, so this touches few rows; zone maps and a timestamp
  comparison skip the rest). An id not found there is stored elsewhere only if its `created_at`
  changed: the filter says which ids might be, and only those are looked up over the whole table.
  Records whose `raw` is unchanged are dropped (a re-fetched finished prediction costs nothing),
  changed ones delete their old row, and the rest is inserted.

Only this writer inserts records during a sync (DuckDB lets one process write a file), so the
filter, built from the table the first time it is needed, stays complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import numpy as np

from replicost.client.paging import UNDECODABLE_KEY
from replicost.store import billing_inputs
from replicost.store import quarantine as rules
from replicost.store import transactions as tx
from replicost.store.query import one_row
from replicost.sync import door, idfilter
from replicost.sync import records as rec
from replicost.sync.idfilter import IdFilter
from replicost.sync.state import put_states

_LOOKUP_CHUNK = 1000  # ids per IN list of bound literals (a lookup outside the batch's range)
_STAGE = "replicost_batch"  # TEMP tables of the careful path: the batch,
_MATCHES = "replicost_batch_matches"  # and its ids already stored (same: raw unchanged)

# JSON paths of the columns, in `records.RECORD_COLUMNS` order (raw excluded); extracted in one
# json_extract call per record, then typed exactly as `records.columns` types them.
_PATHS = {
    "id": "$.id",
    "model": "$.model",
    "version": "$.version",
    "status": "$.status",
    "source": "$.source",
    "deployment": "$.deployment",
    "created_at": "$.created_at",
    "started_at": "$.started_at",
    "completed_at": "$.completed_at",
    "predict_time": "$.metrics.predict_time",
    "total_time": "$.metrics.total_time",
    "input_token_count": "$.metrics.input_token_count",
    "output_token_count": "$.metrics.output_token_count",
    "image_count": "$.metrics.image_count",
    "error": "$.error",
    "data_removed": "$.data_removed",
    "destination": "$.destination",
    "output_version": "$.output.version",
    **{name: path for name, (_, path) in billing_inputs.METRIC_COLUMNS.items()},
    billing_inputs.PRICE_INPUTS: "$.input",
}
_TIMESTAMPS = {"created_at", "started_at", "completed_at"}
_NUMBERS = {"predict_time", "total_time"}  # records._number: int or float, never bool
_COUNTS = {"input_token_count", "output_token_count", "image_count"}  # records._count
_COUNTS |= {name for name, (kind, _) in billing_inputs.METRIC_COLUMNS.items() if kind == "BIGINT"}
_NUMBERS |= {name for name, (kind, _) in billing_inputs.METRIC_COLUMNS.items() if kind == "DOUBLE"}


def _typed(name: str, value: str) -> str:
    """SQL turning the JSON value `value` into the column `name` as `records.columns` does."""
    if name in _TIMESTAMPS:  # an odd timestamp never loses a record: raw keeps it
        return f"TRY_CAST({value} ->> '$' AS TIMESTAMPTZ)"
    if name in _NUMBERS:
        return f"CASE WHEN json_type({value}) IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN {value}::DOUBLE END"
    if name in _COUNTS:
        return (
            f"CASE json_type({value}) WHEN 'BIGINT' THEN {value}::BIGINT "
            f"WHEN 'UBIGINT' THEN TRY_CAST({value}::UBIGINT AS BIGINT) "
            f"WHEN 'DOUBLE' THEN CASE WHEN {value}::DOUBLE = floor({value}::DOUBLE) "
            f"THEN TRY_CAST({value}::DOUBLE AS BIGINT) END END"
        )
    if name == "data_removed":
        return f"CASE WHEN json_type({value}) = 'BOOLEAN' THEN {value}::BOOLEAN END"
    return f"{value} ->> '$'"  # text as is; any other JSON value as its JSON text


_FINISHED, _UNFINISHED = (
    "(" + ", ".join(f"'{status}'" for status in statuses) + ")"
    for statuses in (rec.TERMINAL_STATUSES, rec.UNFINISHED_STATUSES)
)


def _number_sql(value: str) -> str:
    """Any JSON number as DOUBLE (for the door's checks: a count of 1e300 is no BIGINT)."""
    return (
        f"CASE WHEN json_type({value}) IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN {value}::DOUBLE END"
    )


def _select_sql(names: tuple[str, ...]) -> str:
    """SELECT every column of `names` (+ account, synced_at, quarantine_reason) from $1 account,
    $2 page texts and $3 the latest believable timestamp (door.py)."""
    fields = [name for name in names if name != "raw"]
    # the last path: why the page reader set a record apart (bytes that are not UTF-8), if it did
    paths = ", ".join([*(f"'{_PATHS[name]}'" for name in fields), f"'$.{UNDECODABLE_KEY}.reason'"])
    position = {name: i for i, name in enumerate(fields, start=1)}
    selects = [
        f"{_typed(name, f'j[{position[name]}]')} AS {name}"
        for name in fields
        if name != billing_inputs.PRICE_INPUTS
    ]
    if billing_inputs.PRICE_INPUTS in position:  # the short inputs of a record billed per output
        metrics = [_typed(name, f"j[{position[name]}]") for name in billing_inputs.METRIC_COLUMNS]
        version = _typed("version", f"j[{position['version']}]")
        price_inputs = billing_inputs.price_inputs_sql(
            f"j[{position[billing_inputs.PRICE_INPUTS]}]", version, metrics
        )
        selects.append(f"{price_inputs} AS {billing_inputs.PRICE_INPUTS}")
    checked = {name: f"door_{name}" for name in (*rules.TIMESTAMP_FIELDS, *rules.SECONDS_FIELDS)}
    checked.update({name: f"door_{name}" for name in rules.UNIT_FIELDS})
    door_selects = [f"{name} AS door_{name}" for name in rules.TIMESTAMP_FIELDS]
    door_selects += [
        f"{_number_sql(f'j[{position[name]}]')} AS door_{name}"
        for name in (*rules.SECONDS_FIELDS, *rules.UNIT_FIELDS)
    ]
    door_selects.append(f"j[{len(fields) + 1}] ->> '$' AS door_undecodable")
    inner = (
        f"SELECT $1 AS account, {', '.join(selects)}, raw, now() AS synced_at, j FROM ("
        f"SELECT raw, json_extract(raw, [{paths}]) AS j FROM ("
        f"SELECT unnest(string_split(page, chr(10))) AS raw FROM (SELECT unnest($2::VARCHAR[]) AS page)) "
        f"WHERE raw <> '')"
    )
    return (
        f"SELECT account, {', '.join(names)}, synced_at, "
        f"coalesce(door_undecodable, {rules.reason_sql(checked, '$3::TIMESTAMPTZ')}) "
        "AS quarantine_reason FROM ("
        f"SELECT *, {', '.join(door_selects)} FROM ({inner}))"
    )


@dataclass(frozen=True, slots=True)
class Encoded:
    """Records ready for `RecordWriter.add`: their ids, their JSON lines and their created_at."""

    ids: list[str]
    text: str  # one record per line, as stored in `raw` (large data URLs replaced)
    created: list[Any]  # each record's created_at as served (a window's edge can cut a page)
    not_after: datetime | None = None  # the latest believable timestamp (door.py); None: now

    def __len__(self) -> int:
        return len(self.ids)

    def select(self, keep: list[int]) -> Encoded:
        """Only the records at the positions `keep`."""
        lines = self.text.split("\n")
        return Encoded(
            [self.ids[i] for i in keep],
            "\n".join(lines[i] for i in keep),
            [self.created[i] for i in keep],
            self.not_after,
        )


def encode(records: list[dict[str, Any]], not_after: datetime | None = None) -> Encoded:
    """JSON lines of `records` (orjson never writes a raw newline: strings escape it).

    `not_after`: the latest believable timestamp for these records (`door.not_after` of the
    page's `Date` header); None means the local clock's, when they are written.
    """
    return Encoded(
        [record["id"] for record in records],
        "\n".join(map(rec.raw_json, records)),
        [record.get("created_at") for record in records],
        not_after,
    )


def _limit(pages: list[Encoded]) -> datetime:
    """One door limit for a group of pages (fetched moments apart): the most lenient."""
    limits = [page.not_after for page in pages if page.not_after is not None]
    return max(limits) if limits else door.not_after(None)


@dataclass
class WriteResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    # answers that would have turned a finished record (succeeded, failed...) unfinished again
    reverts_ignored: int = 0


class RecordWriter:
    """Writes predictions or trainings of one account; the caller owns the connection's thread.

    One-shot: `write(records, state)`. Streaming: `add(pages)` as pages arrive (each call one
    INSERT in a transaction left open), then `commit(state)`: fewer, larger transactions (a COMMIT
    costs DuckDB a WAL flush, and small appends leave small, poorly compressed segments: 50 pages
    per commit write 1.7x slower than 250 and make a 1.5x larger file).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, table: str, account: str) -> None:
        if table not in ("predictions", "trainings"):
            raise ValueError(f"no record table {table!r}")
        self.con, self.table, self.account = con, table, account
        self.training = table == "trainings"
        self.names = rec.RECORD_COLUMNS + (rec.TRAINING_EXTRA_COLUMNS if self.training else ())
        columns = ", ".join(("account", *self.names, "synced_at", "quarantine_reason"))
        select = _select_sql(self.names)
        self._insert_sql = f"INSERT INTO {table} ({columns}) {select}"
        self._stage_sql = f"CREATE OR REPLACE TEMP TABLE {_STAGE} AS {select}"
        self._from_stage_sql = f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {_STAGE}"
        self._open = False
        self._ids: IdFilter | None = None  # built from the table the first time it is needed
        self._result = WriteResult()
        self.pending_rows = 0

    def write(
        self,
        records: list[dict[str, Any]],
        state: dict[tuple[str, str], str | None] | None = None,
        *,
        not_after: datetime | None = None,
    ) -> WriteResult:
        """Upsert `records` and the (resource, key) -> value `state` entries in one transaction."""
        return self.write_encoded([encode(records, not_after)] if records else [], state)

    def write_encoded(
        self,
        pages: list[Encoded],
        state: dict[tuple[str, str], str | None] | None = None,
        *,
        fresh: bool = False,
    ) -> WriteResult:
        """Write encoded pages and `state` in one transaction (see the module doc for `fresh`)."""
        self.add(pages, fresh=fresh)
        return self.commit(state)

    def add(self, pages: list[Encoded], *, fresh: bool = False) -> None:
        """Write pages into the open transaction (opened if needed); nothing is final before `commit`."""
        pages = [page for page in pages if page.ids]
        if not self._open:
            tx.begin(self.con)
            self._open = True
        if not pages:
            return
        self.pending_rows += sum(len(page) for page in pages)
        try:
            if not (fresh and self._insert_fresh(pages)):
                self._upsert(pages)
        except BaseException:
            self.rollback()
            raise

    def commit(self, state: dict[tuple[str, str], str | None] | None = None) -> WriteResult:
        """Write `state` and COMMIT with the rows added since the last commit; return what they did."""
        if not self._open:
            tx.begin(self.con)
            self._open = True
        try:
            put_states(self.con, self.account, state or {})
            tx.commit(self.con)
        except BaseException:
            self.rollback()
            raise
        result = self._result
        self._reset()
        return result

    def rollback(self) -> None:
        """Drop everything added since the last commit (the id filter may keep their bits: it
        over-approximates, which costs a lookup at most)."""
        if self._open:
            tx.rollback(self.con)
        self._reset()

    def _reset(self) -> None:
        self._open, self._result, self.pending_rows = False, WriteResult(), 0

    def _filter(self) -> IdFilter:
        if self._ids is None:
            self._ids = idfilter.build(self.con, self.table)
        return self._ids

    def _insert_fresh(self, pages: list[Encoded]) -> bool:
        """Plain INSERT if no id of the pages repeats or may be stored; False: take the careful way."""
        ids = [row_id for page in pages for row_id in page.ids]
        if len(set(ids)) < len(ids):
            return False
        hashes = idfilter.id_hashes(self.con, ids)
        id_filter = self._filter()
        if id_filter.may_contain(hashes).any():
            return False
        inserted = one_row(
            self.con.execute(
                self._insert_sql, [self.account, [page.text for page in pages], _limit(pages)]
            )
        )[0]
        id_filter.add(hashes)
        self._result.new += inserted
        return True

    def _upsert(self, pages: list[Encoded]) -> None:
        con = self.con
        con.execute(self._stage_sql, [self.account, _unique_texts(pages), _limit(pages)])
        low, high, unreadable = one_row(
            con.execute(
                f"SELECT epoch_us(min(created_at)), epoch_us(max(created_at)), count(*) - count(created_at) "
                f"FROM {_STAGE}"
            )
        )
        lookup = (
            f"SELECT b.id, t.raw IS NOT DISTINCT FROM b.raw AS same, epoch_us(t.created_at) AS stored_us, "
            f"t.status IN {_FINISHED} AND b.status IN {_UNFINISHED} AS reverts "
            f"FROM {self.table} t JOIN {_STAGE} b ON t.id = b.id"
        )
        if unreadable:  # a record without a readable created_at: the range says nothing
            con.execute(f"CREATE OR REPLACE TEMP TABLE {_MATCHES} AS {lookup}")
        else:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {_MATCHES} AS {lookup} "
                f"WHERE t.created_at BETWEEN make_timestamptz(?) AND make_timestamptz(?)",
                [low, high],
            )
        # ids not stored in the batch's range: stored elsewhere only if their created_at changed
        rest = con.execute(
            f"SELECT id, hash(id) AS h FROM {_STAGE} WHERE id NOT IN (SELECT id FROM {_MATCHES})"
        ).fetchnumpy()
        rest_hashes = np.asarray(rest["h"], dtype=np.uint64)
        if len(rest_hashes) and not unreadable:
            suspects = [str(i) for i in rest["id"][self._filter().may_contain(rest_hashes)]]
            for start in range(0, len(suspects), _LOOKUP_CHUNK):
                chunk = suspects[start : start + _LOOKUP_CHUNK]
                con.execute(
                    f"INSERT INTO {_MATCHES} {lookup} WHERE t.id IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
        unchanged = one_row(
            con.execute(f"DELETE FROM {_STAGE} WHERE id IN (SELECT id FROM {_MATCHES} WHERE same)")
        )[0]
        reverts = self._drop_reverts()
        changed = self._delete_changed()
        inserted = one_row(con.execute(self._from_stage_sql))[0]
        if len(rest_hashes):
            self._filter().add(rest_hashes)
        self._result.new += inserted - changed
        self._result.updated += changed
        self._result.unchanged += unchanged
        self._result.reverts_ignored += reverts

    def _drop_reverts(self) -> int:
        """Keep a finished record finished: an answer saying `processing` (or any unfinished
        status) for a record stored as succeeded, failed, canceled or aborted is a lie or a
        stale cache (a record never starts again), and taking it would move its cost to
        unpriced. Such answers are dropped from the batch and counted."""
        reverted = f"SELECT id FROM {_MATCHES} WHERE reverts AND NOT same"
        count = one_row(self.con.execute(f"DELETE FROM {_STAGE} WHERE id IN ({reverted})"))[0]
        if count:
            self.con.execute(f"DELETE FROM {_MATCHES} WHERE reverts AND NOT same")
        return count

    def _delete_changed(self) -> int:
        """Delete the stored rows the batch replaces, looking only where they are; return how many."""
        con = self.con
        count, low, high, undated = one_row(
            con.execute(
                f"SELECT count(*), min(stored_us), max(stored_us), count(*) - count(stored_us) "
                f"FROM {_MATCHES} WHERE NOT same"
            )
        )
        if not count:
            return 0
        delete = f"DELETE FROM {self.table} WHERE id IN (SELECT id FROM {_MATCHES} WHERE NOT same)"
        if undated:
            con.execute(delete)
        else:
            con.execute(
                delete + " AND created_at BETWEEN make_timestamptz(?) AND make_timestamptz(?)",
                [low, high],
            )
        return count


def _unique_texts(pages: list[Encoded]) -> list[str]:
    """The pages' texts; if an id repeats, only its last copy is kept (rare: rebuilt line by line)."""
    total = sum(len(page) for page in pages)
    seen = {row_id for page in pages for row_id in page.ids}
    if len(seen) == total:
        return [page.text for page in pages]
    last: dict[str, str] = {}
    for page in pages:
        last.update(zip(page.ids, page.text.split("\n"), strict=True))
    return ["\n".join(last.values())]
