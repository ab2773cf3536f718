"""A big account: the first sync of 10,000,000 simulated predictions, then what comes after it.

    scripts/bench --big-account [--sizes 100000,10000000] [--skip-pace]

For each size (the smallest is the memory baseline): a first sync of every resource into a new
file at zero latency with no client budget (seconds, requests, peak RSS of the syncing process,
file size per million records), the no-change incremental right after it (seconds, peak RSS), and
`replicost report spend --by model` and `--by day` on the synced file (whole command, process
start included). Replicate's documented 3,000 requests/min would bound the same sync at 50 pages
(5,000 records) a second: the projection is the larger of the measured time and requests / 50.
Then the pace: 100,000 predictions at 150 ms a page behind a 3,000/min limit, synced at the CLI's
defaults (adaptive budget starting at 3,000/min): share of the 5,000 rows/s ceiling and 429s.

The simulator renders records on demand here (10-19k rows/s cold): a 10M history cannot be
rendered ahead (several GB), so at that size the sync shares the machine with the simulator and
its rate is a floor. Writes its section between markers in RESULTS.md and under "big_account"
in RESULTS.json; the rest of those files stays as the last full run (benchmarks/run.py) wrote it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
SYNC_BENCH = BENCH_DIR / "sync_bench.py"
MARK_START, MARK_END = "<!-- big-account:start -->", "<!-- big-account:end -->"
LIMIT_PER_MINUTE = 3000
PAGE = 100
REPORT = (
    "import resource, sys, time\n"
    "from replicost.cli.main import run\n"
    "started = time.perf_counter()\n"
    "code = run(sys.argv[1:])\n"
    "print('BENCH', time.perf_counter() - started, "
    "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, code, file=sys.stderr)\n"
)


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


@contextmanager
def simulator(n: int, latency_ms: float = 0, rate_limit: float | None = None) -> Iterator[str]:
    command = [sys.executable, str(SYNC_BENCH), "--serve", "--predictions", str(n)]
    command += ["--latency-ms", str(latency_ms)]
    if rate_limit:
        command += ["--rate-limit", str(rate_limit)]
    else:
        command += ["--cold"]  # no render cache of the whole history: it would not fit at 10M
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        yield server.stdout.readline().strip()
    finally:
        server.terminate()
        server.wait()


def sync(base_url: str, db: Path, budget: str, only: str) -> dict:
    command = [sys.executable, str(SYNC_BENCH), "--child-sync", base_url, str(db)]
    command += ["--concurrency", "12", "--budget", budget, "--only", only]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"sync failed: {done.stderr.strip().splitlines()[-3:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(db: Path, by: str, *, home: Path, extra: tuple[str, ...] = ()) -> dict:
    """`replicost report spend --by BY` on `db` (JSON out): whole-command seconds, peak RSS.
    `by` "insights" runs `replicost report insights` instead (its rows: the insights). `home` is
    REPLICOST_HOME (its config and cache folders: nothing there is read as money)."""
    what = ["insights"] if by == "insights" else ["spend", "--by", by]
    command = [sys.executable, "-c", REPORT, "report", *what, "--db", str(db), *extra]
    env = {**os.environ, "REPLICOST_HOME": str(home)}
    started = time.perf_counter()
    done = subprocess.run(
        command + ["--format", "json"], capture_output=True, text=True, check=False, env=env
    )
    seconds = time.perf_counter() - started
    line = [row for row in done.stderr.splitlines() if row.startswith("BENCH ")]
    inner, peak, code = line[-1].split()[1:] if line else ("nan", "nan", "?")
    try:
        out = json.loads(done.stdout) if done.returncode == 0 else {}
        rows = len(out.get("rows", out.get("insights", [])))
    except json.JSONDecodeError:  # a report must print one JSON object and nothing else
        raise SystemExit(
            f"report {' '.join(what)}: stdout is not JSON: {done.stdout[:120]!r}"
        ) from None
    return {
        "seconds": seconds,
        "inner_seconds": float(inner),
        "peak_rss_mb": float(peak),
        "exit": code,
        "rows": rows,
        "output": hashlib.sha256(done.stdout.encode()).hexdigest()[:16],
        "stderr": done.stderr,
    }


def insights_report(db: Path, folder: Path, repeat: int = 3) -> dict:
    """`replicost report insights` as a user meets it after a sync: whole commands (median of
    `repeat`) reading the ledger and the bill per day that the sync stored (the reports say on
    stderr when they price in memory instead: then this fails)."""
    runs = [report(db, "insights", home=folder / "insights-home") for _ in range(repeat)]
    if any("priced in memory" in run.get("stderr", "") for run in runs):
        raise SystemExit("report insights priced in memory: the synced file has no ledger")
    result = {
        "seconds": _median(runs),
        "all": [run["seconds"] for run in runs],
        "peak_rss_mb": max(run["peak_rss_mb"] for run in runs),
        "insights": runs[-1]["rows"],
    }
    log(f"  insights: {result['seconds']:.2f}s (median of {repeat})")
    return result


def big_sync(n: int, folder: Path, keep: bool) -> dict:
    log(f"first sync of {n:,} predictions (simulator renders on demand)")
    db = folder / f"big-{n}.duckdb"
    db.unlink(missing_ok=True)
    with simulator(n) as base_url:
        first = sync(base_url, db, "none", "")
        log(
            f"  {first['new']:,} rows in {first['seconds']:.0f}s, peak {first['peak_rss_mb']:.0f} MB"
        )
        again = sync(base_url, db, "none", "")
        log(f"  no-change incremental: {again['seconds']:.2f}s, peak {again['peak_rss_mb']:.0f} MB")
    size = os.path.getsize(db)
    reports = measure_reports(db)
    if not keep:
        db.unlink()
    return {
        "predictions": n,
        "first": first,
        "incremental": again,
        "file_mb": size / 1e6,
        "file_mb_per_million": size / 1e6 / (n / 1e6),
        "reports": reports,
        "projected_seconds_at_limit": max(
            first["seconds"], first["requests"] / (LIMIT_PER_MINUTE / 60)
        ),
    }


def _median(runs: list[dict]) -> float:
    return sorted(run["seconds"] for run in runs)[len(runs) // 2]


def measure_reports(db: Path) -> dict:
    with tempfile.TemporaryDirectory(dir=db.parent) as tmp:
        home = Path(tmp)
        reports = {by: report(db, by, home=home / by) for by in ("model", "day")}
        for by, figures in reports.items():
            log(f"  report {by}: {figures['seconds']:.2f}s, {figures['rows']} rows")
        reports["insights"] = insights_report(db, home)
    reports["measured"] = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC at {commit()}"
    return reports


def commit() -> str:
    done = subprocess.run(
        ["git", "-C", str(BENCH_DIR), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "?"


def pace(folder: Path, runs: int = 3) -> dict:
    """The pace sync `runs` times (a fresh simulator and database each): the median run, with
    every run's share and 429s kept (one run on a shared machine swings by a few points)."""
    n = 100_000
    log(f"pace: {n:,} predictions, 150 ms a page, {LIMIT_PER_MINUTE}/min limit, CLI defaults")
    ceiling = LIMIT_PER_MINUTE / 60 * PAGE
    results = []
    for run in range(runs):
        with simulator(n, latency_ms=150, rate_limit=LIMIT_PER_MINUTE) as base_url:
            result = sync(base_url, folder / f"pace-{run}.duckdb", "default", "predictions")
        result["share_of_ceiling"] = result["new"] / result["seconds"] / ceiling
        log(f"  {result['share_of_ceiling']:.1%} of the ceiling, {result['retries']} retries")
        results.append(result)
    median = sorted(results, key=lambda r: r["share_of_ceiling"])[len(results) // 2]
    return {
        **median,
        "runs": len(results),
        "shares": [r["share_of_ceiling"] for r in results],
        "all_retries": [r["retries"] for r in results],
    }


def section(runs: list[dict], paced: dict | None, started: datetime, minutes: float) -> str:
    base, big = runs[0], runs[-1]
    lines = [
        MARK_START,
        f"### 7. Big account: first sync of {big['predictions']:,} predictions",
        "",
        f"`scripts/bench --big-account`: the syncs started {started:%Y-%m-%d %H:%M} UTC and took "
        f"{minutes:.0f} minutes (one run per size); this section was written "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC (load average then {os.getloadavg()[0]:.1f} on "
        "2 cores), after the pace runs and the reports. "
        "Zero latency, no client budget, 12 windows; the simulator renders every record on demand "
        "(it cannot hold 10M rendered records), so it shares the 2 cores with the sync.",
        "",
        "| predictions | first sync | rows/s | requests | peak RSS | file | MB per million "
        "| at 3,000/min (projected) | no-change incremental | its peak RSS "
        "| spend by model | spend by day | insights |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        first, again, reports = run["first"], run["incremental"], run["reports"]
        lines.append(
            f"| {run['predictions']:,} | {first['seconds']:.0f} s | "
            f"{first['new'] / first['seconds']:,.0f} | {first['requests']:,} | "
            f"{first['peak_rss_mb']:.0f} MB | {run['file_mb']:.0f} MB | "
            f"{run['file_mb_per_million']:.0f} | {run['projected_seconds_at_limit'] / 60:.1f} min | "
            f"{again['seconds']:.2f} s | {again['peak_rss_mb']:.0f} MB | "
            f"{reports['model']['seconds']:.2f} s | {reports['day']['seconds']:.2f} s | "
            + (f"{reports['insights']['seconds']:.2f} s |" if "insights" in reports else "– |")
        )
    lines += [
        "",
        "The projection: Replicate allows 3,000 list requests a minute, so the same sync there "
        "takes at least requests / 50 seconds; the measured cost per request here "
        f"({big['first']['seconds'] / big['first']['requests'] * 1000:.1f} ms of wall time at 12 "
        "windows) is "
        + (
            "below the 20 ms a request the limit allows, so the limit is the bound."
            if big["first"]["seconds"] / big["first"]["requests"] < 0.02
            else "above the 20 ms a request the limit allows, so this machine is the bound."
        ),
        "Reports: whole `replicost report spend --by model|day --format json` and `replicost "
        "report insights --format json` commands (every kind, whole history), process "
        "start included, on the synced file (measured "
        + ", ".join(sorted({run["reports"].get("measured", "with the sync") for run in runs}))
        + f"); the syncs ran at {runs[0].get('commit', '?')}. A synced account costs the reports "
        "about twice per record what the synthetic file of scenario 5 does (per-unit official "
        "models are 43% of its records against 10%, a tenth of them failed, always-on "
        "deployments add top-ups), and these are single whole commands, imports included.",
        "",
    ]
    lines += insights_lines(runs)
    lines += [
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    insights = big["reports"].get("insights")
    if insights and "all" in insights:
        lines.append(
            f"| report insights over {big['predictions']:,} predictions: at most 1 s (issue 21) "
            f"| {insights['seconds']:.2f} s (median of {len(insights['all'])}, reading the ledger) "
            f"| **{'yes' if insights['seconds'] <= 1 else 'no'}** |"
        )
    for key, label in (("first", "full sync"), ("incremental", "no-change incremental")):
        low, high = base[key]["peak_rss_mb"], big[key]["peak_rss_mb"]
        met = high <= 1.25 * low and high < 300
        lines.append(
            f"| {label}: peak RSS at {big['predictions']:,} within 25% of {base['predictions']:,} "
            f"and under 300 MB | {high:.0f} MB vs {low:.0f} MB ({high / low - 1:+.0%}) "
            f"| **{'yes' if met else 'no'}** |"
        )
    if paced:
        met = (
            paced["share_of_ceiling"] >= 0.95
            and max(paced.get("all_retries", [paced["retries"]])) <= 5
        )
        lines.append(
            f"| CLI defaults, 150 ms a page, 3,000/min limit: at least 95% of the 5,000 rows/s "
            f"ceiling with at most a handful (5) of 429s | {paced['share_of_ceiling']:.1%}, "
            f"{paced['retries']} retries ({paced['requests']:,} requests, "
            f"{paced['new']:,} rows in {paced['seconds']:.1f} s; median of "
            f"{paced.get('runs', 1)} runs: "
            + ", ".join(
                f"{share:.1%}" for share in paced.get("shares", [paced["share_of_ceiling"]])
            )
            + f", 429s {paced.get('all_retries', [paced['retries']])}) "
            f"| **{'yes' if met else 'no'}** |"
        )
    return "\n".join(lines + ["", MARK_END])


def insights_lines(runs: list[dict]) -> list[str]:
    """The insights' table: whole commands reading the ledger the sync stored."""
    measured = [run for run in runs if "all" in run["reports"].get("insights", {})]
    if not measured:
        return []
    lines = [
        "",
        "`replicost report insights --format json` as a user meets it after the sync (whole "
        "commands, median of 3, reading the ledger and the bill per day the sync stored; the "
        "ledger's own figures, before and after it, its build and its refresh, are scenario 8).",
        "",
        "| predictions | insights | all runs | peak RSS |",
        "|---|---|---|---|",
    ]
    for run in measured:
        c = run["reports"]["insights"]
        runs_text = ", ".join(f"{x:.2f}" for x in c["all"])
        lines.append(
            f"| {run['predictions']:,} | {c['seconds']:.2f} s | {runs_text} | "
            f"{c['peak_rss_mb']:.0f} MB |"
        )
    return lines


def keep_block(old: str, block: str) -> str:
    """`old` with its big-account block replaced by `block` (appended if it had none)."""
    if MARK_START in old and MARK_END in old:
        head, rest = old.split(MARK_START, 1)
        return head + block + rest.split(MARK_END, 1)[1]
    return old.rstrip("\n") + "\n\n" + block + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="100000,10000000", help="comma-separated; first = baseline"
    )
    parser.add_argument("--skip-pace", action="store_true")
    parser.add_argument(
        "--keep",
        type=Path,
        help="sync into this folder and keep the databases (for --reports-only)",
    )
    parser.add_argument(
        "--reports-only",
        type=Path,
        metavar="DIR",
        help="no sync: re-time the reports on DIR's kept databases (and the pace, unless "
        "--skip-pace) and rewrite the section from RESULTS.json's runs",
    )
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "RESULTS.md")
    args = parser.parse_args()
    sizes = [int(part) for part in args.sizes.split(",")]
    started, clock = datetime.now(UTC), time.perf_counter()
    raw_path = args.output.with_suffix(".json")
    raw = json.loads(raw_path.read_text()) if raw_path.exists() else {}
    with tempfile.TemporaryDirectory(
        dir=BENCH_DIR / "_work" if (BENCH_DIR / "_work").is_dir() else None
    ) as tmp:
        folder = Path(tmp)
        paced = None if args.skip_pace else pace(folder)
        if args.reports_only:
            runs = raw["big_account"]["runs"]
            for run in runs:
                run["reports"] = measure_reports(
                    args.reports_only / f"big-{run['predictions']}.duckdb"
                )
            paced = paced or raw["big_account"].get("pace")
            started = datetime.fromisoformat(raw["big_account"]["started"])
        else:
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
            runs = [big_sync(n, args.keep or folder, bool(args.keep)) for n in sizes]
            for run in runs:
                run["commit"] = commit()
    minutes = raw.get("big_account", {}).get("minutes") if args.reports_only else None
    minutes = minutes or (time.perf_counter() - clock) / 60
    block = section(runs, paced, started, minutes)
    old = args.output.read_text() if args.output.exists() else "# Benchmark results\n"
    args.output.write_text(keep_block(old, block))
    raw["big_account"] = {"started": str(started), "minutes": minutes, "runs": runs, "pace": paced}
    raw_path.write_text(json.dumps(raw, indent=1, default=str))
    log(f"wrote {args.output} and {raw_path}")
    print(block)


if __name__ == "__main__":
    main()
