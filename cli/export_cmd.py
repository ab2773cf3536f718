"""`replicost export`: priced records as month-partitioned Parquet or one CSV file, or FOCUS rows."""

from __future__ import annotations

from pathlib import Path

import click

from .options import db_option, load_settings, pricing_options


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["parquet", "csv"]),
    default="parquet",
    show_default=True,
    help="Parquet partitioned by month (hive style), or one CSV file.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write (Parquet: DIR/month=YYYY-MM/*.parquet; CSV: DIR/priced_records.csv).",
)
@click.option(
    "--schema",
    type=click.Choice(["replicost", "focus"]),
    default="replicost",
    show_default=True,
    help="replicost's own columns, or FOCUS 1.2 (DIR/focus.*; unpriced items, which have no "
    "cost, in DIR/focus_unpriced.*).",
)
@click.option("--overwrite", is_flag=True, help="Replace a previous export in --out.")
@pricing_options
@db_option()
def export(
    fmt: str,
    out: Path,
    schema: str,
    overwrite: bool,
    pricing_file: Path | None,
    config_path: Path | None,
    db_path: Path | None,
) -> None:
    """Export priced predictions and trainings for DuckDB, polars, Spark, Trino or BigQuery."""
    from replicost.analytics import export as export_lib

    db, config = load_settings(db_path, config_path)
    if schema == "focus":
        focus = export_lib.export_focus(
            db, out, format=fmt, overwrite=overwrite, pricing_file=pricing_file, config=config
        )
        click.echo(
            f"wrote {focus.rows:,} FOCUS 1.2 rows (BilledCost {focus.billed_cost} USD) to "
            f"{focus.path}; {focus.unpriced_rows:,} unpriced items (no cost, so not FOCUS rows) "
            f"to {focus.unpriced_path}"
        )
        return
    result = export_lib.export(
        db,
        out,
        format=fmt,
        overwrite=overwrite,
        pricing_file=pricing_file,
        config=config,
    )
    where = f"{len(result.months)} month partitions" if fmt == "parquet" else "one file"
    click.echo(f"wrote {result.records:,} priced records to {result.path} ({where})")
