"""Timestamps as Replicate serves them, kept as integer nanoseconds since the epoch.

Replicate's responses carry fractional seconds of anywhere from 0 to 9 digits (two serializers:
Python's, which writes 6 digits or none, and Go's RFC 3339 with trailing zeros stripped). A
`datetime` holds only microseconds, so the simulator computes in nanoseconds and formats exactly:
the string served is always the exact instant the simulator orders and filters on.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

NS_PER_SECOND = 1_000_000_000

_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9})\d*)?)?"
    r"\s*(Z|z|[+-]\d{2}:?\d{2})?$"
)


def datetime_to_ns(moment: datetime) -> int:
    """Nanoseconds since the epoch for an aware datetime (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    whole = int(moment.replace(microsecond=0).timestamp())
    return whole * NS_PER_SECOND + moment.microsecond * 1000


def ns_to_datetime(ns: int) -> datetime:
    """The aware UTC datetime for `ns`, truncated to microseconds."""
    seconds, rest = divmod(ns, NS_PER_SECOND)
    return datetime.fromtimestamp(seconds, UTC).replace(microsecond=rest // 1000)


_DAY_PREFIXES: dict[int, str] = {}  # day since the epoch -> "YYYY-MM-DDT"
_CLOCK = [f"{minute // 60:02d}:{minute % 60:02d}:" for minute in range(1440)]
_SECONDS = [f"{second:02d}" for second in range(60)]


def _day_prefix(day: int) -> str:
    text = datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%dT")
    if len(_DAY_PREFIXES) < 100_000:
        _DAY_PREFIXES[day] = text
    return text


def format_ns(ns: int, digits: int, *, strip: bool = True) -> str:
    """ISO 8601 with `Z` and `digits` fractional digits (0-9).

    `ns` must already be a multiple of 10**(9-digits) when the exact instant matters; with
    `strip` trailing zeros are dropped as Go's serializer does (so fewer digits may show).
    """
    # strftime per timestamp dominated page generation: days repeat, so their text is cached
    # and the time of day comes from tables
    seconds, rest = divmod(ns, NS_PER_SECOND)
    day, second_of_day = divmod(seconds, 86400)
    minute, second = divmod(second_of_day, 60)
    base = (_DAY_PREFIXES.get(day) or _day_prefix(day)) + _CLOCK[minute] + _SECONDS[second]
    if digits <= 0:
        return base + "Z"
    fraction = f"{rest:09d}"[:digits]
    if strip:
        fraction = fraction.rstrip("0")
    return f"{base}.{fraction}Z" if fraction else base + "Z"


def ceil_to_digits(ns: int, digits: int) -> int:
    """The smallest instant >= `ns` that `digits` fractional digits represent exactly."""
    quantum = 10 ** (9 - digits)
    return -(-ns // quantum) * quantum


def parse_iso_ns(text: str) -> int:
    """Parse an ISO 8601 date-time (with up to 9 fractional digits) into nanoseconds.

    A missing offset means UTC, as Replicate reads its `created_after`/`created_before`
    parameters. Raises ValueError on anything else.
    """
    match = _ISO.match(text.strip())
    if not match:
        # date only: midnight UTC
        try:
            midnight = datetime.strptime(text.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError:
            raise ValueError(f"not an ISO 8601 date-time: {text!r}") from None
        return datetime_to_ns(midnight)
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    moment = datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=UTC
    )
    ns = datetime_to_ns(moment) + int((fraction or "").ljust(9, "0") or 0)
    if offset and offset not in ("Z", "z"):
        sign = 1 if offset[0] == "+" else -1
        digits = offset[1:].replace(":", "")
        ns -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60) * NS_PER_SECOND
    return ns
