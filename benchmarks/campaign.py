"""Reliability campaign: sync, reports, parsers and codegen under faults, with the figures in a table.

    python benchmarks/campaign.py --kills 25          # a few minutes; writes docs/RELIABILITY.md

Each case is a function that runs one scenario `runs` times and returns a `CaseResult`: what was
tried, how many times, how many records were lost or duplicated, and every failure it saw (a
failure is a sentence, so a red test or a FAIL row says what went wrong). The fast part of the suite
(`tests/test_reliability_*.py`) calls the same functions with small counts; this script runs them
with large ones and writes the table.

Ground truth is never replicost's own output: record sets and fields come from an uninterrupted
sync of the same simulated account (crash case) or from the simulator's `ground_truth()` (network
and churn cases), and every comparison covers every column a sync stores except the moments it
stored them at (`synced_at` and friends).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import httpx
import orjson

from replicost.client import RetryPolicy
from replicost.simulator import FaultConfig, SimulatedAccount, SimulatorApp, serve

ROOT = Path(__file__).resolve().parent.parent
END = datetime(2026, 11, 1, tzinfo=UTC)
TOKEN = "r8_CampaignSecret_9c41d7e2b5a8f3"  # distinctive: grep-able in every byte we write
FAST_RETRY = RetryPolicy(backoff_base=0.01, backoff_cap=0.05)
CLI = [sys.executable, "-c", "from replicost.cli.main import main; main()"]

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


def run_cli(
    args: list[str], *, env: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "REPLICATE_API_TOKEN": TOKEN, **(env or {})}
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env=full_env, timeout=timeout
    )


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


# ----- case: crash anywhere ------------------------------------------------------------------
def crash_anywhere(
    kills: int,
    *,
    predictions: int = 4000,
    latency_ms: float = 10,
    seed: int | None = None,
    workdir: Path,
) -> CaseResult:
    """`kill -9` a CLI sync at `kills` random moments of its life (imports, migration, paging,
    models), each into a fresh database; rerun each time until a run finishes; compare with an
    uninterrupted sync, all tables, all columns. A rerun killed again counts as another kill."""
    seed = random.randrange(1_000_000) if seed is None else seed
    chance = random.Random(seed)
    result = CaseResult(
        "Crash anywhere",
        "SIGKILL a CLI sync at a random moment, rerun until it "
        f"finishes, compare every table and column with an uninterrupted sync ({predictions:,} "
        "predictions, simulator over loopback)",
    )
    app = make_app(predictions, latency_ms=latency_ms)
    workdir.mkdir(parents=True, exist_ok=True)
    moments: list[str] = []
    with serve(app) as server:
        base = ["sync", "--base-url", server.base_url, "--concurrency", "3", "--quiet"]
        reference = fresh(workdir / "reference.duckdb")
        started = time.monotonic()
        done = run_cli([*base, "--db", str(reference)])
        lifetime = time.monotonic() - started
        if done.returncode != 0:
            result.fail(f"the uninterrupted sync failed: {done.stderr.strip()[:300]}")
            return result
        expected = snapshot(reference)
        round_number = 0
        while result.runs < kills:
            round_number += 1
            db = fresh(workdir / f"round-{round_number}.duckdb")
            killed_here = 0
            for attempt in range(20):
                process = subprocess.Popen(
                    [*CLI, *base, "--db", str(db)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env={**os.environ, "REPLICATE_API_TOKEN": TOKEN},
                )
                # the first attempt dies anywhere in a whole sync's life; a rerun dies with 30% chance
                kill = attempt == 0 or (result.runs + killed_here < kills and chance.random() < 0.3)
                delay = chance.uniform(0.0, lifetime) if kill else None
                try:
                    out, err = process.communicate(timeout=delay)
                except subprocess.TimeoutExpired:
                    process.send_signal(signal.SIGKILL)
                    process.communicate()
                    killed_here += 1
                    moments.append(f"{delay:.2f}")
                    continue
                if process.returncode != 0 or err.strip():
                    result.fail(
                        f"round {round_number}: rerun {attempt} after a kill failed "
                        f"(exit {process.returncode}): {err.strip()[:300]}"
                    )
                break
            else:
                result.fail(f"round {round_number}: no run finished in 20 attempts")
            result.runs += killed_here
            if db.exists():
                compare(expected, snapshot(db), result, f"round {round_number}")
                db.unlink()
                Path(f"{db}.wal").unlink(missing_ok=True)
    result.notes.append(
        f"seed {seed}; uninterrupted CLI sync {lifetime:.1f}s; kill moments (s): "
        + ", ".join(moments)
    )
    return result


# ----- case: hostile network -----------------------------------------------------------------
class RetryHintApp(SimulatorApp):
    """The simulator with its 429s rewritten to carry exactly one form of retry hint."""

    def __init__(self, *args, hint: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.hint = hint

    def handle(self, *args, **kwargs):
        response = super().handle(*args, **kwargs)
        if response.status == 429:
            seconds = self.faults.retry_after
            detail = "Request was throttled."
            response.headers.pop("Retry-After", None)
            if self.hint == "header":
                response.headers["Retry-After"] = str(seconds)
                body = {"detail": detail}
            elif self.hint == "http-date":
                moment = datetime.now(UTC).timestamp() + seconds + 1
                response.headers["Retry-After"] = time.strftime(
                    "%a, %d %b %Y %H:%M:%S GMT", time.gmtime(moment)
                )
                body = {"detail": detail}
            elif self.hint == "body":
                body = {"detail": detail, "retry_after": seconds}
            elif self.hint == "text":
                body = {
                    "detail": f"{detail} Expected available in {seconds} second{'s' * (seconds != 1)}."
                }
            else:  # no hint at all: capped backoff
                body = {"detail": detail}
            response.body = orjson.dumps(body)
        return response


class ShortReadTimeout(httpx.BaseTransport):
    """A socket transport whose requests time out after `read` seconds (the client's default is 60 s:
    a test cannot wait that long for each slow response)."""

    def __init__(self, read: float) -> None:
        self.inner = httpx.HTTPTransport()
        self.read = read

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions["timeout"] = {
            "connect": 5.0,
            "read": self.read,
            "write": 5.0,
            "pool": 5.0,
        }
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@dataclass(frozen=True)
class Weather:
    """One hostile-network scenario."""

    name: str
    faults: FaultConfig
    hint: str | None = None  # rewrite 429s to carry only this hint
    read_timeout: float | None = None


def weathers(scale: int = 1) -> list[Weather]:
    lists = frozenset({"predictions.list", "trainings.list"})
    storm = ("throttle",) + (None,) * 6
    out = [
        Weather(
            f"429 bursts, hint in {hint}",
            FaultConfig(script=storm * scale, burst=2, routes=lists),
            hint,
        )
        for hint in ("header", "http-date", "body", "text", "none")
    ]
    out += [
        Weather(
            "30% 5xx (JSON 500, HTML 502/503)",
            FaultConfig(rate=0.3, kinds=("server_error",), seed=scale),
        ),
        Weather(
            "15% slow responses past a 0.3 s read timeout",
            FaultConfig(rate=0.15, kinds=("slow",), slow_ms=800, seed=scale),
            read_timeout=0.3,
        ),
        Weather(
            "20% connections dropped mid-body", FaultConfig(rate=0.2, kinds=("drop",), seed=scale)
        ),
        Weather("20% truncated JSON", FaultConfig(rate=0.2, kinds=("truncate",), seed=scale)),
        Weather(
            "30% of everything (5xx, 429, slow, drops, truncation, HTML)",
            FaultConfig(rate=0.3, seed=scale, slow_ms=800, burst=2),
            read_timeout=0.3,
        ),
    ]
    return out


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


def hostile_network(
    runs_each: int,
    *,
    predictions: int = 1500,
    workdir: Path,
    only: Callable[[Weather], bool] | None = None,
) -> CaseResult:
    """Every weather, `runs_each` times (different fault seeds): the sync completes with the
    truth's rows, and its summary line counts exactly the retries the faults caused."""
    from replicost.sync import sync_account

    result = CaseResult(
        "Hostile network",
        "429 bursts (Retry-After seconds / HTTP date, body retry_after, "
        "'Expected available in N seconds', no hint), 30% 5xx, slow responses past the read "
        f"timeout, connections dropped mid-body, truncated JSON, all mixed ({predictions:,} predictions)",
    )
    workdir.mkdir(parents=True, exist_ok=True)
    seen_retries = 0
    for scale in range(1, runs_each + 1):
        for weather in weathers(scale):
            if only is not None and not only(weather):
                continue
            app = make_app(
                predictions,
                seed=scale,
                app_class=RetryHintApp,
                hint=weather.hint or "none",
                faults=weather.faults,
            )
            db = fresh(workdir / f"net-{scale}-{len(result.notes)}.duckdb")
            transport = ShortReadTimeout(weather.read_timeout) if weather.read_timeout else None
            label = f"{weather.name} (run {scale})"
            result.runs += 1
            with serve(app) as server:
                try:
                    summary = sync_account(
                        db,
                        token=TOKEN,
                        base_url=server.base_url,
                        concurrency=4,
                        requests_per_minute=None,
                        retry=FAST_RETRY,
                        transport=transport,
                    )
                except Exception as exc:  # noqa: BLE001 - the campaign reports, the test fails on it
                    result.fail(f"{label}: the sync stopped: {type(exc).__name__}: {exc}")
                    continue
            injected = sum(app.stats.faults.values())
            seen_retries += summary.retries
            line = summary.line()
            if f"{summary.retries} retries" not in line:
                result.fail(f"{label}: the summary line does not count retries: {line}")
            # each injected fault costs exactly one retry; with a short read timeout an unlucky
            # ordinary response on a busy machine can time out too, so there it is "at least"
            if summary.retries < injected or (
                summary.retries != injected and not weather.read_timeout
            ):
                result.fail(
                    f"{label}: {injected} faults injected but {summary.retries} retries counted"
                )
            if injected == 0:
                result.fail(f"{label}: no fault was injected; the scenario tested nothing")
            check_against_truth(app, db, result, label)
            result.notes.append(f"{label}: {injected} faults, summary: {line}")
    result.notes.insert(0, f"{seen_retries} retries in all")
    return result


