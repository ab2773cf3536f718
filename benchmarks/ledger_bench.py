"""Benchmark: the reports before and after the ledger, its first build and its refresh after a sync.

On one database (`--db`, e.g. the synced 10M account of benchmarks/big_account.py scenario 7
kept with `--keep`; or, without it, the synthetic file of reports_bench.py built with `--rows`),
on a copy so the original stays as it was:

1. before: whole commands (process start included, median of `--repeat`) pricing every record in
   memory (no ledger stored): `report spend --by model`, `--by day`, `report summary`,
   `report insights`, `budget check`;
2. the first build: `replicost reprice` (whole command, once);
3. after: the same commands reading the ledger; their stdout must be the bytes of step 1;
4. the refresh after a sync that adds a day of records (the last day's records again, a day
   later, with new ids and a fresh sync stamp, as benchmarks/big_account.py's NEW_DAY): the
   `ledger.store` call `replicost sync` makes after it commits (seconds and peak RSS of a process
   doing only that, median of `--repeat`; each repeat re-stamps the same day);
5. a full rebuild with the sync's buffer pool (what the first sync of an account ends with);
6. a million records more (the oldest million again, with new ids, moved back before the oldest
   by their own span: a longer history), the refresh that prices them, and the commands of step
   3 again: what a million more records add to each.

Run: `.venv/bin/python benchmarks/ledger_bench.py [--db PATH | --rows N] [--repeat 3]`.
Prints one JSON object and a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
COMMANDS = {
    "report spend --by model": ["report", "spend", "--by", "model", "--format", "json"],
    "report spend --by day": ["report", "spend", "--by", "day", "--format", "json"],
    "report summary": ["report", "summary", "--format", "json", "--now", "2026-12-01T00:00:00Z"],
    "report insights": ["report", "insights", "--format", "json"],
    "budget check": ["budget", "check", "--monthly", "100000", "--format", "json",
                     "--now", "2026-12-01T00:00:00Z"],
}  # fmt: skip
NEW_DAY = """
INSERT INTO predictions SELECT * REPLACE ('bench-day-' || id AS id,
    created_at + INTERVAL 1 DAY AS created_at, started_at + INTERVAL 1 DAY AS started_at,
    completed_at + INTERVAL 1 DAY AS completed_at, now() AS synced_at)
FROM predictions WHERE created_at >= (SELECT max(created_at) - INTERVAL 1 DAY FROM predictions)
"""
RESTAMP = "UPDATE predictions SET synced_at = now() WHERE id LIKE 'bench-day-%'"
MILLION = """
INSERT INTO predictions
WITH oldest AS (SELECT * FROM predictions WHERE created_at IS NOT NULL
                ORDER BY created_at, id LIMIT 1000000),
span AS (SELECT max(created_at) - min(created_at) + INTERVAL 1 DAY AS back FROM oldest)
SELECT * REPLACE ('bench-million-' || id AS id, created_at - (SELECT back FROM span) AS created_at,
    started_at - (SELECT back FROM span) AS started_at,
    completed_at - (SELECT back FROM span) AS completed_at, now() AS synced_at)
FROM oldest
"""
# (Linux counts a process's peak RSS from before its exec, the forked parent's: the child resets
# it through /proc/self/clear_refs and reads VmHWM, where it can)
REFRESH = """
import json, resource, sys, time
try:
    with open('/proc/self/clear_refs', 'w') as f:
        f.write('5')
except OSError:
    pass
from replicost.billing import ledger
started = time.perf_counter()
result = ledger.store(sys.argv[1], pricing_file=sys.argv[2] or None, memory_mb=128,
                      full=sys.argv[3] == 'full')
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
try:
    with open('/proc/self/status') as f:
        peak = next(int(l.split()[1]) for l in f if l.startswith('VmHWM:')) / 1024
except (OSError, StopIteration):
    pass
print(json.dumps({'seconds': seconds, 'rebuilt': result.rebuilt, 'priced': result.priced,
                  'peak_rss_mb': peak}))
"""
WRITE = """
import sys
from replicost.store import connect
con = connect(sys.argv[1])  # migrates a file synced before the ledger existed
try:
    con.execute(sys.argv[2])
finally:
    con.close()
