"""Bounded reads: no response can make replicost hold more than a cap of bytes, compressed or not.

A server can send 1 MB of gzip that unpacks to 1 GiB, or a list page padded to 100 MB: read as is,
the first took a sync to 4.4 GB, the second to 3.2 GB. Here every response's body is counted while
it is read, after decompression, and the read stops at the cap: `ResponseTooLargeError`, naming the
URL and the cap, which is not retried (the same request gets the same answer) and ends the command
with one line and exit 1, every page committed before it kept.

replicost decompresses itself (gzip and deflate, the encodings it asks for), in pieces of at most
`PIECE` bytes, so even one small compressed chunk cannot unpack to more than a piece at a time; a
`Content-Length` above the cap is refused before the body is read. An encoding it did not ask for
is refused: no unbounded decoder runs on a server's say-so.

The default cap, `DEFAULT_MAX_RESPONSE_BYTES` (32 MiB), is far above what Replicate sends: a list
page holds 100 records of 1 to 5 KB (a language model's output as an array of tokens: tens of KB),
so a real page is well under 1 MB; 32 MiB leaves 330 KB for each of 100 records. `replicost sync
--max-response-mb` raises it for an account whose records really are that large.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx

from replicost.client.errors import APIError, BadResponseError

DEFAULT_MAX_RESPONSE_BYTES = 32 * 2**20
PIECE = 2**20  # most bytes one decompression step may produce
ACCEPTED_ENCODINGS = "gzip, deflate"  # what replicost asks for (Accept-Encoding)


class ResponseTooLargeError(APIError):
    """A response's body (decompressed) passed the cap: never retried, exit 1."""


def _mib(size: int) -> str:
    return f"{size / 2**20:g} MiB" if size >= 2**20 else f"{size:,}-byte"


def _too_large(request: httpx.Request, cap: int, what: str) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"the response of {request.url} {what} the {_mib(cap)} cap on a response's size "
        "(--max-response-mb); nothing of it was stored",
        url=str(request.url),
    )


def _decoder(response: httpx.Response, request: httpx.Request) -> Any:
    """A zlib decompressor for the response's Content-Encoding (None: not compressed)."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise BadResponseError(
        f"the response of {request.url} is encoded as {encoding[:40]!r}, which replicost did not "
        f"ask for (it accepts {ACCEPTED_ENCODINGS})",
        url=str(request.url),
    )


def bound(
    response: httpx.Response, request: httpx.Request, cap: int, *, asynchronous: bool = False
) -> None:
    """Make reading `response`'s body raise `ResponseTooLargeError` past `cap` bytes, decoded."""
    length = response.headers.get("content-length", "")
    decoder = _decoder(response, request)
    if decoder is None and length.isdigit() and int(length) > cap:
        raise _too_large(request, cap, f"announces {int(length):,} bytes, over")
    if decoder is not None:
        del response.headers["content-encoding"]  # decoded here, bounded: httpx must not again
    counter = _Counter(request, cap, decoder)
    if asynchronous:
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _AsyncBounded(response.stream, counter)
    else:
        assert isinstance(response.stream, httpx.SyncByteStream)
        response.stream = _Bounded(response.stream, counter)


class _Counter:
    """Decodes (when compressed) and counts one body's bytes, raising past the cap."""

    def __init__(self, request: httpx.Request, cap: int, decoder: Any) -> None:
        self.request, self.cap, self.decoder, self.seen = request, cap, decoder, 0

    def _count(self, piece: bytes) -> bytes:
        self.seen += len(piece)
        if self.seen > self.cap:
            raise _too_large(self.request, self.cap, "passed")
        return piece

    def pieces(self, chunk: bytes) -> Iterator[bytes]:
        if self.decoder is None:
            yield self._count(chunk)
            return
        data = chunk
        while data:
            try:
                piece = self.decoder.decompress(data, PIECE)
            except zlib.error as exc:
                raise httpx.DecodingError(f"bad compressed body: {exc}") from None
            yield self._count(piece)
            data = self.decoder.unconsumed_tail

    def rest(self) -> Iterator[bytes]:
        if self.decoder is not None:  # every input byte was consumed: what is left is small
            try:
                yield self._count(self.decoder.flush())
            except zlib.error as exc:
                raise httpx.DecodingError(f"bad compressed body: {exc}") from None


class _Bounded(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, counter: _Counter) -> None:
        self.inner, self.counter = inner, counter

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.inner:
            yield from self.counter.pieces(chunk)
        yield from self.counter.rest()

    def close(self) -> None:
        self.inner.close()


class _AsyncBounded(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, counter: _Counter) -> None:
        self.inner, self.counter = inner, counter

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self.inner:
            for piece in self.counter.pieces(chunk):
                yield piece
        for piece in self.counter.rest():
            yield piece

    async def aclose(self) -> None:
        await self.inner.aclose()
