"""Shared pieces of the reliability cases: results, database snapshots, the simulator, and the CLI helpers
(tests/cli_helpers.py) the cases use."""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from cli_helpers import CLI, run_cli_process

from replicost.client import RetryPolicy
from replicost.simulator import SimulatedAccount, SimulatorApp, serve

ROOT = Path(__file__).resolve().parents[2]  # the repository
END = datetime(2026, 11, 1, tzinfo=UTC)
TOKEN = "r8_CampaignSecret_9c41d7e2b5a8f3"  # distinctive: grep-able in every byte we write
FAST_RETRY = RetryPolicy(backoff_base=0.01, backoff_cap=0.05)
TOKEN_ENV = {"REPLICATE_API_TOKEN": TOKEN}  # what the CLI runs of the cases are given

# table -> key expression; every other column is compared except these (when the row was written)
TABLE_KEYS = {
    "accounts": "account",
    "predictions": "id",
    "trainings": "id",
    "deployments": "deployment",
    "deployment_releases": "deployment || '#' || number",
    "hardware": "sku",
    "models": "model",
}
VOLATILE_COLUMNS = {"synced_at", "first_synced_at", "last_synced_at", "first_observed_at"}


@dataclass
class CaseResult:
    """One row of the reliability table."""

    case: str
    tried: str
    runs: int = 0
    lost: int = 0
    duplicated: int = 0
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    deviations: list[str] = field(default_factory=list)  # known, explained, reported to the lead

    @property
    def ok(self) -> bool:
        return not self.failures and self.lost == 0 and self.duplicated == 0

    def fail(self, text: str) -> None:
        self.failures.append(text)


# ----- database snapshots --------------------------------------------------------------------
@dataclass
class Snapshot:
    """Every stored row of a database by key (volatile columns left out), and duplicate key counts."""

    rows: dict[str, dict[str, tuple]]
    duplicates: dict[str, int]
    leftover_state: list[str]


def snapshot(db: Path) -> Snapshot:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows, duplicates = {}, {}
        for table, key in TABLE_KEYS.items():
            columns = [
                name
                for (name,) in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                    "ORDER BY ordinal_position",
                    [table],
                ).fetchall()
                if name not in VOLATILE_COLUMNS
            ]
            selected = ", ".join(f"CAST({name} AS VARCHAR)" for name in columns)
            fetched = con.execute(f"SELECT {key}, {selected} FROM {table}").fetchall()
            rows[table] = {row[0]: row[1:] for row in fetched}
            duplicates[table] = len(fetched) - len(rows[table])
        leftover = [
            key
            for (key,) in con.execute(
                "SELECT key FROM sync_state WHERE key <> 'high_water_mark'"
            ).fetchall()
        ]
    finally:
        con.close()
    return Snapshot(rows, duplicates, leftover)


def compare(expected: Snapshot, got: Snapshot, result: CaseResult, label: str) -> None:
    """Count lost and duplicated rows; record every other difference as a failure."""
    for table, want in expected.rows.items():
        have = got.rows[table]
        lost = want.keys() - have.keys()
        extra = have.keys() - want.keys()
        differing = [key for key in want.keys() & have.keys() if want[key] != have[key]]
        result.lost += len(lost)
        result.duplicated += got.duplicates[table]
        if lost:
            result.fail(f"{label}: {table} lost {len(lost)} rows, e.g. {sorted(lost)[:3]}")
        if extra:
            result.fail(
                f"{label}: {table} has {len(extra)} rows the reference lacks, e.g. {sorted(extra)[:3]}"
            )
        if got.duplicates[table]:
            result.fail(f"{label}: {table} holds {got.duplicates[table]} duplicate keys")
        if differing:
            result.fail(
                f"{label}: {table} has {len(differing)} rows with other values, e.g. {differing[:3]}"
            )
    if got.leftover_state:
        result.fail(f"{label}: a finished sync left run state behind: {got.leftover_state[:3]}")


def fresh(db: Path) -> Path:
    """`db` with no file (nor WAL) left from an earlier run of the same case."""
    db.unlink(missing_ok=True)
    Path(f"{db}.wal").unlink(missing_ok=True)
    return db


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


