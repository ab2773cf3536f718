"""No id is stored twice although the record tables have no primary key (m002): the writer's
checks hold on window edges, for records whose created_at changes between pages, after a
migration of an old database, and under kill -9 at moments chosen by observed progress."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from datetime import UTC, datetime

import duckdb
from cli_helpers import CLI

from replicost.simulator import SimulatedAccount, SimulatorApp, serve
from replicost.store import connect
from replicost.store.schema import m001_initial
from replicost.sync.writer import RecordWriter, encode

TOKEN = "r8_UniquenessTestToken_5c1d"


def record(record_id: str, created_at: str, status: str = "succeeded") -> dict:
    return {"id": record_id, "model": "acme/m", "status": status, "created_at": created_at}


def stored(con: duckdb.DuckDBPyConnection, table: str = "predictions") -> dict[str, tuple]:
    rows = con.execute(f"SELECT id, status, created_at::VARCHAR FROM {table}").fetchall()
    ids = [row[0] for row in rows]
    assert len(ids) == len(set(ids)), f"duplicate ids in {table}: {sorted(ids)}"
    return {row[0]: row[1:] for row in rows}


def test_tables_have_no_primary_key_and_old_databases_migrate_keeping_rows(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))  # a database as replicost wrote it before m002
    con.execute("CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ)")
    m001_initial(con)
    con.execute("INSERT INTO schema_migrations VALUES ('m001_initial', now())")
    con.execute(
        "INSERT INTO predictions (id, account, status, created_at, raw) VALUES "
        "('p1', 'acme', 'succeeded', '2026-01-01 00:00:00+00', '{}'), "
        "('p2', 'acme', 'failed', NULL, '{}')"
    )
    con.execute(
        "INSERT INTO trainings (id, account, destination, raw) VALUES ('t1', 'acme', 'a/b', '{}')"
    )
    con.close()
    con = connect(path)
    keys = con.execute(
        "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
        "AND table_name IN ('predictions', 'trainings')"
    ).fetchall()
    assert keys == []
    assert stored(con) == {
        "p1": ("succeeded", "2026-01-01 00:00:00+00"),
        "p2": ("failed", None),
    }
    assert con.execute("SELECT id, destination FROM trainings").fetchall() == [("t1", "a/b")]
    # the writer still refuses to store p1 twice
    RecordWriter(con, "predictions", "acme").write([record("p1", "2026-01-01T00:00:00Z", "x")])
    assert stored(con)["p1"][0] == "x"
    con.close()


def test_a_record_on_a_window_edge_served_by_both_windows_is_stored_once(tmp_path):
    con = connect(tmp_path / "edge.duckdb")
    writer = RecordWriter(con, "predictions", "acme")
    edge = "2026-03-01T00:00:00Z"
    upper = [record("u1", "2026-03-01T00:00:02Z"), record("edge", edge)]
    lower = [record("edge", edge, "canceled"), record("l1", "2026-02-28T23:59:59Z")]
    # two fresh windows, each in its own commit and in the same commit
    writer.write_encoded([encode(upper)], fresh=True)
    result = writer.write_encoded([encode(lower)], fresh=True)
    assert (result.new, result.updated) == (1, 1)
    writer.add([encode([record("a", "2026-01-01T00:00:00Z")])], fresh=True)
    writer.add([encode([record("a", "2026-01-01T00:00:00Z", "failed")])], fresh=True)
    writer.commit()
    assert stored(con) == {
        "u1": ("succeeded", "2026-03-01 00:00:02+00"),
        "edge": ("canceled", "2026-03-01 00:00:00+00"),
        "l1": ("succeeded", "2026-02-28 23:59:59+00"),
        "a": ("failed", "2026-01-01 00:00:00+00"),
    }
    con.close()


def test_a_record_whose_created_at_changes_between_pages_is_stored_once(tmp_path):
    path = tmp_path / "moved.duckdb"
    con = connect(path)
    writer = RecordWriter(con, "predictions", "acme")
    # page 1 of the newer window has m at 2026-05-01; a later page of an older window has it
    # at 2025-01-01, far outside the range of the batch it arrives in
    writer.write_encoded(
        [encode([record("n1", "2026-05-02T00:00:00Z"), record("m", "2026-05-01T00:00:00Z")])],
        fresh=True,
    )
    moved = [record("m", "2025-01-01T00:00:00Z", "failed"), record("o1", "2024-12-31T00:00:00Z")]
    result = writer.write_encoded([encode(moved)], fresh=True)
    assert (result.new, result.updated) == (1, 1)
    con.close()
    # a new process (its id filter built from the file) sees the same
    con = connect(path)
    writer = RecordWriter(con, "predictions", "acme")
    back = [record("m", "2026-06-01T00:00:00Z", "succeeded"), record("o2", "2026-06-01T00:00:01Z")]
    result = writer.write_encoded([encode(back)], fresh=True)
    assert (result.new, result.updated) == (1, 1)
    assert stored(con) == {
        "n1": ("succeeded", "2026-05-02 00:00:00+00"),
        "m": ("succeeded", "2026-06-01 00:00:00+00"),
        "o1": ("succeeded", "2024-12-31 00:00:00+00"),
        "o2": ("succeeded", "2026-06-01 00:00:01+00"),
    }
    con.close()


def _sync_until_killed(command: list[str], app: SimulatorApp, after_requests: int) -> bool:
    """Run the CLI sync; SIGKILL it once the server has answered `after_requests` more requests.
    Returns whether it was killed (False: it finished first)."""
    start = app.stats.requests
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120  # a bound against a hang, not a timing assumption
    while process.poll() is None and time.monotonic() < deadline:
        if app.stats.requests - start >= after_requests:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.005)
    process.communicate(timeout=60)
    return False


def test_kill_9_on_observed_progress_never_duplicates_and_resumes_exactly(tmp_path):
    seed = random.randrange(1_000_000)
    chance = random.Random(seed)
    account = SimulatedAccount(
        seed=11, predictions=3000, trainings=50, end=datetime(2026, 11, 1, tzinfo=UTC)
    )
    truth = {row["id"] for row in account.ground_truth() if row["kind"] == "prediction"}
    app = SimulatorApp(account, token=TOKEN, latency_ms=2)
    db = tmp_path / "killed.duckdb"
    with serve(app) as server:
        command = [
            *CLI,
            "sync",
            "--db",
            str(db),
            "--base-url",
            server.base_url,
            "--token",
            TOKEN,
            "--concurrency",
            "4",
            "--quiet",
        ]
        kills = 0
        for _ in range(4):  # each kill lands after some requests of this run: 1 to ~30 pages
            if _sync_until_killed(command, app, chance.randint(3, 30)):
                kills += 1
        final = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert final.returncode == 0, final.stderr
        again = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr
    assert kills >= 1, f"no run was interrupted (seed {seed})"
    con = connect(db)
    ids = [row[0] for row in con.execute("SELECT id FROM predictions").fetchall()]
    con.close()
    assert len(ids) == len(set(ids)), f"duplicate ids after kill -9 (seed {seed})"
    assert set(ids) == truth, f"seed {seed}"


def test_a_sync_holds_duckdb_to_a_fixed_pool_and_caps_malloc_arenas(tmp_path):
    """The two settings that keep a sync's memory flat (sync/memory.py) take effect: DuckDB's
    limit as DuckDB reports it, and glibc accepting the arena cap (where the libc is glibc)."""
    import platform

    import duckdb

    from replicost.sync import memory

    con = duckdb.connect(str(tmp_path / "pool.duckdb"))
    assert memory.fit_memory_limit(con) == 64
    reported = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert reported == "61.0 MiB"  # 64 MB = 64e6 bytes = 61.0 MiB, as DuckDB prints it
    con.close()
    glibc = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
    assert memory.cap_malloc_arenas() is glibc
