"""Benchmark `replicost sync` against the simulator over a real socket (simulator in its own process).

    .venv/bin/python benchmarks/sync_bench.py [--predictions 20000] [--latency-ms 0] [--rate-limit RPM]
        [--budget RPM|default|none] [--concurrency 12] [--history 1000000] [--skip-fetch]

Prints one line per measurement:
- fetch only: every list page fetched sequentially with httpx and discarded (what the server allows);
- full sync of the predictions into a fresh database: rows/s, seconds, requests, retries and the
  peak RSS of the syncing process (each sync runs in a child process of its own, so `ru_maxrss`
  is that sync's high-water mark, not the largest seen so far);
- a no-change incremental sync of the same database (all resources, as `replicost sync` runs),
  after padding it to `--history` predictions if asked (older rows of the same shape).
The simulator serves from a separate process with every record rendered before the clock starts
(its cache holds the whole history), so the sync is measured, not the record generation.
With `--latency-ms 150 --rate-limit 3000` the rate is also given as a share of the ceiling
(the limit's requests/min x 100 records a page). The peers (official client, dlt) are compared in
the same run by benchmarks/run.py.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

TOKEN = "r8_benchmark_token_0123456789"
END = datetime(2026, 11, 1, tzinfo=UTC)


def serve_forever(
    predictions: int, latency_ms: float, rate_limit: float | None, cold: bool = False
) -> None:
    """Child process: serve a simulated account, every record rendered (unless `cold`: rendered
    on demand, as a 10M history must be), and print the base URL."""
    from replicost.simulator import SimulatedAccount, SimulatorApp, SimulatorServer

    account = SimulatedAccount(seed=7, predictions=predictions, trainings=200, end=END)
    app = SimulatorApp(
        account,
        token=TOKEN,
        latency_ms=latency_ms,
        rate_limit_rpm=rate_limit,
        **({} if cold else {"cache_records": predictions + 1000}),
    )
    server = SimulatorServer(app)
    if not cold:
        app.warm(base=server.origin)
    print(server.base_url, flush=True)
    server.serve_forever()


def child_sync(base_url: str, db: str, concurrency: int, budget: str, only: str) -> None:
    """Child process: one sync and the ledger's refresh after it (as `replicost sync`); print its
    figures and this process's peak RSS (the sync's alone, and the whole command's) as JSON."""
    from replicost.sync import sync_account

    options = (
        {}
        if budget == "default"
        else {"requests_per_minute": None if budget == "none" else float(budget)}
    )
    started = time.perf_counter()
    summary = sync_account(
        db,
        token=TOKEN,
        base_url=base_url,
        concurrency=concurrency,
        only=tuple(only.split(",")) if only else None,
        **options,
    )
    seconds = time.perf_counter() - started
    sync_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # then what `replicost sync` does after it commits: the ledger brought up to date
    from replicost.billing import ledger
    from replicost.cli.sync_cmd import LEDGER_MB

    started = time.perf_counter()
    stored = ledger.store(db, memory_mb=LEDGER_MB)
    print(
        json.dumps(
            {
                "ledger_seconds": time.perf_counter() - started,
                "ledger_rebuilt": stored.rebuilt,
                "sync_peak_rss_mb": sync_peak,
                "new": summary.new,
                "updated": summary.updated,
                "seconds": seconds,
                "requests": summary.requests,
                "retries": summary.retries,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def run_sync(base_url: str, db: Path, args: argparse.Namespace, only: str) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child-sync",
        base_url,
        str(db),
        "--concurrency",
        str(args.concurrency),
        "--budget",
        args.budget,
        "--only",
        only,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"sync failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def fetch_only(base_url: str) -> tuple[int, float]:
    rows, url = 0, f"{base_url}/predictions"
    started = time.perf_counter()
    with httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60) as http:
        while url:
            body = http.get(url).json()
            rows += len(body["results"])
            url = body["next"]
    return rows, time.perf_counter() - started


def pad(db: Path, rows: int) -> None:
    """Add `rows` finished predictions older than the simulated history (same account, same shape)."""
    from replicost.store import connect

    con = connect(db)
    con.execute(
        "INSERT INTO predictions SELECT 'pad' || i::VARCHAR, account, model, version, 'succeeded', source, "
        "deployment, created_at - INTERVAL 800 DAY - i * INTERVAL 1 SECOND, started_at, completed_at, predict_time, "
        "total_time, input_token_count, output_token_count, image_count, error, data_removed, raw, synced_at "
        "FROM (SELECT * FROM predictions WHERE status = 'succeeded' LIMIT 1) CROSS JOIN range(?) t(i)",
        [rows],
    )
    total = con.execute("SELECT count(*) FROM predictions").fetchone()[0]
    con.close()
    print(f"padded the database to {total:,} predictions")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--predictions", type=int, default=20000)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--rate-limit", type=float, default=None, help="simulator's requests/min")
    parser.add_argument(
        "--budget",
        default="none",
        help="replicost's requests/min: a number, 'default' (3,000, adaptive) or 'none'",
    )
    parser.add_argument("--concurrency", type=int, default=12)
    parser.add_argument(
        "--skip-fetch", action="store_true", help="skip the sequential fetch (slow with latency)"
    )
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        help="pad the database to this many predictions before the no-change incremental sync",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-sync", nargs=2, metavar=("URL", "DB"), help=argparse.SUPPRESS)
    parser.add_argument("--only", default="predictions", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_forever(args.predictions, args.latency_ms, args.rate_limit, args.cold)
        return
    if args.child_sync:
        child_sync(*args.child_sync, args.concurrency, args.budget, args.only)
        return

    command = [
        sys.executable,
        __file__,
        "--serve",
        "--predictions",
        str(args.predictions),
        "--latency-ms",
        str(args.latency_ms),
    ]
    if args.rate_limit:
        command += ["--rate-limit", str(args.rate_limit)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        base_url = server.stdout.readline().strip()
        if not args.skip_fetch:
            rows, seconds = fetch_only(base_url)
            print(f"fetch only (sequential, discarded): {rows / seconds:,.0f} rows/s")
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "bench.duckdb"
            result = run_sync(base_url, db, args, "predictions")
            rate = result["new"] / result["seconds"]
            ceiling = (
                f", {rate / (args.rate_limit / 60 * 100):.1%} of the ceiling"
                if args.rate_limit
                else ""
            )
            print(
                f"full sync, concurrency {args.concurrency}, budget {args.budget}: {result['new']:,} rows in "
                f"{result['seconds']:.2f}s = {rate:,.0f} rows/s{ceiling} ({result['requests']} requests, "
                f"{result['retries']} retries), peak RSS {result['peak_rss_mb']:.0f} MB"
            )
            run_sync(base_url, db, args, "")  # the other resources, once
            if args.history > result["new"]:
                pad(db, args.history - result["new"])
            result = run_sync(base_url, db, args, "")
            print(
                f"incremental sync (no new predictions): {result['seconds']:.2f}s, {result['requests']} requests, "
                f"{result['new']} new, {result['updated']} updated; db {os.path.getsize(db) / 1e6:.1f} MB"
            )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
