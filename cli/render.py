"""Rendering reports for people and documents: rich tables, JSON, CSV, Markdown, Parquet.

Presentation only: every figure comes from the library's report objects (`SpendReport`, `Summary`,
`BudgetCheck`). The notes that sit beside the totals (unpriced records, lower bounds, deployment
estimates) are built once in `spend_notes` and shared by the table and Markdown renderers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from replicost.analytics.reports import (
    UPTIME_RULE,
    spend_notes,
    unknown_floor_note,
    unpriced_note,
    usd,
)
from replicost.errors import InputError
from replicost.escape import csv_cell, markdown, rich_markup, terminal

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from replicost.analytics.reports import SpendReport, Summary

__all__ = ["spend_notes", "usd"]  # re-exported: built by the library, used by every renderer


def emit(draw: Callable[[Console], None], output: Path | None) -> None:
    from rich.console import Console

    if output is None:
        draw(Console())
        return
    buffer = io.StringIO()
    draw(Console(file=buffer, width=120, no_color=True, force_terminal=False))
    write_text(output, buffer.getvalue())


def write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None


def deliver(text: str, output: Path | None) -> None:
    """Print `text`, or write it to `output` (`--output FILE`) and say so on stderr."""
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    write_text(output, text if text.endswith("\n") else text + "\n")
    click.echo(f"wrote {output}", err=True)


def write_parquet(result: SpendReport, path: Path) -> None:
    try:
        result.rows.write_parquet(path)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None


def _cell(value: object) -> str:
    """A table cell from data (a model, a deployment...): rich markup and control codes escaped."""
    return "(none)" if value is None else rich_markup(value)


def print_table(console: Console, table: Table) -> None:
    """Print a rich table; off a terminal at its natural width, so no identifier is cut short.

    On a terminal rich fits the table to the window, and identifier columns fold onto a second
    line rather than end in an ellipsis. In a pipe or a file there is no window to fit, and
    rich's 80 columns would print two different models as the same `black-forest-labs/fl…`.
    """
    for column in table.columns:  # a figure or a name is never cut: it folds onto a second line
        if column.overflow == "ellipsis":
            column.overflow = "fold"
    if console.is_terminal:
        console.print(table)
        return
    from rich.measure import Measurement

    natural = Measurement.get(console, console.options.update(max_width=100_000), table).maximum
    width = console.width
    console.width = max(width, natural)
    try:
        console.print(table)
    finally:
        console.width = width


def print_note(console: Console, text: str) -> None:
    """A note line as is: wrapped to a terminal's window, never wrapped in a pipe or a file.

    Notes quote data (model names, reasons): control codes are shown escaped, line by line."""
    text = "\n".join(terminal(line) for line in text.split("\n"))
    console.print(text, highlight=False, markup=False, soft_wrap=not console.is_terminal)


def render_spend_table(result: SpendReport, console: Console) -> None:
    """Rich table: one row per group, a totals row, money right-aligned, then labelled notes."""
    from rich.table import Table

    table = Table(title=f"Spend by {', '.join(result.by)} (USD)", show_footer=False)
    for dim in result.by:
        table.add_column(dim, overflow="fold")
    table.add_column("records", justify="right")
    table.add_column("predict s", justify="right")
    table.add_column("cost", justify="right")
    table.add_column("of which est.", justify="right")
    table.add_column("unpriced", justify="right")
    table.add_column("unpriced could cost", justify="right")
    last = len(result.groups) - 1
    for i, row in enumerate(result.groups):
        table.add_row(
            *(_cell(row[d]) for d in result.by),
            f"{row['count']:,}",
            f"{row['predict_seconds']:,.1f}",
            _cost(row),
            usd(row["estimated_usd"]) if row["estimated_usd"] else "",
            f"{row['unpriced_count']:,}" if row["unpriced_count"] else "",
            _range(row) if row["unpriced_count"] or row["unknown_floor_count"] else "",
            end_section=i == last,
        )
    totals = result.totals
    table.add_row(
        "Total",
        *([""] * (len(result.by) - 1)),
        f"{totals.count:,}",
        f"{totals.predict_seconds:,.1f}",
        _cost(totals.__dict__),
        usd(totals.estimated_usd),
        f"{totals.unpriced_count:,}",
        _range(totals.__dict__),
        style="bold",
    )
    print_table(console, table)
    for line in spend_notes(result):
        print_note(console, line)


def _cost(values: dict[str, Any]) -> str:
    """A group's bill estimate; "unpriced" where none of its items has a price (never $0)."""
    if values["priced_count"] == 0 and (values["unpriced_count"] or values["unknown_floor_count"]):
        return "unpriced"
    return usd(values["cost_usd"])


def _range(values: dict[str, Any]) -> str:
    high = "unbounded" if values["unknown_floor_count"] else usd(values["unpriced_high"])
    return f"{usd(values['unpriced_low'])}..{high}"


def json_text(document: dict[str, Any], *, indent: int | None = 2) -> str:
    """A command's JSON output: the document with `"schema_version"` first (replicost/schemas/
    holds each output's JSON Schema)."""
    from replicost.schemas import stamp

    return json.dumps(stamp(document), indent=indent)


