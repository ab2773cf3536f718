"""Upsert batches of records into DuckDB fast, with the sync state in the same transaction.

Measured on this machine with DuckDB 2.0 (see benchmarks/sync_bench.py): row-at-a-time
`executemany` manages ~420 rows/s, and `INSERT OR REPLACE`/`ON CONFLICT` fall to ~1,200 rows/s once
the table holds a million rows (the conflict check does not use the primary-key index well), while
a plain `INSERT ... SELECT unnest(list)` stays above 20,000 rows/s and an `id IN (literal list)`
lookup does use the index. So one batch is written as:

1. look up which ids exist (and their `raw`), with an IN list of bound literals;
2. drop the records whose `raw` is unchanged (a re-fetched, finished prediction costs nothing),
   delete the rows of the changed ones;
3. INSERT the new and changed rows from column lists bound as parameters and unnested by DuckDB
   (timestamps cast there, TRY_CAST so an odd timestamp never loses a record: `raw` keeps it);
4. write the given sync_state entries; COMMIT.

A crash anywhere leaves either the whole batch with its cursors, or none of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from replicost.sync import records as rec
from replicost.sync.state import put_states

_LOOKUP_CHUNK = 1000  # ids per IN list

_CASTS = {
    "created_at": "TIMESTAMPTZ", "started_at": "TIMESTAMPTZ", "completed_at": "TIMESTAMPTZ",
    "predict_time": "DOUBLE", "total_time": "DOUBLE", "input_token_count": "BIGINT",
    "output_token_count": "BIGINT", "image_count": "BIGINT", "data_removed": "BOOLEAN",
}


def _insert_sql(table: str, names: tuple[str, ...]) -> str:
    selects = []
    for position, name in enumerate(names, start=2):
        cast = _CASTS.get(name)
        if cast == "TIMESTAMPTZ":
            selects.append(f"TRY_CAST(unnest(${position}::VARCHAR[]) AS TIMESTAMPTZ)")
        elif cast:
            selects.append(f"unnest(${position}::{cast}[])")
        else:
            selects.append(f"unnest(${position}::VARCHAR[])")
    return (f"INSERT INTO {table} (account, {', '.join(names)}, synced_at) "
            f"SELECT $1, {', '.join(selects)}, now()")


@dataclass
class WriteResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


class RecordWriter:
    """Writes predictions or trainings of one account; the caller owns the connection's thread."""

    def __init__(self, con: duckdb.DuckDBPyConnection, table: str, account: str) -> None:
        if table not in ("predictions", "trainings"):
            raise ValueError(f"no record table {table!r}")
        self.con, self.table, self.account = con, table, account
        self.training = table == "trainings"
        self.names = rec.RECORD_COLUMNS + (rec.TRAINING_EXTRA_COLUMNS if self.training else ())
        self.sql = _insert_sql(table, self.names)

    def existing_raw(self, ids: list[str], created: list[str | None]) -> dict[str, str]:
        """id -> stored raw for the batch's ids that exist.

        A record's created_at never changes, so the search is limited to the batch's time range
        (a cheap filtered scan) and joined with the ids there; an IN list of a thousand bound ids,
        which uses the index, costs as much as the INSERT itself. Records without a readable
        created_at are looked up by id.
        """
        found: dict[str, str] = {}
        low, high, unreadable = self.con.execute(
            "SELECT epoch_us(min(c)), epoch_us(max(c)), count(*) - count(c) "
            "FROM (SELECT TRY_CAST(unnest(?::VARCHAR[]) AS TIMESTAMPTZ) AS c)", [created]).fetchone()
        if low is not None:
            rows = self.con.execute(
                f"SELECT t.id, t.raw FROM {self.table} t SEMI JOIN (SELECT unnest(?::VARCHAR[]) AS id) b "
                f"ON t.id = b.id WHERE t.created_at BETWEEN make_timestamptz(?) AND make_timestamptz(?)",
                [ids, low, high]).fetchall()
            found.update(rows)
        if unreadable:
            # a few records with odd timestamps: look the whole batch up by id (rare)
            rest = ids
            for start in range(0, len(rest), _LOOKUP_CHUNK):
                chunk = rest[start:start + _LOOKUP_CHUNK]
                found.update(self.con.execute(
                    f"SELECT id, raw FROM {self.table} WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk).fetchall())
        return found

    def write(self, records: list[dict[str, Any]], state: dict[tuple[str, str], str | None] | None = None,
              ) -> WriteResult:
        """Upsert `records` and the (resource, key) -> value `state` entries in one transaction."""
        by_id = {record["id"]: record for record in records}  # a repeated id keeps its last copy
        batch = list(by_id.values())
        cols = rec.columns(batch, training=self.training)
        result = WriteResult()
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            existing = self.existing_raw(cols["id"], cols["created_at"]) if batch else {}
            if existing:
                keep = []
                changed = []
                for position, (row_id, raw) in enumerate(zip(cols["id"], cols["raw"], strict=True)):
                    old = existing.get(row_id)
                    if old is None:
                        keep.append(position)
                    elif old != raw:
                        keep.append(position)
                        changed.append(row_id)
                result.updated = len(changed)
                result.unchanged = len(existing) - len(changed)
                result.new = len(keep) - len(changed)
                if len(keep) != len(cols["id"]):
                    cols = {name: [values[i] for i in keep] for name, values in cols.items()}
                for start in range(0, len(changed), _LOOKUP_CHUNK):
                    chunk = changed[start:start + _LOOKUP_CHUNK]
                    con.execute(f"DELETE FROM {self.table} WHERE id IN ({','.join('?' * len(chunk))})", chunk)
            else:
                result.new = len(batch)
            if cols["id"]:
                con.execute(self.sql, [self.account, *(cols[name] for name in self.names)])
            put_states(con, self.account, state or {})
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return result
