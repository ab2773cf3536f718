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
Two ways to add pages:

- `fresh=True` (the caller knows no stored row can have these ids: a window of a full sync that
  was empty in the database when it was planned): a plain INSERT. The primary key still guards
  it: if some id exists after all (an API that repeats a record across pages), DuckDB refuses the
  INSERT, the transaction is rolled back and its pages are written again the careful way.
- otherwise: the pages go to a TEMP table; stored rows with the same ids are looked up (limited
  to the pages' `created_at` range, which zone maps make cheap, since a record's `created_at`
  never changes; if it did change, the INSERT hits the key and the lookup is done without the
  range); records whose `raw` is unchanged are dropped (a re-fetched finished prediction costs
  nothing), changed ones delete their old row, and the rest is inserted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from replicost.store.query import one_row
from replicost.sync import records as rec
from replicost.sync.state import put_states

_DELETE_CHUNK = (
    1000  # ids per IN list of bound literals: uses the primary-key index, a join would scan
)
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
}
_TIMESTAMPS = {"created_at", "started_at", "completed_at"}
_NUMBERS = {"predict_time", "total_time"}  # records._number: int or float, never bool
_COUNTS = {"input_token_count", "output_token_count", "image_count"}  # records._count


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


def _select_sql(names: tuple[str, ...]) -> str:
    """SELECT every column of `names` (+ account, synced_at) from $1 account, $2 page texts."""
    fields = [name for name in names if name != "raw"]
    paths = ", ".join(f"'{_PATHS[name]}'" for name in fields)
    selects = [
        f"{_typed(name, f'j[{position}]')} AS {name}"
        for position, name in enumerate(fields, start=1)
    ]
    return (
        f"SELECT $1 AS account, {', '.join(selects)}, raw, now() AS synced_at FROM ("
        f"SELECT raw, json_extract(raw, [{paths}]) AS j FROM ("
        f"SELECT unnest(string_split(page, chr(10))) AS raw FROM (SELECT unnest($2::VARCHAR[]) AS page)) "
        f"WHERE raw <> '')"
    )


@dataclass(frozen=True, slots=True)
class Encoded:
    """Records ready for `RecordWriter.add`: their ids, their JSON lines and their created_at."""

    ids: list[str]
    text: str  # one record per line, as stored in `raw` (large data URLs replaced)
    created: list[Any]  # each record's created_at as served (a window's edge can cut a page)

    def __len__(self) -> int:
        return len(self.ids)

    def select(self, keep: list[int]) -> Encoded:
        """Only the records at the positions `keep`."""
        lines = self.text.split("\n")
        return Encoded(
            [self.ids[i] for i in keep],
            "\n".join(lines[i] for i in keep),
            [self.created[i] for i in keep],
        )


def encode(records: list[dict[str, Any]]) -> Encoded:
    """JSON lines of `records` (orjson never writes a raw newline: strings escape it)."""
    return Encoded(
        [record["id"] for record in records],
        "\n".join(map(rec.raw_json, records)),
        [record.get("created_at") for record in records],
    )


# DuckDB's memory during a sync: a fixed buffer pool (it caches blocks it wrote or read; left at
# its default, 80% of RAM, a sync's resident memory grows with the history: 345 MB at 100k
# predictions, 737 MB at 1M) plus what the primary-key index needs, which DuckDB keeps resident
# (about 80 bytes per id measured; a fixed limit would fail the sync of a large account).
MEMORY_BASE_MB = 128
INDEX_BYTES_PER_ROW = 100


def fit_memory_limit(con: duckdb.DuckDBPyConnection) -> int:
    """Set DuckDB's memory limit for the rows stored now (plus a commit's worth); return it in MB."""
    rows = one_row(
        con.execute(
            "SELECT coalesce(sum(estimated_size), 0) FROM duckdb_tables() "
            "WHERE schema_name = 'main' AND table_name IN ('predictions', 'trainings')"
        )
    )[0]
    limit = MEMORY_BASE_MB + (rows + 50_000) * INDEX_BYTES_PER_ROW // 2**20
    con.execute(f"SET memory_limit = '{limit}MB'")
    return limit


