"""A token bucket, as Replicate limits requests per minute (over the limit: 429 + Retry-After)."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable


class TokenBucket:
    """`rate_per_minute` tokens refilled continuously, holding at most `burst` tokens."""

    def __init__(self, rate_per_minute: float, burst: int | None, clock: Callable[[], float]):
        if rate_per_minute <= 0:
            raise ValueError("rate limit must be > 0 requests per minute")
        self.rate_per_second = rate_per_minute / 60.0
        # Replicate's default limits allow bursts; its low-credit limit (6/min) a burst of 1.
        self.burst = burst if burst is not None else max(1, int(rate_per_minute // 10))
        self._clock = clock
        self._tokens = float(self.burst)
        self._updated = clock()
        self._lock = threading.Lock()

    def take(self) -> float:
        """Take a token: 0.0 if granted, else the seconds until one is available."""
        with self._lock:
            now = self._clock()
            self._tokens = min(
                self.burst, self._tokens + (now - self._updated) * self.rate_per_second
            )
            self._updated = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self.rate_per_second


def retry_after_seconds(wait: float) -> int:
    """Whole seconds for a Retry-After header (at least 1)."""
    return max(1, math.ceil(wait))
