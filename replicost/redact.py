"""Keep the API token out of everything replicost writes or prints.

Every message that can reach a log, a database row or the terminal goes through `redact`. The
token is registered once by the client runtime (`register_secret`); `Authorization` headers are
never logged at all.
"""

from __future__ import annotations

import logging
import re

_SECRETS: set[str] = set()
_BEARER = re.compile(r"(?i)(bearer|token)\s+[A-Za-z0-9_\-\.]{8,}")


def register_secret(secret: str | None) -> None:
    """Remember a secret so that `redact` removes it from any text."""
    if secret and len(secret) >= 4:
        _SECRETS.add(secret)


def redact(text: str) -> str:
    """Return `text` with every registered secret and any bearer credential masked."""
    for secret in _SECRETS:
        if secret in text:
            text = text.replace(secret, "***")
    return _BEARER.sub(lambda m: f"{m.group(1)} ***", text)


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in every record's rendered message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
