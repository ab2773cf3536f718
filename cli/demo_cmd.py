"""`replicost demo`: the whole path (API -> sync -> DuckDB -> prices -> reports) with no token.

A thin command over `replicost.analytics.demo` (the pipeline) and the report renderers.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

import click

from replicost.analytics.demo import (
    DEMO_USER,
    LEFT_OUT,
    build_demo,
    pricing_text,
    write_demo_files,
)

from .insights_cmd import render_insights
from .options import db_option, examples, instant_option
from .render import render_spend_table, render_summary

__all__ = ["DEMO_USER", "LEFT_OUT", "build_demo", "demo", "pricing_text"]


@click.command()
@examples("replicost demo", "replicost demo --db demo.duckdb --predictions 5000 --quiet")
@db_option(
    help="Write the demo database here (default: a new temporary folder). Must not exist yet."
)
@click.option(
    "--predictions",
    type=click.IntRange(0, 2_000_000),
    default=20_000,
    show_default=True,
    help="Predictions in the simulated account's history.",
)
@click.option(
    "--trainings",
    type=click.IntRange(0, 100_000),
    default=120,
    show_default=True,
    help="Trainings in the simulated account's history.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Same seed, same account.")
@instant_option(
    "--end",
    "end",
    "Last instant of the simulated history (a date or date-time, default: now); the reports "
    "are as of it.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def demo(
    db_path: Path | None,
    predictions: int,
    trainings: int,
    seed: int,
    end: dt.datetime | None,
    quiet: bool,
) -> None:
    """Sync a simulated account (no token, no network), print its summary and spend by model, and
    write a PNG chart and the HTML report beside the database."""
    from rich.console import Console

    from replicost.errors import InputError

    if db_path is None:
        db_path = Path(tempfile.mkdtemp(prefix="replicost-demo-")) / "demo.duckdb"
    elif db_path.exists():
        raise InputError(f"--db {db_path} already exists; the demo writes a new database")
    end = end or dt.datetime.now(dt.UTC).replace(microsecond=0)
    console = Console(stderr=True, soft_wrap=True)  # paths stay whole in a pipe or a log
    console.print(
        f"Simulating Replicate account [bold]{DEMO_USER}[/bold] on a local socket "
        f"({predictions:,} predictions, {trainings:,} trainings, seed {seed}); no token, no network.",
        highlight=False,
    )
    started = time.monotonic()
    sync_summary, prices = build_demo(
        db_path, predictions=predictions, trainings=trainings, seed=seed, end=end, quiet=quiet
    )
    console.print(sync_summary.line(), highlight=False, markup=False)
    console.print(
        f"Wrote {prices}: hardware of the community and private models and older deployment "
        f"releases, from the simulator's truth (Replicate's API does not expose them); "
        f"{DEMO_USER}/{LEFT_OUT} is left out on purpose, so its records are unpriced.",
        highlight=False,
        markup=False,
    )
    _print_reports(db_path, prices, end)
    chart, page = write_demo_files(db_path, prices, end=end)
    console.print(
        f"Wrote {chart} (a chart) and {page} (the report to share: open it in a browser).",
        highlight=False,
        markup=False,
    )
    console.print(
        f"Done in {time.monotonic() - started:.1f} s. Explore: replicost report spend --db {db_path} "
        f"--pricing {prices} --by month,model (or: report insights)",
        highlight=False,
        markup=False,
    )


def _print_reports(db_path: Path, prices: Path, end: dt.datetime) -> None:
    """The summary, spend by model and the last 30 days' insights, on stdout."""
    from rich.console import Console

    from replicost.analytics import insights, reports

    out = Console()
    with reports.priced_connection(db_path, pricing_file=prices) as con:
        render_summary(reports.summary(con, now=end), out)
        out.print()
        render_spend_table(reports.spend(con, ["model"]), out)
        out.print()
        # the demo ends with where the money leaks in its last 30 days
        last_day = end.astimezone(dt.UTC).date()
        leaks = insights.insights(
            con, since=last_day - dt.timedelta(days=29), until=last_day, top=5
        )
        render_insights(leaks, out)
