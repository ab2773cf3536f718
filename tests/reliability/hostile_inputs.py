"""Case: what a server or a model sends cannot break a command or price absurdly (issue #23).

Run by `benchmarks/campaign.py` (step `inputs`, alone with `--cases inputs`), against
`replicost.simulator.hostile`: a gzip page of 1 MB unpacking to 1 GiB, a page padded to 100 MB (and
one of 30 MiB, just under the 32 MiB cap, to see what the cap lets through), deployment releases
with 2147483647 and 10^12 instances or 10^6 and 10^23 GPUs, a record that is not UTF-8, and
`processing` answered for a finished record. Each run is a CLI process, as a user would run it; its
peak memory is the kernel's high-water mark for that process (`ru_maxrss` from `wait4`, exact where
sampling RSS with psutil would miss a short peak).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import duckdb

from replicost.simulator.hostile import INVALID_MARK, HostileServer, record, serve_hostile

from reliability.common import CLI, TOKEN, CaseResult, one_clear_line

RELEASES = [  # (hardware, min_instances): only the first and the last are believable
    ("gpu-l40s", 1),
    ("gpu-l40s", 2147483647),
    ("gpu-l40s", 10**12),
    ("gpu-l40s-1000000x", 1),
    ("gpu-l40s-100000000000000000000000x", 1),
    ("gpu-l40s-2x", 1),
]


def _run(*args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of one CLI process."""
    env = {**os.environ, "REPLICATE_API_TOKEN": TOKEN}
    done = subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=600)
    return done.returncode, done.stdout, done.stderr


def _peak_sync(base_url: str, db: Path, *extra: str) -> tuple[int, str, str, float]:
    """A sync whose peak memory is measured: `wait4` on the child (Popen must not reap it)."""
    env = {**os.environ, "REPLICATE_API_TOKEN": TOKEN}
    command = [*CLI, "sync", "--db", str(db), "--base-url", base_url, "--quiet", *extra]
    out_path, err_path = db.with_suffix(".out"), db.with_suffix(".err")
    with out_path.open("w") as out, err_path.open("w") as err:
        pid = os.posix_spawn(command[0], command, env, file_actions=[
            (os.POSIX_SPAWN_DUP2, out.fileno(), 1), (os.POSIX_SPAWN_DUP2, err.fileno(), 2)])  # fmt: skip
        _, status, usage = os.wait4(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return code, out_path.read_text(), err_path.read_text(), usage.ru_maxrss / 1024


def _ids(db: Path, where: str = "TRUE") -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            row[0] for row in con.execute(f"SELECT id FROM predictions WHERE {where}").fetchall()
        }
    finally:
        con.close()


def big_body(kind: str) -> Callable[[Path, CaseResult, dict[str, list[float]]], None]:
    def case(db: Path, result: CaseResult, figures: dict[str, list[float]]) -> None:
        state = HostileServer([record(i) for i in range(6)], token=TOKEN, page_size=3)
        if kind == "bomb":
            state.bomb_page = 2
        elif kind == "baseline":
            pass
        else:
            state.padded_page, state.padding = 2, (100 * 2**20 if kind == "padded" else 30 * 2**20)
        with serve_hostile(state) as base_url:
            code, _, err, peak = _peak_sync(base_url, db, "--concurrency", "1")
        figures[f"{kind}: peak RSS of the sync (MiB)"].append(peak)
        over = kind in ("bomb", "padded")
        if over and (code != 1 or one_clear_line(err) or "32 MiB cap" not in err):
            result.fail(f"{kind}: exit {code}, {err.strip()[:300]}")
        if not over and code != 0:
            result.fail(f"{kind}: exit {code}, {err.strip()[:300]}")
        want = {"p0005", "p0004", "p0003"} if over else {f"p{i:04d}" for i in range(6)}
        kept = _ids(db) if db.exists() else set()
        result.lost += len(want - kept)
        figures[f"{kind}: records kept"].append(len(kept))

    return case


