"""What a report covers and how it groups: filters, dimensions, named SQL.

Dates are inclusive calendar days in the report's time zone (UTC unless told otherwise): `until`
means "before midnight that ends the day", so 23:59:59.999999 on the last day is in.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from replicost.errors import InputError

OTHER = "(other)"
TIME_DIMENSIONS = ("day", "week", "month")
# Dimension name -> SQL expression over `priced_records`. This whitelist is the only way a
# dimension reaches SQL text; every value the user gives is a bound parameter.
_DIMENSION_SQL = {
    "model": "model",
    "version": "version",
    "source": "source",
    "deployment": "deployment",
    "hardware": "hardware",
    "status": "status",
    "kind": "kind",
    "account": "account",
}


def floor_div(numerator: str, denominator: str) -> str:
    """SQL for numerator // denominator rounded down: DuckDB's `//` rounds toward zero, which
    puts the hours before a 1969 midnight into the day after."""
    return f"(({numerator}) - ((({numerator}) % {denominator}) + {denominator}) % {denominator}) // {denominator}"


# Time dimensions, over the local time of a UTC `bucket` of $bucket_seconds (see spend_by.sql).
_LOCAL_TIME = "timezone($tz, to_timestamp(bucket * $bucket_seconds))"
QUARTER_HOUR, DAY = 900, 86400
# a zone's offsets before 1800 are its first (local mean time), after 2100 its yearly rule repeats
_ZONE_HISTORY = (dt.datetime(1800, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
_TIME_SQL = {
    "day": f"strftime(CAST({_LOCAL_TIME} AS DATE), '%Y-%m-%d')",
    # ISO week: the Monday it starts on.
    "week": f"strftime(CAST(date_trunc('week', {_LOCAL_TIME}) AS DATE), '%Y-%m-%d')",
    "month": f"strftime({_LOCAL_TIME}, '%Y-%m')",
}
DIMENSIONS = (*_DIMENSION_SQL, "tag", *TIME_DIMENSIONS)

# Filters that narrow records in ways deployment uptime has no equivalent for.
_RECORD_ONLY_FILTERS = ("model", "version", "source", "status")


def named_sql(name: str) -> str:
    """A named query from `analytics/sql/`, without its header comment (which names the slots)."""
    text = (resources.files("replicost.analytics") / "sql" / f"{name}.sql").read_text()
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


@dataclass(frozen=True)
class Filters:
    """Which records a report covers. Dates are inclusive days in `tz`; globs use `*` and `?`."""

    since: dt.date | None = None
    until: dt.date | None = None
    tz: str = "UTC"
    model: str | None = None
    version: str | None = None
    deployment: str | None = None
    source: str | None = None
    status: str | None = None
    kind: str | None = None
    account: str | None = None
    before: dt.datetime | None = None  # an instant: only what was created before it (`--now`)

    def __post_init__(self) -> None:
        zone(self.tz)
        if self.since and self.until and self.since > self.until:
            raise InputError(f"--since {self.since} is after --until {self.until}")
        if self.kind not in (None, "prediction", "training"):
            raise InputError(f"unknown kind {self.kind!r}; use prediction or training")
        if self.source not in (None, "api", "web"):
            raise InputError(f"unknown source {self.source!r}; use api or web")

    def to_dict(self) -> dict[str, str]:
        """The filters that are set, as strings (what the JSON output echoes back)."""
        out = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if value is not None and not (name == "tz" and value == "UTC"):
                out[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        return out

    def utc_bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """Half-open [start, end) instants: local midnight of `since`, midnight after `until`."""
        tzinfo = zone(self.tz)
        start = dt.datetime.combine(self.since, dt.time(), tzinfo) if self.since else None
        end = (
            dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time(), tzinfo)
            if self.until
            else None
        )
        return start, end


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone {name!r}; use an IANA name such as Europe/Paris"
        ) from None


def bucket_seconds(tz: str, start: dt.datetime | None, end: dt.datetime | None) -> int:
    """The widest UTC bucket (in seconds) that never straddles a local midnight of `tz` between
    `start` and `end`: a day in UTC, else the greatest common divisor of a quarter hour and every
    offset the zone had then (today's zones are whole quarter hours from UTC; Monrovia until 1972
    was -0:44:30, Paris until 1911 +0:09:21), so each bucket lies in one local day."""
    if tz == "UTC":
        return DAY
    tzinfo = zone(tz)
    first, last = _ZONE_HISTORY
    moment = min(max(start or first, first), last)
    stop = max(min(end or last, last), moment)
    step = dt.timedelta(days=2)  # offsets last months; this sees every one that lasts two days
    seconds = QUARTER_HOUR
    while seconds > 1:
        offset = tzinfo.utcoffset(moment)
        seconds = math.gcd(seconds, int(offset.total_seconds()) if offset else 0)
        if moment >= stop:
            break
        moment = min(moment + step, stop)
    return seconds


def parse_dimensions(by: str | Sequence[str]) -> tuple[str, ...]:
    """Validate `--by` (a comma list or a sequence) against the known dimensions."""
    names = (
        [p.strip() for p in by.split(",")] if isinstance(by, str) else [str(p).strip() for p in by]
    )
    names = [n for n in names if n]
    if not names:
        raise InputError("--by needs at least one dimension")
    unknown = [n for n in names if n not in DIMENSIONS]
    if unknown:
        raise InputError(f"unknown dimension {unknown[0]!r}; choose from {', '.join(DIMENSIONS)}")
    if len(set(names)) != len(names):
        raise InputError("--by lists a dimension twice")
    return tuple(names)


def _where(filters: Filters, params: dict[str, Any]) -> str:
    clauses = ["TRUE"]
    start, end = filters.utc_bounds()
    if start is not None:
        clauses.append("created_at >= $since_utc")
        params["since_utc"] = start.astimezone(dt.UTC)
    if end is not None:
        clauses.append("created_at < $until_utc")
        params["until_utc"] = end.astimezone(dt.UTC)
    if filters.before is not None:
        clauses.append("created_at < $before_utc")
        params["before_utc"] = filters.before.astimezone(dt.UTC)
    for name in ("model", "version", "deployment"):
        value = getattr(filters, name)
        if value is not None:
            clauses.append(f"{name} GLOB ${name}")
            params[name] = value
    for name in ("source", "status", "kind", "account"):
        value = getattr(filters, name)
        if value is not None:
            clauses.append(f"{name} = ${name}")
            params[name] = value
    return " AND ".join(clauses)
