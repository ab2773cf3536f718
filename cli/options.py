"""Options shared by several commands, declared once (kept free of heavy imports: `sync` loads it).

`--db` (every command that reads or writes a database), `--pricing`/`--config` (every command that
prices records) and the settings they resolve to; typed instants (`--now`, `--since`, `--end`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from replicost.errors import InputError

if TYPE_CHECKING:
    from replicost.config import Config

F = TypeVar("F", bound=Callable[..., Any])
DB_HELP = "Database file (default: $REPLICOST_DB or the user data directory)."
# A budget or price beyond this is a typo or an attack (1e400), not an amount: refused.
MAX_USD = Decimal(10) ** 12


def parse_instant(text: str | None, flag: str) -> datetime | None:
    """An ISO 8601 date or date-time typed by the user; naive values are UTC. None stays None."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"{flag} {text!r} is not an ISO 8601 date or date-time like 2025-03-01 or 2025-03-01T12:00:00Z"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_day(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """Click callback for a YYYY-MM-DD option (--since/--until of the reports)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2025-03-31") from None


def tz_option(help: str = "Time zone for days and months.") -> Callable[[F], F]:
    """`--tz ZONE` (IANA name, default UTC), passed as `tz`."""
    return click.option("--tz", default="UTC", show_default=True, help=help)


def period_options(*, tz: str | None = "Time zone for days and months.") -> Callable[[F], F]:
    """`--since DAY` and `--until DAY` (inclusive, YYYY-MM-DD), and `--tz ZONE` with help `tz`
    (without it, days are UTC days and the help says so)."""
    zone = "" if tz else ", UTC"

    def decorate(func: F) -> F:
        if tz:
            func = tz_option(tz)(func)
        func = click.option(
            "--until", callback=parse_day, help=f"Last day, inclusive (YYYY-MM-DD{zone})."
        )(func)
        return click.option(
            "--since", callback=parse_day, help=f"First day, inclusive (YYYY-MM-DD{zone})."
        )(func)

    return decorate


def db_option(dest: str = "db_path", help: str = DB_HELP) -> Callable[[F], F]:
    """`--db FILE`, passed to the command as `dest`."""
    return click.option(
        "--db",
        dest,
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=help,
    )


def pricing_options(func: F) -> F:
    """`--pricing FILE` and `--config FILE`; both files are checked when read (one line, exit 2)."""
    func = click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Config file (default: $REPLICOST_CONFIG or the user config directory): "
        "db, pricing, inline pricing sections and [tags] rules.",
    )(func)
    return click.option(
        "--pricing",
        "pricing_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Pricing overrides file (TOML) merged over the shipped catalog.",
    )(func)


def load_settings(db_path: Path | None, config_path: Path | None) -> tuple[Path, Config]:
    """The database path (`replicost.config.database_path`'s rule) and the parsed config."""
    from replicost.config import database_path, load_config

    config = load_config(config_path)
    return database_path(db_path, config), config


def parse_usd(text: str, flag: str) -> Decimal:
    """An amount in USD typed by the user (`500`, `$1,200.50`): finite, positive, at most $10^12."""
    try:
        amount = Decimal(text.strip().lstrip("$").replace(",", ""))
    except InvalidOperation:
        raise InputError(f"{flag} {text!r} is not an amount in USD") from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_USD:
        raise InputError(f"{flag} {text!r} must be a positive amount in USD up to $10^12")
    return amount


class FiniteFloat(click.ParamType):
    """A float option within [minimum, maximum]; nan and inf are refused (click's FloatRange
    lets nan through every bound) with a usage error, exit 2."""

    name = "number"

    def __init__(self, minimum: float, maximum: float) -> None:
        self.minimum, self.maximum = minimum, maximum

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float) and math.isfinite(value):
            number = value
        else:
            try:
                number = float(value)
            except (TypeError, ValueError):
                self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number) or not self.minimum <= number <= self.maximum:
            self.fail(
                f"{value!r} is not a number between {self.minimum:g} and {self.maximum:g}",
                param,
                ctx,
            )
        return number
