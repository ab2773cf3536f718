"""End to end: the simulator on a real loopback socket -> sync -> DuckDB, checked against its ground truth."""

from __future__ import annotations

import hashlib
import math
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson
import pytest
from cli_helpers import run_cli, run_cli_process

from replicost.client import APIError, BadResponseError, ReplicateClient, RetryPolicy
from replicost.errors import DatabaseBusyError
from replicost.simulator import FaultConfig, SimulatedAccount, SimulatorApp, serve
from replicost.store import connect
from replicost.sync import PredictionSync, Progress, SyncRequest, sync_account
from replicost.sync.plan import Plan
from replicost.sync.records import DATA_URL_THRESHOLD

END = datetime(2026, 11, 1, tzinfo=UTC)
TOKEN = "r8_SyncTestToken_5f0c2d9e41b7a3"
FAST = RetryPolicy(backoff_base=0.01, backoff_cap=0.05)


def make_app(predictions=2500, trainings=120, faults=None, **account_args) -> SimulatorApp:
    account = SimulatedAccount(
        seed=11, predictions=predictions, trainings=trainings, end=END, **account_args
    )
    return SimulatorApp(account, token=TOKEN, faults=faults)


def truth(app: SimulatorApp, kind: str = "prediction") -> dict[str, dict]:
    return {row["id"]: row for row in app.account.ground_truth() if row["kind"] == kind}


def stored(db: Path, table: str = "predictions") -> dict[str, tuple]:
    con = connect(db)
    try:
        rows = con.execute(
            f"SELECT id, account, model, status, predict_time, source, deployment FROM {table}"
        ).fetchall()
    finally:
        con.close()
    return {row[0]: row[1:] for row in rows}


def sync(server, db, **kwargs):
    kwargs.setdefault("requests_per_minute", None)
    kwargs.setdefault("retry", FAST)
    return sync_account(db, token=TOKEN, base_url=server.base_url, **kwargs)


def test_full_sync_counts_and_predict_time_per_model_equal_the_ground_truth(tmp_path):
    app = make_app()
    db = tmp_path / "r.duckdb"
    with serve(app) as server:
        summary = sync(server, db, concurrency=4)
    expected = truth(app)
    rows = stored(db)
    assert set(rows) == set(expected)
    assert summary.by_resource["predictions"].new == len(expected)
    per_model_truth: dict[str, list] = defaultdict(lambda: [0, 0.0])
    for row in expected.values():
        per_model_truth[row["model"]][0] += 1
        per_model_truth[row["model"]][1] += row["predict_time"] or 0.0
    per_model_db: dict[str, list] = defaultdict(lambda: [0, 0.0])
    for _, model, _, predict_time, _, _ in rows.values():
        per_model_db[model][0] += 1
        per_model_db[model][1] += predict_time or 0.0
    assert per_model_db.keys() == per_model_truth.keys()
    for model, (count, seconds) in per_model_truth.items():
        assert per_model_db[model][0] == count
        assert math.isclose(per_model_db[model][1], seconds, rel_tol=1e-12, abs_tol=1e-9)
    for record_id, (account, _, status, _, source, deployment) in rows.items():
        assert account == app.account.username
        assert (status, source, deployment) == (
            expected[record_id]["status"],
            expected[record_id]["source"],
            expected[record_id]["deployment"],
        )
    assert set(stored(db, "trainings")) == set(truth(app, "training"))

    con = connect(db)
    releases = {
        (d, n)
        for d, n in con.execute("SELECT deployment, number FROM deployment_releases").fetchall()
    }
    now = app.account.now_ns()
    current: dict[str, int] = {}
    for release in app.account.deployment_history():
        if release["created_ns"] <= now:
            key = f"{release['owner']}/{release['name']}"
            current[key] = max(current.get(key, 0), release["number"])
    assert releases == set(current.items())
    models = dict(con.execute("SELECT model, is_official FROM models").fetchall())
    named = {row["model"] for row in (*expected.values(), *truth(app, "training").values())}
    named |= {row[0] for row in con.execute("SELECT model FROM deployment_releases").fetchall()}
    assert set(models) == named
    # every model a prediction names is served by the simulator: its is_official is known
    assert all(models[row["model"]] is not None for row in expected.values())
    assert con.execute("SELECT count(*) FROM hardware").fetchone()[0] > 0
    assert (
        con.execute("SELECT count(*) FROM sync_log WHERE status = 'succeeded'").fetchone()[0] == 5
    )
    con.close()


