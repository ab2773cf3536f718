"""Run every benchmark scenario side by side with the peers and write benchmarks/RESULTS.md.

    .venv-bench/bin/python benchmarks/run.py            # everything (about 25 minutes on 2 cores)
    .venv-bench/bin/python benchmarks/run.py --quick    # small sizes, a few minutes
    .venv-bench/bin/python benchmarks/run.py --scenarios 1,3 --runs 5

Scenarios (each performance target is checked and listed in RESULTS.md as met or not):
1. full sync of 100,000 predictions at zero latency: rows/s into DuckDB and peak RSS, replicost
   against the official client, dlt, a hand-written httpx loop and DuckDB's own JSON ingest;
2. the same at 150 ms per page with a 3000/min rate limit: rows/s against the 5,000 rows/s ceiling;
3. a no-change incremental sync of a 1,000,000-prediction database: seconds and requests;
4. `replicost codegen` from Replicate's spec, first run and a second run with no change;
5. spend by model and by day over 1,000,000 and 10,000,000 predictions (benchmarks/reports_bench.py:
   replicost against pandas and polars);
6. peak RSS of a full sync at 100,000 and 1,000,000 predictions.

Every measurement is a fresh child process (see _common.py); runs of different loaders are
interleaved so that a noisy moment on the machine does not land on one loader only.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import big_account
from _common import BENCH_DIR, Spread, git_commit, machine, versions
from bench_base import (
    SPEC,
    Target,
    log,
)
from sync_scenarios import SyncScenarios


class Bench(SyncScenarios):
    # ----- scenario 4 -------------------------------------------------------------------------
    def scenario_4(self) -> None:
        log(f"scenario 4: codegen ({self.runs} runs)")
        first, second = [], []
        for run in range(self.runs):
            out = self.work / "s4-generated"
            shutil.rmtree(out, ignore_errors=True)
            for bucket in (first, second):
                command = [
                    sys.executable,
                    "-c",
                    "from replicost.cli.main import main; main()",
                    "codegen",
                    "--spec",
                    str(SPEC),
                    "--output",
                    str(out),
                ]
                started = time.perf_counter()
                done = subprocess.run(command, capture_output=True, text=True)
                seconds = time.perf_counter() - started
                bucket.append(
                    {
                        "ok": done.returncode == 0,
                        "seconds": seconds,
                        "error": (done.stderr.strip().splitlines() or [""])[-1],
                    }
                )
                log(
                    f"  codegen run {run + 1} ({'first' if bucket is first else 'second'}): {seconds:.2f}s"
                )
        shutil.rmtree(self.work / "s4-generated", ignore_errors=True)
        self.report.raw["s4"] = {"first": first, "second": second}
        lines = [
            "### 4. `replicost codegen --spec openapi.json --output DIR`",
            "",
            "Whole command (process start included), Replicate's spec of 2026-03-16.",
            "",
            "| run | seconds |",
            "|---|---|",
        ]
        for name, runs in (("first (empty output folder)", first), ("second (no change)", second)):
            spread = self.spread(runs, "seconds")
            lines.append(f"| {name} | {spread.fmt(2) if spread else self.failure(runs)} |")
        self.report.sections[4] = "\n".join(lines) + "\n"

    # ----- scenario 5 -------------------------------------------------------------------------
    LINE = re.compile(
        r"^\s{2}(?P<name>\S.*?)\s+by (?P<dim>\w+)\s+(?P<best>[\d.]+)\s+\((?P<median>[\d.]+)\)\s*$"
    )

    def scenario_5(self) -> None:
        script = BENCH_DIR / "reports_bench.py"
        sections = [
            "### 5. Spend by model and by day",
            "",
            "Timed by `benchmarks/reports_bench.py` (the reports helper's benchmark), once per run "
            "over the same database; seconds, median (min–max). The replicost rows price every "
            "record and aggregate (what `replicost report spend` does); the engine rows group "
            "already priced rows in memory (pandas and polars get them from DuckDB once, untimed).",
            "",
        ]
        self.report.raw["s5"] = {}
        for n in self.sizes["s5"]:
            log(f"scenario 5: {n:,} predictions ({self.runs} runs)")
            db = self.db(f"s5-{n}")
            timings: dict[tuple[str, str], list[float]] = {}
            failed = ""
            for run in range(self.runs):
                done = subprocess.run(
                    [
                        sys.executable,
                        str(script),
                        "--rows",
                        str(n),
                        "--repeat",
                        "1",
                        "--db",
                        str(db),
                    ],
                    capture_output=True,
                    text=True,
                )
                if done.returncode != 0:
                    failed = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
                    log(f"  reports_bench failed: {failed}")
                    break
                for line in done.stdout.splitlines():
                    match = self.LINE.match(line)
                    if match:
                        timings.setdefault((match["name"], match["dim"]), []).append(
                            float(match["median"])
                        )
                log(
                    f"  run {run + 1}: "
                    + ", ".join(f"{k[0][:20]}/{k[1]} {v[-1]:.3f}" for k, v in timings.items())
                )
            self.clean(f"s5-{n}")
            self.report.raw["s5"][n] = {f"{k[0]} | {k[1]}": v for k, v in timings.items()}
            sections += [
                f"{n:,} predictions:",
                "",
                "| engine | by model (s) | by day (s) |",
                "|---|---|---|",
            ]
            if failed:
                sections += [f"| failed: {failed} | | |", ""]
                continue
            names = list(dict.fromkeys(name for name, _ in timings))
            for name in names:
                cells = [
                    Spread(timings[(name, dim)]).fmt(3) if (name, dim) in timings else "–"
                    for dim in ("model", "day")
                ]
                sections.append(f"| {name} | {cells[0]} | {cells[1]} |")
            sections.append("")
            ours = [
                (dim, Spread(timings[(k, dim)]))
                for k in names
                if k.startswith("replicost report (")
                for dim in ("model", "day")
                if (k, dim) in timings
            ]
            # the same query in pandas (price every record, then group) when the bench has it
            pandas_rows = sorted(
                (k for k in names if k.startswith("pandas")), key=lambda k: "same query" not in k
            )
            pandas = {
                dim: (k, Spread(timings[(k, dim)]))
                for k in reversed(pandas_rows)
                for dim in ("model", "day")
                if (k, dim) in timings
            }
            if n == max(self.sizes["s5"]) and ours:
                for dim, spread in ours:
                    beside = (
                        f"; {pandas[dim][0]}: {pandas[dim][1].median:.3f} s"
                        if dim in pandas
                        else ""
                    )
                    self.report.targets.append(
                        Target(
                            f"spend by {dim} over {n:,} predictions: under 1 s",
                            f"{spread.median:.3f} s (replicost report, price + aggregate){beside}",
                            spread.median < 1.0,
                        )
                    )
        self.report.sections[5] = "\n".join(sections)

    # ----- output -----------------------------------------------------------------------------
    def write(self, started: float, scenarios: set[int]) -> Path:
        box, vers = machine(), versions()
        minutes = (time.perf_counter() - started) / 60
        lines = [
            "# Benchmark results",
            "",
            f"Written by `scripts/bench{' --quick' if self.args.quick else ''}` "
            f"(`benchmarks/run.py`) on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC in {minutes:.0f} minutes; "
            f"scenarios {', '.join(map(str, sorted(scenarios)))}; {self.runs} runs each. "
            "See benchmarks/README.md for how each loader is run.",
            "",
            f"- Machine: {box['cpu']}, {box['cores']} cores, {box['ram']} RAM, {box['os']}; "
            f"load average at the end {box['load']} (other work shared the machine: figures are noisy)",
            "- Versions: "
            + ", ".join(f"{k} {v}" for k, v in vers.items())
            + f"; replicost tree at {self.commit_at_start}"
            + (
                ""
                if git_commit() == self.commit_at_start
                else f" at the start, {git_commit()} at the end (the code changed during the run)"
            ),
            "- Simulator: replicost's simulated Replicate API in its own process (seed 7, history ending "
            "2026-11-01, frozen clock, every record rendered before the clock starts), on loopback.",
            "",
        ]
        if self.report.targets:
            lines += [
                "## Targets",
                "",
                "| target | measured | met |",
                "|---|---|---|",
            ]
            for t in self.report.targets:
                met = "–" if t.met is None else ("**yes**" if t.met else "**no**")
                lines.append(
                    f"| {t.text} | {t.measured}{f' ({t.note})' if t.note else ''} | {met} |"
                )
            lines.append("")
        lines += ["## Scenarios", ""] + [
            self.report.sections[k] for k in sorted(self.report.sections)
        ]
        lines += [
            "## What a peer cannot do",
            "",
            "- The official `replicate` 1.0.7 client: its `Prediction` model has no `source`, "
            "`deployment`, `data_removed` or `deadline`, so spend by source or deployment cannot be "
            "reported from what it returns; its `status` Literal rejects `aborted` (see scenario 1). "
            "It has no time filters in `predictions.list`, so no incremental sync (scenario 3) short of "
            "paging until a known id, and no parallel windows (scenario 2).",
            "- dlt's `rest_api` source stores what it gets: `source` and `deployment` survive as "
            "columns, nested `input`/`output`/`metrics` become flattened columns and child tables "
            "whose shape follows the data; no prices, no hardware. Incremental loading needs a cursor "
            "field configured by hand; the documented merge shown here re-reads everything.",
            "- The hand-written httpx loop and the DuckDB ceiling re-read everything too; neither "
            "resumes after a failure.",
            "- Scenarios 3 to 6 are replicost's alone (codegen, reports and memory over history size "
            "have no counterpart in the peers); scenario 5 compares engines over the same rows.",
            "",
        ]
        output = self.args.output
        text = "\n".join(lines)
        old = output.read_text() if output.exists() else ""
        if big_account.MARK_START in old:  # scripts/bench --big-account's section stays
            start = old.index(big_account.MARK_START)
            end = old.index(big_account.MARK_END) + len(big_account.MARK_END)
            text = big_account.keep_block(text, old[start:end])
        output.write_text(text)
        raw = output.with_suffix(".json")
        kept = json.loads(raw.read_text()).get("big_account") if raw.exists() else None
        raw.write_text(
            json.dumps(
                {
                    "machine": box,
                    "versions": vers,
                    "sizes": self.sizes,
                    "runs": self.runs,
                    "results": self.report.raw,
                    **({"big_account": kept} if kept else {}),
                },
                indent=1,
                default=str,
            )
        )
        return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="small sizes: a smoke run of a few minutes"
    )
    parser.add_argument("--scenarios", default="1,2,3,4,5,6", help="comma-separated subset of 1-6")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (default 3)")
    parser.add_argument(
        "--output",
        type=Path,
        help="results file (default benchmarks/RESULTS.md; "
        "--quick: benchmarks/_work/RESULTS-quick.md)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=BENCH_DIR / "_work",
        help="scratch folder for databases (default benchmarks/_work, git-ignored)",
    )
    args = parser.parse_args(argv)
    try:
        scenarios = {int(part) for part in args.scenarios.split(",") if part.strip()}
    except ValueError:
        parser.error("--scenarios takes numbers 1-6, e.g. 1,3")
    if not scenarios or not scenarios <= {1, 2, 3, 4, 5, 6}:
        parser.error("--scenarios takes numbers 1-6, e.g. 1,3")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.output is None:
        args.output = args.workdir / "RESULTS-quick.md" if args.quick else BENCH_DIR / "RESULTS.md"

    log(
        f"benchmarks: scenarios {sorted(scenarios)}, {args.runs} runs, "
        f"{'quick' if args.quick else 'full'} sizes; expect about "
        f"{'2' if args.quick else '25'} minutes for everything on 2 cores"
    )
    bench = Bench(args)
    started = time.perf_counter()
    steps = [
        ({1, 6}, bench.scenario_1),
        ({2}, bench.scenario_2),
        ({3, 6}, lambda: bench.scenario_3_and_6(3 in scenarios, 6 in scenarios)),
        ({4}, bench.scenario_4),
        ({5}, bench.scenario_5),
    ]
    for wanted, step in steps:
        if wanted & scenarios:
            step()
            output = bench.write(
                started, scenarios
            )  # after each step: a late failure keeps the rest
    log(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