def spend_json(result: SpendReport) -> str:
    return json_text(result.to_dict()) + "\n"


def spend_csv(result: SpendReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*result.by, "count", "predict_seconds", "cost_usd", "unpriced_count",
                     "estimated_usd", "unpriced_low_usd", "unpriced_high_usd"])  # fmt: skip
    for row in result.to_dict()["rows"]:
        writer.writerow([csv_cell(row[d]) for d in result.by] + [row["count"], row["predict_seconds"],
                        row["cost_usd"], row["unpriced_count"], row["estimated_usd"],
                        row["unpriced_cost_usd"]["low"], row["unpriced_cost_usd"]["high"]])  # fmt: skip
    return buffer.getvalue()


def spend_markdown(result: SpendReport) -> str:
    def esc(text: object) -> str:
        return "(none)" if text is None else markdown(text)

    head = [*result.by, "records", "predict s", "cost (USD)", "unpriced"]
    align = ["---"] * len(result.by) + ["---:"] * 4
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(align) + " |"]
    for row in result.to_dict()["rows"]:
        cells = [esc(row[d]) for d in result.by]
        cells += [str(row["count"]), f"{row['predict_seconds']:.1f}", row["cost_usd"] or "unpriced",
                  str(row["unpriced_count"])]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    totals = result.totals.to_dict()
    first = ["**Total**"] + [""] * (len(result.by) - 1)
    lines.append("| " + " | ".join(first + [f"**{totals['count']}**",
                 f"**{totals['predict_seconds']:.1f}**", f"**{totals['cost_usd'] or 'unpriced'}**",
                 f"**{totals['unpriced_count']}**"]) + " |")  # fmt: skip
    notes = spend_notes(result)
    return "\n".join(lines) + "\n" + ("\n" + "\n\n".join(notes) + "\n" if notes else "")


def _month_notes(result: Summary, console: Console) -> None:
    """This month's unpriced records, unknown floors (each closing line on its own) and
    quarantined records, under the summary's headline."""
    month = result.month_totals
    note = unpriced_note(month, result.month_reasons)
    if note:
        console.print(f"  This month: {terminal(note)}", highlight=False, markup=False)
    floors = unknown_floor_note(result.month_unknown_floors)
    if floors:
        first, *closing = floors.split("\n")
        console.print(f"  This month: {terminal(first)}", highlight=False, markup=False)
        for line in closing:
            console.print(f"  {terminal(line)}", highlight=False, markup=False, soft_wrap=True)
    console.print(
        f"  Quarantined at the sync this month: {month.quarantined_count:,} records (unpriced)",
        highlight=False,
    )


def render_summary(result: Summary, console: Console) -> None:
    """Rich rendering of a `reports.Summary`."""
    from rich.table import Table

    console.print(
        f"[bold]Replicate spend[/bold] as of {result.now:%Y-%m-%d %H:%M} {result.tz}",
        highlight=False,
    )
    month = result.month_totals
    console.print(
        f"  Month to date ({result.month}), bill estimate: [bold]{usd(result.month_to_date)}[/bold]"
        f" (of which {usd(month.estimated_usd)} estimated)    "
        f"Last month ({result.last_month}): {usd(result.last_month_total)}",
        highlight=False,
    )
    console.print(
        f"  Forecast for {result.month}: [bold]{usd(result.forecast_month_end)}[/bold]  "
        f"({result.forecast_method}: {usd(result.month_to_date)} + {usd(result.run_rate_daily)}/day "
        f"x {result.days_left:.1f} days)",
        highlight=False,
    )
    first, last = result.daily_rows[0]["day"], result.daily_rows[-1]["day"]
    peak = max(row["cost_usd"] for row in result.daily_rows)
    console.print(
        f"  Last 30 days {first} .. {last}: {result.sparkline}  (peak {usd(peak)}/day)",
        highlight=False,
    )
    if result.uptime_month_to_date:
        console.print(
            f"  Deployment always-on floors this month: {usd(result.uptime_month_to_date)}; the bill "
            f"counts {UPTIME_RULE} ({usd(result.topup_month_to_date)} above active time)",
            highlight=False,
        )
    _month_notes(result, console)
    for title, rows, key in (
        ("Top models, last 30 days", result.top_model_rows, "model"),
        ("Top deployments, last 30 days", result.top_deployment_rows, "deployment"),
    ):
        table = Table(title=title, title_justify="left")
        table.add_column(key, overflow="fold")
        table.add_column("records", justify="right")
        table.add_column("cost", justify="right")
        for row in rows:
            table.add_row(_cell(row[key]), f"{row['count']:,}", usd(row["cost_usd"]))
        if not rows:
            table.add_row("(none)", "", "")
        print_table(console, table)
    share = f"{result.unpriced_share:.1%}"
    line = f"  Unpriced, last 30 days: {result.unpriced_30d:,} of {result.records_30d:,} records ({share})"
    if result.unpriced_reasons:
        line += ": " + "; ".join(f"{r.reason} ({r.count})" for r in result.unpriced_reasons)
    print_note(console, line)