def storm_stops_cleanly(runs: int, *, predictions: int = 1500, workdir: Path) -> CaseResult:
    """A storm that does not end (5xx forever after some pages, or the server killed): the sync stops
    with one clear line, keeps exactly the pages it committed, and a rerun completes the set."""
    from replicost.errors import ReplicostError
    from replicost.sync import sync_account

    result = CaseResult(
        "Hostile network: endless storm",
        "5xx forever after k good pages (k = 2..6), "
        "and the simulator process killed mid-sync: one-line error with exit 1, whole "
        "pages kept, a rerun completes the set",
    )
    workdir.mkdir(parents=True, exist_ok=True)
    for run in range(runs):
        good = 2 + run % 5
        app = make_app(
            predictions,
            trainings=0,
            seed=20 + run,
            faults=FaultConfig(
                script=(None,) * good + ("server_error",) * 500,
                routes=frozenset({"predictions.list"}),
            ),
        )
        db = fresh(workdir / f"storm-{run}.duckdb")
        result.runs += 1
        only = ("account", "predictions")
        with serve(app) as server:
            try:  # in-process with short backoffs: the CLI's own policy would wait ~45 s per run
                sync_account(
                    db,
                    token=TOKEN,
                    base_url=server.base_url,
                    concurrency=1,
                    only=only,
                    requests_per_minute=None,
                    retry=RetryPolicy(max_attempts=4, backoff_base=0.01),
                )
                result.fail(f"storm run {run}: the sync did not stop")
            except ReplicostError as exc:
                text = str(exc)
                if (
                    exc.exit_code != 1
                    or "\n" in text
                    or "server error HTTP 5" not in text
                    or "/v1/predictions" not in text
                ):
                    result.fail(f"storm run {run}: exit {exc.exit_code}, message {text!r}")
            con = duckdb.connect(str(db), read_only=True)
            stored = con.execute("SELECT count(*), count(DISTINCT id) FROM predictions").fetchone()
            con.close()
            if stored[0] != stored[1] or stored[0] != good * 100:
                result.fail(f"storm run {run}: {stored[0]} rows after {good} good pages")
            app.faults = FaultConfig()
            sync_account(
                db,
                token=TOKEN,
                base_url=server.base_url,
                concurrency=1,
                only=only,
                requests_per_minute=None,
                retry=FAST_RETRY,
            )
        ids_match(set(truth_rows(app)["prediction"]), db, result)
    # the simulator process is killed mid-sync (connections reset, then refused)
    result.runs += 1
    db = fresh(workdir / "gone.duckdb")
    with simulator_process(predictions, seed=99, latency_ms=80) as (base_url, process):
        sync = subprocess.Popen(
            [
                *CLI,
                "sync",
                "--db",
                str(db),
                "--base-url",
                base_url,
                "--concurrency",
                "2",
                "--quiet",
                "--only",
                "account,predictions",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "REPLICATE_API_TOKEN": TOKEN},
        )
        while not db.exists() and sync.poll() is None:
            time.sleep(0.01)
        time.sleep(0.4)  # past the migration, into the pages (a full sync here takes seconds)
        process.kill()
        out, err = sync.communicate(timeout=300)
    problem = one_clear_line(err)
    if sync.returncode != 1 or problem or "after retries" not in err:
        result.fail(f"server killed: exit {sync.returncode}, {problem or err.strip()}")
    with simulator_process(predictions, seed=99) as (base_url, _):
        again = run_cli(
            [
                "sync",
                "--db",
                str(db),
                "--base-url",
                base_url,
                "--quiet",
                "--only",
                "account,predictions",
            ]
        )
        if again.returncode != 0:
            result.fail(f"server back: the rerun failed: {again.stderr.strip()}")
    ids_match(
        {
            row["id"]
            for row in SimulatedAccount(
                seed=99, predictions=predictions, trainings=0, end=END
            ).ground_truth()
            if row["kind"] == "prediction"
        },
        db,
        result,
    )
    result.notes.append(f"simulator killed mid-sync: {err.strip()[:200]}")
    return result


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


