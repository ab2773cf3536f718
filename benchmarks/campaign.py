"""Reliability campaign: sync, reports, parsers and codegen under faults, with the figures in a table.

    python benchmarks/campaign.py --kills 25          # a few minutes; writes docs/RELIABILITY.md

The cases live in tests/reliability/ (one module per concern); each is a function that runs one
scenario `runs` times and returns a `CaseResult`: what was tried, how many times, how many records
were lost or duplicated, and every failure it saw (a failure is a sentence, so a red test or a FAIL
row says what went wrong). The fast part of the suite (`tests/test_reliability_*.py`) calls the
same functions with small counts; this script runs them with large ones and writes the table.

Ground truth is never replicost's own output: record sets and fields come from an uninterrupted
sync of the same simulated account (crash case) or from the simulator's `ground_truth()` (network
and churn cases), and every comparison covers every column a sync stores except the moments it
stored them at (`synced_at` and friends).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The cases are test code (tests/reliability/); this script is their runner outside pytest.
sys.path.insert(0, str(ROOT / "tests"))

from reliability.common import CaseResult, home  # noqa: E402
from reliability.concurrency import churn, concurrent_use  # noqa: E402
from reliability.crash import crash_anywhere  # noqa: E402
from reliability.disk import disk_trouble  # noqa: E402
from reliability.files import bad_database_files, bad_settings_files  # noqa: E402
from reliability.hostile_inputs import hostile_inputs  # noqa: E402
from reliability.leaks import secrets  # noqa: E402
from reliability.lying import lying_server  # noqa: E402
from reliability.network import hostile_network, storm_stops_cleanly  # noqa: E402
from reliability.parsers import bad_pages, codegen_specs  # noqa: E402


def offline_steps(
    workdir: Path, *, examples: int, codegen_examples: int
) -> list[tuple[str, Callable[[], CaseResult]]]:
    return [
        ("database files", lambda: bad_database_files(workdir=workdir / "dbfiles")),
        (
            "settings files",
            lambda: bad_settings_files(workdir=workdir / "settings", examples=examples),
        ),
        ("pages", lambda: bad_pages(workdir=workdir / "pages", examples=examples)),
        ("codegen", lambda: codegen_specs(workdir=workdir / "codegen", examples=codegen_examples)),
        ("secrets", lambda: secrets(workdir=workdir / "secrets")),
        ("disk", lambda: disk_trouble(workdir=workdir / "disk")),
    ]


# ----- the table ------------------------------------------------------------------------------
FINDINGS = """## What the campaign found

Fixed (each with a regression test in `tests/test_reliability_files.py`):
- A damaged block in the middle of the database file made reports and syncs end with `error: unexpected
  Error: Corrupt database file...` (exit 1); now `the database file is damaged (...)`, exit 2. A file cut
  short said `IO Error: Could not read enough bytes`; now it says the file is truncated.
- A disk filling up mid-sync ended with `error: unexpected TransactionException: cannot rollback - no
  transaction is active` (the failed ROLLBACK hid the ENOSPC); now `no space left on the device holding the
  database` (exit 2). Nothing was ever half-written: the file holds the pages committed before, and a rerun
  with room ends with exactly the simulator's truth.
- A sync on another program's DuckDB file (tables, no `schema_migrations`) added replicost's tables to it and
  failed half-way on a table of the same name; now refused before anything is written.
- Pricing/config keys holding control characters (`"gpu\\u001b[31m"`) reached the terminal raw (multi-line
  errors, terminal escapes); `"acme/x\\n"` passed as a model reference (`$` matches before a final newline);
  TOML nested 5,000 deep crashed with `RecursionError`. All are one-line errors with exit 2 now.
- Click usage errors (a folder given as `--db`, an unknown flag) printed three lines; now one.
- `replicost codegen` on a spec with a dangling `$ref` or a node of the wrong type crashed with
  `PointerToNowhere`/`AttributeError` (exit 1); now a one-line input error, output folder untouched.

