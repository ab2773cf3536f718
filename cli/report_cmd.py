"""`replicost report spend|summary|html`: thin commands over `replicost.analytics.reports`.

The commands parse options, call one library function and format its result; every figure comes
from the library (`reports.spend`, `reports.summary`), so Python users get the same numbers.
Rendering lives in `cli/render.py`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from replicost.errors import InputError

from .diff_cmd import diff as diff_command
from .insights_cmd import insights as insights_command
from .options import (
    Moment,
    days,
    db_option,
    examples,
    format_option,
    instant_option,
    load_settings,
    output_option,
    period_options,
    pricing_options,
    tz_option,
)
from .render import (
    deliver,
    emit,
    json_text,
    render_spend_table,
    render_summary,
    spend_csv,
    spend_json,
    spend_markdown,
    write_parquet,
    write_text,
)

if TYPE_CHECKING:
    from rich.console import Console

# what the click options below hand the commands
When = Moment | None
Instant = dt.datetime | None
Text = str | None
File = Path | None

FORMATS = ("table", "json", "csv", "markdown", "parquet")


@click.group()
@examples("replicost report spend --by month,model", "replicost report summary")
def report() -> None:
    """Cost reports: spend by any dimensions, and a summary of the month."""


@report.command()
@examples(
    "replicost report spend --by month,model --since 2026-10-01T00:00:00Z",
    "replicost report spend --by deployment --top 5 --format json --output spend.json",
)
@click.option(
    "--by",
    default="model",
    show_default=True,
    help="Comma list of: model, version, source, deployment, hardware, status, kind, account, "
    "tag, day, week, month.",
)
@period_options(tz="Time zone for days and dates.")
@click.option("--model", help="Only this model (owner/name; * and ? globs).")
@click.option("--version", "version_", help="Only this version id (globs allowed).")
@click.option("--deployment", help="Only this deployment (owner/name; globs allowed).")
@click.option("--source", type=click.Choice(["api", "web"]), help="Only records from this source.")
@click.option("--status", help="Only records with this status (succeeded, failed, canceled...).")
@click.option("--kind", type=click.Choice(["prediction", "training"]), help="Only this kind.")
@click.option("--account", help="Only this account (username).")
@click.option("--top", type=click.IntRange(min=1), help="Keep N rows; fold the rest into (other).")
@format_option(FORMATS, "table", "Output format (parquet needs --output).")
@output_option("Write to this file instead of the terminal (required for parquet).")
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw the report: FILE.png, FILE.svg, or FILE.html (self-contained, SVG).",
)
@pricing_options
@db_option()
def spend(by: str, since: When, until: When, tz: str, model: Text, version_: Text,
          deployment: Text, source: Text, status: Text, kind: Text, account: Text,
          top: int | None, fmt: str, output: File, chart: File, pricing_file: File,
          config_path: File, db_path: File) -> None:  # fmt: skip
    """Spend grouped by dimensions, with totals, unpriced records and uptime estimates."""
    from replicost.analytics import reports

    first, last = days(since, until, tz)
    filters = reports.Filters(
        since=first, until=last, tz=tz, model=model, version=version_, deployment=deployment,
        source=source, status=status, kind=kind, account=account,
    )  # fmt: skip
    if fmt == "parquet" and output is None:
        raise InputError("--format parquet needs --output FILE.parquet")
    db, config = load_settings(db_path, config_path)
    result = reports.spend(
        db,
        by,
        filters=filters,
        top=top,
        pricing_file=pricing_file,
        config=config,
    )
    if chart is not None:
        from replicost.analytics import charts

        # a chart folds series itself (--top limits them): a time axis cannot place "(other)"
        unfolded = (
            result
            if top is None
            else reports.spend(db, by, filters=filters, pricing_file=pricing_file, config=config)
        )
        charts.write_chart(unfolded, chart, top=top)
    if fmt == "parquet":
        assert output is not None  # refused above, before the report ran
        write_parquet(result, output)
    elif fmt == "table":
        emit(lambda console: render_spend_table(result, console), output)
    else:
        renderer = {"json": spend_json, "csv": spend_csv, "markdown": spend_markdown}[fmt]
        text = renderer(result)
        if output is None:
            click.echo(text, nl=not text.endswith("\n"))
        else:
            write_text(output, text)
    if output is not None:
        click.echo(f"wrote {output}", err=True)
    if chart is not None:
        click.echo(f"wrote chart {chart}", err=True)


@report.command()
@examples(
    "replicost report summary",
    "replicost report summary --now 2026-10-15T12:00:00Z --format json --output summary.json",
)
@tz_option()
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="How many models and deployments to list.",
)
@instant_option(
    "--now",
    "now",
    "Report as of this instant (a date or date-time, default: now); for replays and "
    "reproducible output.",
)
@format_option(["table", "json"], "table", "A rich table, or one JSON object.")
@output_option("Write to this file instead of the terminal.")
@pricing_options
@db_option()
def summary(
    tz: str,
    top: int,
    now: Instant,
    fmt: str,
    output: File,
    pricing_file: File,
    config_path: File,
    db_path: File,
) -> None:
    """Month to date, last month, a 30-day trend, top spenders, unpriced share and a forecast."""
    from replicost.analytics import reports

    from .insights_cmd import headline_dicts, render_headlines, summary_headlines

    db, config = load_settings(db_path, config_path)
    # one connection for the summary and the top three insights of the same 30 days (`report
    # insights` has the rest): the bill is opened once
    with reports.priced_connection(db, pricing_file=pricing_file, config=config) as con:
        result = reports.summary(con, now=now, tz=tz, top=top)
        headlines = summary_headlines(con, result.now)
    if fmt == "json":
        data = result.to_dict()
        data["top_insights"] = headline_dicts(headlines)
        deliver(json_text(data), output)
    else:

        def draw(console: Console) -> None:
            render_summary(result, console)
            render_headlines(headlines, console)

        emit(draw, output)
        if output is not None:
            click.echo(f"wrote {output}", err=True)


@report.command()
@examples(
    "replicost report html --output spend.html",
    "replicost report html --output october.html --since 2026-10-01 --until 2026-10-31",
)
@click.option(
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The HTML file to write (one self-contained file: no network needed to open it).",
)
@period_options()
@instant_option(
    "--now",
    "now",
    "The summary as of this instant (a date or date-time, default: now); for reproducible reports.",
)
@click.option(
    "--time-unit",
    type=click.Choice(["day", "week", "month"]),
    help="Bars of the charts (default: days up to 3 months of history, weeks up to 2 years).",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="Series per chart; the rest is one (other) series.",
)
@pricing_options
@db_option()
def html(output: Path, since: When, until: When, tz: str, now: Instant, time_unit: Text, top: int,
         pricing_file: File, config_path: File, db_path: File) -> None:  # fmt: skip
    """One self-contained HTML report to share: summary, unpriced fixes, charts, sortable table."""
    from replicost.analytics import reports
    from replicost.analytics.html_report import build_report

    first, last = days(since, until, tz)
    db, config = load_settings(db_path, config_path)
    page = build_report(
        db,
        filters=reports.Filters(since=first, until=last, tz=tz),
        now=now,
        top=top,
        time_unit=time_unit,
        pricing_file=pricing_file,
        config=config,
    )
    write_text(output, page)
    click.echo(f"wrote {output} ({len(page.encode()) / 1024:,.0f} KB)", err=True)


report.add_command(insights_command)
report.add_command(diff_command)
