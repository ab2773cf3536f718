"""`replicost sync`: a thin command over `replicost.sync.sync_account`."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import click

from replicost.paths import default_db_path


def _since(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date like 2025-03-01 or 2025-03-01T12:00:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _db_path(db: Path | None) -> Path:
    """`--db`, else $REPLICOST_DB, else the config file's `db`, else the user data directory."""
    if db is not None:
        return db
    if not os.environ.get("REPLICOST_DB"):
        from replicost.config import load_config

        configured = load_config(None).db
        if configured:
            return Path(configured)
    return default_db_path()


@click.command()
@click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Database file (default: $REPLICOST_DB or the user data directory).")
@click.option("--base-url", default=None, metavar="URL",
              help="API base URL (default: $REPLICATE_API_BASE_URL or https://api.replicate.com/v1).")
@click.option("--token", default=None, metavar="T", help="API token (default: $REPLICATE_API_TOKEN).")
@click.option("--since", callback=_since, metavar="ISO_DATE",
              help="Only predictions and trainings created at or after this date.")
@click.option("--full", is_flag=True, help="Fetch everything again, ignoring the last sync's high-water mark.")
@click.option("--concurrency", type=click.IntRange(1, 64), default=12, show_default=True,
              help="Time windows paged at once (requests stay within --requests-per-minute).")
@click.option("--requests-per-minute", "requests_per_minute", type=click.IntRange(1, 100_000), default=2700,
              show_default=True, metavar="N",
              help="Request budget shared by all workers (Replicate allows 3000/min for list endpoints).")
@click.option("--only", default=None, metavar="LIST",
              help="Comma-separated subset of predictions,trainings,deployments,hardware,models,account.")
@click.option("--quiet", is_flag=True, help="No progress output; only the final summary line.")
def sync(db: Path | None, base_url: str | None, token: str | None, since: datetime | None, full: bool,
         concurrency: int, requests_per_minute: int, only: str | None, quiet: bool) -> None:
    """Sync your Replicate account (predictions, trainings, deployments, hardware, models) into DuckDB."""
    from replicost.sync import make_progress, parse_only, sync_account

    resources = parse_only(only)
    summary = sync_account(_db_path(db), token=token, base_url=base_url, since=since, full=full,
                           concurrency=concurrency, requests_per_minute=requests_per_minute,
                           only=resources, progress=make_progress(quiet))
    click.echo(summary.line())
