"""Cases: a hostile network (faults, throttling, short reads) and a storm that must stop cleanly."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import httpx
import orjson
from cli_helpers import CLI

from replicost.client import RetryPolicy
from replicost.simulator import FaultConfig, SimulatedAccount, SimulatorApp, serve

from reliability.common import (
    END,
    FAST_RETRY,
    TOKEN,
    CaseResult,
    check_against_truth,
    cli_sync,
    fresh,
    ids_match,
    make_app,
    one_clear_line,
    simulator_process,
    truth_rows,
)


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
        again = cli_sync(db, base_url, "--only", "account,predictions")
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