Fixed for issue #23 (tests in `tests/test_hostile_text.py`, `test_hostile_deployments.py`,
`test_hostile_reads.py`, `test_hostile_records.py`; the campaign's case `tests/reliability/hostile_inputs.py`):
- Deployment releases were priced unchecked: `min_instances` 2147483647 gave a $12.16 trillion
  estimate, 10^12 made every later sync fail (INTEGER overflow), `gpu-l40s-1000000x` priced one
  deployment at $7 million and `gpu-l40s-100000000000000000000000x` made spend, insights and budget fail
  for good. A release with an instance count outside 0..1,000 (the pricing file's own bound) or a GPU
  multiple Replicate does not sell (only 1x, 2x, 4x, 8x) is now stored with a `quarantine_reason`
  (releases stored before are checked by migration m004), never priced, counted by the sync line and
  `report spend`; the next sane release prices from its own date. Reports exit 0; `budget check`
  answers 1 (could cross): while the quarantined releases were in effect the floor is unknown.
- Text from the server was markup or code: `[/INST]` in an error made `report insights` fail, `[link=...]`
  became a real link, a model named with `[/]` broke `report spend`, escape sequences reached the terminal,
  an SVG label made the chart invalid XML, `acme/<!--<script>` swallowed the HTML report's data and sort
  script, CSV cells were formulas, Markdown passed images and links. One escaping function per output
  kind (`replicost/escape.py`) is now applied where text leaves (checked in Chromium for the HTML report).
  CSV neutralises text cells only: a money figure such as `-1.500000` is a number, not text.
- A gzip page of 1 MB unpacking to 1 GiB took a sync to 4.4 GB and no end; pages padded to 100 MB took
  it to 3.2 GB. Each response is now capped while it is read, decompressed by replicost in 1 MiB pieces
  (32 MiB by default, `sync --max-response-mb`): one line naming the URL and the cap, exit 1, never
  retried, the pages before it kept. Peak memory of such a sync: 161-165 MiB (bomb) and 163-164 MiB
  (100 MB page) against 140-142 MiB for the same sync of a sane account; a 30 MiB page (under the cap)
  is taken, at 187-220 MiB.
- One record that was not UTF-8 made its page fail on every run; it is now stored quarantined (`not
  UTF-8: <field>`, its bytes as served kept base64 in `raw`), and its page and the later ones sync.
- `processing` served for a record stored as `succeeded` overwrote it and moved its cost to unpriced; such
  answers are now ignored and counted (`SyncSummary.reverts_ignored`, the sync line).

Fixed since (by the owners of the code, each with a test):
- A page whose record has an `id` that is not a string (null, a number, a list) passed the page check and
  failed in the writer (exit 1); `read_page` now refuses it as a malformed page
  (`test_a_record_whose_id_is_not_a_string_makes_a_malformed_page`).
- A sync that stops (storm, network) printed the error line only; the line now says how many requests and
  retries it made and that a rerun resumes.

Fixed for issue #13 (an independent campaign's findings; tests in `tests/test_reliability_hostile.py`):
- A body dripping a byte a second held a sync forever (httpx's read timeout restarts on every byte); now
  every response has a whole-response deadline (`--request-deadline`, 60 s) and the sync an overall one
  (`--deadline`, 4 h), both enforced while the body is read; a stalled response is retried like a timeout.
- A `next` cursor pointing at its own page paged forever; a repeated cursor, a repeated page, a page
  wholly newer than the one before or more than 10^6 pages now stop the list with one line naming the URL.
- One record created `9999-12-31` became the high-water mark and blinded every later incremental sync; a
  `predict_time` of 1e308 made every report fail with `ConversionException`, a negative one was priced
  negative. Records with impossible values are now stored but quarantined (`quarantine_reason`), never
  move a high-water mark, and are unpriced with their reason; the cost views do not sum their numbers.
- `Retry-After: soon` crashed the sync with `ValueError`; junk now falls back to backoff.
- `budget check --monthly nan|inf|1e400` and a token with a trailing newline or an inner control character
  now end with exit 2 and one line; a sync refused before its first committed page (401, nothing
  listening) leaves no database file; a right-to-left override in a pricing key is printed escaped.
- The kill -9 resume test and the concurrent-use case now wait on observed progress (pages served by
  the simulator; a sync held by the simulator until the others ran), not on wall-clock delays that a
  loaded machine stretched past the sync.

Open:
- Under the 32 MiB cap, a page is parsed whole before it is checked: 1.7 million tiny records in 30 MiB
  cost about 300 MiB to parse (orjson, measured alone); there is no cap on records per page yet.
- After the error line of a disk-full sync, DuckDB's bindings print dozens of nanobind "leaked instance"
  lines at exit (something on the writer's failure path keeps DuckDB objects alive).
- A sync on a file damaged mid-way writes its `sync_log` row before DuckDB reads the damaged block and
  refuses: the already-damaged file changes (reports never change it).
"""


def markdown(results: list[CaseResult], seconds: float, command: str) -> str:
    lines = [
        "# Reliability campaign",
        "",
        f"Generated by `{command}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC in {seconds:.0f} s "
        f"(this 2-core machine, simulator over loopback). The cases live in `tests/reliability/`; "
        "their fast part runs in CI (`tests/test_reliability_*.py`). "
        "Goal for every row: 0 lost, 0 duplicated, no failure.",
        "",
        "| case | what was tried | times | lost | duplicated | result |",
        "|---|---|---:|---:|---:|---|",
    ]
    for r in results:
        verdict = "pass" if r.ok else f"FAIL: {'; '.join(r.failures)[:400]}"
        if r.deviations:
            verdict += f" (known: {'; '.join(r.deviations)})"
        lines.append(f"| {r.case} | {r.tried} | {r.runs} | {r.lost} | {r.duplicated} | {verdict} |")
    lines += ["", FINDINGS, "## Details", ""]
    for r in results:
        if r.notes or r.failures:
            lines.append(f"**{r.case}**")
            lines.append("")
            lines += [f"- {note}" for note in r.notes]
            lines += [f"- failure: {text}" for text in r.failures]
            lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=25, help="kill -9 moments in the crash case")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of the other sync cases")
    parser.add_argument(
        "--examples", type=int, default=300, help="hypothesis examples per fuzzed parser"
    )
    parser.add_argument(
        "--codegen-examples", type=int, default=12, help="fuzzed specs run through codegen"
    )
    parser.add_argument("--seed", type=int, default=None, help="seed of the kill moments")
    parser.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "_work" / "campaign")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "RELIABILITY.md")
    parser.add_argument(
        "--cases", default=None, help="comma-separated steps to run (default: all), e.g. lying"
    )
    args = parser.parse_args(argv)
    import shutil

    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    started = time.monotonic()
    results = []
    steps: list[tuple[str, Callable[[], CaseResult]]] = [
        (
            "crash",
            lambda: crash_anywhere(args.kills, seed=args.seed, workdir=args.workdir / "crash"),
        ),
        ("network", lambda: hostile_network(args.runs, workdir=args.workdir / "network")),
        ("storm", lambda: storm_stops_cleanly(args.runs * 2, workdir=args.workdir / "storm")),
        ("churn", lambda: churn(args.runs, workdir=args.workdir / "churn")),
        ("concurrent", lambda: concurrent_use(args.runs, workdir=args.workdir / "concurrent")),
        ("lying", lambda: lying_server(args.runs, workdir=args.workdir / "lying")),
        ("inputs", lambda: hostile_inputs(args.runs, workdir=args.workdir / "inputs")),
        *offline_steps(
            args.workdir, examples=args.examples, codegen_examples=args.codegen_examples
        ),
    ]
    if args.cases:
        wanted = set(args.cases.split(","))
        steps = [(name, step) for name, step in steps if name in wanted]
    with home(args.workdir):
        for name, step in steps:
            begun = time.monotonic()
            outcome = step()
            print(
                f"{name}: {outcome.runs} runs, {outcome.lost} lost, {outcome.duplicated} duplicated, "
                f"{'pass' if outcome.ok else 'FAIL ' + '; '.join(outcome.failures)[:500]} "
                f"({time.monotonic() - begun:.0f}s)",
                flush=True,
            )
            results.append(outcome)
    command = "python benchmarks/campaign.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    args.output.write_text(markdown(results, time.monotonic() - started, command.strip()))
    print(f"wrote {args.output}")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
