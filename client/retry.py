"""Retries, timeouts and the request budget, as an httpx transport.

Retrying inside the transport (rather than around each call) means every request made through the
client's `httpx.Client` is covered: our own pager, the generated `replicost_api` functions, the
typed iterators. A test swaps the inner transport (`httpx.MockTransport` or a real socket) and keeps
the policy.

What is retried: connection errors and timeouts (a response past its deadline is one, see
deadline.py), truncated bodies, 429, 5xx, and 2xx answers that claim to be JSON but do not parse. Backoff is capped exponential with full jitter, bounded in
attempts and in total time. A 429 waits exactly what the server asks for (`Retry-After` header, a
`retry_after` field in the body, or "Expected available in N seconds" in the text), pauses the
whole budget, so concurrent workers do not all hammer a limiter that just said no, and lowers its
pace (`RequestBudget`: AIMD); 429s are retried until the time bound, not counted as attempts. A
`Retry-After` that is neither seconds nor a date (`soon`) is ignored and the backoff applies. Connection
failures get fewer attempts than the rest: a DNS failure or a refused connection rarely heals in
seconds, and the user deserves the one-line error quickly.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import math
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

import httpx
import orjson

from replicost.client.deadline import Deadlines
from replicost.redact import RedactingFilter

log = logging.getLogger("replicost.client")
log.addFilter(RedactingFilter())

PARSED_JSON = "replicost.parsed_json"  # response.extensions key: the body already parsed by orjson
UNDECODABLE = "replicost.undecodable"  # response.extensions key: its strings hold non-UTF-8 bytes


def load_json(content: bytes) -> tuple[Any, bool]:
    """(the JSON value of `content`, whether some of its strings are not UTF-8).

    orjson refuses a whole body for one byte that is not UTF-8, which made one bad record block
    its page on every run. Such a body is parsed again with the bad bytes kept as lone surrogates
    (U+DC80..U+DCFF, Python's `surrogateescape`), so the page reader can set those records apart
    (quarantined, raw bytes kept) and store the rest. Raises ValueError when it is not JSON."""
    try:
        return orjson.loads(content), False
    except orjson.JSONDecodeError:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return json.loads(content.decode("utf-8", "surrogateescape")), True
        raise


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
    """A token bucket shared by all workers, paced by what the server says (AIMD).

    It starts at `per_minute` (the documented limit, or the user's `--requests-per-minute`),
    which stays the ceiling. A 429 halves the pace (or sets it to what a long Retry-After
    implies: one request per that many seconds, as a 6/min account with burst 1 answers; or,
    when the server asks for less than our own spacing between requests, adds that wait to the
    spacing), once per `DECREASE_SPACING` seconds, since concurrent workers all hit the same 429
    burst. Each `INCREASE_EVERY` seconds that carried more than `INCREASE_AFTER` requests
    without a 429 add `INCREASE_FRACTION` of the pace back, up to the ceiling. So a sync at the documented limit keeps it with no 429 at all, and an account
    limited far lower is slowed to its limit after a few 429s instead of failing.

    The bucket holds one second of budget (50 requests at 3,000/min), so a second in which the
    sync made no request (a round trip to the account endpoint, a database commit) is spent
    later rather than lost. Rate-limit headers (`X-RateLimit-Remaining: 0` with a reset in
    seconds) pause every worker until the reset, before any 429.
    """

    DECREASE_SPACING = 2.0
    INCREASE_EVERY = 10.0
    INCREASE_FRACTION = 0.05
    INCREASE_AFTER = 20
    MIN_PER_MINUTE = 1.0

    def __init__(
        self,
        per_minute: float | None,
        *,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ceiling = per_minute / 60.0 if per_minute else None
        self.per_second = self.ceiling
        self._burst = burst
        self.capacity = self._capacity()
        self.tokens = self.capacity
        self.clock = clock
        self.updated = clock()
        self.paused_until = 0.0
        self.decreases = 0
        self._last_change = self.updated
        self._quiet_requests = 0
        self._last_decrease = float("-inf")
        self._lock = threading.Lock()

    @property
    def per_minute(self) -> float | None:
        """The pace now, in requests a minute (None: no budget)."""
        return self.per_second * 60.0 if self.per_second else None

    def _capacity(self) -> float:
        return self._burst if self._burst is not None else max(1.0, self.per_second or 1.0)

    def _set_pace(self, per_second: float) -> None:
        self.per_second = per_second
        self.capacity = self._capacity()
        self.tokens = min(self.tokens, self.capacity)

    def _increase(self, now: float) -> None:
        """Additive increase: one step back towards the ceiling per quiet `INCREASE_EVERY`
        seconds that carried at least `INCREASE_AFTER` requests (idle time proves nothing)."""
        self._quiet_requests += 1
        if self.ceiling is None or self.per_second is None or self.per_second >= self.ceiling:
            self._last_change, self._quiet_requests = now, 0
            return
        if (
            now - self._last_change >= self.INCREASE_EVERY
            and self._quiet_requests > self.INCREASE_AFTER
        ):
            step = self.INCREASE_FRACTION * self.per_second
            self._set_pace(min(self.ceiling, self.per_second + step))
            self._last_change, self._quiet_requests = now, 0

    def reserve(self) -> float:
        """Take one request slot; return how many seconds the caller must wait before using it."""
        with self._lock:
            now = self.clock()
            pause = max(0.0, self.paused_until - now)
            if self.per_second is None:
                return pause
            self._increase(now)
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
            self.updated = now
            self.tokens -= 1.0
            wait = 0.0 if self.tokens >= 0 else -self.tokens / self.per_second
            return max(wait, pause)

    def pause(self, seconds: float) -> None:
        """Hold every worker for `seconds` (the server said it is throttling us, or will)."""
        with self._lock:
            self.paused_until = max(self.paused_until, self.clock() + seconds)

    def throttled(self, retry_after: float | None) -> None:
        """A 429: pause everyone for `retry_after` and lower the pace (multiplicative decrease)."""
        with self._lock:
            now = self.clock()
            if retry_after is not None:
                self.paused_until = max(self.paused_until, now + retry_after)
            if self.per_second is None or now - self._last_decrease < self.DECREASE_SPACING:
                return
            spacing = 1.0 / self.per_second
            if retry_after is None or retry_after >= spacing:
                pace = self.per_second / 2
                if retry_after is not None and retry_after >= 2:
                    pace = min(pace, 1.0 / retry_after)  # one request per Retry-After: slow bucket
            else:  # asked to wait less than our own spacing: we were only a little too fast
                pace = 1.0 / (spacing + retry_after)
            self._set_pace(max(self.MIN_PER_MINUTE / 60.0, pace))
            self.tokens = min(self.tokens, 0.0)  # the bucket is empty on the server's side
            self._last_decrease = self._last_change = now
            self._quiet_requests = 0
            self.decreases += 1
            log.info("rate limited: pace lowered to %.1f requests/min", self.per_second * 60)


def header_pause(response: httpx.Response) -> float | None:
    """Seconds until the server's window resets, if its rate-limit headers say none is left.

    Reads `X-RateLimit-Remaining` / `RateLimit-Remaining` and `X-RateLimit-Reset` /
    `RateLimit-Reset` as seconds (or an epoch time, when larger than a day).
    """
    headers = response.headers
    remaining = headers.get("x-ratelimit-remaining") or headers.get("ratelimit-remaining")
    reset = headers.get("x-ratelimit-reset") or headers.get("ratelimit-reset")
    if remaining is None or reset is None:
        return None
    try:
        left, seconds = float(remaining), float(reset)
    except ValueError:
        return None
    if left > 0:
        return None
    if seconds > 86400:  # an epoch timestamp
        seconds -= time.time()
    return min(max(0.0, seconds), 3600.0)


def _header_wait(header: str) -> float | None:
    """Seconds asked for by a Retry-After value: a number of seconds or an HTTP date, else None.

    Anything else (`soon`, `nan`, `-3`, `1e999`, a date that is not one) is junk: the caller
    falls back to its own backoff rather than crash or wait forever.
    """
    try:
        seconds = float(header)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:  # RFC 9110 dates are GMT
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - time.time()
        return max(0.0, seconds)
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def requested_wait(response: httpx.Response) -> float | None:
    """Seconds a 429 (or 503) asks us to wait: Retry-After, body `retry_after`, or the detail text."""
    header = response.headers.get("retry-after")
    if header:
        seconds = _header_wait(header.strip())
        if seconds is not None:
            return seconds
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        body = None
    if isinstance(body, dict):
        value = body.get("retry_after")
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
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
            parsed, undecodable = load_json(response.content)
        except ValueError:
            return "bad json"
        response.extensions[PARSED_JSON] = parsed
        response.extensions[UNDECODABLE] = undecodable
    elif 200 <= status < 300 and response.headers.get("content-type", "").startswith("text/html"):
        return "html page"  # a proxy's maintenance page: the API itself never answers HTML
    return None


_SLEEP, _SEND, _DISCARD = "sleep", "send", "discard"


class _Retrier:
    """The retry loop, written once as steps (`steps`) that the sync and async transports drive.

    `steps(request)` is a generator: it yields `(_SLEEP, seconds)`, `(_SEND, None)` (the driver
    sends the request, reads the whole body under its deadline and sends back the response or the
    retryable exception) and `(_DISCARD, response)`; it returns the final response or raises.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        budget: RequestBudget,
        stats: RequestStats,
        on_retry: Callable[[str], None] | None,
        deadlines: Deadlines,
    ) -> None:
        self.policy, self.budget, self.stats, self.on_retry = policy, budget, stats, on_retry
        self.deadlines = deadlines

    def steps(self, request: httpx.Request) -> Generator[tuple[str, Any], Any, httpx.Response]:
        started = self.policy.clock()
        attempt = 0
        while True:
            attempt += 1
            wait = self.budget.reserve()
            if wait > 0:
                self.deadlines.check_overall(wait)
                yield _SLEEP, wait
            self.deadlines.check_overall()
            self.stats.count_request()
            outcome = yield _SEND, None
            if isinstance(outcome, Exception):
                delay = self.delay_after_error(attempt, started, outcome)
                if delay is None:
                    raise outcome
                self.deadlines.check_overall(delay)
                yield _SLEEP, delay
                continue
            response: httpx.Response = outcome
            self.observe(response)
            reason = _judge(response)
            if reason is None:
                return response
            delay = self.delay_after_response(attempt, started, reason, response)
            if delay is None:
                return response
            yield _DISCARD, response
            if response.status_code != 429:  # a 429 paused the budget: the next reserve() waits
                self.deadlines.check_overall(delay)
                yield _SLEEP, delay

    def delay_after_response(
        self, attempt: int, started: float, reason: str, response: httpx.Response
    ) -> float | None:
        asked = requested_wait(response) if response.status_code in (429, 503) else None
        delay = asked if asked is not None else self.policy.backoff(attempt)
        limit = self.policy.max_attempts
        if response.status_code == 429:
            # the limiter is shared by every worker: everyone waits, and the pace goes down; a
            # 429 is no failure of the request, so only the time bound ends its retries
            self.budget.throttled(delay)
            limit = attempt + 1
        return self._allowed(attempt, started, delay, reason, limit)

    def observe(self, response: httpx.Response) -> None:
        """Rate-limit headers on any answer: none left means everyone waits for the reset."""
        wait = header_pause(response)
        if wait:
            self.budget.pause(wait)

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

    def prepare(self, request: httpx.Request) -> tuple[float, bool]:
        """Cap the request's timeouts at its deadline; return (deadline, whether it is the overall)."""
        until, overall = self.deadlines.response_deadline()
        self.deadlines.cap_timeouts(request, until)
        return until, overall


RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


class RetryingTransport(httpx.BaseTransport):
    """Wrap a transport with the request budget, the retry policy and the deadlines (threads share
    one instance)."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        policy: RetryPolicy,
        budget: RequestBudget,
        stats: RequestStats,
        on_retry: Callable[[str], None] | None = None,
        deadlines: Deadlines | None = None,
    ) -> None:
        self.inner = inner
        self.retrier = _Retrier(policy, budget, stats, on_retry, deadlines or Deadlines())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        steps = self.retrier.steps(request)
        outcome: Any = None
        while True:
            try:
                step, value = steps.send(outcome)
            except StopIteration as done:
                return done.value
            outcome = None
            if step == _SLEEP:
                self.retrier.policy.sleep(value)
            elif step == _DISCARD:
                value.close()
            else:
                outcome = self._attempt(request)

    def _attempt(self, request: httpx.Request) -> httpx.Response | Exception:
        until, overall = self.retrier.prepare(request)
        try:
            response = self.inner.handle_request(request)
            self.retrier.deadlines.guard(response, request, until, overall)
            response.read()
        except RETRYABLE_ERRORS as exc:
            return exc
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncRetryingTransport(httpx.AsyncBaseTransport):
    """The same steps driven with `await` (same policy, budget, counters and deadlines)."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        budget: RequestBudget,
        stats: RequestStats,
        on_retry: Callable[[str], None] | None = None,
        deadlines: Deadlines | None = None,
    ) -> None:
        self.inner = inner
        self.retrier = _Retrier(policy, budget, stats, on_retry, deadlines or Deadlines())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        steps = self.retrier.steps(request)
        outcome: Any = None
        while True:
            try:
                step, value = steps.send(outcome)
            except StopIteration as done:
                return done.value
            outcome = None
            if step == _SLEEP:
                await asyncio.sleep(value)
            elif step == _DISCARD:
                await value.aclose()
            else:
                outcome = await self._attempt(request)

    async def _attempt(self, request: httpx.Request) -> httpx.Response | Exception:
        until, overall = self.retrier.prepare(request)
        try:
            response = await self.inner.handle_async_request(request)
            self.retrier.deadlines.guard(response, request, until, overall, asynchronous=True)
            await response.aread()
        except RETRYABLE_ERRORS as exc:
            return exc
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
