"""`replicost report spend|summary`: thin commands over `replicost.analytics.reports`.

The commands parse options, call one library function and format its result; every figure comes
from the library (`reports.spend`, `reports.summary`), so Python users get the same numbers.
Rendering lives here because it is presentation only: a rich table with a totals row for people,
JSON/CSV/Markdown/Parquet for scripts and documents.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import click

from replicost.errors import InputError

from .options import parse_instant

FORMATS = ("table", "json", "csv", "markdown", "parquet")


def db_option(func):
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Database file (default: $REPLICOST_DB or the user data directory).",
    )(func)


def pricing_options(func):
    func = click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Config file with [pricing] overrides and [tags] rules.",
    )(func)
    return click.option(
        "--pricing",
        "pricing_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="Pricing overrides file (TOML) merged over the shipped catalog.",
    )(func)


def load_settings(db_path: Path | None, config_path: Path | None):
    """The database path (`replicost.config.database_path`'s rule) and the parsed config."""
    from replicost.analytics.reports import load_config
    from replicost.config import database_path

    config = load_config(config_path)
    return database_path(db_path, config), config


def _day(ctx, param, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2025-03-31") from None


def usd(value: Decimal) -> str:
    """Money for people: dollars with cents, more digits below a cent so small runs still show."""
    if value and abs(value) < Decimal("0.01"):
        return f"${value:.6f}".rstrip("0")
    return f"${value:,.2f}"


@click.group()
def report() -> None:
    """Cost reports: spend by any dimensions, and a summary of the month."""


@report.command()
@click.option(
    "--by",
    default="model",
    show_default=True,
    help="Comma list of: model, version, source, deployment, hardware, status, kind, account, "
    "tag, day, week, month.",
)
@click.option("--since", callback=_day, help="First day, inclusive (YYYY-MM-DD).")
@click.option("--until", callback=_day, help="Last day, inclusive (YYYY-MM-DD).")
@click.option("--tz", default="UTC", show_default=True, help="Time zone for days and dates.")
@click.option("--model", help="Only this model (owner/name; * and ? globs).")
@click.option("--version", "version_", help="Only this version id (globs allowed).")
@click.option("--deployment", help="Only this deployment (owner/name; globs allowed).")
@click.option("--source", type=click.Choice(["api", "web"]), help="Only records from this source.")
@click.option("--status", help="Only records with this status (succeeded, failed, canceled...).")
@click.option("--kind", type=click.Choice(["prediction", "training"]), help="Only this kind.")
@click.option("--account", help="Only this account (username).")
@click.option("--top", type=click.IntRange(min=1), help="Keep N rows; fold the rest into (other).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format (parquet needs --output).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of the terminal (required for parquet).",
)
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw the report: FILE.png, FILE.svg, or FILE.html (self-contained, SVG).",
)
@pricing_options
@db_option
def spend(by, since, until, tz, model, version_, deployment, source, status, kind, account, top,
          fmt, output, chart, pricing_file, config_path, db_path) -> None:  # fmt: skip
    """Spend grouped by dimensions, with totals, unpriced records and uptime estimates."""
    from replicost.analytics import reports

    filters = reports.Filters(
        since=since, until=until, tz=tz, model=model, version=version_, deployment=deployment,
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
        _write_parquet(result, output)
    elif fmt == "table":
        _emit(lambda console: render_spend_table(result, console), output)
    else:
        renderer = {"json": spend_json, "csv": spend_csv, "markdown": spend_markdown}[fmt]
        text = renderer(result)
        if output is None:
            click.echo(text, nl=not text.endswith("\n"))
        else:
            _write_text(output, text)
    if output is not None:
        click.echo(f"wrote {output}", err=True)
    if chart is not None:
        click.echo(f"wrote chart {chart}", err=True)


@report.command()
@click.option("--tz", default="UTC", show_default=True, help="Time zone for days and months.")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="How many models and deployments to list.",
)
@click.option(
    "--now",
    "now_text",
    help="Report as of this instant (ISO 8601, default: now); for replays and reproducible output.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A rich table, or one JSON object.",
)
@pricing_options
@db_option
def summary(tz, top, now_text, fmt, pricing_file, config_path, db_path) -> None:
    """Month to date, last month, a 30-day trend, top spenders, unpriced share and a forecast."""
    from replicost.analytics import reports

    db, config = load_settings(db_path, config_path)
    result = reports.summary(
        db,
        now=parse_instant(now_text, "--now"),
        tz=tz,
        top=top,
        pricing_file=pricing_file,
        config=config,
    )
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        _emit(lambda console: render_summary(result, console), None)


# ---------------------------------------------------------------------------------------------
# Rendering


def _emit(draw, output: Path | None) -> None:
    from rich.console import Console

    if output is None:
        draw(Console())
        return
    buffer = io.StringIO()
    draw(Console(file=buffer, width=120, no_color=True, force_terminal=False))
    _write_text(output, buffer.getvalue())


def _write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None


def _write_parquet(result, path: Path) -> None:
    try:
        result.rows.write_parquet(path)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None


def _cell(value) -> str:
    return "(none)" if value is None else str(value)


def render_spend_table(result, console) -> None:
    """Rich table: one row per group, a totals row, money right-aligned, then labelled notes."""
    from rich.table import Table

    table = Table(title=f"Spend by {', '.join(result.by)} (USD)", show_footer=False)
    for dim in result.by:
        table.add_column(dim)
    table.add_column("records", justify="right")
    table.add_column("predict s", justify="right")
    table.add_column("cost", justify="right")
    table.add_column("unpriced", justify="right")
    last = len(result.rows) - 1
    for i, row in enumerate(result.rows.iter_rows(named=True)):
        table.add_row(
            *(_cell(row[d]) for d in result.by),
            f"{row['count']:,}",
            f"{row['predict_seconds']:,.1f}",
            usd(row["cost_usd"]),
            f"{row['unpriced_count']:,}" if row["unpriced_count"] else "",
            end_section=i == last,
        )
    totals = result.totals
    table.add_row(
        "Total",
        *([""] * (len(result.by) - 1)),
        f"{totals.count:,}",
        f"{totals.predict_seconds:,.1f}",
        usd(totals.cost_usd),
        f"{totals.unpriced_count:,}",
        style="bold",
    )
    console.print(table)
    for line in spend_notes(result):
        console.print(line, highlight=False, markup=False)


def spend_notes(result) -> list[str]:
    """The labelled notes that sit outside the totals: unpriced records, uptime estimates.

    One string per note (a note may span lines), so Markdown keeps each as one paragraph.
    """
    from replicost.analytics.reports import LOWER_BOUND_NOTE

    lines = []
    if result.totals.count == 0:
        lines.append("No records match (empty database or filters exclude everything).")
    if result.totals.unpriced_count:
        reasons = "; ".join(f"{r} ({n})" for r, n in result.unpriced_reasons[:3])
        lines.append(
            f"Unpriced: {result.totals.unpriced_count:,} records have no known price and add $0 "
            f"to the totals. Reasons: {reasons}. Add prices with --pricing FILE."
        )
    if result.lower_bound_count:
        lines.append(
            f"Lower bounds: {result.lower_bound_count:,} records ({usd(result.lower_bound_cost)} of the "
            f"total) count {LOWER_BOUND_NOTE}."
        )
    if result.uptime_estimates is not None and not result.uptime_estimates.is_empty():
        lines.append(
            f"Deployment always-on estimate (NOT in the totals): {usd(result.uptime_total)} for "
            "instances kept running by min_instances > 0:"
        )
        for row in result.uptime_estimates.iter_rows(named=True):
            lines[-1] += (
                f"\n  {row['deployment']}  {row['hardware'] or '(unknown hardware)'}  "
                f"{row['days']} days  {usd(row['cost_usd'])}"
            )
    return lines


def spend_json(result) -> str:
    return json.dumps(result.to_dict(), indent=2) + "\n"


def spend_csv(result) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*result.by, "count", "predict_seconds", "cost_usd", "unpriced_count"])
    for row in result.to_dict()["rows"]:
        writer.writerow([row[d] for d in result.by] + [row["count"], row["predict_seconds"],
                        row["cost_usd"], row["unpriced_count"]])  # fmt: skip
    return buffer.getvalue()


