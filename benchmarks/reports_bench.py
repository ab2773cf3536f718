"""Benchmark: spend by model and by day over N predictions (default 10,000,000).

Builds a replicost database with N synthetic predictions (200 models: most mapped to hardware by a
pricing file, some official per-image models, some through deployments, 2% unpriced) spread over
a year, then times, best of `--repeat` (median in brackets), wall seconds:

1. `reports.spend(db, by=[...])` end to end: open read-only, install the cost views, price every
   record in SQL and aggregate (what `replicost report spend` does);
2. the same on a connection kept open (cost views installed once, as a notebook does);
3. the same query in pandas and in polars: the records in memory (fetched from DuckDB once,
   untimed), the price of each (key, time segment) from replicost's resolution table (the catalog
   decisions, untimed), then timed: the lookup (merge on deployment or model, keep the segment
   holding `created_at`), each record's cost in integer micro-dollars with the same rounding, and
   the group-by (count, seconds, cost, unpriced count: not the unpriced reasons and lower-bound
   flags replicost also reports). Their totals are checked against replicost's to the micro-dollar;
4. a group-by alone over already priced rows (cost as float), in DuckDB, pandas and polars;
5. `replicost report insights` end to end (open, cost views, the insights' facts, every finder,
   ranking): once pricing every record in memory, once reading the stored ledger.

A second table gives the CPU seconds of each line (all threads of the process): on a shared
machine wall time swings with the other jobs, CPU time much less.

Run: `.venv-bench/bin/python benchmarks/reports_bench.py [--rows N] [--repeat 3] [--db PATH]
[--only spend|insights]`
(pandas and pyarrow live in the bench venv only: `pip install -e '.[bench]'`). `--db` reuses a
database built earlier (or builds it there).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from replicost.analytics import insights, reports
from replicost.billing import costs, pricing
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

# What the engines get from DuckDB once, untimed: the records and the resolution table.
RECORDS = """
SELECT model, deployment, status, epoch_us(created_at) AS created_us, predict_time,
       image_count, input_token_count, output_token_count
