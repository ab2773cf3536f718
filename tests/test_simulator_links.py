"""Every link the simulator hands out is served on its own address (get, cancel, a stream of
server-sent events, output files), and its drawn failures and aborted records can be switched off.

Expected values come from the served records, from the simulator's catalog facts written out here
(what its language models answer) and from file formats read by hand, never from its helpers.
"""

from __future__ import annotations

import struct
from collections import Counter
from datetime import UTC, datetime

import httpx
import orjson
from cli_helpers import run_cli

from replicost.simulator import SimulatedAccount, SimulatorApp

END = datetime(2026, 11, 1, tzinfo=UTC)
AUTH = {"Authorization": "Bearer r8_test_token"}
BASE = "http://replicate.test"
PRODUCTION_HOSTS = ("api.replicate.com", "stream.replicate.com", "replicate.delivery")
LLAMA = "meta/meta-llama-3-8b-instruct"
ANSWER = "Sure! Here is a short answer."  # every simulated language model's output, as tokens


def make_app(**account_args) -> SimulatorApp:
    args = {"seed": 7, "predictions": 1250, "trainings": 130, "end": END, **account_args}
    return SimulatorApp(SimulatedAccount(**args))


def client(app: SimulatorApp, base: str = BASE, headers=AUTH) -> httpx.Client:
    return httpx.Client(transport=app.httpx_transport(), base_url=f"{base}/v1", headers=headers)


def urls_in(value) -> list[str]:
    if isinstance(value, dict):
        return [url for item in value.values() for url in urls_in(item)]
    if isinstance(value, list):
        return [url for item in value for url in urls_in(item)]
    return [value] if isinstance(value, str) and value.startswith("http") else []


def events_of(text: str) -> list[tuple[str, str, str]]:
    """(event, id, data) of a text/event-stream body, read by hand."""
    events = []
    for block in text.split("\n\n"):
        if not block:
            continue
        fields: dict[str, list[str]] = {}
        for line in block.split("\n"):
            name, _, value = line.partition(": ")
            fields.setdefault(name, []).append(value)
        events.append((fields["event"][0], fields["id"][0], "\n".join(fields["data"])))
    return events


def all_pages(http: httpx.Client, path: str) -> list[tuple[bytes, dict]]:
    pages, url = [], path
    while url:
        response = http.get(url).raise_for_status()
        pages.append((response.content, response.json()))
        url = pages[-1][1]["next"]
    return pages


def test_every_link_in_every_answer_is_on_the_address_the_request_came_to():
    app = make_app()
    with client(app) as http:
        for path in ("/predictions", "/trainings"):
            for body, page in all_pages(http, path):
                assert not [host for host in PRODUCTION_HOSTS if host.encode() in body]
                for record in page["results"]:
                    urls = record["urls"]
                    assert urls["get"] == f"{BASE}/v1/predictions/{record['id']}"
                    assert urls["cancel"] == f"{BASE}/v1/predictions/{record['id']}/cancel"
                    assert urls["web"] == f"https://replicate.com/p/{record['id']}"  # a web page
                    for url in urls_in(record.get("output")) + urls_in(record["input"]):
                        assert url.startswith(f"{BASE}/delivery/xezq/"), url
        succeeded = next(
            r for _, p in all_pages(http, "/predictions") for r in p["results"] if r["output"]
        )
        assert http.get(succeeded["urls"]["get"]).json()["id"] == succeeded["id"]
    with client(app, "http://elsewhere.test:8080") as other:
        record = other.get(f"/predictions/{succeeded['id']}").json()
        assert record["urls"]["get"].startswith("http://elsewhere.test:8080/v1/predictions/")


def test_get_and_cancel_links_work_and_a_created_language_model_run_streams():
    app = make_app(failures=False, aborted=False)
    with client(app) as http:
        created = http.post(f"/models/{LLAMA}/predictions", json={"input": {"prompt": "hi"}})
        urls = created.raise_for_status().json()["urls"]
        assert urls["stream"] == f"{BASE}/stream/{created.json()['id']}"
        stream = http.get(urls["stream"], headers={"Accept": "text/event-stream"})
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = events_of(stream.text)
        assert [e for e, _, _ in events] == ["output"] * 8 + ["done"]
        assert "".join(data for event, _, data in events if event == "output") == ANSWER
        assert events[-1][2] == "{}" and len({i for _, i, _ in events}) == len(events)
        assert http.get(urls["get"]).json()["id"] == created.json()["id"]
        assert http.post(urls["cancel"]).json()["status"] == "canceled"
        assert events_of(http.get(urls["stream"]).text) == [
            ("done", events[0][1], '{"reason":"canceled"}')
        ]
    with client(app, headers={}) as anonymous:
        assert anonymous.get(urls["stream"]).status_code == 401


