"""Small typed helpers for reading query results (DuckDB's `fetchone()` is `tuple | None`)."""

from __future__ import annotations

from typing import Any

import duckdb


def one_row(cursor: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """The single row of a query that always returns one (an aggregate, a setting).

    Raises RuntimeError if there is none: that is a bug in the query, not in the data.
    """
    row = cursor.fetchone()
    if row is None:
        raise RuntimeError("query returned no row where one was expected")
    return row
