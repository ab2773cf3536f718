"""Options shared by several commands, declared once (kept free of heavy imports: `sync` loads it).

`--db` (every command that reads or writes a database), `--pricing`/`--config` (every command that
prices records) and the settings they resolve to; `--format` and `--output` (one spelling in every
command; the old spellings `--json` and `--out` stay as hidden aliases); dates and date-times
(`--since`, `--until`, `--now`, `--end`): one type, `DATE_OR_TIME`, so every command takes the same
forms (`2026-10-01`, `2026-10-01T00:00:00`, with or without a zone; a naive date-time is UTC).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
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
    return parse_moment(text, flag).instant


@dataclass(frozen=True)
class Moment:
    """A date or date-time typed by the user: `day` when a bare date was typed, and `instant`
    (aware: a bare date is its midnight UTC, a naive date-time is UTC)."""

    flag: str
    text: str
    day: date | None
    instant: datetime

    def day_in(self, tz: str) -> date:
        """The day in `tz` this names, for commands that count whole days (the reports). A bare
        date is that day; a date-time, the day it falls on there (a time of day other than
        midnight is said on stderr: the whole day counts)."""
        if self.day is not None:
            return self.day
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            local = self.instant.astimezone(ZoneInfo(tz))
        except (ZoneInfoNotFoundError, ValueError):
            raise InputError(
                f"unknown time zone {tz!r}; use an IANA name such as Europe/Paris"
            ) from None
        if local.time() != time(0):
            click.echo(
                f"note: {self.flag} {self.text} counts the whole day {local.date()} ({tz}): "
                "reports count whole days",
                err=True,
            )
        return local.date()


def parse_moment(text: str, flag: str) -> Moment:
    """`2026-10-01`, `2026-10-01T00:00:00`, `2026-10-01T00:00:00Z`, `...+02:00`, `2026-10-01 08:30`."""
    cleaned = text.strip()
    try:
        if len(cleaned) == 10:  # a bare date: YYYY-MM-DD
            day = date.fromisoformat(cleaned)
            return Moment(flag, text, day, datetime.combine(day, time(0), UTC))
        moment = datetime.fromisoformat(cleaned.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InputError(
            f"{flag} {text!r} is not a date or date-time like 2025-03-01 or "
            "2025-03-01T12:00:00Z (ISO 8601)"
        ) from None
    return Moment(flag, text, None, moment if moment.tzinfo else moment.replace(tzinfo=UTC))


class DateOrTime(click.ParamType):
    """The one type of every date option: a `Moment`, or with `instant=True` its aware datetime.
    A value it cannot read is one line naming the flag (exit 2)."""

    name = "date"

    def __init__(self, *, instant: bool = False) -> None:
        self.instant = instant

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Moment | datetime:
        if isinstance(value, Moment | datetime):
            return value
        flag = param.opts[0] if param is not None and param.opts else "date"
        moment = parse_moment(str(value), flag)
        return moment.instant if self.instant else moment


DATE_OR_TIME = DateOrTime()
INSTANT = DateOrTime(instant=True)
WHEN_METAVAR = "DATE|DATETIME"


def days(since: Moment | None, until: Moment | None, tz: str) -> tuple[date | None, date | None]:
    """`--since`/`--until` as the inclusive days in `tz` a report covers."""
    return (
        since.day_in(tz) if since is not None else None,
        until.day_in(tz) if until is not None else None,
    )


def instant_option(flag: str, dest: str, help: str) -> Callable[[F], F]:
    """A date-time option (`--now`, `--end`) handed to the command as an aware datetime or None."""
    return click.option(flag, dest, type=INSTANT, metavar=WHEN_METAVAR, help=help)


def tz_option(help: str = "Time zone for days and months.") -> Callable[[F], F]:
    """`--tz ZONE` (IANA name, default UTC), passed as `tz`."""
    return click.option("--tz", default="UTC", show_default=True, help=help)


def period_options(*, tz: str | None = "Time zone for days and months.") -> Callable[[F], F]:
    """`--since` and `--until` (inclusive days: a date, or a date-time naming its day), handed to
    the command as `Moment`s (`days()` turns them into dates), and `--tz ZONE` with help `tz`
    (without it, days are UTC days and the help says so)."""
    zone = " in --tz" if tz else " (UTC)"

    def decorate(func: F) -> F:
        if tz:
            func = tz_option(tz)(func)
        func = click.option(
            "--until",
            type=DATE_OR_TIME,
            metavar=WHEN_METAVAR,
            help=f"Last day, inclusive: YYYY-MM-DD, or a date-time naming its day{zone}.",
        )(func)
        return click.option(
            "--since",
            type=DATE_OR_TIME,
            metavar=WHEN_METAVAR,
            help=f"First day, inclusive: YYYY-MM-DD, or a date-time naming its day{zone}.",
        )(func)

    return decorate


def format_option(
    choices: Sequence[str], default: str, help: str, *, json_alias: bool = False
) -> Callable[[F], F]:
    """`--format CHOICE` passed as `fmt`; `json_alias` keeps the old `--json` flag working
    (hidden: the one spelling shown is `--format json`)."""

    def decorate(func: F) -> F:
        if json_alias:
            func = click.option(
                "--json", "fmt", flag_value="json", hidden=True, help="Same as --format json."
            )(func)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(list(choices)),
            default=default,
            show_default=True,
            help=help,
        )(func)

    return decorate


def output_option(
    help: str, *, directory: bool = False, out_alias: bool = False
) -> Callable[[F], F]:
    """`--output PATH` passed as `output` (a file, or with `directory` a folder); `out_alias`
    keeps the old `--out` spelling working (hidden)."""
    path = click.Path(file_okay=not directory, dir_okay=directory, path_type=Path)

    def decorate(func: F) -> F:
        if out_alias:
            func = click.option(
                "--out", "output", type=path, hidden=True, help="Same as --output."
            )(func)
        return click.option(
            "--output", "output", type=path, metavar="DIR" if directory else "FILE", help=help
        )(func)

    return decorate


def examples(*lines: str) -> Callable[[F], F]:
    """End a command's --help with an `Examples:` block of these command lines (click's `\\b`
    keeps them as written); tests/test_cli_docs.py parses every one, and runs most."""

    def decorate(func: F) -> F:
        block = "\n\nExamples:\n\n\b\n" + "\n".join(f"  {line}" for line in lines)
        if isinstance(func, click.Command):
            func.help = (func.help or "").rstrip() + block
        else:
            func.__doc__ = inspect.cleandoc(func.__doc__ or "") + block
        return func

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
