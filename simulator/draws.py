"""Deterministic randomness for one simulated record: its id and every choice from one digest."""

from __future__ import annotations

import binascii
import hashlib
import itertools
import struct
from collections.abc import Iterator, Sequence
from typing import TypeVar

from replicost.simulator.timefmt import NS_PER_SECOND, ceil_to_digits, format_ns

_T = TypeVar("_T")

_BASE64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_BASE32 = b"abcdefghijklmnopqrstuvwxyz234567"
# base64 symbol k -> base32 symbol k % 32: each base32 symbol stands for exactly two base64
# symbols, so ids stay uniform over Replicate's alphabet while encoding runs in C.
_TO_BASE32 = bytes.maketrans(_BASE64, _BASE32 * 2)
_UNIT = 1.0 / 4294967296.0


def record_id(digest: bytes) -> str:
    """26 lowercase base32 characters from a digest, shaped like Replicate's ids (130 bits)."""
    return binascii.b2a_base64(digest[:20], newline=False)[:26].translate(_TO_BASE32).decode()


def _floats(digest: bytes) -> Iterator[float]:
    """Endless uniform floats in [0, 1) from the rehashes of `digest` (rarely needed)."""
    while True:
        digest = hashlib.blake2b(digest, digest_size=64).digest()
        yield from map(_UNIT.__mul__, struct.unpack("<16I", digest))


class Draws:
    """Deterministic random choices for one record, all from one BLAKE2b digest."""

    __slots__ = ("next", "id")

    def __init__(self, key: bytes) -> None:
        digest = hashlib.blake2b(key, digest_size=64).digest()
        self.id = record_id(digest)
        # A record needs about 30 draws: two digests' words, scaled lazily in C; the
        # generator only runs for the rare record that needs more.
        second = hashlib.blake2b(digest, digest_size=64).digest()
        words = struct.unpack("<27I", digest[20:64] + second)
        self.next = itertools.chain(map(_UNIT.__mul__, words), _floats(second)).__next__

    def pick(self, options: Sequence[_T]) -> _T:
        return options[int(self.next() * len(options))]

    def log_uniform(self, low: float, high: float) -> float:
        return low * (high / low) ** self.next()


def served_timestamp(draws: Draws, ns: int) -> tuple[int, str]:
    """Round `ns` up to a random serializer's precision: (exact ns, string as served)."""
    if draws.next() < 0.6:  # Python's: 6 digits (none when the microseconds are 0)
        exact = -(-ns // 1000) * 1000
        return exact, format_ns(exact, 6 if exact % NS_PER_SECOND else 0, strip=False)
    digits = int(draws.next() * 10)
    exact = ceil_to_digits(ns, digits)
    return exact, format_ns(exact, digits)
