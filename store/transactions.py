"""One way to run statements in a DuckDB transaction: all of them, or (on any exception) none.

Every writer of the database (migrations, the sync's plan and high-water mark, the small lists)
uses `transaction(con)`; the streaming record writer keeps one transaction open across calls with
`begin`/`commit`/`rollback` below, so the three words are spelled in this module only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb


def begin(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("BEGIN TRANSACTION")


def commit(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("COMMIT")


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("ROLLBACK")


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """`with transaction(con):` commits at the end of the block, rolls back if it raises."""
    begin(con)
    try:
        yield con
    except BaseException:
        rollback(con)
        raise
    commit(con)
