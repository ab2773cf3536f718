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
        sync_account(
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
        delay = 0.5
        for _ in range(8):
            process = subprocess.Popen(
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            deadline = time.monotonic() + 30
            while not resumed.exists() and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)  # the database exists: the sync is past its imports
            time.sleep(chance.uniform(0.0, delay))
            finished = process.poll() is not None
            if not finished:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.communicate()
            partial.append(count_rows(resumed))
            if finished or sum(0 < rows < 6000 for rows in partial) >= 3:
                break
            if partial[-1] == 0:
                delay += 0.5  # killed before the predictions: wait longer next time
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