def tree_digest(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under `folder` (folders are implied by their files)."""
    return {
        str(p.relative_to(folder)): file_digest(p) for p in sorted(folder.rglob("*")) if p.is_file()
    }


# ----- the simulator ------------------------------------------------------------------------
def make_app(
    predictions: int,
    trainings: int = 60,
    *,
    seed: int = 5,
    app_class: type = SimulatorApp,
    **app_args,
) -> SimulatorApp:
    account = SimulatedAccount(seed=seed, predictions=predictions, trainings=trainings, end=END)
    return app_class(account, token=TOKEN, **app_args)


def one_clear_line(stderr: str) -> str | None:
    """None when `stderr` is exactly one `error: ...` line without a traceback, else what is wrong."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    if "Traceback" in stderr:
        return "a traceback"
    if len(lines) != 1 or not lines[0].startswith("error: "):
        return f"not one error line: {stderr.strip()[:300]!r}"
    if lines[0].startswith(
        "error: unexpected "
    ):  # cli/main.py's words for an exception it did not expect
        return f"an unexpected (bug) error: {lines[0][:300]}"
    return None


def truth_rows(app: SimulatorApp) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {"prediction": {}, "training": {}}
    for row in app.account.ground_truth():
        out[row["kind"]][row["id"]] = row
    return out


def check_against_truth(app: SimulatorApp, db: Path, result: CaseResult, label: str) -> None:
    """Ids, status, predict_time, created_at, model, source and deployment equal the ground truth."""
    truth = truth_rows(app)
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table, kind in (("predictions", "prediction"), ("trainings", "training")):
            fetched = con.execute(
                f"SELECT id, status, predict_time, raw->>'created_at', model, source, deployment, account "
                f"FROM {table}"
            ).fetchall()
            stored = {row[0]: row[1:] for row in fetched}
            want = truth[kind]
            duplicates = len(fetched) - len(stored)
            lost = want.keys() - stored.keys()
            result.lost += len(lost)
            result.duplicated += duplicates
            if lost or duplicates:
                result.fail(f"{label}: {table}: {len(lost)} lost, {duplicates} duplicated")
            extra = stored.keys() - want.keys()
            if extra:
                result.fail(f"{label}: {table}: {len(extra)} ids the account does not have")
            wrong = [
                i
                for i in want.keys() & stored.keys()
                if stored[i][:6]
                != (
                    want[i]["status"],
                    want[i]["predict_time"],
                    want[i]["created_at"],
                    want[i]["model"],
                    want[i]["source"],
                    want[i]["deployment"],
                )
                or stored[i][6] != want[i]["account"]
            ]
            if wrong:
                i = wrong[0]
                result.fail(
                    f"{label}: {table}: {len(wrong)} records differ from the truth, e.g. {i}: "
                    f"stored {stored[i]} vs status {want[i]['status']} predict_time {want[i]['predict_time']}"
                )
    finally:
        con.close()


def ids_match(expected: set[str], db: Path, result: CaseResult) -> None:
    con = duckdb.connect(str(db), read_only=True)
    ids = [i for (i,) in con.execute("SELECT id FROM predictions").fetchall()]
    con.close()
    result.lost += len(expected - set(ids))
    result.duplicated += len(ids) - len(set(ids))
    if set(ids) - expected:
        result.fail(f"{db.name}: {len(set(ids) - expected)} ids the account does not have")


@contextlib.contextmanager
def simulator_process(
    predictions: int, *, seed: int, latency_ms: float = 0
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`replicost simulate serve` in its own process (so it can be killed like a real server)."""
    process = subprocess.Popen(
        [
            *CLI,
            "simulate",
            "serve",
            "--seed",
            str(seed),
            "--predictions",
            str(predictions),
            "--trainings",
            "0",
            "--end",
            END.strftime("%Y-%m-%d"),
            "--token",
            TOKEN,
            "--latency-ms",
            str(latency_ms),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        base_url = process.stdout.readline().strip()
        if not base_url.startswith("http"):
            raise RuntimeError(f"the simulator did not start: {base_url!r}")
        yield base_url, process
    finally:
        process.kill()
        process.wait()


def synced_database(path: Path, predictions: int = 400) -> Path:
    """A real replicost database synced from a small simulated account."""
    from replicost.sync import sync_account

    app = make_app(predictions, trainings=10, seed=3)
    with serve(app) as server:
        sync_account(
            fresh(path),
            token=TOKEN,
            base_url=server.base_url,
            requests_per_minute=None,
            retry=FAST_RETRY,
        )
    return path


@contextlib.contextmanager
def home(workdir: Path) -> Iterator[None]:
    """Point replicost's home at the work folder (as the tests do), never at the user's."""
    previous = os.environ.get("REPLICOST_HOME")
    os.environ["REPLICOST_HOME"] = str(workdir / "home")
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("REPLICOST_HOME", None)
        else:
            os.environ["REPLICOST_HOME"] = previous


def cli_sync(db: str | Path, base_url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """`replicost sync --db DB --base-url URL --quiet [EXTRA]` in its own process, with the token."""
    return run_cli_process(
        "sync", "--db", str(db), "--base-url", base_url, "--quiet", *extra, env=TOKEN_ENV
    )
