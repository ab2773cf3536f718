"""polars frames of the reports' rows, built when something asks for one.

The reports add their figures up in Python (exact Decimals) and keep them as plain rows, which
the JSON output reads. Importing polars, and the numpy it loads to take Decimals, is about 0.3 s
of a command's start: so a frame is built only for what needs one (the Parquet output, the
notebook and library callers), on first use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl


def frame(rows: Iterable[Mapping[str, Any]], columns: Mapping[str, str]) -> pl.DataFrame:
    """`rows` as a frame of `columns` (name -> "text", "int", "float" or "money"), in that order;
    a row's other keys are left out. Money is DECIMAL(38, 6), as in DuckDB."""
    import polars as pl

    types: dict[str, pl.DataType | type[pl.DataType]] = {
        "text": pl.Utf8,
        "int": pl.Int64,
        "float": pl.Float64,
        "money": pl.Decimal(38, 6),
    }
    schema = {name: types[kind] for name, kind in columns.items()}
    data = [tuple(row[name] for name in schema) for row in rows]
    return pl.DataFrame(data, schema=schema, orient="row") if data else pl.DataFrame(schema=schema)
