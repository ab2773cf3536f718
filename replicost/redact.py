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


# Characters that can rewrite a terminal line or reorder what it shows: C0/C1 controls (newline,
# escape...), and Unicode's invisible format characters (bidirectional overrides and isolates,
# zero-width marks, the byte-order mark), which let "acme/x<U+202E>..." display as something else.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def printable(text: str) -> str:
    """`text` with control and invisible format characters escaped (`\\n`, `\\x1b`, `\\u202e`):
    what replicost prints stays one line and shows what is really there (an error message, a
    pricing key or a model name from the API cannot drive or disguise the terminal)."""
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in every record's rendered message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
