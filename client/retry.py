"""Retries, timeouts and the request budget, as an httpx transport.

Retrying inside the transport (rather than around each call) means every request made through the
client's `httpx.Client` is covered: our own pager, the generated `replicost_api` functions, the
typed iterators. A test swaps the inner transport (`httpx.MockTransport` or a real socket) and keeps
the policy.

What is retried: connection errors and timeouts, truncated bodies, 429, 5xx, and 2xx answers that
claim to be JSON but do not parse. Backoff is capped exponential with full jitter, bounded in
attempts and in total time. A 429 waits exactly what the server asks for (`Retry-After` header, a
`retry_after` field in the body, or "Expected available in N seconds" in the text) and pauses the
whole budget, so concurrent workers do not all hammer a limiter that just said no. Connection
failures get fewer attempts than the rest: a DNS failure or a refused connection rarely heals in
seconds, and the user deserves the one-line error quickly.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import orjson

from replicost.redact import RedactingFilter

log = logging.getLogger("replicost.client")
log.addFilter(RedactingFilter())

PARSED_JSON = "replicost.parsed_json"  # response.extensions key: the body already parsed by orjson
_EXPECTED_IN = re.compile(r"available in\s+(\d+(?:\.\d+)?)\s*second", re.IGNORECASE)


@dataclass
class RetryPolicy:
    """How often and how long to retry; `sleep` and `clock` are injectable for tests."""

    max_attempts: int = 8
    max_connect_attempts: int = 3
    max_total_seconds: float = 600.0
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def backoff(self, attempt: int) -> float:
        """Full-jitter exponential backoff for the given (1-based) failed attempt."""
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** (attempt - 1)))
        return random.uniform(ceiling / 2, ceiling)


@dataclass
class RequestStats:
    """Counts shared by every request of one client: requests sent, retries and why."""

    requests: int = 0
    retries: int = 0
    retry_reasons: Counter = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count_request(self) -> None:
        with self._lock:
            self.requests += 1

    def count_retry(self, reason: str) -> None:
        with self._lock:
            self.retries += 1
            self.retry_reasons[reason] += 1


class RequestBudget:
    """A token bucket shared by all workers: `per_minute` requests a minute, bursts of one second's.

    The bucket holds one second of budget (45 requests at 2,700/min), so a second in which the
    sync made no request (a round trip to the account endpoint, a database commit) is spent
    later rather than lost, while any 60 s still carry at most `per_minute` + 1 s of requests
    (2,745 of Replicate's 3,000).
    """

    def __init__(
        self,
        per_minute: float | None,
        *,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second = per_minute / 60.0 if per_minute else None
        self.capacity = burst if burst is not None else max(1.0, self.per_second or 1.0)
        self.tokens = self.capacity
        self.clock = clock
        self.updated = clock()
        self.paused_until = 0.0
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take one request slot; return how many seconds the caller must wait before using it."""
        with self._lock:
            now = self.clock()
            pause = max(0.0, self.paused_until - now)
            if self.per_second is None:
                return pause
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
            self.updated = now
            self.tokens -= 1.0
            wait = 0.0 if self.tokens >= 0 else -self.tokens / self.per_second
            return max(wait, pause)

    def pause(self, seconds: float) -> None:
        """Hold every worker for `seconds` (the server said it is throttling us)."""
        with self._lock:
            self.paused_until = max(self.paused_until, self.clock() + seconds)


def requested_wait(response: httpx.Response) -> float | None:
    """Seconds a 429 (or 503) asks us to wait: Retry-After, body `retry_after`, or the detail text."""
    header = response.headers.get("retry-after")
    if header:
        try:
            return max(0.0, float(header))
        except ValueError:
            when = email.utils.parsedate_to_datetime(header) if header else None
            if when is not None:
                return max(0.0, when.timestamp() - time.time())
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        body = None
    if isinstance(body, dict):
        value = body.get("retry_after")
        if isinstance(value, int | float) and not isinstance(value, bool):
            return max(0.0, float(value))
        text = body.get("detail")
    else:
        text = response.text
    match = _EXPECTED_IN.search(text) if isinstance(text, str) else None
    return float(match.group(1)) if match else None


def _is_json(response: httpx.Response) -> bool:
    return "json" in response.headers.get("content-type", "")


def _judge(response: httpx.Response) -> str | None:
    """Return why this (fully read) response should be retried, or None to hand it back."""
    status = response.status_code
    if status == 429:
        return "429"
    if status >= 500:
        return f"{status}"
    if 200 <= status < 300 and _is_json(response):
        try:
            response.extensions[PARSED_JSON] = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            return "bad json"
    elif 200 <= status < 300 and response.headers.get("content-type", "").startswith("text/html"):
        return "html page"  # a proxy's maintenance page: the API itself never answers HTML
    return None


class _Retrier:
    """The decision logic shared by the sync and async transports."""

    def __init__(
        self,
        policy: RetryPolicy,
        budget: RequestBudget,
        stats: RequestStats,
        on_retry: Callable[[str], None] | None,
    ) -> None:
        self.policy, self.budget, self.stats, self.on_retry = policy, budget, stats, on_retry

    def delay_after_response(
        self, attempt: int, started: float, reason: str, response: httpx.Response
    ) -> float | None:
        asked = requested_wait(response) if response.status_code in (429, 503) else None
        delay = asked if asked is not None else self.policy.backoff(attempt)
        if response.status_code == 429:
            # the limiter is shared by every worker: everyone waits, not just this one
            self.budget.pause(delay)
        return self._allowed(attempt, started, delay, reason, self.policy.max_attempts)

    def delay_after_error(self, attempt: int, started: float, exc: Exception) -> float | None:
        connect = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
        limit = self.policy.max_connect_attempts if connect else self.policy.max_attempts
        reason = type(exc).__name__
        return self._allowed(attempt, started, self.policy.backoff(attempt), reason, limit)

    def _allowed(
        self, attempt: int, started: float, delay: float, reason: str, limit: int
    ) -> float | None:
        if attempt >= limit:
            return None
        if self.policy.clock() - started + delay > self.policy.max_total_seconds:
            return None
        self.stats.count_retry(reason)
        log.info("retrying after %s in %.2fs (attempt %d)", reason, delay, attempt + 1)
        if self.on_retry is not None:
            self.on_retry(reason)
        return delay


RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


class RetryingTransport(httpx.BaseTransport):
    """Wrap a transport with the request budget and the retry policy (threads share one instance)."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        policy: RetryPolicy,
        budget: RequestBudget,
        stats: RequestStats,
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        self.inner = inner
        self.retrier = _Retrier(policy, budget, stats, on_retry)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        policy, retrier = self.retrier.policy, self.retrier
        started = policy.clock()
        attempt = 0
        while True:
            attempt += 1
            wait = retrier.budget.reserve()
            if wait > 0:
                policy.sleep(wait)
            retrier.stats.count_request()
            try:
                response = self.inner.handle_request(request)
                response.read()
            except RETRYABLE_ERRORS as exc:
                delay = retrier.delay_after_error(attempt, started, exc)
                if delay is None:
                    raise
                policy.sleep(delay)
                continue
            reason = _judge(response)
            if reason is None:
                return response
            delay = retrier.delay_after_response(attempt, started, reason, response)
            if delay is None:
                return response
            response.close()
            if response.status_code != 429:  # a 429 paused the budget: the next reserve() waits
                policy.sleep(delay)

    def close(self) -> None:
        self.inner.close()


class AsyncRetryingTransport(httpx.AsyncBaseTransport):
    """The async twin of `RetryingTransport` (same policy, budget and counters)."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        budget: RequestBudget,
        stats: RequestStats,
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        self.inner = inner
        self.retrier = _Retrier(policy, budget, stats, on_retry)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        policy, retrier = self.retrier.policy, self.retrier
        started = policy.clock()
        attempt = 0
        while True:
            attempt += 1
            wait = retrier.budget.reserve()
            if wait > 0:
                await asyncio.sleep(wait)
            retrier.stats.count_request()
            try:
                response = await self.inner.handle_async_request(request)
                await response.aread()
            except RETRYABLE_ERRORS as exc:
                delay = retrier.delay_after_error(attempt, started, exc)
                if delay is None:
                    raise
                await asyncio.sleep(delay)
                continue
            reason = _judge(response)
            if reason is None:
                return response
            delay = retrier.delay_after_response(attempt, started, reason, response)
            if delay is None:
                return response
            await response.aclose()
            if response.status_code != 429:
                await asyncio.sleep(delay)

    async def aclose(self) -> None:
        await self.inner.aclose()
