"""Keep the API token out of everything replicost writes or prints.

Every message that can reach a log, a database row or the terminal goes through `redact`. The
token is registered once by the client runtime (`register_secret`); `Authorization` headers are
never logged at all.
"""

from __future__ import annotations

import logging
import re

_SECRETS: set[str] = set()
# Credentials that look like credentials: "Bearer <x>" / "Token <x>" headers echoed somewhere, and
# Replicate's own token shape (r8_...). Plain words ("token rejected") must survive untouched.
_BEARER = re.compile(r"(?i)\b(bearer|token)\s+(?=[A-Za-z0-9_\-\.]*[0-9_])[A-Za-z0-9_\-\.]{12,}")
_REPLICATE_TOKEN = re.compile(r"\br8_[A-Za-z0-9]{8,}")


def register_secret(secret: str | None) -> None:
    """Remember a secret so that `redact` removes it from any text."""
    if secret and len(secret) >= 4:
        _SECRETS.add(secret)


def redact(text: str) -> str:
    """Return `text` with every registered secret and any bearer credential masked."""
    for secret in _SECRETS:
        if secret in text:
            text = text.replace(secret, "***")
    text = _REPLICATE_TOKEN.sub("r8_***", text)
    return _BEARER.sub(lambda m: f"{m.group(1)} ***", text)


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in every record's rendered message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