# ----- case: the account changes during a sync -----------------------------------------------
def churn(runs: int, *, predictions: int = 3000, workdir: Path) -> CaseResult:
    """Predictions are created (POST and in-process) and finish (clock advanced) while a sync pages;
    the next incremental sync ends with every record as the simulator's truth has it."""
    from replicost.sync import sync_account

    result = CaseResult(
        "Account changing during a sync",
        "POST /v1/predictions and app.create_prediction "
        "while a sync pages, the clock advanced so running ones finish; then incremental syncs "
        "compared with the simulator's truth",
    )
    workdir.mkdir(parents=True, exist_ok=True)
    for run in range(runs):
        app = make_app(predictions, seed=40 + run, latency_ms=5)
        db = fresh(workdir / f"churn-{run}.duckdb")
        created = 0
        result.runs += 1
        with serve(app) as server:
            failure: list[BaseException] = []

            def syncing(db: Path, base_url: str, failure: list) -> None:
                try:
                    sync_account(
                        db,
                        token=TOKEN,
                        base_url=base_url,
                        concurrency=4,
                        requests_per_minute=None,
                        retry=FAST_RETRY,
                    )
                except BaseException as exc:  # noqa: BLE001 - reported below
                    failure.append(exc)

            worker = threading.Thread(target=syncing, args=(db, server.base_url, failure))
            worker.start()
            with httpx.Client(
                base_url=server.base_url, headers={"Authorization": f"Bearer {TOKEN}"}
            ) as http:
                while worker.is_alive():
                    if created % 2:
                        answer = http.post(
                            "/predictions",
                            json={
                                "version": "stability-ai/sdxl",
                                "input": {"prompt": f"churn {created}"},
                            },
                        )
                        if answer.status_code != 201:
                            result.fail(f"churn run {run}: POST answered {answer.status_code}")
                    else:
                        app.create_prediction(
                            model="black-forest-labs/flux-schnell", input={"prompt": str(created)}
                        )
                    created += 1
                    app.advance(7)
                    time.sleep(0.01)
            worker.join()
            if failure:
                result.fail(f"churn run {run}: the sync under churn failed: {failure[0]!r}")
            sync_account(
                db,
                token=TOKEN,
                base_url=server.base_url,
                requests_per_minute=None,
                retry=FAST_RETRY,
            )
            check_against_truth(app, db, result, f"churn run {run}, incremental right after")
            app.advance(6 * 3600)  # everything still running finishes
            summary = sync_account(
                db,
                token=TOKEN,
                base_url=server.base_url,
                requests_per_minute=None,
                retry=FAST_RETRY,
            )
            check_against_truth(app, db, result, f"churn run {run}, incremental after all finished")
            running = [
                row["id"]
                for row in app.account.ground_truth()
                if row["status"] in ("starting", "processing")
            ]
            if running:
                result.fail(
                    f"churn run {run}: the simulator still has running records {running[:3]}"
                )
        result.notes.append(
            f"run {run}: {created} predictions created during the sync; last incremental: "
            f"{summary.line()}"
        )
    return result


# ----- case: concurrent use -------------------------------------------------------------------
def concurrent_use(runs: int, *, predictions: int = 4000, workdir: Path) -> CaseResult:
    """A sync runs; a second sync and a report start meanwhile: the sync is refused at once, the
    report works or says in one line why not; the first sync's result is whole."""
    result = CaseResult(
        "Concurrent use",
        "second sync and `report spend` while a sync runs: refused with "
        "one clear line (exit 1), first sync completes with the full set",
    )
    workdir.mkdir(parents=True, exist_ok=True)
    refusals: list[float] = []
    report_outcomes: set[str] = set()
    for run in range(runs):
        app = make_app(predictions, seed=60 + run, latency_ms=100)
        db = fresh(workdir / f"busy-{run}.duckdb")
        result.runs += 1
        with serve(app) as server:
            base = ["--base-url", server.base_url, "--quiet"]
            # one window at a time, 100 ms a page: the first sync outlasts two CLI start-ups
            first = subprocess.Popen(
                [*CLI, "sync", "--db", str(db), *base, "--concurrency", "1"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "REPLICATE_API_TOKEN": TOKEN},
            )
            while app.stats.by_route["predictions.list"] < 3 and first.poll() is None:
                time.sleep(0.01)
            started = time.monotonic()
            second = run_cli(["sync", "--db", str(db), *base])
            refusals.append(time.monotonic() - started)
            report = run_cli(
                ["report", "spend", "--by", "model", "--db", str(db), "--format", "json"]
            )
            still_running = first.poll() is None
            out, err = first.communicate(timeout=300)
        if not still_running:
            result.notes.append(
                f"run {run}: the first sync ended before the others started; not counted"
            )
            result.runs -= 1
            continue
        problem = one_clear_line(second.stderr)
        if (
            second.returncode != 1
            or problem
            or "in use by another replicost process" not in second.stderr
        ):
            result.fail(
                f"run {run}: second sync: exit {second.returncode}, {problem or second.stderr.strip()}"
            )
        if report.returncode == 0:
            report_outcomes.add("report worked")
        else:
            problem = one_clear_line(report.stderr)
            if problem or "in use" not in report.stderr:
                result.fail(
                    f"run {run}: report during a sync: exit {report.returncode}, "
                    f"{problem or report.stderr.strip()}"
                )
            report_outcomes.add(
                f"report refused (exit {report.returncode}): {report.stderr.strip()}"
            )
        if first.returncode != 0:
            result.fail(f"run {run}: the first sync failed: {err.strip()}")
        else:
            check_against_truth(app, db, result, f"run {run}")
    if refusals:
        result.notes.append(
            f"second sync refused after {min(refusals):.2f}-{max(refusals):.2f}s "
            "(process start and imports included)"
        )
    result.notes += sorted(report_outcomes)
    return result


