"""ISO 8601 timestamps as Replicate serves them (0 to 9 fractional digits, `Z` or an offset)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_ISO = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$"
)


def parse_timestamp(text: str) -> datetime:
    """Parse to an aware datetime (UTC if no zone), keeping microseconds (extra digits truncated)."""
    match = _ISO.match(text.strip())
    if not match:
        parsed = datetime.fromisoformat(text)  # a date alone, or another ISO form
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    day, clock, fraction, zone = match.groups()
    micro = (fraction or "").ljust(6, "0")[:6]
    if zone in (None, "Z"):
        zone = "+00:00"
    elif ":" not in zone:
        zone = f"{zone[:3]}:{zone[3:]}"
    return datetime.fromisoformat(f"{day}T{clock}.{micro}{zone}")


def format_timestamp(moment: datetime) -> str:
    """Format for `created_after`/`created_before`: UTC, microseconds, `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def from_epoch_us(microseconds: int) -> datetime:
    """DuckDB's `epoch_us(timestamptz)` back to an aware datetime (no pytz needed)."""
    return _EPOCH + timedelta(microseconds=microseconds)
