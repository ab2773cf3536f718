"""A server that lies or stalls, for tests and the reliability campaign (issue #13).

Not the simulator: a small threaded `http.server` serving a fixed list of predictions, which
misbehaves on purpose when told to: it drips bodies a byte at a time, points a `next` cursor at its
own page (or serves the same page under new cursors, or pages round in circles), answers the first
listing with `429` and `Retry-After: soon`. Records are whatever the caller gives it: a record from
the year 9999 or with a `predict_time` of 1e308 is served as is. Everything else an account has
(trainings) is empty, deployments are `state.deployments` as given (a release with 2147483647
instances is served as is); GET /models/... is 404.

    state = HostileServer([record(i) for i in range(6)], token="r8_...")
    state.cursor = "self"
    with serve_hostile(state) as base_url:   # http://127.0.0.1:PORT/v1
        ...
"""

from __future__ import annotations

import json
import re
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

INVALID_MARK = "invalid-utf8:"  # a string starting so is served as bytes that are not UTF-8
DEFAULT_BASE = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)


def record(
    index: int,
    predict_time: float = 10.0,
    created: datetime | None = None,
    model: str = "acme/flux-dev",
) -> dict[str, Any]:
    """A finished prediction `index` minutes after DEFAULT_BASE (30 s of wall time)."""
    created = created or DEFAULT_BASE + timedelta(minutes=index)
    stamp = "%Y-%m-%dT%H:%M:%S.%fZ"
    return {
        "id": f"p{index:04d}",
        "model": model,
        "version": "a" * 64,
        "status": "succeeded",
        "source": "api",
        "created_at": created.strftime(stamp),
        "started_at": created.strftime(stamp),
        "completed_at": (created + timedelta(seconds=30)).strftime(stamp),
        "metrics": {"predict_time": predict_time, "total_time": min(predict_time, 30.0)},
    }


