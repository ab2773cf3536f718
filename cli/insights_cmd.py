"""`replicost report insights`: where the money leaks, as a thin command over `analytics.insights`.

The library finds and ranks the insights; this module parses the options and formats the result:
a rich table for people, one JSON object for scripts, Markdown for documents.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from replicost.escape import markdown, rich_markup, terminal

from .options import (
    Moment,
    days,
    db_option,
    examples,
    format_option,
    load_settings,
    output_option,
    period_options,
    pricing_options,
)

if TYPE_CHECKING:
    import duckdb
    from rich.console import Console

    from replicost.analytics.insights import InsightsReport
    from replicost.analytics.insights.base import Insight

FORMATS = ("table", "json", "markdown")


@click.command()
@examples(
    "replicost report insights --since 2026-10-01 --top 5",
    "replicost report insights --format markdown --output leaks.md",
)
@period_options(tz=None)
@format_option(FORMATS, "table", "A rich table, one JSON object, or Markdown.")
@output_option("Write to this file instead of the terminal.")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many insights to show, largest dollars first.",
)
# the insights' side cache is gone (they read the stored bill); the flag stays accepted, as a no-op
@click.option("--no-cache", is_flag=True, hidden=True)
@pricing_options
@db_option()
def insights(
    since: Moment | None,
    until: Moment | None,
    fmt: str,
    output: Path | None,
    top: int,
    no_cache: bool,
    pricing_file: Path | None,
    config_path: Path | None,
    db_path: Path | None,
) -> None:
    """Where the money leaks: billed waste, idle deployments, spikes, cheaper hardware, unpriced gaps."""
    from replicost.analytics import insights as library

    from .render import deliver, emit, json_text

    first, last = days(since, until, "UTC")
    db, config = load_settings(db_path, config_path)
    result = library.insights(
        db,
        since=first,
        until=last,
        top=top,
        pricing_file=pricing_file,
        config=config,
    )
    if fmt == "json":
        deliver(json_text(result.to_dict()), output)
    elif fmt == "markdown":
        deliver(insights_markdown(result), output)
    else:
        emit(lambda console: render_insights(result, console), output)
        if output is not None:
            click.echo(f"wrote {output}", err=True)


def _heading(result: InsightsReport) -> str:
    filters = result.filters
    span = f"{filters.since or 'the beginning'} .. {filters.until or 'the last sync'}"
    shown = f"top {len(result.insights)} of {result.found}" if result.found else "none found"
    return f"Where the money leaks, {span} (USD; {shown})"


def render_insights(result: InsightsReport, console: Console) -> None:
    """Rich table: one row per insight (dollars, their kind, the finding and what to do)."""
    from rich.table import Table

    from replicost.analytics.insights.base import usd

    table = Table(title=_heading(result), title_justify="left", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("USD", justify="right")
    table.add_column("kind")
    table.add_column("finding, and what to do")
    for number, insight in enumerate(result.insights, start=1):
        table.add_row(
            str(number),
            usd(insight.usd),
            f"{insight.kind}\n({insight.usd_kind})",
            f"{rich_markup(insight.title)}\n-> {rich_markup(insight.action)}",
        )
    console.print(table)
    if not result.insights:
        console.print("No insights: nothing billed was wasted, idle, spiking or unpriced.")
    console.print(
        "exact: priced records; estimated: uptime and counterfactuals (see each evidence); "
        "what-if: a bound, not a promise. `--format json` prints the evidence.",
        highlight=False,
        markup=False,
    )


def insights_markdown(result: InsightsReport) -> str:
    """A numbered Markdown list: dollars, kind, finding, action."""
    from replicost.analytics.insights.base import usd

    lines = [f"**{_heading(result)}**", ""]
    for number, insight in enumerate(result.insights, start=1):
        lines.append(
            f"{number}. **{usd(insight.usd)}** ({insight.usd_kind}, `{insight.kind}`) "
            f"{markdown(insight.title)}  \n   {markdown(insight.action)}"
        )
    if not result.insights:
        lines.append("No insights: nothing billed was wasted, idle, spiking or unpriced.")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# The summary's top lines


def summary_headlines(con: duckdb.DuckDBPyConnection, now: dt.datetime) -> list[Insight]:
    """The three largest insights of the 30 UTC days ending with `now` (what `summary` shows), on
    the summary's connection."""
    from replicost.analytics import insights as library

    return library.headlines(con, now=now)


def headline_dicts(headlines: list[Insight]) -> list[dict]:
    """The summary's `top_insights`: kind, title, usd, usd_kind and action (no evidence)."""
    return [
        {key: value for key, value in insight.to_dict().items() if key != "evidence"}
        for insight in headlines
    ]


def render_headlines(headlines: list[Insight], console: Console) -> None:
    """Up to three lines under the summary: dollars, their kind, the finding."""
    from replicost.analytics.insights.base import usd

    if not headlines:
        return
    console.print(
        "  Where the money leaks, last 30 days (replicost report insights):", highlight=False
    )
    for insight in headlines:
        console.print(
            f"    {usd(insight.usd)} {insight.usd_kind}: {terminal(insight.title)}",
            highlight=False,
            markup=False,
        )