def spend_markdown(result) -> str:
    def esc(text) -> str:
        return _cell(text).replace("|", "\\|")

    head = [*result.by, "records", "predict s", "cost (USD)", "unpriced"]
    align = ["---"] * len(result.by) + ["---:"] * 4
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(align) + " |"]
    for row in result.to_dict()["rows"]:
        cells = [esc(row[d]) for d in result.by]
        cells += [str(row["count"]), f"{row['predict_seconds']:.1f}", row["cost_usd"],
                  str(row["unpriced_count"])]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    totals = result.totals.to_dict()
    first = ["**Total**"] + [""] * (len(result.by) - 1)
    lines.append("| " + " | ".join(first + [f"**{totals['count']}**",
                 f"**{totals['predict_seconds']:.1f}**", f"**{totals['cost_usd']}**",
                 f"**{totals['unpriced_count']}**"]) + " |")  # fmt: skip
    notes = spend_notes(result)
    return "\n".join(lines) + "\n" + ("\n" + "\n\n".join(notes) + "\n" if notes else "")


def render_summary(result, console) -> None:
    """Rich rendering of a `reports.Summary`."""
    from rich.table import Table

    console.print(
        f"[bold]Replicate spend[/bold] as of {result.now:%Y-%m-%d %H:%M} {result.tz}",
        highlight=False,
    )
    console.print(
        f"  Month to date ({result.month}): [bold]{usd(result.month_to_date)}[/bold]    "
        f"Last month ({result.last_month}): {usd(result.last_month_total)}",
        highlight=False,
    )
    console.print(
        f"  Forecast for {result.month}: [bold]{usd(result.forecast_month_end)}[/bold]  "
        f"({result.forecast_method}: {usd(result.month_to_date)} + {usd(result.run_rate_daily)}/day "
        f"x {result.days_left:.1f} days)",
        highlight=False,
    )
    first, last = result.daily["day"][0], result.daily["day"][-1]
    peak = max(result.daily["cost_usd"].to_list())
    console.print(
        f"  Last 30 days {first} .. {last}: {result.sparkline}  (peak {usd(peak)}/day)",
        highlight=False,
    )
    if result.uptime_month_to_date:
        console.print(
            f"  Deployment always-on estimate this month (not in the figures above): "
            f"{usd(result.uptime_month_to_date)}",
            highlight=False,
        )
    for title, frame, key in (
        ("Top models, last 30 days", result.top_models, "model"),
        ("Top deployments, last 30 days", result.top_deployments, "deployment"),
    ):
        table = Table(title=title, title_justify="left")
        table.add_column(key)
        table.add_column("records", justify="right")
        table.add_column("cost", justify="right")
        for row in frame.iter_rows(named=True):
            table.add_row(_cell(row[key]), f"{row['count']:,}", usd(row["cost_usd"]))
        if frame.is_empty():
            table.add_row("(none)", "", "")
        console.print(table)
    share = f"{result.unpriced_share:.1%}"
    line = f"  Unpriced, last 30 days: {result.unpriced_30d:,} of {result.records_30d:,} records ({share})"
    if result.unpriced_reasons:
        line += ": " + "; ".join(f"{r} ({n})" for r, n in result.unpriced_reasons)
    console.print(line, highlight=False, markup=False)