# ----- in-process CLI --------------------------------------------------------------------------
def cli(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run the `replicost` entry point in this process: (exit code, stdout, stderr)."""
    import io

    from replicost.cli.main import main as replicost_main

    out, err = io.StringIO(), io.StringIO()
    saved = {key: os.environ.get(key) for key in (env or {})}
    os.environ.update(env or {})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                replicost_main(args)
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return code, out.getvalue(), err.getvalue()


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


# ----- case: bad database files --------------------------------------------------------------
def damaged_databases(good: Path, folder: Path, *, seed: int = 0) -> dict[str, Path]:
    """Variants of a good database: truncated, emptied, garbage, damaged blocks, newer schema..."""
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    data = good.read_bytes()
    chance = random.Random(seed)
    variants: dict[str, bytes | None] = {
        "empty file": b"",
        "garbage bytes": bytes(chance.getrandbits(8) for _ in range(100_000)),
        "truncated inside the header (4 KiB)": data[:4096],
        "truncated after the header (20 KB)": data[:20_000],
        "truncated at half": data[: len(data) // 2],
        "truncated one block short": data[: len(data) - 262_144],
    }
    for fraction in (0.2, 0.45, 0.7, 0.9):
        at = int(len(data) * fraction)
        damaged = bytearray(data)
        damaged[at : at + 8192] = bytes(chance.getrandbits(8) for _ in range(8192))
        variants[f"8 KiB of random bytes at {int(fraction * 100)}% of the file"] = bytes(damaged)
    out = {}
    for number, (name, content) in enumerate(variants.items()):
        path = folder / f"variant-{number}.duckdb"
        path.write_bytes(content)
        out[name] = path
    newer = folder / "newer.duckdb"
    newer.write_bytes(data)
    con = duckdb.connect(str(newer))
    con.execute("INSERT INTO schema_migrations VALUES ('m999_from_the_future', now())")
    con.close()
    out["newer schema version"] = newer
    foreign = folder / "foreign.duckdb"
    con = duckdb.connect(str(foreign))
    con.execute("CREATE TABLE predictions (id INTEGER)")
    con.close()
    out["another program's DuckDB file"] = foreign
    directory = folder / "a-folder.duckdb"
    directory.mkdir(exist_ok=True)
    out["a folder where the file should be"] = directory
    return out


def bad_database_files(*, workdir: Path, seed: int = 0) -> CaseResult:
    """Every command that opens the database, on every damaged variant: exit 2 with one clear line
    (or a report that works where the damage is in blocks no query reads), file bytes unchanged."""
    result = CaseResult(
        "Bad files: database",
        "empty, garbage, truncated (4 ways), damaged blocks (4 places), "
        "newer schema, foreign DuckDB file, folder: sync, report spend/summary, budget check, "
        "export",
    )
    good = synced_database(workdir / "good.duckdb")
    variants = damaged_databases(good, workdir / "variants", seed=seed)
    app = make_app(400, trainings=10, seed=3)
    outcomes: dict[str, set[str]] = {}
    with serve(app) as server:
        commands = {
            "sync": ["sync", "--base-url", server.base_url, "--token", TOKEN, "--quiet"],
            # --until: the uptime estimates of open-ended reports grow with the clock
            "report spend": [
                "report",
                "spend",
                "--by",
                "model",
                "--format",
                "json",
                "--until",
                "2026-10-31",
            ],
            "report summary": ["report", "summary"],
            "budget check": ["budget", "check", "--monthly", "1000000"],
            "export": ["export", "--format", "csv", "--out", str(workdir / "export")],
        }
        # what each read-only command prints for the intact file: a command that still works on a
        # damaged copy (the damage is in blocks it never reads) must print exactly this
        intact = {
            name: cli([*args, "--db", str(good)])[:2]
            for name, args in commands.items()
            if name != "sync"
        }
        for variant, path in variants.items():
            for name, args in commands.items():
                before = tree_digest(path) if path.is_dir() else file_digest(path)
                code, out, err = cli([*args, "--db", str(path)])
                after = tree_digest(path) if path.is_dir() else file_digest(path)
                result.runs += 1
                if code == 0 and name == "sync":
                    outcomes.setdefault(
                        "sync worked (the damage is in blocks it never read)", set()
                    ).add(variant)
                    continue  # a sync that works writes, of course
                if code == 0:
                    if name == "report spend" and (code, out) != intact[name]:
                        result.fail(
                            f"{variant}: {name} printed something else than for the intact file"
                        )
                    outcomes.setdefault(
                        f"{name} worked"
                        + (", same output as the intact file" * (name == "report spend")),
                        set(),
                    ).add(variant)
                    continue
                problem = one_clear_line(err)
                if code != 2 or problem:
                    result.fail(f"{variant}: {name}: exit {code}, {problem or err.strip()[:200]}")
                if before != after:
                    if name == "sync":
                        # DuckDB finds a damaged block only when a query reads it: the sync has
                        # committed its sync_log row by then (the damaged blocks stay as they were)
                        outcomes.setdefault(
                            "sync refused the file, but after writing its sync_log row", set()
                        ).add(variant)
                    else:
                        result.fail(f"{variant}: {name} changed the file")
    for outcome, names in sorted(outcomes.items()):
        result.notes.append(f"{outcome}: {len(names)} variant(s): {', '.join(sorted(names))}")
    if any(outcome.startswith("sync refused") for outcome in outcomes):
        result.deviations.append(
            "a sync on a file damaged mid-way is refused (exit 2) only when DuckDB reads "
            "the damaged block, after it committed its sync_log row: the file changes"
        )
    return result


# ----- case: bad pricing and config files ------------------------------------------------------
PRICING_SAMPLE = """# prices
[hardware]
"gpu-a40-large" = 0.000725
"gpu-l40s" = [
  { usd_per_second = 0.000972 },
  { usd_per_second = 0.000975, effective_from = 2025-01-01, source = "pricing page" },
]
[[hardware_prices]]
sku = "gpu-t4"
usd_per_second = 0.000225
effective_from = 2024-05-01T00:00:00Z
[models]
"acme/private-upscaler" = "gpu-a100-large"
"acme/private-upscaler:abc" = 'gpu-2x-h100'
[units."black-forest-labs/flux-schnell"]
image = 0.003
[units."meta/meta-llama-3-8b-instruct"]
input_token_per_million = 0.05
output_token = [{ usd_per_unit = 0.00000025, effective_from = 2024-04-18 }]
[deployments]
"acme/upscaler" = "gpu-l40s"
"acme/chat" = [{ hardware = "gpu-a100-large", effective_from = 2025-03-01, min_instances = 1 }]
"""
CONFIG_SAMPLE = 'db = "r.duckdb"\n' + PRICING_SAMPLE + '[tags]\nteam = """multi\n[hardware]\n"""\n'

BAD_SETTINGS_FILES = {
    "syntax error": '[hardware\n"gpu-t4" = 0.1\n',
    "price as text": '[hardware]\n"gpu-t4" = "cheap"\n',
    "wrong section type": 'hardware = 5\nmodels = ["a/b"]\n',
    "unknown keys": '[hardware]\n"gpu-t4" = { usd_per_second = 0.1, colour = "red" }\n[bogus]\nx = 1\n',
    "huge values": '[hardware]\n"gpu-t4" = 1e308\n"cpu" = 99999999999999999999999999999999999999999\n',
    "inf and nan": '[hardware]\n"gpu-t4" = inf\n"cpu" = nan\n',
    "negative and out-of-range": '[units."a/b"]\nimage = -1\n[deployments]\n"a/b" = { hardware = "gpu-t4", min_instances = 1000000000 }\n',
    "bad dates": '[hardware]\n"gpu-t4" = [{ usd_per_second = 0.1, effective_from = "last tuesday" }]\n',
    "control characters in keys": '[hardware]\n"gpu\\nt4\\u001b[31m" = "x"\n[models]\n"a/b\\n" = "gpu-t4"\n',
    "not UTF-8": b"\xff\xfe[hardware]\n",
    "a million digits": '[hardware]\n"gpu-t4" = 0.' + "1" * 1_000_000 + "\n",
    "deeply nested": "x = " + "[" * 5000 + "]" * 5000 + "\n",
}


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def check_settings_file_via_cli(
    path: Path, db: Path, result: CaseResult, label: str, *, sync_url: str | None = None
) -> None:
    """A pricing or config file through the commands that read it: exit 2 with one clear line (or
    0 when the file is fine), and the database file byte for byte as before."""
    before = file_digest(db)
    runs = [
        ("pricing validate", ["pricing", "validate", str(path)], None),
        (
            "report spend --pricing",
            ["report", "spend", "--by", "model", "--db", str(db), "--pricing", str(path)],
            None,
        ),
        (
            "report spend --config",
            ["report", "spend", "--by", "model", "--db", str(db), "--config", str(path)],
            None,
        ),
    ]
    if sync_url:  # a throwaway database: a config refused must be refused before it is created
        throwaway = fresh(db.parent / "sync-with-config.duckdb")
        runs.append(
            (
                "sync with the config",
                ["sync", "--base-url", sync_url, "--token", TOKEN, "--quiet", "--only", "hardware"],
                {"REPLICOST_CONFIG": str(path), "REPLICOST_DB": str(throwaway)},
            )
        )
    for name, args, env in runs:
        code, out, err = cli(args, env)
        result.runs += 1
        if name == "sync with the config" and code == 2 and throwaway.exists():
            result.fail(f"{label}: the sync created its database before refusing the config")
        if name == "pricing validate":
            errors = [line for line in err.splitlines() if line.strip()]
            if code == 0:
                continue
            if (
                code != 2
                or "Traceback" in err
                or len(errors) != 1
                or not errors[0].startswith("error: ")
                or any("\x1b" in line or "\r" in line for line in out.splitlines())
            ):
                result.fail(f"{label}: {name}: exit {code}, stderr {err.strip()[:200]!r}")
            continue
        if code == 0:
            continue  # the file was valid for this reader
        problem = one_clear_line(err)
        if code != 2 or problem:
            result.fail(f"{label}: {name}: exit {code}, {problem or err.strip()[:200]}")
    if file_digest(db) != before:
        result.fail(f"{label}: the database file changed")


def bad_settings_files(*, workdir: Path, examples: int, db: Path | None = None) -> CaseResult:
    """Hand-written bad pricing/config files, then hypothesis: mutated and generated files."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    result = CaseResult(
        "Bad files: pricing and config",
        "syntax errors, wrong types, unknown keys, huge values, "
        "inf/nan, bad dates, control characters, non-UTF-8, a million digits, deep nesting; then "
        f"hypothesis ({examples} mutated + {examples} generated files per parser) through "
        "`pricing validate`, `report spend --pricing/--config` and `sync` with the config",
    )
    workdir.mkdir(parents=True, exist_ok=True)
    db = db or synced_database(workdir / "good.duckdb")
    with serve(make_app(50, trainings=0)) as server:
        for name, content in BAD_SETTINGS_FILES.items():
            check_settings_file_via_cli(
                _write(workdir / "bad.toml", content), db, result, name, sync_url=server.base_url
            )
    counter = {"examples": 0}

    def library_property(text: str) -> None:
        """The parsers themselves: a list of problems or an InputError with one line, nothing else."""
        from replicost.analytics import pricing
        from replicost.config import load_config
        from replicost.errors import InputError

        path = _write(workdir / "fuzz.toml", text)
        counter["examples"] += 1
        pricing.validate_text(text, "fuzz.toml", extra_keys=("db", "pricing", "tags"))
        for load in (lambda: pricing.load_layer(path), lambda: load_config(path)):
            try:
                load()
            except InputError as exc:
                if "\n" in str(exc) or "\r" in str(exc):
                    raise AssertionError(f"a multi-line error: {str(exc)!r}") from None

    atoms = [
        '"',
        "'",
        '"""',
        "'''",
        "[",
        "]",
        "[[",
        "]]",
        "{",
        "}",
        "=",
        ",",
        ".",
        "\n",
        "#",
        "\\",
        "\\u001b",
        "\\n",
        "-",
        "1e999",
        "-0.0",
        "inf",
        "nan",
        "2025-13-01",
        "é",
        " ",
        "9" * 40,
        "true",
        "0x10",
    ]
    edits = st.lists(
        st.tuples(
            st.integers(0, len(CONFIG_SAMPLE)),
            st.integers(0, 20),
            st.lists(st.one_of(st.sampled_from(atoms), st.text(max_size=3)), max_size=4).map(
                "".join
            ),
        ),
        min_size=1,
        max_size=4,
    )

    def mutate(ops) -> str:
        text = CONFIG_SAMPLE
        for position, cut, inserted in ops:
            position = min(position, len(text))
            text = text[:position] + inserted + text[position + cut :]
        return text.encode("utf-8", "replace").decode("utf-8", "replace").replace("\ud800", "")

    fuzz_settings = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    every = max(1, examples // 10)  # one example in ten also goes through the CLI

    @fuzz_settings
    @given(edits)
    def mutated(ops) -> None:
        text = mutate(ops)
        library_property(text)
        if counter["examples"] % every == 0:
            check_settings_file_via_cli(
                workdir / "fuzz.toml", db, result, f"mutated file {text[:80]!r}"
            )

    @fuzz_settings
    @given(toml_documents())
    def generated(document: str) -> None:
        library_property(document)
        if counter["examples"] % every == 0:
            check_settings_file_via_cli(
                workdir / "fuzz.toml", db, result, f"generated file {document[:80]!r}"
            )

    for name, property_test in (("mutated", mutated), ("generated", generated)):
        try:
            property_test()
        except Exception as exc:  # noqa: BLE001 - hypothesis re-raises the shrunk failing example
            result.fail(f"{name} files: {type(exc).__name__}: {str(exc)[:400]}")
    result.runs += counter["examples"]
    return result


def toml_documents():
    """Hypothesis strategy: TOML text of documents shaped roughly like pricing/config files."""
    import json
    import math
    from datetime import date

    from hypothesis import strategies as st

    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, float):
            return (
                "nan"
                if math.isnan(v)
                else ("inf" if v > 0 else "-inf")
                if math.isinf(v)
                else repr(v)
            )
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, datetime | date):
            return v.isoformat()
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return "{" + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + "}"

    keys = st.one_of(
        st.sampled_from(
            [
                "hardware",
                "models",
                "units",
                "deployments",
                "hardware_prices",
                "gpu-t4",
                "gpu-2x-l40s",
                "cpu",
                "acme/x",
                "acme/x:v1",
                "image",
                "input_token_per_million",
                "output_token",
                "usd_per_second",
                "usd_per_unit",
                "effective_from",
                "min_instances",
                "source",
                "note",
                "sku",
                "db",
                "pricing",
                "tags",
                "meta",
            ]
        ),
        st.text(max_size=8),
    )
    scalars = st.one_of(
        st.booleans(),
        st.integers(-(2**63), 2**63 - 1),
        st.floats(),
        st.text(max_size=10),
        st.dates(),
        st.datetimes(timezones=st.just(UTC)),
        st.sampled_from(["gpu-t4", "2025-01-01", "", "gpu-2x-l40s", "0.001"]),
    )
    values = st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)
        ),
        max_leaves=12,
    )
    documents = st.dictionaries(
        keys, st.one_of(values, st.dictionaries(keys, values, max_size=4)), max_size=5
    )
    return documents.map(
        lambda doc: "".join(f"{json.dumps(k)} = {value(v)}\n" for k, v in doc.items())
    )


