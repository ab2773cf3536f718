"""Bounded reads (issue #23): no response can make a sync hold more than its cap.

A hostile server (`replicost.simulator.hostile`, real HTTP on loopback) serves a list page that is
1 MB of gzip unpacking to 1 GiB, or a page padded with spaces to 100 MB, both sent chunked (no
Content-Length to refuse them by) and generated as they are sent, so this test holds about a MiB of
them. The sync must stop at the cap (32 MiB by default) with one line naming the URL and the cap,
exit 1, and keep the page committed before the bad one. Peak memory under the caps is measured by
`benchmarks/hostile_memory.py` (docs/RELIABILITY.md), not asserted here.
"""

from __future__ import annotations

import gzip

import duckdb
import httpx
import pytest

from replicost.cli.main import run
from replicost.client import ReplicateClient
from replicost.client.bounded import ResponseTooLargeError
from replicost.simulator.hostile import HostileServer, record, serve_hostile

TOKEN = "r8_HostileReadsToken_40cd"


def sync(capsys, base_url: str, db, *extra: str) -> tuple[int, str, str]:
    code = run(
        ["sync", "--db", str(db), "--base-url", base_url, "--token", TOKEN, "--quiet",
         "--concurrency", "1", "--only", "predictions", *extra]
    )  # fmt: skip
    out, err = capsys.readouterr()
    return code, out, err


def stored(db) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {row[0] for row in con.execute("SELECT id FROM predictions").fetchall()}
    finally:
        con.close()


@pytest.mark.parametrize("kind", ["bomb", "padded"])
def test_a_page_past_the_cap_stops_the_sync_in_one_line_and_keeps_the_pages_before(
    tmp_path, capsys, kind
):
    state = HostileServer([record(i) for i in range(6)], token=TOKEN, page_size=3)
    if kind == "bomb":
        state.bomb_page = 2  # 1 MB of gzip that unpacks to 1 GiB
    else:
        state.padded_page = 2  # 100 MB of spaces after the JSON
    db = tmp_path / f"{kind}.duckdb"
    with serve_hostile(state) as base_url:
        code, out, err = sync(capsys, base_url, db)
    assert code == 1, err
    assert len(err.strip().splitlines()) == 1, err
    assert "page=2" in err and "32 MiB cap" in err and "Traceback" not in err
    assert state.requests["predictions"] == 2  # never retried: the same request, the same bomb
    # the first page (the 3 newest records) was committed before the bad one
    assert stored(db) == {"p0005", "p0004", "p0003"}


def test_a_higher_cap_lets_a_large_page_through(tmp_path, capsys):
    state = HostileServer([record(i) for i in range(6)], token=TOKEN, page_size=3)
    state.padded_page, state.padding = 2, 40 * 2**20  # 40 MiB: over the default, under 64
    db = tmp_path / "large.duckdb"
    with serve_hostile(state) as base_url:
        code, _, err = sync(capsys, base_url, db, "--max-response-mb", "64")
    assert code == 0, err
    assert stored(db) == {f"p{i:04d}" for i in range(6)}


def _client(handler) -> ReplicateClient:
    return ReplicateClient(
        "r8_BoundedUnitToken_0001",
        base_url="http://api.test/v1",
        transport=httpx.MockTransport(handler),
        requests_per_minute=None,
        max_response_bytes=1000,
    )


def test_an_announced_length_over_the_cap_is_refused_before_the_body_is_read():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": "5000"}, content=b" " * 5000)

    with pytest.raises(ResponseTooLargeError) as caught:
        _client(handler).get_json("account")
    assert "http://api.test/v1/account" in str(caught.value)
    assert "announces 5,000 bytes" in str(caught.value)


def test_gzip_is_decoded_under_the_cap_and_counted_decoded():
    small = gzip.compress(b'{"username": "acme"}' + b" " * 900)  # 920 bytes decoded
    large = gzip.compress(b'{"username": "acme"}' + b" " * 2000)  # ~60 bytes on the wire

    def handler(request: httpx.Request) -> httpx.Response:
        body = large if request.url.path.endswith("large") else small
        # a stream, as a real transport gives (content= would be read and decoded right here)
        return httpx.Response(
            200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(body)
        )

    client = _client(handler)
    assert client.get_json("account") == {"username": "acme"}
    with pytest.raises(ResponseTooLargeError):
        client.get_json("large")


def test_an_encoding_replicost_did_not_ask_for_is_refused():
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["Accept-Encoding"] == "gzip, deflate"
        encoded = {"Content-Encoding": "br"}
        return httpx.Response(200, headers=encoded, stream=httpx.ByteStream(b"\x00" * 10))

    with pytest.raises(Exception, match="did not ask for"):
        _client(handler).get_json("account")


def test_the_async_client_is_bounded_the_same_way():
    import asyncio

    bomb = gzip.compress(b" " * 5000)  # 5,000 bytes decoded, a cap of 1,000

    def handler(request: httpx.Request) -> httpx.Response:
        encoded = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        return httpx.Response(200, headers=encoded, stream=httpx.ByteStream(bomb))

    client = ReplicateClient(
        "r8_BoundedUnitToken_0002",
        base_url="http://api.test/v1",
        async_transport=httpx.MockTransport(handler),
        requests_per_minute=None,
        max_response_bytes=1000,
    )

    async def fetch() -> None:
        try:
            await client.ahttp.get("account")
        finally:
            await client.aclose()

    with pytest.raises(ResponseTooLargeError, match="passed the 1,000-byte cap"):
        asyncio.run(fetch())