def test_second_sync_is_incremental_and_refreshes_what_was_running(tmp_path):
    app = make_app(predictions=3000)
    db = tmp_path / "r.duckdb"
    with serve(app) as server:
        sync(server, db)
        before = app.stats.requests
        summary = sync(server, db)
        # account, hardware, deployments, one predictions page, one trainings page: nothing else
        assert app.stats.requests - before <= 6
        assert (summary.new, summary.updated) == (0, 0)

        running = {
            i for i, row in truth(app).items() if row["status"] in ("starting", "processing")
        }
        assert running, "the simulated account should end with running predictions"
        app.advance(3 * 3600)  # they finish; new ones are created after
        created = [
            app.create_prediction(model="stability-ai/sdxl", input={"prompt": f"p{i}"})["id"]
            for i in range(3)
        ]
        app.advance(3 * 3600)
        before = app.stats.requests
        summary = sync(server, db)
        assert app.stats.requests - before <= 8
    expected = truth(app)
    rows = stored(db)
    assert set(rows) == set(expected) and set(created) <= set(rows)
    assert summary.by_resource["predictions"].new == len(created)
    assert {i: rows[i][2] for i in expected} == {i: row["status"] for i, row in expected.items()}
    assert all(rows[i][2] not in ("starting", "processing") for i in running)


def test_stale_records_older_than_the_overlap_are_refreshed_by_id(tmp_path):
    app = make_app(predictions=1500)
    db = tmp_path / "r.duckdb"
    with serve(app) as server:
        sync(server, db)
        # pretend a sync long ago left an old record unfinished
        con = connect(db)
        old_id = con.execute(
            "SELECT id FROM predictions WHERE status = 'succeeded' "
            "ORDER BY created_at LIMIT 1 OFFSET 100"
        ).fetchone()[0]
        con.execute(
            "UPDATE predictions SET status = 'processing', raw = '{}' WHERE id = ?", [old_id]
        )
        con.close()
        before = app.stats.by_route["predictions.get"]
        summary = sync(server, db)
        assert app.stats.by_route["predictions.get"] - before == 1
    assert stored(db)[old_id][2] == "succeeded"
    assert summary.by_resource["predictions"].updated == 1


@pytest.mark.parametrize("layout", ["at-record-timestamps", "very-uneven"])
def test_window_edges_lose_and_duplicate_nothing(tmp_path, layout):
    app = make_app(predictions=1200, trainings=0)
    db = tmp_path / "r.duckdb"
    created = sorted(row["created_at"] for row in truth(app).values())
    if layout == "at-record-timestamps":  # edges exactly on records: each must land in one window
        edges = [created[i] for i in (150, 151, 600, 999)]
    else:  # one window with almost everything, empty and one-record windows around it
        edges = [created[0], created[1], created[1190], created[-1]]
    windows = [
        {"id": i, "after": a, "before": b}
        for i, (a, b) in enumerate(zip([None, *edges], [*edges, None], strict=True))
    ]
    with serve(app) as server:
        client = ReplicateClient(
            TOKEN, base_url=server.base_url, requests_per_minute=None, retry=FAST
        )
        con = connect(db)
        job = PredictionSync(
            client, con, app.account.username, SyncRequest(concurrency=4), Progress()
        )
        run = Plan.from_json({"mode": "full", "low": None, "windows": windows})
        job._commit_plan(run, None, None)
        job.run_windows(run)
        con.close()
        client.close()
    assert set(stored(db)) == set(truth(app))
    assert (job.totals.new, job.totals.updated, job.totals.unchanged) == (1200, 0, 0)


def test_5xx_drops_truncation_slowness_and_html_are_survived(tmp_path):
    faults = FaultConfig(
        rate=0.25,
        seed=3,
        slow_ms=100,
        kinds=("server_error", "drop", "truncate", "non_json", "slow"),
    )
    app = make_app(predictions=2000, faults=faults)
    db = tmp_path / "r.duckdb"
    with serve(app) as server:
        summary = sync(server, db, concurrency=4)
    assert set(stored(db)) == set(truth(app))
    assert set(stored(db, "trainings")) == set(truth(app, "training"))
    assert summary.retries > 0
    assert sum(app.stats.faults.values()) > 0