FROM predictions
"""
RESOLUTION = """
SELECT name, through_deployment, epoch_us(greatest(seg_from, '1970-01-01'::TIMESTAMPTZ)) AS seg_from_us,
       CASE WHEN seg_to = 'infinity'::TIMESTAMPTZ THEN 9223372036854775807
            ELSE epoch_us(seg_to) END AS seg_to_us,
       coalesce(per_second AND second_nano IS NOT NULL, FALSE) AS per_second,
       coalesce(second_nano, 0) AS second_nano,
       has_unit_prices AND unit_complete AS has_unit_prices,
       -- the bench's official models bill images or tokens at whole nano-dollars
       CAST(image_pico // 1000 AS BIGINT) AS image_nano,
       CAST(input_token_pico // 1000 AS BIGINT) AS input_token_nano,
       CAST(output_token_pico // 1000 AS BIGINT) AS output_token_nano
FROM replicost_resolution
WHERE version IS NULL AND versioned IS NULL AND variant = 0
  AND seg_to > '1970-01-01'::TIMESTAMPTZ
"""
IN_FLIGHT = list(costs.IN_FLIGHT_STATUSES)
NO_OUTPUT = list(costs.NO_OUTPUT_STATUSES)
DAY_US = 86_400_000_000


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


def best(fn, repeat: int) -> tuple[float, float, float]:
    """(best wall, median wall, best CPU) seconds over `repeat` calls."""
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return min(walls), statistics.median(walls), min(cpus)


def pandas_spend(records, resolution, dim: str):
    """Price every record and group by `dim`, the rules of the cost views for this data."""
    import numpy as np

    in_flight = records["status"].isin(IN_FLIGHT)
    lookup = records.assign(
        name=records["deployment"].fillna(records["model"]).where(~in_flight),
        through_deployment=records["deployment"].notna(),
    ).merge(resolution, how="left", on=["name", "through_deployment"])
    in_segment = (lookup["created_us"] >= lookup["seg_from_us"]) & (
        lookup["created_us"] < lookup["seg_to_us"]
    )
    priced = lookup[in_segment | lookup["seg_from_us"].isna()]
    has_unit = priced["has_unit_prices"].fillna(False).astype(bool)
    per_unit = has_unit & (
        priced["status"].isin(NO_OUTPUT)
        | (priced["image_nano"].notna() & priced["image_count"].notna())
        | (priced["input_token_nano"].notna() & priced["input_token_count"].notna())
        | (priced["output_token_nano"].notna() & priced["output_token_count"].notna())
    )
    per_second = ~per_unit & priced["per_second"].fillna(False).astype(bool)
    seconds_micro = (priced["predict_time"].fillna(0) * 1_000_000).round().astype("int64")
    second_cost = (
        seconds_micro * priced["second_nano"].fillna(0).astype("int64") + 500_000_000
    ) // 1_000_000_000

    def units(count: str, nano: str):
        return priced[count].fillna(0).astype("int64") * priced[nano].fillna(0).astype("int64")

    unit_cost = (
        units("image_count", "image_nano")
        + units("input_token_count", "input_token_nano")
        + units("output_token_count", "output_token_nano")
        + 500
    ) // 1000
    cost = np.where(per_unit, unit_cost, np.where(per_second, second_cost, 0))
    key = priced["model"] if dim == "model" else priced["created_us"] // DAY_US
    frame = priced.assign(key=key, cost_micro=cost, unpriced=~(per_unit | per_second))
    return frame.groupby("key", dropna=False).agg(
        count=("cost_micro", "size"),
        cost_micro=("cost_micro", "sum"),
        unpriced=("unpriced", "sum"),
        predict_seconds=("predict_time", "sum"),
    )


def polars_spend(records, resolution, dim: str):
    """The same query as `pandas_spend`, in polars."""
    import polars as pl

    col = pl.col
    in_flight = col("status").is_in(IN_FLIGHT)
    lookup = (
        records.with_columns(
            name=pl.when(~in_flight).then(pl.coalesce("deployment", "model")),
            through_deployment=col("deployment").is_not_null(),
        )
        .join(resolution, on=["name", "through_deployment"], how="left")
        .filter(
            col("seg_from_us").is_null()
            | ((col("created_us") >= col("seg_from_us")) & (col("created_us") < col("seg_to_us")))
        )
    )
    per_unit = col("has_unit_prices").fill_null(False) & (
        col("status").is_in(NO_OUTPUT)
        | (col("image_nano").is_not_null() & col("image_count").is_not_null())
        | (col("input_token_nano").is_not_null() & col("input_token_count").is_not_null())
        | (col("output_token_nano").is_not_null() & col("output_token_count").is_not_null())
    )
    seconds_micro = (col("predict_time").fill_null(0) * 1_000_000).round().cast(pl.Int64)
    second_cost = (seconds_micro * col("second_nano").fill_null(0) + 500_000_000) // 1_000_000_000
    unit_cost = (
        col("image_count").fill_null(0) * col("image_nano").fill_null(0)
        + col("input_token_count").fill_null(0) * col("input_token_nano").fill_null(0)
        + col("output_token_count").fill_null(0) * col("output_token_nano").fill_null(0)
        + 500
    ) // 1000
    key = col("model") if dim == "model" else col("created_us") // DAY_US
    return (
        lookup.with_columns(per_unit=per_unit)
        .with_columns(per_second=~col("per_unit") & col("per_second").fill_null(False))
        .with_columns(
            key=key,
            cost_micro=pl.when(col("per_unit"))
            .then(unit_cost)
            .when(col("per_second"))
            .then(second_cost)
            .otherwise(0),
            unpriced=~(col("per_unit") | col("per_second")),
        )
        .group_by("key")
        .agg(
            count=pl.len(),
            cost_micro=col("cost_micro").sum(),
            unpriced=col("unpriced").sum(),
            predict_seconds=col("predict_time").sum(),
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", type=Path, help="reuse or create this database file")
    parser.add_argument(
        "--only", choices=("spend", "insights"), help="time only these rows (default: all)"
    )
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="replicost-bench-"))
    os.environ["REPLICOST_HOME"] = str(work / "home")  # the insights' cache: this run's own
    db = args.db or work / "bench.duckdb"
    if not db.exists():
        start = time.perf_counter()
        build(db, args.rows)
        print(f"built {args.rows:,} predictions in {time.perf_counter() - start:.1f} s -> {db}")
    prices = pricing_file(work)
    results: list[tuple[str, str, float, float, float]] = []
    if args.only != "insights":
        spend_rows(db, prices, args, results)
    if args.only != "spend":
        results += insights_rows(db, prices, args.repeat)
    print_results(args, results)
    return 0


def insights_rows(
    db: Path, prices: Path, repeat: int
) -> list[tuple[str, str, float, float, float]]:
    """`replicost report insights` over the whole database, end to end (what the command does):
    pricing every record in memory (no ledger stored for these prices), then reading the ledger
    (`replicost reprice` stores it: benchmarks/ledger_bench.py times that)."""
    from replicost.billing import ledger

    scanned = insights.insights(db, pricing_file=prices)  # warm the OS cache
    assert scanned.found > 0, "the bench database should give insights"
    rows = [
        (
            "replicost report insights, in memory (prices every record)",
            "all",
            *best(lambda: insights.insights(db, pricing_file=prices), repeat),
        )
    ]
    ledger.store(db, pricing_file=prices, full=True)
    assert insights.insights(db, pricing_file=prices) == scanned, "the ledger's insights differ"
    rows.append(
        (
            "replicost report insights, from the ledger",
            "all",
            *best(lambda: insights.insights(db, pricing_file=prices), repeat),
        )
    )
    return rows


def spend_rows(db: Path, prices: Path, args, results: list) -> None:
    """Spend by model and by day in replicost, pandas and polars, and the group-by alone."""
    expected: dict[str, reports.Totals] = {}

    for dim in ("model", "day"):
        report = reports.spend(db, [dim], pricing_file=prices)  # warm the OS cache
        assert report.totals.count == args.rows, report.totals
        expected[dim] = report.totals
        results.append(
            (
                "replicost report (price + aggregate)",
                dim,
                *best(lambda d=dim: reports.spend(db, [d], pricing_file=prices), args.repeat),
            )
        )

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

    con = open_readonly(db)
    costs.install(con, pricing.load_catalog(pricing_file=prices))
    try:
        import pandas as pd
        import polars as pl
    except ImportError as exc:  # pragma: no cover
        print(f"skipping pandas/polars: {exc}", file=sys.stderr)
        pd = pl = None
    if pd is not None:
        records = con.execute(RECORDS).df()
        resolution = con.execute(RESOLUTION).df()
        engines = {
            "pandas (same query: price + aggregate)": (pandas_spend, records, resolution),
            "polars (same query: price + aggregate)": (
                polars_spend,
                pl.from_pandas(records),
                pl.from_pandas(resolution),
            ),
        }
        for name, (spend, frame, table) in engines.items():
            for dim in ("model", "day"):
                out = spend(frame, table, dim)
                total = out["cost_micro"].sum()
                unpriced = out["unpriced"].sum()
                # the same money as replicost, to the micro-dollar, and the same unpriced count
                assert Decimal(int(total)).scaleb(-6) == expected[dim].cost_usd, (name, total)
                assert int(unpriced) == expected[dim].unpriced_count, (name, unpriced)
                results.append(
                    (
                        name,
                        dim,
                        *best(lambda s=spend, f=frame, t=table, d=dim: s(f, t, d), args.repeat),
                    )
                )
        del records, engines

    # The group-by alone over already priced rows, in each engine.
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
    if pd is not None:
        pdf = con.execute(
            "SELECT model, timezone('UTC', created_at) AS created_at, CAST(cost_usd AS DOUBLE) AS cost_usd FROM priced"
        ).df()
        results.append(
            (
                "pandas groupby (priced rows, float cost)",
                "model",
                *best(lambda: pdf.groupby("model")["cost_usd"].sum(), args.repeat),
            )
        )
        results.append(
            (
                "pandas groupby (priced rows, float cost)",
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
                "polars group_by (priced rows, float cost)",
                "model",
                *best(lambda: plf.group_by("model").agg(pl.col("cost_usd").sum()), args.repeat),
            )
        )
        results.append(
            (
                "polars group_by (priced rows, float cost)",
                "day",
                *best(
                    lambda: plf.group_by(pl.col("created_at").dt.date()).agg(
                        pl.col("cost_usd").sum()
                    ),
                    args.repeat,
                ),
            )
        )
    con.close()


def print_results(args, results: list) -> None:
    # benchmarks/run.py parses the first table: "  <name>  by <dim>  <best>  (<median>)"
    print(f"\n{args.rows:,} predictions, best of {args.repeat} (median in brackets), seconds")
    for name, dim, low, mid, _ in results:
        print(f"  {name:<45} by {dim:<6} {low:7.3f}  ({mid:.3f})")
    print(f"\nCPU seconds, best of {args.repeat} (all threads of the process)")
    for name, dim, _, _, cpu in results:
        print(f"  {name:<45} by {dim:<6} cpu {cpu:.3f}")


if __name__ == "__main__":
    sys.exit(main())
