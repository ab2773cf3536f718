"""httpx transports that serve a SimulatorApp in-process, faults included.

A dropped connection behaves as httpx reports it from a real socket: the headers arrive, reading
the body raises `httpx.RemoteProtocolError`. Everything else is a normal response.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx

from replicost.simulator.app import SimulatedResponse, SimulatorApp

_DROPPED = "peer closed connection without sending complete message body (incomplete chunked read)"


class _DroppedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Half the body, then the error httpx raises when the peer closes mid-body."""

    def __init__(self, body: bytes) -> None:
        self._part = body[: len(body) // 2]

    def __iter__(self) -> Iterator[bytes]:
        yield self._part
        raise httpx.RemoteProtocolError(_DROPPED)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._part
        raise httpx.RemoteProtocolError(_DROPPED)


def _serve(app: SimulatorApp, request: httpx.Request, body: bytes) -> httpx.Response:
    url = request.url
    base = f"{url.scheme}://{url.netloc.decode('ascii')}"
    headers = {key.lower(): value for key, value in request.headers.items()}
    result: SimulatedResponse = app.handle(
        request.method, url.path, url.query.decode("ascii"), headers, body, base
    )
    response_headers = {
        "Content-Type": result.content_type,
        **result.headers,
        "Content-Length": str(len(result.body)),
    }
    if result.fault == "drop":
        return httpx.Response(
            result.status,
            headers=response_headers,
            stream=_DroppedStream(result.body),
            request=request,
        )
    return httpx.Response(
        result.status, headers=response_headers, content=result.body, request=request
    )


class SimulatorTransport(httpx.BaseTransport):
    """Serve requests of a sync `httpx.Client` from a SimulatorApp."""

    def __init__(self, app: SimulatorApp) -> None:
        self.app = app

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return _serve(self.app, request, request.read())


class AsyncSimulatorTransport(httpx.AsyncBaseTransport):
    """Serve requests of an `httpx.AsyncClient` from a SimulatorApp."""

    def __init__(self, app: SimulatorApp) -> None:
        self.app = app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return _serve(self.app, request, await request.aread())