def test_a_429_storm_waits_as_told_and_completes(tmp_path):
    faults = FaultConfig(
        script=(None, "throttle"), burst=3, retry_after=1, routes=frozenset({"predictions.list"})
    )
    app = make_app(predictions=800, faults=faults)
    db = tmp_path / "r.duckdb"
    with serve(app) as server:
        summary = sync(server, db, concurrency=4)
    assert app.stats.by_status[429] == 3
    assert summary.retries >= 3
    assert set(stored(db)) == set(truth(app))


def test_a_malformed_page_stops_the_sync_with_its_url_and_keeps_earlier_pages(tmp_path):
    good_pages = 5
    faults = FaultConfig(
        script=(None,) * good_pages + ("non_json",) * 100, routes=frozenset({"predictions.list"})
    )
    app = make_app(predictions=1000, faults=faults)
    db = tmp_path / "r.duckdb"
    with serve(app) as server:
        with pytest.raises(BadResponseError) as caught:
            sync(server, db, concurrency=1, retry=RetryPolicy(max_attempts=2, backoff_base=0.01))
        assert "/v1/predictions?cursor=" in str(caught.value)
        assert TOKEN not in str(caught.value)
        newest_first = sorted(truth(app).values(), key=lambda row: row["created_at"], reverse=True)
        assert set(stored(db)) == {row["id"] for row in newest_first[: good_pages * 100]}
        app.faults = FaultConfig()
        sync(server, db, concurrency=1)  # resumes at the page that failed
    assert set(stored(db)) == set(truth(app))


def test_large_data_urls_become_placeholders_and_the_rest_of_raw_is_kept(tmp_path):
    app = make_app(predictions=300, trainings=0, data_url_rate=0.2)
    db = tmp_path / "r.duckdb"
    with serve(app) as server:
        sync(server, db)
        client = ReplicateClient(TOKEN, base_url=server.base_url, requests_per_minute=None)
        served = {r["id"]: r for r in client.predictions.iter_raw()}
        client.close()
    con = connect(db)
    raws = {
        i: orjson.loads(raw) for i, raw in con.execute("SELECT id, raw FROM predictions").fetchall()
    }
    con.close()
    replaced = 0
    for record_id, record in served.items():
        for key in ("input", "output"):
            value = record.get(key)
            items = value.items() if isinstance(value, dict) else []
            for name, item in items:
                if (
                    isinstance(item, str)
                    and item.startswith("data:")
                    and len(item) > DATA_URL_THRESHOLD
                ):
                    holder = raws[record_id][key][name]
                    assert holder["replicost_placeholder"] == "data-url"
                    assert holder["bytes"] == len(item)
                    assert holder["sha256"] == hashlib.sha256(item.encode()).hexdigest()
                    replaced += 1
                else:
                    assert raws[record_id][key][name] == item
        assert raws[record_id]["id"] == record["id"] and raws[record_id]["urls"] == record["urls"]
    assert replaced > 0


def test_token_is_in_neither_the_database_file_nor_the_output(tmp_path):
    app = make_app(predictions=600)
    db = tmp_path / "r.duckdb"
    with serve(app) as server:
        result = run_cli_process(
            "sync", "--db", db, "--base-url", server.base_url, env={"REPLICATE_API_TOKEN": TOKEN}
        )
        bad = run_cli_process(
            "sync", "--db", db, "--base-url", server.base_url, "--token", TOKEN + "x"
        )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.startswith(f"synced {app.account.username}: ") and " new, " in result.stdout
    )
    assert (
        bad.returncode == 2
        and "error: token rejected by" in bad.stderr
        and "Traceback" not in bad.stderr
    )
    for text in (result.stdout, result.stderr, bad.stdout, bad.stderr):
        assert TOKEN not in text
    for path in tmp_path.iterdir():
        assert TOKEN.encode() not in path.read_bytes()


