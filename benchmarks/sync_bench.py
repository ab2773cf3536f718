"""Benchmark `replicost sync` against the simulator over a real socket (simulator in its own process).

    .venv/bin/python benchmarks/sync_bench.py [--predictions 20000] [--latency-ms 0] [--rate-limit RPM]

Prints one line per measurement (rows/s into DuckDB, seconds, requests):
- fetch only: every list page fetched sequentially with httpx and discarded (what the server allows);
- full sync at concurrency 1 and N (a fresh database each time, records into DuckDB);
- a no-change incremental sync of the same database (seconds and requests).
The simulator serves from a separate process so that its record generation does not share the
GIL with the sync; it is warmed by one pass first (it caches what it has rendered).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

TOKEN = "r8_benchmark_token_0123456789"


def serve_forever(predictions: int, latency_ms: float, rate_limit: float | None) -> None:
    """Child process: serve a simulated account and print the base URL."""
    from replicost.simulator import SimulatedAccount, SimulatorApp, SimulatorServer

    account = SimulatedAccount(seed=7, predictions=predictions, trainings=200,
                               end=datetime(2026, 11, 1, tzinfo=UTC))
    app = SimulatorApp(account, token=TOKEN, latency_ms=latency_ms, rate_limit_rpm=rate_limit)
    server = SimulatorServer(app)
    print(server.base_url, flush=True)
    server.serve_forever()


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
        "FROM (SELECT * FROM predictions WHERE status = 'succeeded' LIMIT 1) CROSS JOIN range(?) t(i)", [rows])
    total = con.execute("SELECT count(*) FROM predictions").fetchone()[0]
    con.close()
    print(f"padded the database to {total:,} predictions")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--predictions", type=int, default=20000)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--rate-limit", type=float, default=None, help="simulator's requests/min")
    parser.add_argument("--budget", type=float, default=None, help="replicost's requests/min (default none)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--skip-sequential", action="store_true",
                        help="skip the sequential fetch and the concurrency-1 sync (slow with latency)")
    parser.add_argument("--history", type=int, default=0,
                        help="pad the database to this many predictions, then time a no-change incremental sync")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_forever(args.predictions, args.latency_ms, args.rate_limit)
        return

    from replicost.sync import sync_account

    command = [sys.executable, __file__, "--serve", "--predictions", str(args.predictions),
               "--latency-ms", str(args.latency_ms)]
    if args.rate_limit:
        command += ["--rate-limit", str(args.rate_limit)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        base_url = server.stdout.readline().strip()
        if not args.skip_sequential:
            rows, seconds = fetch_only(base_url)  # also warms the simulator's cache
            print(f"warm-up fetch only: {rows} rows in {seconds:.2f}s = {rows / seconds:,.0f} rows/s")
            rows, seconds = fetch_only(base_url)
            print(f"fetch only (sequential, discarded): {rows / seconds:,.0f} rows/s")
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            for concurrency in sorted({1, args.concurrency} - ({1} if args.skip_sequential else set())):
                db = Path(folder) / f"bench-{concurrency}.duckdb"
                started = time.perf_counter()
                summary = sync_account(db, token=TOKEN, base_url=base_url, concurrency=concurrency,
                                       requests_per_minute=args.budget, only=("predictions",))
                seconds = time.perf_counter() - started
                print(f"full sync, concurrency {concurrency}: {summary.new:,} rows in {seconds:.2f}s = "
                      f"{summary.new / seconds:,.0f} rows/s ({summary.requests} requests, "
                      f"{summary.retries} retries)")
            sync_account(db, token=TOKEN, base_url=base_url, concurrency=args.concurrency,
                         requests_per_minute=args.budget)  # the other resources, once
            if args.history > summary.new:
                pad(db, args.history - summary.new)
            started = time.perf_counter()
            summary = sync_account(db, token=TOKEN, base_url=base_url, concurrency=args.concurrency,
                                   requests_per_minute=args.budget)
            seconds = time.perf_counter() - started
            print(f"incremental sync (no new predictions): {seconds:.2f}s, {summary.requests} requests, "
                  f"{summary.new} new, {summary.updated} updated; db {os.path.getsize(db) / 1e6:.1f} MB")
        print(f"peak RSS of this process: {peak_rss_mb():.0f} MB")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
