"""What every benchmark scenario shares: sizes, targets, the report, and measuring helpers.

benchmarks/run.py is the entry point; scenarios 1-3 and 6 (syncs) live in sync_scenarios.py, 4 and
5 (codegen, reports) in run.py.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from _common import Spread, git_commit, run_peer

SPEC = Path(__file__).resolve().parents[1] / "specs" / "replicate-openapi" / "openapi.json"
CEILING_RPM = 3000
CEILING_ROWS_PER_S = CEILING_RPM / 60 * 100  # 100 records a page

SIZES = {
    "full": {
        "s1": 100_000,
        "s2_replicost": 100_000,
        "s2_peers": 10_000,
        "s3": 1_000_000,
        "s5": (1_000_000, 10_000_000),
    },
    "quick": {
        "s1": 2_000,
        "s2_replicost": 3_000,
        "s2_peers": 1_000,
        "s3": 20_000,
        "s5": (100_000, 300_000),
    },
}
# How each loader is run in scenario 1 (peer name for peers.py, its extra arguments).
S1_LOADERS = [
    ("replicost", "replicost", ("--rpm", "none")),
    ("replicost sync (CLI defaults)", "replicost-cli", ()),
    ("official replicate.paginate → polars", "official", ("--widen-status",)),
    ("dlt rest_api (merge)", "dlt", ()),
    ("httpx loop → read_ndjson", "httpx", ()),
    ("DuckDB read_ndjson of the page bytes (ceiling)", "ceiling", ()),
    ("fetch only, sequential (server bound)", "fetch", ()),
]
KEEPS = {
    "replicost": "yes",
    "replicost-cli": "yes",
    "official": "**no**: model drops them",
    "dlt": "yes",
    "httpx": "yes",
    "ceiling": "yes",
    "fetch": "–",
}


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


@dataclass
class Target:
    """A performance target (RESULTS.md lists them), and what this run measured against it."""

    text: str
    measured: str
    met: bool | None  # None: could not be measured
    note: str = ""


@dataclass
class Report:
    sections: dict[int, str] = field(default_factory=dict)  # scenario number -> markdown
    targets: list[Target] = field(default_factory=list)
    raw: dict = field(default_factory=dict)


class BenchBase:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.sizes = SIZES["quick" if args.quick else "full"]
        self.runs = args.runs
        self.work = args.workdir
        self.report = Report()
        self.commit_at_start = git_commit()

    # ----- helpers -------------------------------------------------------------------------
    def db(self, name: str) -> Path:
        path = self.work / f"{name}.duckdb"
        for stale in self.work.glob(f"{name}*"):
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
        return path

    def clean(self, name: str) -> None:
        for stale in self.work.glob(f"{name}*"):
            shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(
                missing_ok=True
            )

    def measure(
        self,
        label: str,
        peer: str,
        base_url: str,
        name: str,
        *extra: str,
        keep: bool = False,
        db: Path | None = None,
    ) -> dict:
        path = db or self.db(name)
        result = run_peer(peer, base_url, path, *extra)
        shown = f"{result.get('rows', 0):,} rows" if result.get("ok") else result.get("error", "")
        log(
            f"  {label}: {result.get('seconds', 0):.2f}s, {shown}, peak {result.get('peak_rss_mb', 0):.0f} MB"
        )
        if not keep and db is None:
            self.clean(name)
        return result

    @staticmethod
    def rates(results: list[dict]) -> Spread | None:
        values = [r["rows"] / r["seconds"] for r in results if r.get("ok") and r.get("seconds")]
        return Spread(values) if values else None

    @staticmethod
    def spread(results: list[dict], key: str) -> Spread | None:
        values = [r[key] for r in results if r.get("ok") and r.get(key) is not None]
        return Spread(values) if values else None

    @staticmethod
    def partial(results: list[dict]) -> str:
        """' (2 of 3 runs; one failed: ...)' when some runs failed, else ''."""
        failed = [r for r in results if not r.get("ok")]
        if not failed or len(failed) == len(results):
            return ""
        return (
            f" ({len(results) - len(failed)} of {len(results)} runs; "
            f"failed: {failed[0].get('error', '').strip()[:120]})"
        )

    @staticmethod
    def failure(results: list[dict]) -> str:
        errors = [r.get("error", "") for r in results if not r.get("ok")]
        return f"failed: {errors[0]}" if errors else ""
