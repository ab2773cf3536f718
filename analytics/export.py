"""Export priced predictions and trainings for tools beyond one machine.

Parquet is written by DuckDB itself (`COPY ... PARTITION_BY`), hive style: `DIR/month=2025-03/
data_0.parquet`, the layout DuckDB, polars, Spark, Trino and BigQuery external tables all read
with partition pruning. Costs stay DECIMAL(18,6) and timestamps are UTC instants, so nothing is
lost on the way. CSV is one file for spreadsheets, with `units` rendered as text. `export_focus` writes the same
bill items as FOCUS 1.2 rows (`analytics/focus.py` holds the mapping).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from replicost.errors import InputError
from replicost.escape import csv_cell_sql
from replicost.store.query import one_row

from .focus import FocusExportResult, write_focus
from .focus import file_names as focus_file_names
from .reports import ConfigLike, priced_connection

_MONTH = re.compile(r"month=\d{4}-\d{2}")
FORMATS = ("parquet", "csv")
SCHEMAS = ("replicost", "focus")  # replicost's own columns, or FOCUS 1.2 (see analytics/focus.py)

# export_records: every item of the bill estimate with its month (UTC) for partitioning: each
# prediction and training, and each deployment-day's always-on top-up (kind 'deployment_uptime',
# no id), so the exported cost_usd adds up to the bill.
# Row shape: the `bill_items` columns (kind, id, account, model, version, source, deployment,
# status, created_at TIMESTAMPTZ, predict_time, hardware, basis, unit, units, unit_price,
# cost_usd DECIMAL(18,6), reason, lower_bound, billing_note, cost_kind, seconds, quarantined,
# unpriced_low_usd, unpriced_high_usd, the token and image counts and their prices, ...) + month
# VARCHAR 'YYYY-MM'. Ordered for stable files. Every cost can be recomputed from its row.
EXPORT_RECORDS = """
SELECT *, strftime(timezone('UTC', created_at), '%Y-%m') AS month
FROM bill_items
ORDER BY created_at, kind, id, deployment
"""


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: where, how many records, and (Parquet) which month partitions."""

    path: Path
    format: str
    records: int
    months: list[str]


def export(
    db: str | Path | duckdb.DuckDBPyConnection,
    out: str | Path,
    *,
    format: str = "parquet",
    overwrite: bool = False,
    pricing_file: str | Path | None = None,
    config: ConfigLike = None,
) -> ExportResult:
    """Write priced records to `out` (a directory) as month-partitioned Parquet or one CSV."""
    if format not in FORMATS:
        raise InputError(f"unknown export format {format!r}; use parquet or csv")
    out = _prepare(out, overwrite)
    target = out / "priced_records.csv" if format == "csv" else out
    with priced_connection(db, pricing_file=pricing_file, config=config) as con:
        con.execute(f"CREATE OR REPLACE TEMP VIEW export_records AS {EXPORT_RECORDS}")
        records, months = one_row(
            con.execute("SELECT count(*), list(DISTINCT month ORDER BY month) FROM export_records")
        )
        # COPY takes no bound parameter for its target, so the path is quoted as a SQL literal.
        quoted = "'" + str(target).replace("'", "''") + "'"
        try:
            if format == "parquet":
                con.execute(
                    f"COPY export_records TO {quoted} "
                    "(FORMAT parquet, PARTITION_BY (month), OVERWRITE_OR_IGNORE true)"
                )
            else:
                columns = _csv_columns(con)
                con.execute(
                    f"COPY (SELECT {columns} FROM export_records) TO {quoted} (FORMAT csv, HEADER true)"
                )
        except duckdb.IOException as exc:
            raise InputError(f"cannot write {target}: {str(exc).splitlines()[0]}") from None
    return ExportResult(target, format, int(records), list(months or []))


def export_focus(
    db: str | Path | duckdb.DuckDBPyConnection,
    out: str | Path,
    *,
    format: str = "parquet",
    overwrite: bool = False,
    pricing_file: str | Path | None = None,
    config: ConfigLike = None,
) -> FocusExportResult:
    """Write the bill as FOCUS 1.2 rows to `out` (a directory): `focus.<format>` holds the priced
    items, `focus_unpriced.<format>` the unpriced ones (costs NULL; see analytics/focus.py)."""
    if format not in FORMATS:
        raise InputError(f"unknown export format {format!r}; use parquet or csv")
    out = _prepare(out, overwrite)
    with priced_connection(db, pricing_file=pricing_file, config=config) as con:
        return write_focus(con, out, format)


def _prepare(out: str | Path, overwrite: bool) -> Path:
    """The output directory, created; refused when a file, or not empty without `overwrite`."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"--output {out} is a file; give a directory")
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise InputError(f"--output {out} is not empty; pass --overwrite to replace its contents")
    if overwrite and out.is_dir():
        _remove_previous_export(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create {out}: {exc.strerror}") from None
    return out


def _remove_previous_export(out: Path) -> None:
    """Remove what an earlier export wrote (month partitions, the CSV, FOCUS files), nothing else.

    A partition is ours only as DuckDB writes it: a real folder `month=YYYY-MM` holding only
    regular `.parquet` files. Anything else under that name (a symlink to a home folder, a file of
    the user's) is refused before anything is removed, never deleted."""
    ours = {"priced_records.csv", *(n for f in FORMATS for n in focus_file_names(f))}
    partitions = [child for child in out.iterdir() if child.name.startswith("month=")]
    for folder in partitions:
        if not _is_our_partition(folder):
            raise InputError(
                f"--out {out}: {folder.name} was not written by replicost export (not a folder of "
                "Parquet files only); move it away, or choose another --out"
            )
    for folder in partitions:
        for part in folder.iterdir():
            part.unlink()
        folder.rmdir()
    for child in out.iterdir():
        if child.name in ours and not child.is_dir():
            child.unlink()


def _is_our_partition(folder: Path) -> bool:
    if folder.is_symlink() or not folder.is_dir() or not _MONTH.fullmatch(folder.name):
        return False
    return all(
        part.suffix == ".parquet" and part.is_file() and not part.is_symlink()
        for part in folder.iterdir()
    )


def _csv_columns(con: duckdb.DuckDBPyConnection) -> str:
    """Every column, nested ones (units) as JSON text so a spreadsheet gets one cell each; text
    cells that a spreadsheet would read as a formula are neutralised (`replicost.escape`)."""
    parts = []
    for name, type_name in con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'export_records'"
        " ORDER BY column_index"
    ).fetchall():
        ident = '"' + name.replace('"', '""') + '"'
        nested = any(t in type_name for t in ("STRUCT", "MAP", "[]", "UNION"))
        if nested:
            parts.append(f"{csv_cell_sql(f'CAST(to_json({ident}) AS VARCHAR)')} AS {ident}")
        elif type_name == "VARCHAR":  # text from the server: never a formula in a spreadsheet
            parts.append(f"{csv_cell_sql(ident)} AS {ident}")
        else:  # numbers, money, instants: not text, written as they are (-1.500000 stays)
            parts.append(ident)
    return ", ".join(parts)