def test_a_second_sync_on_the_same_database_is_refused_at_once(tmp_path):
    db = tmp_path / "r.duckdb"
    connect(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from replicost.store import connect; "
            "c = connect(sys.argv[1]); print('ready', flush=True); time.sleep(60)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        app = make_app(predictions=10)
        with serve(app) as server:
            with pytest.raises(DatabaseBusyError) as caught:
                sync(server, db)
            result = run_cli_process(
                "sync", "--db", db, "--base-url", server.base_url, "--token", TOKEN
            )
        assert "in use by another replicost process" in str(caught.value)
        assert (
            result.returncode == 1
            and "in use" in result.stderr
            and "Traceback" not in result.stderr
        )
    finally:
        holder.kill()
        holder.wait()


def test_only_and_since_limit_what_is_synced(tmp_path):
    app = make_app(predictions=1000)
    db = tmp_path / "r.duckdb"
    cut = sorted(row["created_at"] for row in truth(app).values())[700]
    since = datetime.fromisoformat(cut.replace("Z", "+00:00"))
    with serve(app) as server:
        sync(server, db, only=("predictions",), since=since)
    rows = stored(db)
    expected = {
        i
        for i, row in truth(app).items()
        if datetime.fromisoformat(row["created_at"].replace("Z", "+00:00")) >= since
    }
    # --since is inclusive; created_at is compared at microsecond precision
    assert set(rows) == expected
    assert stored(db, "trainings") == {}
    assert Counter(r[0] for r in rows.values()) == {app.account.username: len(expected)}


class _Recording(httpx.BaseTransport):
    """The simulator in-process, remembering each list request's query; can fail after N pages."""

    def __init__(self, app: SimulatorApp, fail_after: int | None = None) -> None:
        self.inner, self.queries, self.fail_after = app.httpx_transport(), [], fail_after

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/predictions"):
            self.queries.append(dict(request.url.params))
            if self.fail_after is not None and len(self.queries) > self.fail_after:
                return httpx.Response(400, json={"detail": "stop here"})
        return self.inner.handle_request(request)


def test_idle_pagers_split_the_biggest_window_and_a_resumed_split_run_is_exact(tmp_path):
    app = make_app(predictions=3000, trainings=0)
    created = sorted(row["created_at"] for row in truth(app).values())
    # one window holds 2,990 records, four others five at most: the idle pagers must steal
    edges = [created[1], created[2], created[2992], created[2996]]
    windows = [
        {"id": i, "after": a, "before": b, "fresh": True}
        for i, (a, b) in enumerate(zip([None, *edges], [*edges, None], strict=True))
    ]
    db = tmp_path / "r.duckdb"
    planned = {window["before"] for window in windows}
    run = Plan.from_json({"mode": "full", "low": None, "windows": windows})

    def page(transport):
        client = ReplicateClient(
            TOKEN,
            base_url="http://sim/v1",
            transport=transport,
            requests_per_minute=None,
            retry=FAST,
        )
        con = connect(db)
        job = PredictionSync(
            client, con, app.account.username, SyncRequest(concurrency=4), Progress()
        )
        try:
            stored_run = Plan.load(con, app.account.username)
            if stored_run is None:
                job._commit_plan(run, None, None)
            job.run_windows(stored_run or run)
        finally:
            con.close()
            client.close()
        return job

    first = _Recording(app, fail_after=12)
    with pytest.raises(APIError):
        page(first)
    assert any(q.get("created_before") not in planned for q in first.queries), "no window was split"
    interrupted = len(stored(db))
    assert 0 < interrupted < 3000
    job = page(_Recording(app))
    assert set(stored(db)) == set(truth(app))
    assert job.totals.new + interrupted == 3000 and job.totals.updated == 0


def test_requests_per_minute_flag_keeps_the_sync_under_the_servers_limit(tmp_path):
    # the server allows 120/min (burst 12); a budget of 100/min must never be throttled
    app = SimulatorApp(
        SimulatedAccount(seed=3, predictions=900, trainings=20, end=END), rate_limit_rpm=120
    )
    db = tmp_path / "r.duckdb"
    flags = ["--token", "t-rpm-1234", "--requests-per-minute", "100", "--quiet"]
    with serve(app) as server:
        code, _, err = run_cli("sync", "--db", db, "--base-url", server.base_url, *flags)
    assert code == 0, err
    assert app.stats.by_status.get(429, 0) == 0
    assert len(stored(db)) == 900
    assert run_cli("sync", "--db", db, "--requests-per-minute", "0").code == 2