# ----- case: bad pages ---------------------------------------------------------------------------
def page_bodies(string_ids: bool):
    """Hypothesis strategy: JSON bytes of list pages, well-formed or not (as the wire delivers them)."""
    from hypothesis import strategies as st

    scalar = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**63), 2**64 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=12),
        st.sampled_from(
            [
                "2025-01-01T00:00:00Z",
                "2025-01-01T00:00:00.123456789Z",
                "2025-02-30T00:00:00Z",
                "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999+14:00",
                "2025-01-01",
                "succeeded",
                "data:image/png;base64," + "A" * 5000,
            ]
        ),
    )
    json_value = st.recursive(
        scalar,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
        ),
        max_leaves=10,
    )
    metrics = st.dictionaries(
        st.sampled_from(
            [
                "predict_time",
                "total_time",
                "input_token_count",
                "output_token_count",
                "image_count",
                "tokens_per_second",
            ]
        ),
        scalar,
        max_size=5,
    )
    fields = {
        name: json_value
        for name in (
            "model",
            "version",
            "status",
            "source",
            "deployment",
            "created_at",
            "started_at",
            "completed_at",
            "error",
            "data_removed",
            "output",
            "input",
            "urls",
            "destination",
        )
    }
    fields["metrics"] = metrics
    ids = (
        st.text(max_size=20)
        if string_ids
        else st.one_of(
            st.none(),
            st.integers(-(2**63), 2**63 - 1),
            st.floats(allow_nan=False),
            st.lists(st.text(max_size=3), max_size=2),
            st.booleans(),
        )
    )
    record = st.fixed_dictionaries({"id": ids}, optional=fields)
    page = st.fixed_dictionaries(
        {
            "results": st.lists(
                st.one_of(record, json_value) if not string_ids else record, max_size=5
            )
        },
        optional={"next": st.one_of(st.none(), st.text(max_size=30), json_value)},
    )
    return st.one_of(page, json_value).map(orjson.dumps)


