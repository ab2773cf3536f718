"""Case: a server that lies or stalls (issue #13), case by case over loopback.

Run by `benchmarks/campaign.py` (step `lying`, alone with `--cases lying`), against `replicost.simulator.hostile` rather than
the simulator: dripped bodies, cursors that loop, records from the year 9999, a `predict_time` of
1e308 or below zero, `Retry-After: soon`. Each run drives the CLI in its own process, as a user
would, and checks what it stored against the records served.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import duckdb

from replicost.simulator.hostile import HostileServer, record, serve_hostile

from reliability.common import CLI, TOKEN, CaseResult, one_clear_line

PRICING = '[models]\n"acme/flux-dev" = "gpu-a40-large"\n'
A40_LARGE = Decimal("0.000725")


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "REPLICATE_API_TOKEN": TOKEN}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=600)


def _sync(base_url: str, db: Path, *extra: str) -> subprocess.CompletedProcess:
    return _cli("sync", "--db", str(db), "--base-url", base_url, "--quiet", *extra)


def _stored(db: Path) -> dict[str, str | None]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("SELECT id, quarantine_reason FROM predictions").fetchall())
    finally:
        con.close()


def _ids(records: list[dict]) -> set[str]:
    return {r["id"] for r in records}


def drip(db: Path, result: CaseResult, figures: dict[str, list[float]]) -> None:
    state = HostileServer([record(i) for i in range(6)], token=TOKEN)
    state.drip_seconds, state.drip_padding = 0.05, 100_000  # a page would take 85 minutes
    with serve_hostile(state) as base_url:
        started = time.monotonic()
        done = _sync(base_url, db, "--deadline", "5", "--request-deadline", "1")
        figures["drip: sync ended after (s)"].append(time.monotonic() - started)
    problem = one_clear_line(done.stderr)
    if done.returncode != 1 or problem or "deadline" not in done.stderr:
        result.fail(f"drip: exit {done.returncode}, {problem or done.stderr.strip()[:300]}")


def loop(kind: str) -> Callable[[Path, CaseResult, dict[str, list[float]]], None]:
    def case(db: Path, result: CaseResult, figures: dict[str, list[float]]) -> None:
        records = [record(i) for i in range(12)]
        state = HostileServer(records, token=TOKEN)
        state.cursor = kind
        with serve_hostile(state) as base_url:
            done = _sync(base_url, db, "--concurrency", "1")
        figures[f"loop ({kind}): list requests"].append(state.requests["predictions"])
        problem = one_clear_line(done.stderr)
        if done.returncode != 1 or problem or "paging stopped at http" not in done.stderr:
            result.fail(f"loop {kind}: exit {done.returncode}, {problem or done.stderr[:300]}")
        kept = set(_stored(db)) if db.exists() else set()
        newest = sorted(records, key=lambda r: r["created_at"], reverse=True)
        if not kept or kept != _ids(newest[: len(kept)]):
            result.fail(f"loop {kind}: stored {sorted(kept)} is not the newest pages")

    return case


def future(db: Path, result: CaseResult, figures: dict[str, list[float]]) -> None:
    dated = {**record(99), "created_at": "9999-12-31T23:59:59.999999Z", "completed_at": None}
    state = HostileServer([*(record(i) for i in range(5)), dated], token=TOKEN)
    with serve_hostile(state) as base_url:
        first = _sync(base_url, db)
        state.records += [record(10), record(11)]
        second = _sync(base_url, db)
    if first.returncode or "1 quarantined" not in first.stdout or second.returncode:
        result.fail(
            f"future: {first.stdout.strip()} {first.stderr.strip()} {second.stderr.strip()}"
        )
    missing = _ids(state.records) - set(_stored(db))
    result.lost += len(missing)
    if missing:
        result.fail(f"future: the incremental sync missed {sorted(missing)}")


def numbers(db: Path, result: CaseResult, figures: dict[str, list[float]]) -> None:
    normal = [record(i) for i in range(4)]
    odd = [record(50, predict_time=1e308), record(51, predict_time=-723.928945)]
    state = HostileServer([*normal, *odd], token=TOKEN)
    pricing = db.with_suffix(".toml")
    pricing.write_text(PRICING)
    with serve_hostile(state) as base_url:
        done = _sync(base_url, db)
    if done.returncode or "2 quarantined" not in done.stdout:
        result.fail(f"numbers: sync {done.returncode} {done.stdout.strip()} {done.stderr.strip()}")
    prices = ("--db", str(db), "--pricing", str(pricing))
    spend = _cli("report", "spend", "--by", "model", "--format", "json", *prices)
    commands = {
        "report spend": spend,
        "report summary": _cli("report", "summary", "--format", "json", *prices),
        "budget check": _cli("budget", "check", "--monthly", "1000", *prices),
        "export": _cli("export", "--format", "csv", "--out", str(db.with_suffix("")), *prices),
    }
    for name, outcome in commands.items():
        if outcome.returncode != 0:
            result.fail(f"numbers: {name} exit {outcome.returncode}: {outcome.stderr.strip()}")
    if spend.returncode == 0:
        totals = json.loads(spend.stdout)["totals"]
        if Decimal(str(totals["cost_usd"])) != 4 * 10 * A40_LARGE or totals["unpriced_count"] != 2:
            result.fail(f"numbers: spend totals {totals}")


def retry_after_soon(db: Path, result: CaseResult, figures: dict[str, list[float]]) -> None:
    state = HostileServer([record(i) for i in range(4)], token=TOKEN)
    state.retry_after = "soon"
    with serve_hostile(state) as base_url:
        done = _sync(base_url, db)
    if done.returncode or "1 retries" not in done.stdout:
        result.fail(f"Retry-After soon: exit {done.returncode}: {done.stderr.strip()[:300]}")
    result.lost += len(_ids(state.records) - set(_stored(db)))


CASES: dict[str, Callable[[Path, CaseResult, dict[str, list[float]]], None]] = {
    "drip": drip,
    "loop-self": loop("self"),
    "loop-same-page": loop("new-cursor-same-page"),
    "loop-cycle": loop("cycle"),
    "future": future,
    "numbers": numbers,
    "retry-after-soon": retry_after_soon,
}


def lying_server(runs: int, *, workdir: Path) -> CaseResult:
    """Every case `runs` times, each into a fresh database; figures in the notes."""
    result = CaseResult(
        "Lying or stalling server",
        "a body dripped a byte at a time (`--deadline 5 --request-deadline 1`); a `next` cursor "
        "pointing at its own page, the same page under new cursors, pages cycling; a record "
        "created 9999-12-31 then new ones; `predict_time` 1e308 and -723.9 through report spend, "
        "summary, budget check, export; `Retry-After: soon`",
    )
    workdir.mkdir(parents=True, exist_ok=True)
    figures: dict[str, list[float]] = {
        "drip: sync ended after (s)": [],
        **{
            f"loop ({kind}): list requests": []
            for kind in ("self", "new-cursor-same-page", "cycle")
        },
    }
    for run in range(runs):
        for name, case in CASES.items():
            db = workdir / f"{name}-{run}.duckdb"
            case(db, result, figures)
            result.runs += 1
    for label, values in figures.items():
        if values:
            result.notes.append(f"{label}: {min(values):.1f}-{max(values):.1f}")
    return result
