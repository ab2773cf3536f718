"""Typed errors of the Replicate API, each mapped onto replicost's exit codes.

A caller can catch one kind (`NotFoundError`) or all (`APIError`); the CLI only needs the exit code
and the one-line message. A rejected token is bad input (exit 2, never retried); everything that is
the network's or the server's fault is exit 1.
"""

from __future__ import annotations

from replicost.errors import InputError, ReplicostError
from replicost.redact import redact


class APIError(ReplicostError):
    """The API answered with an error, or could not be reached (exit 1)."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None) -> None:
        super().__init__(redact(message))
        self.url = redact(url) if url else None
        self.status = status


class AuthenticationError(APIError, InputError):
    """HTTP 401: the token is missing, wrong or revoked (exit 2)."""

    exit_code = 2


class NotFoundError(APIError):
    """HTTP 404: the object does not exist (or the token cannot see it)."""


class RateLimitedError(APIError):
    """HTTP 429 still returned after every retry allowed by the policy."""


class ServerError(APIError):
    """HTTP 5xx still returned after every retry allowed by the policy."""


class BadResponseError(APIError):
    """A response that is not what the API documents: truncated, not JSON, or the wrong shape."""


class NetworkError(APIError):
    """The host could not be reached: DNS failure, connection refused, timeouts."""


class DeadlineError(APIError):
    """The overall deadline (a sync's `--deadline`) passed: nothing more is tried (exit 1)."""


class PagingLoopError(APIError):
    """A list's pages go round in circles (a repeated cursor, the same page again, pages that do
    not move back in time): that list is stopped, naming the URL (exit 1)."""
