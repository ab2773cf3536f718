"""`replicost sync`: a thin command over `replicost.sync.sync_account`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from replicost.config import database_path

from .options import INSTANT, WHEN_METAVAR, FiniteFloat, db_option, examples, pricing_options

# DuckDB's buffer pool while the ledger is refreshed after a sync (the sync's own is smaller;
# the whole command stays within the sync's memory target)
LEDGER_MB = 128


@click.command()
@examples(
    "replicost sync",
    "replicost sync --since 2026-10-01T00:00:00Z --only predictions,trainings --quiet",
)
@db_option("db")
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="API root, with or without /v1 (default: $REPLICATE_API_BASE_URL, then "
    "$REPLICATE_BASE_URL, then https://api.replicate.com/v1).",
)
@click.option(
    "--token", default=None, metavar="T", help="API token (default: $REPLICATE_API_TOKEN)."
)
@click.option(
    "--since",
    type=INSTANT,
    metavar=WHEN_METAVAR,
    help="Only predictions and trainings created at or after this date or date-time (naive: UTC).",
)
@click.option(
    "--full", is_flag=True, help="Fetch everything again, ignoring the last sync's high-water mark."
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=12,
    show_default=True,
    help="Time windows paged at once (requests stay within --requests-per-minute).",
)
@click.option(
    "--requests-per-minute",
    "requests_per_minute",
    type=click.IntRange(1, 100_000),
    default=3000,
    show_default=True,
    metavar="N",
    help="Most requests a minute, shared by all workers (Replicate allows 3000/min for list "
    "endpoints); the pace starts there and slows down when the server answers 429.",
)
@click.option(
    "--deadline",
    "deadline",
    type=FiniteFloat(1, 30 * 24 * 3600),
    default=4 * 3600,
    show_default=True,
    metavar="SECONDS",
    help="Wall-clock limit for the whole sync; past it the sync stops (committed pages are kept, "
    "a rerun resumes) with exit 1.",
)
@click.option(
    "--request-deadline",
    "request_deadline",
    type=FiniteFloat(0.1, 24 * 3600),
    default=60,
    show_default=True,
    metavar="SECONDS",
    help="Wall-clock limit for one whole response, however slowly its body arrives; a response "
    "past it is retried like a timeout.",
)
@click.option(
    "--max-response-mb",
    "max_response_mb",
    type=click.IntRange(1, 4096),
    default=32,
    show_default=True,
    metavar="MIB",
    help="Most MiB one response's body may hold, decompressed (Replicate's pages of 100 records "
    "are well under 1 MiB); past it the sync stops with exit 1, committed pages kept.",
)
@click.option(
    "--only",
    default=None,
    metavar="LIST",
    help="Comma-separated subset of predictions,trainings,deployments,hardware,models,account.",
)
@click.option("--quiet", is_flag=True, help="No progress output; only the final summary line.")
@pricing_options
def sync(
    db: Path | None,
    base_url: str | None,
    token: str | None,
    since: datetime | None,
    full: bool,
    concurrency: int,
    requests_per_minute: int,
    deadline: float,
    request_deadline: float,
    max_response_mb: int,
    only: str | None,
    quiet: bool,
    pricing_file: Path | None,
    config_path: Path | None,
) -> None:
    """Sync your Replicate account (predictions, trainings, deployments, hardware, models) into
    DuckDB, then bring its stored bill up to date (prices from --pricing, else the config's)."""
    from replicost.billing import ledger, pricing
    from replicost.config import load_config
    from replicost.sync import make_progress, parse_only, sync_account

    resources = parse_only(only)
    config = load_config(config_path)
    path = database_path(db, config)
    catalog = pricing.load_catalog(pricing_file=pricing_file, config=config)  # checked up front
    summary = sync_account(
        path,
        token=token,
        base_url=base_url,
        since=since,
        full=full,
        concurrency=concurrency,
        requests_per_minute=requests_per_minute,
        deadline=deadline,
        request_deadline=request_deadline,
        max_response_bytes=max_response_mb * 2**20,
        only=resources,
        progress=make_progress(quiet),
    )
    click.echo(summary.line())
    # the records it wrote (and the deployment-days they touch) priced into the ledger; all of
    # it when the prices changed. A failure here leaves the old ledger: reports price in memory.
    stored = ledger.store(
        path, pricing_file=pricing_file, config=config, memory_mb=LEDGER_MB, catalog=catalog
    )
    if not quiet:
        click.echo(stored.line())