@dataclass
class WriteResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


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
        columns = ", ".join(("account", *self.names, "synced_at"))
        select = _select_sql(self.names)
        self._insert_sql = f"INSERT INTO {table} ({columns}) {select}"
        self._stage_sql = f"CREATE OR REPLACE TEMP TABLE {_STAGE} AS {select}"
        self._from_stage_sql = f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {_STAGE}"
        self._open = False
        self._groups: list[list[Encoded]] = []  # what the open transaction holds, for a replay
        self._careful = False  # a fresh INSERT failed in this transaction: no more optimism
        self._result = WriteResult()
        self.pending_rows = 0

    def write(
        self,
        records: list[dict[str, Any]],
        state: dict[tuple[str, str], str | None] | None = None,
    ) -> WriteResult:
        """Upsert `records` and the (resource, key) -> value `state` entries in one transaction."""
        return self.write_encoded([encode(records)] if records else [], state)

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
            self.con.execute("BEGIN TRANSACTION")
            self._open = True
        if not pages:
            return
        self._groups.append(pages)
        self.pending_rows += sum(len(page) for page in pages)
        try:
            if fresh and not self._careful:
                self._insert_fresh(pages)
            else:
                self._upsert(pages, within_range=True)
        except duckdb.ConstraintException:
            self._replay()
        except BaseException:
            self.rollback()
            raise

    def commit(self, state: dict[tuple[str, str], str | None] | None = None) -> WriteResult:
        """Write `state` and COMMIT with the rows added since the last commit; return what they did."""
        if not self._open:
            self.con.execute("BEGIN TRANSACTION")
            self._open = True
        try:
            put_states(self.con, self.account, state or {})
            self.con.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise
        result = self._result
        self._reset()
        if result.new:
            fit_memory_limit(self.con)  # the index grows with the rows
        return result

    def rollback(self) -> None:
        """Drop everything added since the last commit."""
        if self._open:
            self.con.execute("ROLLBACK")
        self._reset()

    def _reset(self) -> None:
        self._open, self._groups, self._careful = False, [], False
        self._result, self.pending_rows = WriteResult(), 0

    def _replay(self) -> None:
        """A key was hit: DuckDB aborted the transaction. Write its pages again, the careful way,
        then (a stored record whose created_at changed) looking ids up without the range."""
        for within_range in (True, False):
            self.con.execute("ROLLBACK")
            self.con.execute("BEGIN TRANSACTION")
            self._result, self._careful = WriteResult(), True
            try:
                for pages in self._groups:
                    self._upsert(pages, within_range=within_range)
                return
            except duckdb.ConstraintException:
                if not within_range:
                    self.rollback()
                    raise
            except BaseException:
                self.rollback()
                raise

    def _insert_fresh(self, pages: list[Encoded]) -> None:
        inserted = one_row(
            self.con.execute(self._insert_sql, [self.account, [page.text for page in pages]])
        )[0]
        self._result.new += inserted

    def _upsert(self, pages: list[Encoded], *, within_range: bool) -> None:
        con = self.con
        con.execute(self._stage_sql, [self.account, _unique_texts(pages)])
        low, high, unreadable = one_row(
            con.execute(
                f"SELECT epoch_us(min(created_at)), epoch_us(max(created_at)), count(*) - count(created_at) "
                f"FROM {_STAGE}"
            )
        )
        lookup = (
            f"CREATE OR REPLACE TEMP TABLE {_MATCHES} AS SELECT b.id, t.raw IS NOT DISTINCT FROM b.raw AS same "
            f"FROM {self.table} t JOIN {_STAGE} b ON t.id = b.id"
        )
        if within_range and not unreadable:
            con.execute(
                lookup + " WHERE t.created_at BETWEEN make_timestamptz(?) AND make_timestamptz(?)",
                [low, high],
            )
        else:  # a record without a readable created_at: the range says nothing, look up by id
            con.execute(lookup)
        unchanged = one_row(
            con.execute(f"DELETE FROM {_STAGE} WHERE id IN (SELECT id FROM {_MATCHES} WHERE same)")
        )[0]
        changed = [
            row[0] for row in con.execute(f"SELECT id FROM {_MATCHES} WHERE NOT same").fetchall()
        ]
        for start in range(0, len(changed), _DELETE_CHUNK):
            chunk = changed[start : start + _DELETE_CHUNK]
            con.execute(
                f"DELETE FROM {self.table} WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
        inserted = one_row(con.execute(self._from_stage_sql))[0]
        self._result.new += inserted - len(changed)
        self._result.updated += len(changed)
        self._result.unchanged += unchanged


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
