"""Benchmark: spend by model and by day over N predictions (default 10,000,000).

Builds a replicost database with N synthetic predictions (200 models: most mapped to hardware by a
pricing file, some official per-image models, some through deployments, 2% unpriced) spread over
a year, then times:

1. `reports.spend(db, by=[...])` end to end: open read-only, install the cost views, price every
   record in SQL and aggregate (what `replicost report spend` does);
2. the same aggregation over already priced rows (a materialized `priced_records`), in DuckDB,
   pandas and polars, each on the same data in memory (pandas and polars get the rows from DuckDB
   once, untimed), so the engines are compared on the group-by alone.

Run: `.venv/bin/python benchmarks/reports_bench.py [--rows N] [--repeat 3]` (needs pandas and
pyarrow: `pip install -e '.[bench]'`). Prints a table of best-of-repeat seconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from replicost.analytics import reports
from replicost.store import connect, open_readonly

MODELS = 200
PRICING = """
[models]
{mapped}

[deployments]
"bench/chat" = "gpu-l40s"
"bench/images" = "gpu-a100-large"
"""
HARDWARE = ["gpu-t4", "gpu-a40-large", "gpu-l40s", "gpu-a100-large", "gpu-h100", "cpu"]


def build(path: Path, rows: int) -> Path:
    """Write `rows` predictions with SQL (set-based: a row-at-a-time insert would take hours)."""
    con = connect(path)
    con.execute(
        f"""
        INSERT INTO predictions (id, account, model, version, status, source, deployment, created_at,
                                 predict_time, image_count)
        SELECT 'p' || i,
               'bench',
               CASE WHEN i % 10 = 0 THEN 'black-forest-labs/flux-schnell'
                    WHEN i % 50 = 1 THEN 'bench/unmapped-' || (i % 7)
                    ELSE 'bench/model-' || (i % {MODELS}) END,
               'hidden',
               CASE WHEN i % 40 = 3 THEN 'failed' ELSE 'succeeded' END,
               CASE WHEN i % 9 = 0 THEN 'web' ELSE 'api' END,
               CASE WHEN i % 25 = 2 THEN 'bench/chat' WHEN i % 25 = 4 THEN 'bench/images' END,
               TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_microseconds(CAST(i * (31536000000000 // {rows}) AS BIGINT)),
               (i % 997) / 37.0,
               CASE WHEN i % 10 = 0 THEN 1 + i % 4 END
        FROM range({rows}) t(i)
        """
    )
    con.close()
    return path


def pricing_file(directory: Path) -> Path:
    mapped = "\n".join(
        f'"bench/model-{m}" = "{HARDWARE[m % len(HARDWARE)]}"' for m in range(MODELS)
    )
    path = directory / "bench-prices.toml"
    path.write_text(PRICING.format(mapped=mapped))
    return path


def best(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", type=Path, help="reuse or create this database file")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="replicost-bench-"))
    db = args.db or work / "bench.duckdb"
    if not db.exists():
        start = time.perf_counter()
        build(db, args.rows)
        print(f"built {args.rows:,} predictions in {time.perf_counter() - start:.1f} s -> {db}")
    prices = pricing_file(work)
    results: list[tuple[str, str, float, float]] = []

    for dim in ("model", "day"):
        report = reports.spend(db, [dim], pricing_file=prices)  # warm the OS cache
        assert report.totals.count == args.rows, report.totals
        results.append(
            (
                "replicost report (price + aggregate)",
                dim,
                *best(lambda d=dim: reports.spend(db, [d], pricing_file=prices), args.repeat),
            )
        )

    # The same report on a connection kept open (cost views installed once, as a notebook does).
    open_con = reports.open_priced(db, pricing_file=prices)
    for dim in ("model", "day"):
        results.append(
            (
                "replicost report, open connection",
                dim,
                *best(lambda d=dim: reports.spend(open_con, [d]), args.repeat),
            )
        )
    open_con.close()

    # The same group-by over already priced rows, in each engine.
    con = open_readonly(db)
    from replicost.analytics import costs, pricing

    costs.install(con, pricing.load_catalog(pricing_file=prices))
    con.execute(
        "CREATE TEMP TABLE priced AS SELECT model, created_at, cost_usd FROM priced_records"
    )
    queries = {
        "model": "SELECT model, sum(cost_usd) FROM priced GROUP BY model",
        "day": "SELECT CAST(timezone('UTC', created_at) AS DATE) AS day, sum(cost_usd) FROM priced GROUP BY day",
    }
    for dim, sql in queries.items():
        results.append(
            (
                "DuckDB group-by (priced rows)",
                dim,
                *best(lambda s=sql: con.execute(s).fetchall(), args.repeat),
            )
        )

    try:
        import pandas as pd
        import polars as pl
    except ImportError as exc:  # pragma: no cover
        print(f"skipping pandas/polars: {exc}", file=sys.stderr)
    else:
        frame = con.execute(
            "SELECT model, timezone('UTC', created_at) AS created_at, CAST(cost_usd AS DOUBLE) AS cost_usd FROM priced"
        ).df()
        pdf = pd.DataFrame(frame)
        results.append(
            (
                "pandas groupby (float cost)",
                "model",
                *best(lambda: pdf.groupby("model")["cost_usd"].sum(), args.repeat),
            )
        )
        results.append(
            (
                "pandas groupby (float cost)",
                "day",
                *best(
                    lambda: pdf.groupby(pdf["created_at"].dt.floor("D"))["cost_usd"].sum(),
                    args.repeat,
                ),
            )
        )
        plf = pl.from_pandas(pdf)
        results.append(
            (
                "polars group_by (float cost)",
                "model",
                *best(lambda: plf.group_by("model").agg(pl.col("cost_usd").sum()), args.repeat),
            )
        )
        results.append(
            (
                "polars group_by (float cost)",
                "day",
                *best(
                    lambda: plf.group_by(pl.col("created_at").dt.date()).agg(
                        pl.col("cost_usd").sum()
                    ),
                    args.repeat,
                ),
            )
        )

    print(f"\n{args.rows:,} predictions, best of {args.repeat} (median in brackets), seconds")
    for name, dim, low, mid in results:
        print(f"  {name:<40} by {dim:<6} {low:7.3f}  ({mid:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