def bad_pages(*, workdir: Path, examples: int) -> CaseResult:
    """The page parser (`CursorPager.read_page`) and the record writer on fuzzed pages: a page is
    either refused as malformed (BadResponseError naming its URL) or written whole; never anything
    else. A second property feeds records whose `id` is not a string."""
    from hypothesis import HealthCheck, given, settings

    from replicost.client.errors import BadResponseError
    from replicost.client.paging import CursorPager
    from replicost.store import connect
    from replicost.sync.writer import RecordWriter

    result = CaseResult(
        "Bad pages (page and record parser)",
        f"hypothesis: {examples} fuzzed list pages "
        "(wrong shapes, odd timestamps, odd metrics, big data URLs) parsed and written into "
        f"DuckDB, then {max(examples // 4, 10)} pages whose records have a non-string id",
    )
    workdir.mkdir(parents=True, exist_ok=True)
    con = connect(fresh(workdir / "pages.duckdb"))
    url = "http://127.0.0.1:1/v1/predictions?cursor=abc"
    counter = {"examples": 0}

    def check(raw: bytes, training: bool) -> None:
        counter["examples"] += 1
        body = orjson.loads(raw)  # what the retrying transport hands over
        pager = CursorPager("http://127.0.0.1:1/v1/predictions", origin="http://127.0.0.1:1")
        try:
            page = pager.read_page(url, body)
        except BadResponseError as exc:
            if url not in str(exc) or "\n" in str(exc):
                raise AssertionError(f"refusal without the page URL on one line: {exc}") from None
            return
        table = "trainings" if training else "predictions"
        before = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        written = RecordWriter(con, table, "fuzz").write(
            page.results, {(table, "fuzz-cursor"): url}
        )
        after = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        if after - before != written.new:
            raise AssertionError(f"{written.new} new records reported, {after - before} rows added")

    fuzz_settings = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    from hypothesis import strategies as st

    @fuzz_settings
    @given(page_bodies(string_ids=True), st.booleans())
    def well_typed_ids(raw: bytes, training: bool) -> None:
        check(raw, training)

    @settings(
        max_examples=max(examples // 4, 10),
        deadline=None,
        database=None,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(page_bodies(string_ids=False))
    def other_ids(raw: bytes) -> None:
        check(raw, False)

    for name, property_test in (
        ("pages", well_typed_ids),
        ("pages with non-string ids", other_ids),
    ):
        try:
            property_test()
        except Exception as exc:  # noqa: BLE001 - hypothesis re-raises the shrunk failing example
            result.fail(f"{name}: {type(exc).__name__}: {str(exc).strip().splitlines()[0][:300]}")
    con.close()
    result.runs = counter["examples"]
    return result


# ----- case: bad specs for codegen --------------------------------------------------------------
def spec_mutations(document: dict):
    """Hypothesis strategy: a real spec with one to three nodes deleted, retyped or replaced."""
    import copy

    from hypothesis import strategies as st

    paths: list[tuple] = []

    def walk(node, path: tuple) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for key, item in node.items():
                walk(item, (*path, key))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, (*path, index))

    walk(document, ())
    replacement = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.text(max_size=8),
        st.just({}),
        st.just([]),
        st.sampled_from(
            [
                "#/components/schemas/Nope",
                "object",
                "array",
                "integer",
                "class",
                "def",
                "",
                "$ref",
                {"$ref": "#/components/schemas/Nope"},
                {"type": "weird"},
                {"oneOf": []},
            ]
        ),
    )
    edit = st.tuples(
        st.integers(1, len(paths) - 1),
        st.sampled_from(["delete", "replace", "rename"]),
        replacement,
    )

    def apply(edits) -> dict:
        mutated = copy.deepcopy(document)
        for index, action, value in edits:
            path = paths[index]
            parent = mutated
            try:
                for part in path[:-1]:
                    parent = parent[part]
                key = path[-1]
                if action == "delete":
                    del parent[key]
                elif action == "replace":
                    parent[key] = value
                elif isinstance(parent, dict):
                    parent[
                        f"{key}_renamed" if not isinstance(value, str) or not value else value
                    ] = parent.pop(key)
            except (KeyError, IndexError, TypeError):
                continue  # an earlier edit removed the way there
        return mutated

    return st.lists(edit, min_size=1, max_size=3).map(apply)


def codegen_specs(
    *, workdir: Path, examples: int, truncations: int = 8, spec_path: Path | None = None
) -> CaseResult:
    """`replicost codegen` on truncated and fuzzed real specs: a generated client that imports
    (exit 0), or one clear line and the output folder exactly as before."""
    import json

    from hypothesis import HealthCheck, given, settings

    history = ROOT.parent / "shared" / "replicate-openapi" / "history"
    spec_path = spec_path or sorted(history.glob("*.json"))[-1]
    result = CaseResult(
        "Bad specs for codegen",
        f"{truncations} truncations and {examples} hypothesis mutations "
        f"(delete, retype, rename nodes) of {spec_path.name}: error in one line and output "
        "folder unchanged, or a client that imports",
    )
    workdir.mkdir(parents=True, exist_ok=True)
    output = workdir / "out" / "replicost_api"
    code, out, err = cli(["codegen", "--spec", str(spec_path), "--output", str(output)])
    if code != 0:
        result.fail(f"the real spec did not generate: {err.strip()[:300]}")
        return result
    raw = spec_path.read_bytes()
    outcomes: dict[str, int] = {}

    def attempt(content: bytes, label: str) -> None:
        source = workdir / "spec.json"
        source.write_bytes(content)
        before = tree_digest(output.parent)
        code, out, err = cli(["codegen", "--spec", str(source), "--output", str(output)])
        result.runs += 1
        if code == 0:
            outcomes["generated a client that imports"] = (
                outcomes.get("generated a client that imports", 0) + 1
            )
            return
        problem = one_clear_line(err)
        if problem:
            result.fail(f"{label}: exit {code}, {problem}")
        elif code not in (1, 2):
            result.fail(f"{label}: exit {code}")
        if tree_digest(output.parent) != before:
            result.fail(f"{label}: the output folder changed on a failed run")
        key = err.strip().removeprefix("error: ").split(":")[0][:60]
        outcomes[f"refused: {key}"] = outcomes.get(f"refused: {key}", 0) + 1

    chance = random.Random(len(raw))
    for cut in sorted(chance.sample(range(1, len(raw) - 1), truncations)):
        attempt(raw[:cut], f"truncated at byte {cut}")
    document = json.loads(raw)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(spec_mutations(document))
    def mutated(spec: dict) -> None:
        attempt(json.dumps(spec).encode(), "mutated spec")

    try:
        mutated()
    except Exception as exc:  # noqa: BLE001
        result.fail(f"mutated specs: {type(exc).__name__}: {str(exc)[:300]}")
    result.notes += [f"{name}: {count}" for name, count in sorted(outcomes.items())]
    return result


# ----- case: secrets ------------------------------------------------------------------------------
class EchoingApp(SimulatorApp):
    """A hostile server: its error bodies echo the Authorization header back."""

    def handle(self, method, path, query="", headers=None, body=b"", base="http://127.0.0.1"):
        response = super().handle(method, path, query, headers, body, base)
        if response.status >= 400:
            echoed = (headers or {}).get("authorization", "")
            response.body = orjson.dumps(
                {
                    "detail": f"request with header Authorization: {echoed} refused",
                    "status": response.status,
                }
            )
            response.content_type = "application/json"
        return response


