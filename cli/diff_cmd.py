"""`replicost report diff`: what changed between two periods or two pricing files, by group."""

from __future__ import annotations

from pathlib import Path

import click

from .options import (
    db_option,
    examples,
    format_option,
    load_settings,
    output_option,
    pricing_options,
    tz_option,
)
from .render import emit, write_text
from .render_diff import diff_csv, diff_json, diff_markdown, render_diff_table


@click.command()
@examples(
    "replicost report diff --by model --base 2026-10 --head 2026-11",
    "replicost report diff --by hardware --base 2026-11 --head 2026-11 --pricing-base old.toml",
)
@click.option(
    "--by",
    default="model",
    show_default=True,
    help="Comma list of: model, version, source, deployment, hardware, status, kind, account, tag.",
)
@click.option("--base", required=True, help="The period to compare against: YYYY-MM, "
              "YYYY-MM-DD or A..B (e.g. 2026-09..2026-10), inclusive.")  # fmt: skip
@click.option("--head", required=True, help="The period to compare (same forms as --base).")
@click.option(
    "--pricing-base",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Price the base side with this pricing file (the head side uses --pricing).",
)
@tz_option("Time zone for the periods' days.")
@format_option(
    ["table", "json", "csv", "markdown"],
    "table",
    "A table, one JSON object, CSV (one row per group) or Markdown.",
)
@output_option("Write to this file instead of the terminal.")
@pricing_options
@db_option()
def diff(by: str, base: str, head: str, pricing_base: Path | None, tz: str, fmt: str,
         output: Path | None, pricing_file: Path | None, config_path: Path | None,
         db_path: Path | None) -> None:  # fmt: skip
    """Spend of --head against --base per group: delta split into volume, price and hardware mix."""
    from replicost.analytics.reports.diff import diff as diff_report

    db, config = load_settings(db_path, config_path)
    result = diff_report(db, by, base=base, head=head, tz=tz, pricing_file=pricing_file,
                         pricing_base=pricing_base, config=config)  # fmt: skip
    if fmt == "table":
        emit(lambda console: render_diff_table(result, console), output)
    else:
        text = {"json": diff_json, "csv": diff_csv, "markdown": diff_markdown}[fmt](result)
        if output is None:
            click.echo(text, nl=False)
        else:
            write_text(output, text)
    if output is not None:
        click.echo(f"wrote {output}", err=True)
