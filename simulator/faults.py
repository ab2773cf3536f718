"""Failures a client of Replicate's API meets in the wild, switched on per flag or per test.

Each kind is off by default. Decisions are deterministic for a seed and the order of requests:
request n draws from a hash of (seed, n), or takes `script[n]` when a script is given, so a test
can say exactly "the 2nd request gets a 503, the 3rd is dropped mid-body".
"""

from __future__ import annotations

import hashlib
import struct
import threading
from dataclasses import dataclass

SERVER_ERROR = "server_error"  # 500/502/503, JSON or a proxy's HTML page
THROTTLE = "throttle"  # 429 with Retry-After, `burst` requests in a row
SLOW = "slow"  # the response waits `slow_ms` before it starts
DROP = "drop"  # headers promise Content-Length, the connection closes halfway through the body
TRUNCATE = "truncate"  # a complete HTTP message whose JSON body is cut short
NON_JSON = "non_json"  # 200 with an HTML page instead of JSON
FAULT_KINDS = (SERVER_ERROR, THROTTLE, SLOW, DROP, TRUNCATE, NON_JSON)


@dataclass(frozen=True)
class FaultConfig:
    """Which faults to inject and how often (all off by default)."""

    rate: float = 0.0  # probability that a request gets a fault, spread evenly over `kinds`
    kinds: tuple[str, ...] = FAULT_KINDS
    seed: int = 0
    script: tuple[str | None, ...] = ()  # explicit faults for the first requests (None = none)
    routes: frozenset[str] | None = None  # only requests to these routes (e.g. "predictions.list")
    burst: int = 3  # a throttle fault answers this many requests in a row with 429
    retry_after: int = 1  # seconds, in the Retry-After header and the 429 body
    slow_ms: int = 1500

    def __post_init__(self) -> None:
        unknown = [kind for kind in (*self.kinds, *self.script) if kind and kind not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kind {unknown[0]!r}; known: {', '.join(FAULT_KINDS)}")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("fault rate must be between 0 and 1")

    @property
    def enabled(self) -> bool:
        return bool(self.rate or self.script)


class FaultInjector:
    """Decides, request by request, which fault (if any) to inject."""

    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._requests = 0
        self._burst_left = 0

    def decide(self, route: str) -> str | None:
        """The fault for this request to `route`, or None."""
        config = self.config
        if not config.enabled or (config.routes is not None and route not in config.routes):
            return None
        with self._lock:
            if self._burst_left:
                self._burst_left -= 1
                return THROTTLE
            number = self._requests
            self._requests += 1
            if number < len(config.script):
                kind = config.script[number]
            else:
                digest = hashlib.blake2b(f"{config.seed}:{number}".encode(), digest_size=8).digest()
                roll, pick = struct.unpack("<II", digest)
                if roll / 4294967296.0 >= config.rate or not config.kinds:
                    return None
                kind = config.kinds[pick % len(config.kinds)]
            if kind == THROTTLE:
                self._burst_left = max(config.burst - 1, 0)
            return kind

    def draw(self, salt: str) -> int:
        """A deterministic number for choosing among variants of a fault."""
        digest = hashlib.blake2b(f"{self.config.seed}:{salt}".encode(), digest_size=4).digest()
        return struct.unpack("<I", digest)[0]
