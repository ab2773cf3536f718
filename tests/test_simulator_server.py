"""The simulator over a real socket, and the `replicost simulate` command."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
from datetime import UTC, datetime

import httpx
import orjson
import pytest
from cli_helpers import CLI, run_cli

from replicost.simulator import FaultConfig, SimulatedAccount, SimulatorApp, serve

END = datetime(2026, 11, 1, tzinfo=UTC)
AUTH = {"Authorization": "Bearer r8_socket"}


def make_app(predictions=620, **kwargs) -> SimulatorApp:
    return SimulatorApp(
        SimulatedAccount(seed=9, predictions=predictions, trainings=30, end=END), **kwargs
    )


def test_paging_over_the_socket_with_keep_alive_matches_the_truth():
    app = make_app()
    with serve(app) as server, httpx.Client(base_url=server.base_url, headers=AUTH) as http:
        assert server.base_url.startswith("http://127.0.0.1:") and server.base_url.endswith("/v1")
        records, url = [], "/predictions"
        while url:
            body = http.get(url).json()
            records.extend(body["results"])
            url = body["next"]
            assert url is None or url.startswith(server.base_url + "/predictions?cursor=")
        single = http.get(f"/predictions/{records[7]['id']}").json()
    truth = [row for row in app.account.ground_truth() if row["kind"] == "prediction"]
    assert [r["id"] for r in records] == [row["id"] for row in truth]
    assert [r["created_at"] for r in records] == [row["created_at"] for row in truth]
    assert single["id"] == records[7]["id"] and "logs" in single
    assert app.stats.by_route["predictions.list"] == 7


def test_faults_over_the_socket():
    app = make_app(
        predictions=250,
        faults=FaultConfig(
            script=("drop", None, "truncate", "non_json", "server_error", "throttle"), burst=1
        ),
    )
    with serve(app) as server, httpx.Client(base_url=server.base_url, headers=AUTH) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            http.get("/predictions")
        after_drop = http.get("/predictions")  # a new connection works
        truncated = http.get("/predictions")
        html = http.get("/predictions")
        server_error = http.get("/predictions")
        throttled = http.get("/predictions")
    assert after_drop.status_code == 200 and len(after_drop.json()["results"]) == 100
    assert truncated.status_code == 200
    with pytest.raises(ValueError):
        truncated.json()
    assert html.headers["content-type"].startswith("text/html")
    assert server_error.status_code in (500, 502, 503)
    assert throttled.status_code == 429 and throttled.headers["retry-after"] == "1"


def test_401_and_raw_http_client_over_the_socket():
    app = make_app(predictions=20, token="r8_only")
    with serve(app) as server:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
        connection.request("GET", "/v1/predictions")
        response = connection.getresponse()
        body = orjson.loads(response.read())
        connection.request("GET", "/v1/account", headers={"Authorization": "Token r8_only"})
        ok = connection.getresponse()
        account = orjson.loads(ok.read())
        connection.close()
    assert response.status == 401 and body["title"] == "Unauthenticated"
    assert ok.status == 200 and account["username"] == "acme-ai"


def test_simulate_serve_prints_the_url_serves_and_stops_cleanly_on_ctrl_c(tmp_path):
    dump = tmp_path / "truth.jsonl"
    process = subprocess.Popen(
        [
            *CLI,
            "simulate",
            "serve",
            "--predictions",
            "300",
            "--trainings",
            "12",
            "--seed",
            "4",
            "--end",
            "2026-11-01",
            "--dump",
            str(dump),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        with httpx.Client(base_url=base_url, headers={"Authorization": "Bearer anything"}) as http:
            first = http.get("/predictions").json()
            unauthenticated = http.get("/predictions", headers={"Authorization": ""})
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert unauthenticated.status_code == 401
    rows = [orjson.loads(line) for line in dump.read_text().splitlines()]
    assert len(rows) == 312
    served = {r["id"]: r for r in first["results"]}
    matching = [row for row in rows if row["id"] in served]
    assert len(matching) == 100
    assert all(row["created_at"] == served[row["id"]]["created_at"] for row in matching)


def test_simulate_dump_writes_the_ground_truth(tmp_path):
    target = tmp_path / "truth.jsonl"
    flags = ["--predictions", "150", "--trainings", "20", "--seed", "2", "--end", "2026-11-01"]
    code, _, err = run_cli("simulate", "dump", target, *flags)
    assert code == 0, err
    rows = [orjson.loads(line) for line in target.read_text().splitlines()]
    assert len(rows) == 170
    assert {"id", "kind", "hardware", "predict_time", "units", "billing"} <= set(rows[0])
    account = SimulatedAccount(seed=2, predictions=150, trainings=20, end=END)
    assert rows == list(account.ground_truth())


def test_simulate_rejects_bad_flags_with_exit_2(tmp_path):
    assert run_cli("simulate", "serve", "--fault-rate", "2").code == 2
    code, _, err = run_cli("simulate", "serve", "--faults", "gremlins", "--fault-rate", "0.1")
    assert code == 2 and "unknown fault kind" in err
