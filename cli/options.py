"""Option parsing shared by several commands (kept free of heavy imports: `sync` loads it too)."""

from __future__ import annotations

from datetime import UTC, datetime

from replicost.errors import InputError


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
