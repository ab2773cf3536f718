"""Which ids may already be stored: a fixed-size Bloom filter, so uniqueness costs no index.

The record tables have no primary key (m002): DuckDB keeps a key's ART index resident while
inserting, about 100 bytes a record, which put a 10M-record sync over 1 GB. The writer enforces
uniqueness itself (writer.py): it looks stored rows up by id in the batch's `created_at` range,
which is cheap (zone maps and a timestamp comparison, no string hashing outside the range). A
record whose `created_at` changed since it was stored is outside that range; this filter is how
the writer knows that an id *might* exist elsewhere, so the costly lookup over the whole table
(about 1-2 s at 10M rows on this machine) runs only for the few ids the filter cannot rule out.

Memory is fixed: 2**28 bits (32 MB) and 8 probes, whatever the history. The false-positive rate
grows with the rows (about 1e-8 at 1M, 2e-5 at 10M), and a false positive only costs one
lookup, never a wrong answer: the filter over-approximates (bits set by rolled-back rows stay
set). Keys are DuckDB's 64-bit `hash(id)`, computed by DuckDB for stored rows and batches alike.
"""

from __future__ import annotations

import duckdb
import numpy as np

from replicost.store.query import one_row

BITS_LOG2 = 28
PROBES = 8
_BUILD_CHUNK_ROWS = 1 << 20  # stored rows hashed per query while building (8 MB of hashes)
_LOCAL_ROW_IDS = (
    1 << 48
)  # committed rows have smaller row ids (DuckDB numbers local ones from 2**55)


class IdFilter:
    """A Bloom filter over `hash(id)` of one table's rows; built from the table on first need."""

    def __init__(self, bits_log2: int = BITS_LOG2, probes: int = PROBES) -> None:
        self.mask = np.uint64((1 << bits_log2) - 1)
        self.probes = probes
        self.bits = np.zeros(1 << (bits_log2 - 3), dtype=np.uint8)
        self.keys = 0

    def _positions(self, hashes: np.ndarray) -> np.ndarray:
        """Probe positions (double hashing), one row per key."""
        low = hashes & np.uint64(0xFFFFFFFF)
        step = (hashes >> np.uint64(32)) | np.uint64(1)
        rounds = np.arange(self.probes, dtype=np.uint64)
        return (low[:, None] + rounds[None, :] * step[:, None]) & self.mask

    def add(self, hashes: np.ndarray) -> None:
        if not len(hashes):
            return
        positions = self._positions(hashes).ravel()
        np.bitwise_or.at(
            self.bits, positions >> np.uint64(3), (1 << (positions & np.uint64(7))).astype(np.uint8)
        )
        self.keys += len(hashes)

    def may_contain(self, hashes: np.ndarray) -> np.ndarray:
        """A boolean per key: False means surely absent."""
        if not len(hashes):
            return np.zeros(0, dtype=bool)
        positions = self._positions(hashes)
        bytes_ = self.bits[positions >> np.uint64(3)]
        found = (bytes_ >> (positions & np.uint64(7)).astype(np.uint8)) & np.uint8(1)
        return found.all(axis=1)


def id_hashes(con: duckdb.DuckDBPyConnection, ids: list[str]) -> np.ndarray:
    """DuckDB's `hash` of each id, in order (the same function the stored rows are hashed with)."""
    if not ids:
        return np.zeros(0, dtype=np.uint64)
    column = con.execute("SELECT hash(unnest($1::VARCHAR[])) AS h", [ids]).fetchnumpy()["h"]
    return np.asarray(column, dtype=np.uint64)


def build(con: duckdb.DuckDBPyConnection, table: str) -> IdFilter:
    """A filter holding every id stored in `table`, hashed a chunk of row ids at a time.

    Rows the open transaction added carry row ids far above the committed ones (transaction-local
    storage): they are at most one commit's worth and are hashed in one go.
    """
    id_filter = IdFilter()
    last = one_row(con.execute(f"SELECT max(rowid) FROM {table} WHERE rowid < {_LOCAL_ROW_IDS}"))[0]
    starts = list(range(0, (last or 0) + 1, _BUILD_CHUNK_ROWS)) if last is not None else []
    ranges = [(start, start + _BUILD_CHUNK_ROWS) for start in starts]
    for low, high in [*ranges, (_LOCAL_ROW_IDS, 2**63 - 1)]:
        column = con.execute(
            f"SELECT hash(id) AS h FROM {table} WHERE rowid >= ? AND rowid < ?", [low, high]
        ).fetchnumpy()["h"]
        id_filter.add(np.asarray(column, dtype=np.uint64))
    return id_filter
