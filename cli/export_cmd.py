"""`replicost export`: priced records as month-partitioned Parquet or one CSV file, or FOCUS rows."""

from __future__ import annotations

from pathlib import Path

import click

from replicost.errors import InputError

from .options import (
    db_option,
    examples,
    format_option,
    load_settings,
    output_option,
    pricing_options,
)


@click.command()
@examples(
    "replicost export --format parquet --output spend/",
    "replicost export --schema focus --format csv --output focus/",
)
@format_option(
    ["parquet", "csv"], "parquet", "Parquet partitioned by month (hive style), or one CSV file."
)
@output_option(
    "Directory to write, required (Parquet: DIR/month=YYYY-MM/*.parquet; CSV: "
    "DIR/priced_records.csv).",
    directory=True,
    out_alias=True,
)
@click.option(
    "--schema",
    type=click.Choice(["replicost", "focus"]),
    default="replicost",
    show_default=True,
    help="replicost's own columns, or FOCUS 1.2 (DIR/focus.*; unpriced items, which have no "
    "cost, in DIR/focus_unpriced.*).",
)
@click.option("--overwrite", is_flag=True, help="Replace a previous export in --output.")
@pricing_options
@db_option()
def export(
    fmt: str,
    output: Path | None,
    schema: str,
    overwrite: bool,
    pricing_file: Path | None,
    config_path: Path | None,
    db_path: Path | None,
) -> None:
    """Export priced predictions and trainings for DuckDB, polars, Spark, Trino or BigQuery."""
    from replicost.analytics import export as export_lib

    if output is None:  # not click's required=True: the hidden --out spelling fills it too
        raise InputError("export needs --output DIR (the folder to write)")
    db, config = load_settings(db_path, config_path)
    if schema == "focus":
        focus = export_lib.export_focus(
            db, output, format=fmt, overwrite=overwrite, pricing_file=pricing_file, config=config
        )
        click.echo(
            f"wrote {focus.rows:,} FOCUS 1.2 rows (BilledCost {focus.billed_cost} USD) to "
            f"{focus.path}; {focus.unpriced_rows:,} unpriced items (no cost, so not FOCUS rows) "
            f"to {focus.unpriced_path}"
        )
        return
    result = export_lib.export(
        db,
        output,
        format=fmt,
        overwrite=overwrite,
        pricing_file=pricing_file,
        config=config,
    )
    where = f"{len(result.months)} month partitions" if fmt == "parquet" else "one file"
    click.echo(f"wrote {result.records:,} priced records to {result.path} ({where})")
