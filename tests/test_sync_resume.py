"""kill -9 at random moments, run again: the database ends up exactly as after an uninterrupted sync."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from datetime import UTC, datetime

import pytest
from cli_helpers import CLI

from replicost.client import RetryPolicy
from replicost.simulator import SimulatedAccount, SimulatorApp, serve
from replicost.store import connect
from replicost.sync import sync_account

TOKEN = "r8_ResumeTestToken_77aa01bc"


def snapshot(db) -> dict[str, dict]:
    con = connect(db)
    try:
        tables = {}
        columns = {  # what a sync stores, without the moments it stored them at
            "predictions": ("id", "raw, status, predict_time"),
            "trainings": ("id", "raw, status"),
            "deployment_releases": (
                "deployment || '#' || number",
                "model, version, hardware, min_instances, max_instances, created_at::VARCHAR",
            ),
            "models": ("model", "raw, is_official"),
            "hardware": ("sku", "name"),
        }
        for table, (key, column) in columns.items():
            rows = con.execute(f"SELECT {key}, {column} FROM {table}").fetchall()
            assert len(rows) == len({row[0] for row in rows}), f"duplicate keys in {table}"
            tables[table] = {row[0]: row[1:] for row in rows}
        leftovers = con.execute(
            "SELECT key FROM sync_state WHERE key <> 'high_water_mark'"
        ).fetchall()
        assert leftovers == [], "a finished sync leaves no run state behind"
        return tables
    finally:
        con.close()


def count_rows(db) -> int:
    try:
        con = connect(db)
    except Exception:  # killed before its first commit
        return 0
    try:
        return con.execute("SELECT count(*) FROM predictions").fetchone()[0]
    finally:
        con.close()


def _prediction_pages(app: SimulatorApp) -> int:
    """List requests for predictions the simulator has served so far (all clients)."""
    return app.stats.by_route["predictions.list"]


@pytest.mark.slow
def test_kill_9_at_random_moments_then_rerun_gives_exactly_the_uninterrupted_rows(tmp_path):
    seed = int(os.environ.get("REPLICOST_RESUME_SEED", random.randrange(1_000_000)))
    chance = random.Random(seed)
    account = SimulatedAccount(
        seed=5, predictions=6000, trainings=300, end=datetime(2026, 11, 1, tzinfo=UTC)
    )
    app = SimulatorApp(account, token=TOKEN, latency_ms=15)  # slow enough to be killed mid-sync
    reference, resumed = tmp_path / "reference.duckdb", tmp_path / "resumed.duckdb"
    with serve(app) as server:
        sync_account(  # the reference, and how many list pages a whole run asks for
            reference,
            token=TOKEN,
            base_url=server.base_url,
            concurrency=3,
            requests_per_minute=None,
            retry=RetryPolicy(backoff_base=0.01),
        )
        command = [
            *CLI,
            "sync",
            "--db",
            str(resumed),
            "--base-url",
            server.base_url,
            "--concurrency",
            "3",
            "--quiet",
        ]
        env = {**os.environ, "REPLICATE_API_TOKEN": TOKEN}
        kills = 0
        partial: list[int] = []
        # Kill on observed progress, never on elapsed time (a loaded machine stretches every
        # phase): after the sync has been served a random number of prediction list pages. The
        # plan and the probe page are committed before any window's page is requested, so a kill
        # after a few pages leaves rows; a whole run lists about 68 pages (probes, then windows).
        low, high = 12, 55
        for _ in range(8):
            served_before = _prediction_pages(app)
            target = chance.randint(low, high)
            process = subprocess.Popen(
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            bound = time.monotonic() + 120  # a generous bound for a hung process, not a timing
            while (
                process.poll() is None
                and _prediction_pages(app) - served_before < target
                and time.monotonic() < bound
            ):
                time.sleep(0.005)
            finished = process.poll() is not None
            if not finished:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.communicate()
            partial.append(count_rows(resumed))
            if finished or sum(0 < rows < 6000 for rows in partial) >= 3:
                break
        final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    assert kills >= 1, f"no run was interrupted (seed {seed})"
    # at least one kill landed mid-way through the predictions (not before or after them)
    assert any(0 < rows < 6000 for rows in partial), (
        f"rows after each kill: {partial} (seed {seed})"
    )
    print(f"rows after each kill: {partial}")
    expected, got = snapshot(reference), snapshot(resumed)
    for table in expected:
        assert got[table].keys() == expected[table].keys(), f"{table} differs (seed {seed})"
        assert got[table] == expected[table], f"{table} content differs (seed {seed})"
