"""Cases: the account changes during a sync, and several processes use one database."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

import httpx
from cli_helpers import CLI, run_cli_process

from replicost.simulator import SimulatorApp, serve

from reliability.common import (
    FAST_RETRY,
    TOKEN,
    TOKEN_ENV,
    CaseResult,
    check_against_truth,
    fresh,
    make_app,
    one_clear_line,
)


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

            sdxl = app.account.model_spec("stability-ai/sdxl")
            assert sdxl is not None
            # a community model runs by version (by name only official ones do: 422 otherwise)
            sdxl_version = f"{sdxl.name}:{sdxl.eras[-1].version}"
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
                                "version": sdxl_version,
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
class GatedApp(SimulatorApp):
    """The simulator holding every predictions page after the third until `gate` opens: a sync
    that is surely still running while the others start, however slow the machine (no timing)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()

    def handle(self, method, path, *args, **kwargs):
        if (
            not self.gate.is_set()
            and method == "GET"
            and path.rstrip("/").endswith("/predictions")
            and self.stats.by_route["predictions.list"] >= 3
        ):
            self.gate.wait(timeout=600)  # a generous bound for a hung test, not a timing
        return super().handle(method, path, *args, **kwargs)


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
        app = make_app(predictions, seed=60 + run, latency_ms=10, app_class=GatedApp)
        db = fresh(workdir / f"busy-{run}.duckdb")
        result.runs += 1
        with serve(app) as server:
            base = ["--base-url", server.base_url, "--quiet"]
            # one window at a time, held after its third page until the others are done
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
            second = run_cli_process("sync", "--db", str(db), *base, env=TOKEN_ENV)
            refusals.append(time.monotonic() - started)
            report = run_cli_process(
                "report",
                "spend",
                "--by",
                "model",
                "--db",
                str(db),
                "--format",
                "json",
                env=TOKEN_ENV,
            )
            still_running = first.poll() is None
            app.gate.set()
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