"""


def command(args: list[str], db: Path, prices: Path | None, home: Path) -> tuple[float, str, str]:
    extra = ["--pricing", str(prices)] if prices else []
    env = {**os.environ, "REPLICOST_HOME": str(home)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "replicost", *args, "--db", str(db), *extra],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return time.perf_counter() - started, done.stdout, done.stderr


def measure(db: Path, prices: Path | None, home: Path, repeat: int) -> dict:
    results = {}
    for name, args in COMMANDS.items():
        runs = [command(args, db, prices, home) for _ in range(repeat)]
        results[name] = {
            "median": statistics.median(r[0] for r in runs),
            "all": [round(r[0], 3) for r in runs],
            "in_memory": "priced in memory" in runs[-1][2],
            "output": runs[-1][1],
        }
    return results


def write(db: Path, sql: str) -> None:
    """Run `sql` on `db` in a process of its own (this one stays small: its children are forked
    from it), then flush the page cache's dirty pages (they would be written back while the next
    step is timed)."""
    subprocess.run([sys.executable, "-c", WRITE, str(db), sql], check=True)
    os.sync()


def refresh(db: Path, prices: Path | None, mode: str = "refresh") -> dict:
    done = subprocess.run(
        [sys.executable, "-c", REFRESH, str(db), str(prices or ""), mode],
        capture_output=True,
        text=True,
        check=True,
    )
    os.sync()
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a synced database (copied, never changed)")
    parser.add_argument("--pricing", type=Path, help="its pricing file, if any")
    parser.add_argument("--rows", type=int, default=10_000_000, help="synthetic file's size")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="folder for the copy")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(dir=args.work))
    try:
        figures = run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(figures, indent=1))
    print(table(figures))


def run(args: argparse.Namespace, work: Path) -> dict:
    db, home = work / "ledger-bench.duckdb", work / "home"
    prices = args.pricing
    if args.db:
        shutil.copy(args.db, db)
        source = f"copy of {args.db}"
    else:
        sys.path.insert(0, str(BENCH_DIR))
        import reports_bench

        reports_bench.build(db, args.rows)
        write(db, "UPDATE predictions SET synced_at = TIMESTAMPTZ '2026-01-01 00:00:00+00'")
        prices = reports_bench.pricing_file(work)
        source = f"synthetic, {args.rows:,} predictions (reports_bench.py)"
    write(db, "DELETE FROM bill_ledger_state")  # before: no ledger stored
    before = measure(db, prices, home, args.repeat)
    # `reprice` builds the whole ledger each time: the first build, median of --repeat runs (each
    # after the writes of the one before are on disk)
    builds, build_cpu = [], []
    for _ in range(args.repeat):
        os.sync()
        cpu = _children_cpu()
        started = time.perf_counter()
        built = subprocess.run(
            [sys.executable, "-m", "replicost", "reprice", "--db", str(db)]
            + (["--pricing", str(prices)] if prices else []),
            capture_output=True,
            text=True,
            check=True,
        )
        builds.append(time.perf_counter() - started)
        build_cpu.append(_children_cpu() - cpu)
    os.sync()
    after = measure(db, prices, home, args.repeat)
    for name in COMMANDS:
        if before[name]["output"] != after[name]["output"]:
            raise SystemExit(f"{name}: the output read from the ledger differs from in memory")
    write(db, NEW_DAY)
    refreshes = [refresh(db, prices)]
    for _ in range(args.repeat - 1):
        write(db, RESTAMP)
        refreshes.append(refresh(db, prices))
    rebuilt_in_sync = refresh(db, prices, "full")  # a sync's first build: the sync's memory
    write(db, MILLION)
    million_refresh = refresh(db, prices)
    million = measure(db, prices, home, args.repeat)
    if any(result["in_memory"] for result in million.values()):
        raise SystemExit("a million more: a report priced in memory (the refresh did not serve it)")
    return {
        "database": source,
        "rebuild_in_sync_memory": rebuilt_in_sync,
        "load": os.getloadavg(),
        "before": {k: {x: v[x] for x in ("median", "all", "in_memory")} for k, v in before.items()},
        "first_build_seconds": statistics.median(builds),
        "first_build_runs": builds,
        # CPU seconds (user + system) of each: the wall time over it says how busy the machine was
        "first_build_cpu_seconds": build_cpu,
        "first_build": built.stdout.strip(),
        "after": {k: {x: v[x] for x in ("median", "all", "in_memory")} for k, v in after.items()},
        "refresh": {
            "median": statistics.median(r["seconds"] for r in refreshes),
            "runs": refreshes,
        },
        "million_more": {
            "refresh": million_refresh,
            **{k: {x: v[x] for x in ("median", "all", "in_memory")} for k, v in million.items()},
        },
        "peak_rss_mb_this": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def table(figures: dict) -> str:
    lines = [
        "| command | before (in memory) | after (ledger) | with a million more records |",
        "|---|---:|---:|---:|",
    ]
    more = figures["million_more"]
    for name in COMMANDS:
        after = figures["after"][name]["median"]
        lines.append(
            f"| `{name}` | {figures['before'][name]['median']:.2f} s | {after:.2f} s | "
            f"{more[name]['median']:.2f} s ({more[name]['median'] - after:+.2f} s) |"
        )
    lines.append(
        f"| first build (`replicost reprice`, median of {len(figures['first_build_runs'])}) | | "
        f"{figures['first_build_seconds']:.1f} s "
        f"({statistics.median(figures['first_build_cpu_seconds']):.1f} CPU s) |"
    )
    refresh = figures["refresh"]
    lines.append(
        f"| refresh after a day of new records ({refresh['runs'][0]['priced']:,} priced) | | "
        f"{refresh['median']:.2f} s (peak RSS {max(r['peak_rss_mb'] for r in refresh['runs']):.0f} MB) |"
    )
    rebuilt = figures["rebuild_in_sync_memory"]
    lines.append(
        f"| rebuild as a first sync does it (128 MB pool) | | {rebuilt['seconds']:.1f} s "
        f"(peak RSS {rebuilt['peak_rss_mb']:.0f} MB) |"
    )
    lines.append(
        f"| refresh pricing the million more | | {more['refresh']['seconds']:.1f} s "
        f"(peak RSS {more['refresh']['peak_rss_mb']:.0f} MB) |"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