def test_a_failed_run_streams_its_error_then_done():
    app = make_app()
    truth = list(app.account.ground_truth())
    failed = next(r for r in truth if r["model"] == LLAMA and r["status"] == "failed")
    image = next(r for r in truth if r["model"] == "black-forest-labs/flux-schnell")
    with client(app) as http:
        error = http.get(f"/predictions/{failed['id']}").json()["error"]
        events = events_of(http.get(f"{BASE}/stream/{failed['id']}").text)
        assert [(e, d) for e, _, d in events] == [
            ("error", orjson.dumps({"detail": error}).decode()),
            ("done", '{"reason":"error"}'),
        ]
        assert http.get(f"{BASE}/stream/{image['id']}").status_code == 404  # not a stream
        assert http.get(f"{BASE}/stream/nosuchprediction0000000000").status_code == 404


def test_files_are_small_fixed_bytes_by_extension_and_public():
    app = make_app()
    with client(app, headers={}) as anonymous:
        png = anonymous.get(f"{BASE}/delivery/xezq/abc/output.png")
        assert png.headers["content-type"] == "image/png"
        assert png.content[:8] == b"\x89PNG\r\n\x1a\n" and png.content[12:16] == b"IHDR"
        assert struct.unpack(">II", png.content[16:24]) == (1, 1)
        webp = anonymous.get(f"{BASE}/delivery/xezq/abc/out-0.webp").content
        assert webp[:4] == b"RIFF" and webp[8:12] == b"WEBP"
        assert struct.unpack("<I", webp[4:8])[0] == len(webp) - 8
        wav = anonymous.get(f"{BASE}/delivery/xezq/abc/out.wav").content
        assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE"
        assert anonymous.get(f"{BASE}/delivery/xezq/abc/out-0.webp").content == webp
        weights = anonymous.get(f"{BASE}/delivery/xezq/abc/trained_model.tar")
        assert weights.status_code == 200 and weights.headers["content-type"] == "application/x-tar"
        assert anonymous.post(f"{BASE}/delivery/xezq/abc/output.png").status_code == 405
        assert anonymous.get(f"{BASE}/delivery/").status_code == 404
    assert app.stats.by_route["links.file"] == 7


def test_switches_turn_drawn_failures_and_aborted_records_into_successes_and_nothing_else():
    default = list(make_app().account.ground_truth())
    steady = list(make_app(failures=False, aborted=False).account.ground_truth())
    no_aborted = list(make_app(aborted=False).account.ground_truth())
    statuses = Counter(row["status"] for row in default)
    assert statuses["failed"] and statuses["canceled"] and statuses["aborted"]
    assert not {"failed", "canceled", "aborted"} & {row["status"] for row in steady}
    left = Counter(row["status"] for row in no_aborted)
    assert left["aborted"] == 0 and (left["failed"], left["canceled"]) == (
        statuses["failed"],
        statuses["canceled"],
    )

    def who_when(rows):
        return [(r["id"], r["kind"], r["model"], r["created_at"]) for r in rows]

    assert who_when(default) == who_when(steady) == who_when(no_aborted)
    # a record that succeeded anyway is the very same record, so a seed's history stays as it was
    for before, after in zip(default, steady, strict=True):
        if before["status"] == "succeeded":
            assert before == after


def test_simulate_dump_takes_the_switches(tmp_path):
    dump = tmp_path / "truth.jsonl"
    args = ["simulate", "dump", "--predictions", "400", "--trainings", "40", "--seed", "7"]
    code, _, err = run_cli(*args, "--end", "2026-11-01", "--no-failures", "--no-aborted", str(dump))
    assert code == 0, err
    rows = [orjson.loads(line) for line in dump.read_text().splitlines()]
    assert len(rows) == 440
    assert not {"failed", "canceled", "aborted"} & {row["status"] for row in rows}


def test_cached_records_serve_their_links_on_whichever_address_asks():
    for warm_base in (None, BASE, "http://elsewhere.test"):
        app = make_app(predictions=300, trainings=0)
        assert app.warm(base=warm_base) == 300
        for base in (BASE, "http://other.test:1", BASE):  # alternating addresses
            with client(app, base) as http:
                for body, page in all_pages(http, "/predictions"):
                    assert not [host for host in PRODUCTION_HOSTS if host.encode() in body]
                    assert all(r["urls"]["get"].startswith(f"{base}/v1/") for r in page["results"])
