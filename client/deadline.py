"""Deadlines, not timeouts: a whole response must arrive by a moment, however slowly it drips.

httpx's read timeout restarts on every byte, so a server sending one byte a second holds a request
forever. Here each attempt gets a wall-clock deadline for its whole response (`request_seconds`,
from the moment it is sent), and a client may carry an overall deadline (the sync's): both are
enforced while the body is read, by a wrapper around the response's byte stream that checks the
clock between chunks, and by capping httpx's per-read timeout at the time left, so a server that
sends nothing at all is cut at the deadline too.

A response past its own deadline is a `ResponseDeadlineExceeded`, an `httpx.ReadTimeout`: the
retry policy retries it like any timeout. Past the overall deadline nothing is retried:
`DeadlineError` ends the work with one line.
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from replicost.client.bounded import DEFAULT_MAX_RESPONSE_BYTES, bound
from replicost.client.errors import DeadlineError

DEFAULT_REQUEST_DEADLINE = 60.0  # seconds for one whole response (headers and body)


class ResponseDeadlineExceeded(httpx.ReadTimeout):
    """One response took longer than its deadline (retried like a timeout)."""


@dataclass
class Deadlines:
    """The per-response deadline and the optional overall one (a moment on `clock`)."""

    request_seconds: float = DEFAULT_REQUEST_DEADLINE
    overall_seconds: float | None = None
    clock: Callable[[], float] = time.monotonic
    overall_at: float | None = None
    # the other bound of one response: its size, decoded (client/bounded.py)
    max_body_bytes: int = DEFAULT_MAX_RESPONSE_BYTES

    def __post_init__(self) -> None:
        for name in ("request_seconds", "overall_seconds"):
            value = getattr(self, name)
            if value is not None and (not math.isfinite(value) or value <= 0):
                raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")
        if self.overall_seconds is not None and self.overall_at is None:
            self.overall_at = self.clock() + self.overall_seconds

    def left_overall(self) -> float:
        """Seconds before the overall deadline (infinite without one)."""
        return math.inf if self.overall_at is None else self.overall_at - self.clock()

    def check_overall(self, needed: float = 0.0) -> None:
        """Raise DeadlineError if the overall deadline passed (or would, `needed` seconds from now)."""
        if self.overall_at is not None and self.clock() + needed >= self.overall_at:
            raise DeadlineError(
                f"the overall deadline of {self.overall_seconds:g}s passed (--deadline)"
            )

    def response_deadline(self) -> tuple[float, bool]:
        """(moment the response now being sent must be complete by, whether that is the overall one)."""
        own = self.clock() + self.request_seconds
        if self.overall_at is not None and self.overall_at <= own:
            return self.overall_at, True
        return own, False

    def cap_timeouts(self, request: httpx.Request, until: float) -> None:
        """Cap httpx's connect/read/write/pool timeouts of `request` at the time left."""
        left = max(0.001, until - self.clock())
        current = request.extensions.get("timeout") or {}
        request.extensions["timeout"] = {
            key: left if current.get(key) is None else min(current[key], left)
            for key in ("connect", "read", "write", "pool")
        }

    def _expired(self, request: httpx.Request, overall: bool) -> Exception:
        if overall:
            return DeadlineError(
                f"the overall deadline of {self.overall_seconds:g}s passed (--deadline) while "
                "reading a response",
                url=str(request.url),
            )
        return ResponseDeadlineExceeded(
            f"the response took longer than its {self.request_seconds:g}s deadline "
            "(--request-deadline)",
            request=request,
        )

    def guard(
        self,
        response: httpx.Response,
        request: httpx.Request,
        until: float,
        overall: bool,
        *,
        asynchronous: bool = False,
    ) -> None:
        """Make reading `response`'s body raise once the clock passes `until`, or once it
        passes `max_body_bytes` decoded (`ResponseTooLargeError`, client/bounded.py)."""
        stream = response.stream
        if asynchronous:
            assert isinstance(stream, httpx.AsyncByteStream)
            response.stream = _AsyncGuarded(stream, self, request, until, overall)
        else:
            assert isinstance(stream, httpx.SyncByteStream)
            response.stream = _Guarded(stream, self, request, until, overall)
        bound(response, request, self.max_body_bytes, asynchronous=asynchronous)


class _Guard:
    """What both body wrappers hold: the deadline a response's body must arrive by."""

    def __init__(
        self, inner: Any, deadlines: Deadlines, request: httpx.Request, until: float, overall: bool
    ) -> None:
        self.inner, self.deadlines, self.request = inner, deadlines, request
        self.until, self.overall = until, overall

    def _check(self) -> None:
        """Raise once the deadline has passed (called before handing on each chunk)."""
        if self.deadlines.clock() > self.until:
            raise self.deadlines._expired(self.request, self.overall)


class _Guarded(_Guard, httpx.SyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.inner:
            self._check()
            yield chunk

    def close(self) -> None:
        self.inner.close()


class _AsyncGuarded(_Guard, httpx.AsyncByteStream):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.inner:
            self._check()
            yield chunk

    async def aclose(self) -> None:
        await self.inner.aclose()