def secrets(*, workdir: Path) -> CaseResult:
    """Failing scenarios with a distinctive token: the token (and any Authorization header) is in
    no byte replicost writes or prints: database and WAL, DEBUG logs of httpx/httpcore/replicost,
    progress output, exception messages and tracebacks, CLI stdout/stderr."""
    import io
    import logging
    import traceback

    from replicost.store import connect
    from replicost.sync import sync_account
    from replicost.sync.progress import PlainProgress

    result = CaseResult(
        "Secrets",
        "401, 5xx storm, malformed pages, network down, damaged database, hostile "
        "server echoing the header, faults with retries, kill -9 mid-sync: token searched in db+WAL "
        "bytes, DEBUG logs, progress, exceptions, CLI output",
    )
    workdir.mkdir(parents=True, exist_ok=True)
    secret = TOKEN
    log_stream = io.StringIO()
    handler = logging.StreamHandler(log_stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    loggers = [logging.getLogger(name) for name in ("httpx", "httpcore", "replicost", "")]
    saved_levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    texts: dict[str, str] = {}

    def scenario(
        name: str, app: SimulatorApp | None, db: Path, *, token: str = secret, **kwargs
    ) -> None:
        progress_stream = io.StringIO()
        progress = PlainProgress(progress_stream, every_seconds=0)
        captured = ""
        result.runs += 1
        server = serve(app) if app is not None else contextlib.nullcontext(None)
        with server as running:
            base_url = running.base_url if running is not None else "http://127.0.0.1:9/v1"
            try:
                summary = sync_account(
                    db,
                    token=token,
                    base_url=base_url,
                    progress=progress,
                    requests_per_minute=None,
                    retry=RetryPolicy(max_attempts=3, backoff_base=0.01),
                    **kwargs,
                )
                captured = summary.line()
            except Exception as exc:  # noqa: BLE001 - the exception's text is what is checked
                captured = f"{exc}\n{exc!r}\n{''.join(traceback.format_exception(exc))}"
        texts[f"{name}: exception or summary"] = captured
        texts[f"{name}: progress"] = progress_stream.getvalue()

    try:
        scenario("401", make_app(300), fresh(workdir / "s401.duckdb"), token=secret + "-revoked")
        scenario(
            "5xx storm",
            make_app(300, faults=FaultConfig(rate=1.0, kinds=("server_error",))),
            fresh(workdir / "s5xx.duckdb"),
        )
        scenario(
            "malformed pages",
            make_app(
                300,
                faults=FaultConfig(
                    rate=1.0, kinds=("non_json", "truncate"), routes=frozenset({"predictions.list"})
                ),
            ),
            fresh(workdir / "smalformed.duckdb"),
        )
        scenario("network down", None, fresh(workdir / "snetwork.duckdb"))
        damaged = workdir / "sdamaged.duckdb"
        damaged.write_bytes(b"not a database" * 1000)
        scenario("damaged database", make_app(300), damaged)
        scenario(
            "server echoing the header",
            make_app(
                300, app_class=EchoingApp, faults=FaultConfig(rate=0.3, kinds=("server_error",))
            ),
            fresh(workdir / "secho.duckdb"),
        )
        scenario(
            "server echoing the header, 401",
            make_app(300, app_class=EchoingApp),
            fresh(workdir / "secho401.duckdb"),
            token=secret + "-revoked",
        )
        scenario(
            "faults and retries",
            make_app(600, faults=FaultConfig(rate=0.3, slow_ms=50, burst=1)),
            fresh(workdir / "sfaults.duckdb"),
        )
        con = connect(workdir / "sfaults.duckdb")
        texts["sync_log messages"] = "\n".join(
            str(m) for (m,) in con.execute("SELECT message FROM sync_log").fetchall()
        )
        con.close()
    finally:
        logging.getLogger().removeHandler(handler)
        for logger, level in zip(loggers, saved_levels, strict=True):
            logger.setLevel(level)
    texts["DEBUG logs"] = log_stream.getvalue()
    # the CLI, with the token on the command line, killed mid-sync (the WAL stays behind), then failing
    app = make_app(3000, latency_ms=10)
    killed_db = fresh(workdir / "skilled.duckdb")
    with serve(app) as server:
        process = subprocess.Popen(
            [
                *CLI,
                "sync",
                "--db",
                str(killed_db),
                "--base-url",
                server.base_url,
                "--token",
                secret,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={k: v for k, v in os.environ.items() if k != "REPLICATE_API_TOKEN"},
        )
        while app.stats.by_route["predictions.list"] < 8 and process.poll() is None:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        out, err = process.communicate()
        result.runs += 1
        texts["CLI killed: stdout+stderr"] = out + err
        if not Path(f"{killed_db}.wal").exists():
            result.notes.append(
                "no WAL was left behind by the killed sync (killed between checkpoints)"
            )
        revoked = run_cli(
            [
                "sync",
                "--db",
                str(fresh(workdir / "scli401.duckdb")),
                "--base-url",
                server.base_url,
                "--token",
                secret + "-revoked",
            ]
        )
        result.runs += 1
        texts["CLI 401: stdout+stderr"] = revoked.stdout + revoked.stderr
        if revoked.returncode != 2 or "token rejected" not in revoked.stderr:
            result.fail(f"CLI 401: exit {revoked.returncode}: {revoked.stderr.strip()[:200]}")
    for name, text in texts.items():
        if secret in text:
            result.fail(f"the token appears in {name}")
        if name == "DEBUG logs" and "authorization" in text.lower():
            result.fail("an Authorization header appears in the DEBUG logs")
        if name.endswith("exception or summary") and "authorization: bearer r8_" in text.lower():
            result.fail(f"{name}: the echoed header survived redaction")
    files = [path for path in workdir.rglob("*") if path.is_file()]
    for path in files:
        if secret.encode() in path.read_bytes():
            result.fail(f"the token appears in the bytes of {path.name}")
    result.notes.append(
        f"searched {len(texts)} captured texts ({sum(map(len, texts.values())):,} characters, "
        f"{texts['DEBUG logs'].count(chr(10)):,} DEBUG log lines) and {len(files)} files "
        f"({sum(p.stat().st_size for p in files):,} bytes, WAL files included: "
        f"{sum(p.suffix == '.wal' for p in files)})"
    )
    return result


# ----- case: disk full and read-only database folder -------------------------------------------
@contextlib.contextmanager
def small_filesystem(folder: Path, size: str, *, read_only: bool = False) -> Iterator[bool]:
    """A tmpfs of `size` mounted on `folder` (root only); yields False when mounting is not possible."""
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    mounted = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
        ).returncode
        == 0
    )
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def remount(folder: Path, options: str) -> None:
    subprocess.run(
        ["mount", "-o", f"remount,{options}", str(folder)], check=True, capture_output=True
    )


def disk_trouble(*, workdir: Path, runs: int = 1) -> CaseResult:
    """A database on a tmpfs that fills up mid-sync, and on a folder that is (or becomes) read-only:
    one clear line with exit 2; after space is freed the file opens, holds whole committed pages
    only, and a rerun ends with exactly the truth."""
    result = CaseResult(
        "Disk full / read-only database folder",
        "sync onto a tmpfs of 1-2 MB (fills mid-sync), "
        "then room made and rerun; sync and report on a read-only tmpfs (new and existing "
        "database)",
    )
    if os.geteuid() != 0:
        result.notes.append("not root: tmpfs cannot be mounted here; case skipped")
        result.failures.append("skipped: needs root to mount a tmpfs")
        return result
    workdir.mkdir(parents=True, exist_ok=True)
    for run in range(runs):
        for size in ("1m", "2m"):
            folder = workdir / f"full-{run}-{size}"
            with small_filesystem(folder, size) as mounted:
                if not mounted:
                    result.fail("mount -t tmpfs failed: disk-full case not run")
                    return result
                app = make_app(3000, trainings=30, seed=70 + run)
                db = folder / "r.duckdb"
                with serve(app) as server:
                    first = run_cli(
                        ["sync", "--db", str(db), "--base-url", server.base_url, "--quiet"]
                    )
                    result.runs += 1
                    stderr, _, leak_report = first.stderr.partition("nanobind: leaked")
                    if leak_report:
                        deviation = (
                            "after the one error line of a disk-full sync, DuckDB's bindings print a "
                            "nanobind 'leaked instance' report (dozens of lines) at exit"
                        )
                        if deviation not in result.deviations:
                            result.deviations.append(deviation)
                    problem = one_clear_line(stderr)
                    if first.returncode == 0:
                        result.notes.append(f"{size}: the sync fitted ({first.stdout.strip()})")
                    elif first.returncode != 2 or problem or "no space left" not in first.stderr:
                        result.fail(
                            f"disk full ({size}): exit {first.returncode}, {problem or first.stderr.strip()}"
                        )
                    else:
                        result.notes.append(f"disk full ({size}): {first.stderr.strip()}")
                    remount(folder, "size=64m")
                    con = duckdb.connect(str(db), read_only=True)
                    total, distinct, unreadable = con.execute(
                        "SELECT count(*), count(DISTINCT id), count(*) FILTER (WHERE raw->>'id' IS DISTINCT FROM id) "
                        "FROM predictions"
                    ).fetchone()
                    con.close()
                    if total != distinct or unreadable:
                        result.fail(
                            f"disk full ({size}): after the failure {total} rows, {distinct} ids, "
                            f"{unreadable} rows whose raw does not match"
                        )
                    result.notes.append(
                        f"disk full ({size}): {total} predictions committed before the disk filled"
                    )
                    again = run_cli(
                        ["sync", "--db", str(db), "--base-url", server.base_url, "--quiet"]
                    )
                    if again.returncode != 0:
                        result.fail(
                            f"disk full ({size}): rerun with room failed: {again.stderr.strip()}"
                        )
                check_against_truth(app, db, result, f"disk full ({size}), rerun")
    # read-only: a new database, then an existing one whose folder becomes read-only
    folder = workdir / "read-only"
    with small_filesystem(folder, "8m", read_only=True) as mounted:
        app = make_app(500, trainings=10, seed=80)
        with serve(app) as server:
            new = run_cli(
                ["sync", "--db", str(folder / "r.duckdb"), "--base-url", server.base_url, "--quiet"]
            )
            result.runs += 1
            if new.returncode != 2 or one_clear_line(new.stderr):
                result.fail(
                    f"read-only folder, new database: exit {new.returncode}, {new.stderr.strip()[:200]}"
                )
            remount(folder, "rw")
            run_cli(
                ["sync", "--db", str(folder / "r.duckdb"), "--base-url", server.base_url, "--quiet"]
            )
            before = file_digest(folder / "r.duckdb")
            remount(folder, "ro")
            app.advance(3600)
            again = run_cli(
                ["sync", "--db", str(folder / "r.duckdb"), "--base-url", server.base_url, "--quiet"]
            )
            result.runs += 1
            if again.returncode != 2 or one_clear_line(again.stderr):
                result.fail(
                    f"read-only folder, existing database: exit {again.returncode}, {again.stderr.strip()[:200]}"
                )
            report = run_cli(
                [
                    "report",
                    "spend",
                    "--by",
                    "model",
                    "--db",
                    str(folder / "r.duckdb"),
                    "--format",
                    "json",
                ]
            )
            result.runs += 1
            if report.returncode != 0:
                result.fail(
                    f"read-only folder: a report should still work: {report.stderr.strip()[:200]}"
                )
            if file_digest(folder / "r.duckdb") != before:
                result.fail("read-only folder: the database changed")
            result.notes.append(f"read-only folder: sync says {again.stderr.strip()}; report works")
    return result


