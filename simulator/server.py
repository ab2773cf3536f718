"""The simulator on a real socket: a threaded HTTP/1.1 server with keep-alive.

Each response (status line, headers, body) goes out in one write, so keep-alive connections
do not wait on Nagle's algorithm. A `drop` fault sends the full Content-Length and half the
body, then closes the connection, which is what a client sees when a proxy dies mid-response.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from replicost.simulator.app import SimulatorApp


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "replicost-simulator"
    disable_nagle_algorithm = True
    timeout = 60  # idle keep-alive connections end after a minute
    app: SimulatorApp  # set on the per-server subclass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # a request log would cost more than the request

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        headers = {key.lower(): value for key, value in self.headers.items()}
        host = headers.get("host") or "{}:{}".format(*self.connection.getsockname()[:2])
        result = self.app.handle(self.command, path, query, headers, body, f"http://{host}")
        try:
            reason = HTTPStatus(result.status).phrase
        except ValueError:
            reason = ""
        lines = [
            f"HTTP/1.1 {result.status} {reason}",
            f"Content-Type: {result.content_type}",
            f"Content-Length: {len(result.body)}",
        ]
        lines.extend(f"{key}: {value}" for key, value in result.headers.items())
        if result.fault == "drop":
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if result.fault == "drop":
            self.wfile.write(head + result.body[: len(result.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.wfile.write(head + result.body)

    # QUERY: models.search (an HTTP method OpenAPI 3.2 adds; the official client sends it)
    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_QUERY = _serve


class _QuietServer(ThreadingHTTPServer):
    """A client that goes away mid-response (killed, timed out) is normal here, not an error to print."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class SimulatorServer:
    """A running simulator on a socket; `base_url` is http://host:port/v1."""

    def __init__(self, app: SimulatorApp, host: str = "127.0.0.1", port: int = 0) -> None:
        handler = type("SimulatorHandler", (_Handler,), {"app": app})
        self.app = app
        self.httpd = _QuietServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.host, self.port = host, self.httpd.server_port
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v1"

    @property
    def origin(self) -> str:
        """scheme://host:port: what the links in served records start with."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> SimulatorServer:
        """Serve in a background thread."""
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, args=(0.05,), name="replicost-simulator", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until `shutdown` is called from another (or Ctrl-C)."""
        self.httpd.serve_forever()

    def shutdown(self) -> None:
        """Stop accepting requests and close the listening socket."""
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join()
            self._thread = None
        self.httpd.server_close()


@contextmanager
def serve(app: SimulatorApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[SimulatorServer]:
    """Run `app` on a real socket in a background thread for the duration of the block."""
    server = SimulatorServer(app, host, port).start()
    try:
        yield server
    finally:
        server.shutdown()