def releases(db: Path, result: CaseResult, figures: dict[str, list[float]]) -> None:
    state = HostileServer([record(i) for i in range(3)], token=TOKEN)
    with serve_hostile(state) as base_url:
        for number, (hardware, count) in enumerate(RELEASES, start=1):
            config = {"hardware": hardware, "min_instances": count, "max_instances": count}
            state.deployments = [{"owner": "acme", "name": "chat", "current_release": {
                "number": number, "model": "acme/llm", "version": "b" * 64,
                "created_at": f"2026-11-0{number}T00:00:00Z", "configuration": config}}]  # fmt: skip
            code, out, err = _run("sync", "--db", str(db), "--base-url", base_url, "--quiet")
            quarantined = "deployment release(s) quarantined" in out
            if code != 0 or quarantined != (number not in (1, len(RELEASES))):
                result.fail(f"release {number}: exit {code}, {out.strip()} {err.strip()[:200]}")
    for command in (("report", "spend"), ("report", "summary"), ("report", "insights"),
                    ("budget", "check", "--monthly", "1000000")):  # fmt: skip
        code, out, err = _run(*command, "--db", str(db))
        # budget check may answer 1, could cross, when the month holds time of the quarantined
        # releases (their always-on floor is unknown); it must not fail
        if code not in ((0, 1) if command[0] == "budget" else (0,)):
            result.fail(f"releases: {' '.join(command)} exit {code}: {err.strip()[:200]}")
        elif command == ("report", "spend") and "4 deployment release(s) never priced" not in out:
            result.fail("releases: report spend does not count the 4 quarantined releases")


def undecodable(db: Path, result: CaseResult, figures: dict[str, list[float]]) -> None:
    records = [record(i) for i in range(9)]
    records[7].update(status="failed", error=INVALID_MARK + "p0007")
    state = HostileServer(records, token=TOKEN, page_size=3)
    with serve_hostile(state) as base_url:
        code, out, err = _run("sync", "--db", str(db), "--base-url", base_url, "--quiet")
    if code != 0 or "1 quarantined" not in out:
        result.fail(f"not UTF-8: exit {code}, {out.strip()} {err.strip()[:200]}")
    kept = _ids(db) if db.exists() else set()
    result.lost += 9 - len(kept)
    if _ids(db, "quarantine_reason = 'not UTF-8: error'") != {"p0007"}:
        result.fail("not UTF-8: p0007 is not quarantined with its reason")


def reverts(db: Path, result: CaseResult, figures: dict[str, list[float]]) -> None:
    state = HostileServer([record(i) for i in range(4)], token=TOKEN, page_size=3)
    sync = ("sync", "--db", str(db), "--quiet", "--full")
    with serve_hostile(state) as base_url:
        first = _run(*sync, "--base-url", base_url)
        state.records[1] = dict(
            state.records[1], status="processing", completed_at=None, metrics={}
        )
        second = _run(*sync, "--base-url", base_url)
    said = "1 answer(s) ignored that would have turned a finished record unfinished" in second[1]
    if first[0] or second[0] or not said:
        result.fail(f"reverts: {second[0]} {second[1].strip()} {second[2].strip()[:200]}")
    if _ids(db, "status = 'succeeded'") != {f"p{i:04d}" for i in range(4)}:
        result.fail("reverts: a finished record went back")


CASES: dict[str, Callable[[Path, CaseResult, dict[str, list[float]]], None]] = {
    "baseline": big_body("baseline"),
    "bomb": big_body("bomb"),
    "padded": big_body("padded"),
    "under-cap": big_body("under-cap"),
    "releases": releases,
    "undecodable": undecodable,
    "reverts": reverts,
}


def hostile_inputs(runs: int, *, workdir: Path) -> CaseResult:
    """Every case `runs` times, each into a fresh database; figures in the notes."""
    result = CaseResult(
        "Hostile inputs",
        "a gzip page of 1 MB unpacking to 1 GiB; a page padded to 100 MB (and to 30 MiB, under the "
        "cap); releases with 2147483647 and 10^12 instances, gpu-l40s-1000000x and -10^23x, then a "
        "sane one, through report spend, summary, insights, budget check; a record that is not "
        "UTF-8; `processing` answered for a finished record",
    )
    workdir.mkdir(parents=True, exist_ok=True)
    figures: dict[str, list[float]] = {}
    for kind in ("baseline", "bomb", "padded", "under-cap"):
        figures[f"{kind}: peak RSS of the sync (MiB)"] = []
        figures[f"{kind}: records kept"] = []
    for run in range(runs):
        for name, case in CASES.items():
            case(workdir / f"{name}-{run}.duckdb", result, figures)
            result.runs += 1
    for label, values in figures.items():
        if values:
            result.notes.append(f"{label}: {min(values):.0f}-{max(values):.0f}")
    return result