def offline_steps(
    workdir: Path, *, examples: int, codegen_examples: int
) -> list[tuple[str, Callable[[], CaseResult]]]:
    return [
        ("database files", lambda: bad_database_files(workdir=workdir / "dbfiles")),
        (
            "settings files",
            lambda: bad_settings_files(workdir=workdir / "settings", examples=examples),
        ),
        ("pages", lambda: bad_pages(workdir=workdir / "pages", examples=examples)),
        ("codegen", lambda: codegen_specs(workdir=workdir / "codegen", examples=codegen_examples)),
        ("secrets", lambda: secrets(workdir=workdir / "secrets")),
        ("disk", lambda: disk_trouble(workdir=workdir / "disk")),
    ]


# ----- the table ------------------------------------------------------------------------------
FINDINGS = """## What the campaign found

Fixed (each with a regression test in `tests/test_reliability_files.py`):
- A damaged block in the middle of the database file made reports and syncs end with `error: unexpected
  Error: Corrupt database file...` (exit 1); now `the database file is damaged (...)`, exit 2. A file cut
  short said `IO Error: Could not read enough bytes`; now it says the file is truncated.
- A disk filling up mid-sync ended with `error: unexpected TransactionException: cannot rollback - no
  transaction is active` (the failed ROLLBACK hid the ENOSPC); now `no space left on the device holding the
  database` (exit 2). Nothing was ever half-written: the file holds the pages committed before, and a rerun
  with room ends with exactly the simulator's truth.
- A sync on another program's DuckDB file (tables, no `schema_migrations`) added replicost's tables to it and
  failed half-way on a table of the same name; now refused before anything is written.
- Pricing/config keys holding control characters (`"gpu\\u001b[31m"`) reached the terminal raw (multi-line
  errors, terminal escapes); `"acme/x\\n"` passed as a model reference (`$` matches before a final newline);
  TOML nested 5,000 deep crashed with `RecursionError`. All are one-line errors with exit 2 now.
- Click usage errors (a folder given as `--db`, an unknown flag) printed three lines; now one.
- `replicost codegen` on a spec with a dangling `$ref` or a node of the wrong type crashed with
  `PointerToNowhere`/`AttributeError` (exit 1); now a one-line input error, output folder untouched.

Fixed since (by the owners of the code, each with a test):
- A page whose record has an `id` that is not a string (null, a number, a list) passed the page check and
  failed in the writer (exit 1); `read_page` now refuses it as a malformed page
  (`test_a_record_whose_id_is_not_a_string_makes_a_malformed_page`).
- A sync that stops (storm, network) printed the error line only; the line now says how many requests and
  retries it made and that a rerun resumes.

Open:
- After the error line of a disk-full sync, DuckDB's bindings print dozens of nanobind "leaked instance"
  lines at exit (something on the writer's failure path keeps DuckDB objects alive).
- A sync on a file damaged mid-way writes its `sync_log` row before DuckDB reads the damaged block and
  refuses: the already-damaged file changes (reports never change it).
"""


def markdown(results: list[CaseResult], seconds: float, command: str) -> str:
    lines = [
        "# Reliability campaign",
        "",
        f"Generated by `{command}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC in {seconds:.0f} s "
        f"(this 2-core machine, simulator over loopback). The fast part of the same cases runs in CI "
        "(`tests/test_reliability_*.py`). Goal for every row: 0 lost, 0 duplicated, no failure.",
        "",
        "| case | what was tried | times | lost | duplicated | result |",
        "|---|---|---:|---:|---:|---|",
    ]
    for r in results:
        verdict = "pass" if r.ok else f"FAIL: {'; '.join(r.failures)[:400]}"
        if r.deviations:
            verdict += f" (known: {'; '.join(r.deviations)})"
        lines.append(f"| {r.case} | {r.tried} | {r.runs} | {r.lost} | {r.duplicated} | {verdict} |")
    lines += ["", FINDINGS, "## Details", ""]
    for r in results:
        if r.notes or r.failures:
            lines.append(f"**{r.case}**")
            lines.append("")
            lines += [f"- {note}" for note in r.notes]
            lines += [f"- failure: {text}" for text in r.failures]
            lines.append("")
    return "\n".join(lines) + "\n"


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=25, help="kill -9 moments in the crash case")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of the other sync cases")
    parser.add_argument(
        "--examples", type=int, default=300, help="hypothesis examples per fuzzed parser"
    )
    parser.add_argument(
        "--codegen-examples", type=int, default=12, help="fuzzed specs run through codegen"
    )
    parser.add_argument("--seed", type=int, default=None, help="seed of the kill moments")
    parser.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "_work" / "campaign")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "RELIABILITY.md")
    args = parser.parse_args(argv)
    import shutil

    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    started = time.monotonic()
    results = []
    steps: list[tuple[str, Callable[[], CaseResult]]] = [
        (
            "crash",
            lambda: crash_anywhere(args.kills, seed=args.seed, workdir=args.workdir / "crash"),
        ),
        ("network", lambda: hostile_network(args.runs, workdir=args.workdir / "network")),
        ("storm", lambda: storm_stops_cleanly(args.runs * 2, workdir=args.workdir / "storm")),
        ("churn", lambda: churn(args.runs, workdir=args.workdir / "churn")),
        ("concurrent", lambda: concurrent_use(args.runs, workdir=args.workdir / "concurrent")),
        *offline_steps(
            args.workdir, examples=args.examples, codegen_examples=args.codegen_examples
        ),
    ]
    with home(args.workdir):
        for name, step in steps:
            begun = time.monotonic()
            outcome = step()
            print(
                f"{name}: {outcome.runs} runs, {outcome.lost} lost, {outcome.duplicated} duplicated, "
                f"{'pass' if outcome.ok else 'FAIL ' + '; '.join(outcome.failures)[:500]} "
                f"({time.monotonic() - begun:.0f}s)",
                flush=True,
            )
            results.append(outcome)
    command = "python benchmarks/campaign.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    args.output.write_text(markdown(results, time.monotonic() - started, command.strip()))
    print(f"wrote {args.output}")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
