"""`replicost budget check`: one line and an exit code, for cron and CI alerts.

It exits as monitoring checks do (Nagios' plugin convention): 0 ok, 1 could cross the warning
level, 2 over budget, 3 could not check. Any failure to check, from a misspelt flag to a missing
database, exits 3 (not the CLI's usual 2 for bad input), so a cron job can tell a misconfiguration
from a budget breach.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from replicost.analytics.budget import COULD_NOT_CHECK
from replicost.errors import ReplicostError

from .options import (
    FiniteFloat,
    db_option,
    examples,
    format_option,
    instant_option,
    load_settings,
    output_option,
    parse_usd,
    pricing_options,
    tz_option,
)
from .render import deliver, json_text


class CouldNotCheck(ReplicostError):
    """Any failure to check: exit 3."""

    exit_code = COULD_NOT_CHECK


class CouldNotCheckUsage(click.UsageError):
    """A bad flag or value of `budget check`: one line with where to look, exit 3."""

    exit_code = COULD_NOT_CHECK


class CheckCommand(click.Command):
    """A click command whose every failure (bad flag, bad value, library error, bug) exits 3."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise CouldNotCheckUsage(exc.format_message(), exc.ctx) from exc
        except ReplicostError as exc:  # a typed option's value (--now noon)
            raise CouldNotCheck(exc.message) from exc

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise  # the verdict's own exit code, or Ctrl-C
        except ReplicostError as exc:
            raise CouldNotCheck(exc.message) from exc
        except click.ClickException as exc:
            raise CouldNotCheck(exc.format_message()) from exc
        except Exception as exc:
            if os.environ.get("REPLICOST_DEBUG"):
                raise
            from .main import unexpected

            raise CouldNotCheck(unexpected(exc)[0]) from exc


@click.group()
@examples("replicost budget check --monthly 500")
def budget() -> None:
    """Budget checks against the month's actual and projected spend."""


@budget.command(cls=CheckCommand)
@examples(
    "replicost budget check --monthly 500",
    "replicost budget check --monthly 1,200 --warn-at 0.9 --format json",
)
@click.option("--monthly", required=True, help="Monthly budget in USD, e.g. 500.")
@click.option(
    "--warn-at",
    type=FiniteFloat(0, 1),
    default=0.8,
    show_default=True,
    help="Warn (exit 1) from this fraction of the budget, actual or projected.",
)
@tz_option("Time zone that defines the month.")
@instant_option("--now", "now", "Check as of this instant (a date or date-time; default: now).")
@format_option(
    ["line", "json"],
    "line",
    "One line, or one JSON object (the summary's bill keys, status and exit code).",
)
@output_option("Write the line or the JSON object to this file (the exit code is the same).")
@click.option(
    "--exclude-uptime",
    is_flag=True,
    help="Leave out the deployments' always-on top-ups (their floors' part above active time).",
)
@pricing_options
@db_option()
def check(
    monthly: str,
    warn_at: float,
    tz: str,
    now: datetime | None,
    fmt: str,
    output: Path | None,
    exclude_uptime: bool,
    pricing_file: Path | None,
    config_path: Path | None,
    db_path: Path | None,
) -> None:
    """Check the month's bill estimate against a monthly budget; the exit code is the verdict.

    Exit 0 below the warning level even counting unpriced records' high bound, 1 at or over it (or
    could be), 2 over the budget (actual or projected), 3 could not check (a bad flag, a missing
    or damaged database, an unreadable pricing file, any error)."""
    from replicost.analytics import budget as budget_lib

    amount = parse_usd(monthly, "--monthly")
    db, config = load_settings(db_path, config_path)
    result = budget_lib.check(
        db,
        amount,
        warn_at=warn_at,
        now=now,
        tz=tz,
        pricing_file=pricing_file,
        config=config,
        include_uptime=not exclude_uptime,
    )
    deliver(json_text(result.to_dict(), indent=None) if fmt == "json" else result.message, output)
    click.get_current_context().exit(result.exit_code)