class HostileServer:
    """The account a hostile server serves, and how it misbehaves (attributes set by the caller)."""

    def __init__(self, records: list[dict[str, Any]], *, token: str, page_size: int = 3) -> None:
        self.records = records
        self.token = token
        self.page_size = page_size
        self.drip_seconds: float | None = None  # predictions bodies: one byte every this often
        self.drip_padding = 0  # spaces appended to a dripped body (its length: how long it drips)
        self.cursor: str | None = None  # "self", "new-cursor-same-page" or "cycle" (from page 2)
        self.retry_after: str | None = None  # the first predictions request gets a 429 with it
        self.username = "acme"  # the account's username as /account serves it (any text)
        self.deployments: list[dict[str, Any]] = []  # GET /deployments serves them as they are
        # bodies that would take all memory, made on the fly (the server holds ~1 MiB of them):
        self.bomb_page: int | None = None  # this predictions page: gzip unpacking to bomb_bytes
        self.bomb_bytes = 2**30
        self.padded_page: int | None = None  # this predictions page: padded to padding bytes
        self.padding = 100 * 2**20
        self.requests: Counter[str] = Counter()
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def fixed_answer(self, route: str) -> Any:
        """The answer of a route that does not page or misbehave (None: not one of them)."""
        if route == "account":
            return {"type": "organization", "username": self.username, "name": "Acme"}
        if route == "hardware":
            return [{"sku": "gpu-a40-large", "name": "Nvidia A40 (Large) GPU"}]
        if route in ("deployments", "trainings"):
            results = self.deployments if route == "deployments" else []
            return {"results": results, "next": None, "previous": None}
        return None

    def encode(self, body: Any) -> bytes:
        """The JSON bytes of `body`; a string starting with `INVALID_MARK` is served as bytes that
        are not UTF-8 (a lone continuation byte and an overlong form)."""
        data = json.dumps(body).encode()
        return re.sub(rb'"' + INVALID_MARK.encode() + rb'[^"]*"', b'"bad \x80\xc0\xaf bytes"', data)

    def bomb(self, body: Any) -> Iterator[bytes]:
        packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        yield packer.compress(self.encode(body))
        block = b" " * 2**20
        for _ in range(self.bomb_bytes // len(block)):
            yield packer.compress(block)
        yield packer.flush()

    def padded(self, body: Any) -> Iterator[bytes]:
        data = self.encode(body)
        yield data
        block = b" " * 2**20
        for _ in range(max(0, self.padding - len(data)) // len(block)):
            yield block

    def predictions(self, query: dict[str, str], base: str) -> dict[str, Any]:
        """One page of GET /predictions (newest first, created_after/created_before honoured)."""
        rows = sorted(self.records, key=lambda r: str(r["created_at"]), reverse=True)
        if "created_after" in query:
            low = _moment(query["created_after"])
            rows = [r for r in rows if _moment(r["created_at"]) >= low]
        if "created_before" in query:
            high = _moment(query["created_before"])
            rows = [r for r in rows if _moment(r["created_at"]) < high]
        page = int(query.get("page", "1"))
        served = page
        if self.cursor == "cycle" and page >= 3:
            served = 1 + (page - 1) % 2  # pages 1, 2, 1, 2... under ever new cursors
        if self.cursor == "new-cursor-same-page" and page >= 3:
            served = 2
        start = (served - 1) * self.page_size
        results = rows[start : start + self.page_size]
        more = start + self.page_size < len(rows)
        next_url = None
        if more or (self.cursor and page >= 2):
            following = dict(query, page=str(page if self.cursor == "self" else page + 1))
            next_url = f"{base}/v1/predictions?{urlencode(following)}"
        return {"results": results, "next": next_url, "previous": None}


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Handler(BaseHTTPRequestHandler):
    """One request to the hostile server; `state` is the account it serves (set per server)."""

    protocol_version = "HTTP/1.1"
    state: HostileServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        route = parts.path.rstrip("/").removeprefix("/v1/")
        with self.state.lock:
            self.state.requests[route] += 1
            first_listing = route == "predictions" and self.state.requests[route] == 1
        if self.headers.get("Authorization") != f"Bearer {self.state.token}":
            return self.reply(401, {"detail": "Invalid token."})
        if route == "predictions" and first_listing and self.state.retry_after is not None:
            return self.reply(429, {"detail": "slow down"}, {"Retry-After": self.state.retry_after})
        fixed = self.state.fixed_answer(route)
        if fixed is not None:
            return self.reply(200, fixed)
        if route == "predictions":
            body = self.state.predictions(query, f"http://{self.headers['Host']}")
            page = int(query.get("page", "1"))
            if page in (self.state.bomb_page, self.state.padded_page):
                return self.stream_page(body, bomb=page == self.state.bomb_page)
            return self.reply(200, body, drip=self.state.drip_seconds)
        return self.reply(404, {"detail": "Not found."})

    def reply(
        self,
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
        drip: float | None = None,
    ) -> None:
        data = self.state.encode(body)
        if drip is not None:
            data += b" " * self.state.drip_padding
        self.send_response(status)  # adds the Date header
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if drip is None:
            self.wfile.write(data)
            return
        try:
            for position in range(len(data)):
                if self.state.stopping.is_set():
                    return
                self.wfile.write(data[position : position + 1])
                self.wfile.flush()
                time.sleep(drip)
        except OSError:  # the client gave up on us: that is the point
            self.close_connection = True

    def stream_page(self, body: Any, *, bomb: bool) -> None:
        """A page with no Content-Length (chunked): gzip unpacking to `bomb_bytes`, or padded
        with spaces to `padding` bytes; generated as it is sent, until the client hangs up."""
        pieces = self.state.bomb(body) if bomb else self.state.padded(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        if bomb:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        try:
            for piece in pieces:
                if piece:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        except OSError:  # the client stopped reading: that is the point
            self.close_connection = True


def _handler(state: HostileServer) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_Handler,), {"state": state})


@contextmanager
def serve_hostile(state: HostileServer) -> Iterator[str]:
    """Serve `state` on a free loopback port; yields the base URL (`http://127.0.0.1:PORT/v1`)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        state.stopping.set()
        server.shutdown()
        server.server_close()
