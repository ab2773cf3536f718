"""Case: kill -9 a sync at random moments; every resume ends with the uninterrupted sync's rows."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

from cli_helpers import CLI, run_cli_process

from replicost.simulator import serve

from reliability.common import TOKEN, TOKEN_ENV, CaseResult, compare, fresh, make_app, snapshot


# ----- case: crash anywhere ------------------------------------------------------------------
def crash_anywhere(
    kills: int,
    *,
    predictions: int = 4000,
    latency_ms: float = 10,
    seed: int | None = None,
    workdir: Path,
) -> CaseResult:
    """`kill -9` a CLI sync at `kills` random moments of its life (imports, migration, paging,
    models), each into a fresh database; rerun each time until a run finishes; compare with an
    uninterrupted sync, all tables, all columns. A rerun killed again counts as another kill."""
    seed = random.randrange(1_000_000) if seed is None else seed
    chance = random.Random(seed)
    result = CaseResult(
        "Crash anywhere",
        "SIGKILL a CLI sync at a random moment, rerun until it "
        f"finishes, compare every table and column with an uninterrupted sync ({predictions:,} "
        "predictions, simulator over loopback)",
    )
    app = make_app(predictions, latency_ms=latency_ms)
    workdir.mkdir(parents=True, exist_ok=True)
    moments: list[str] = []
    with serve(app) as server:
        base = ["sync", "--base-url", server.base_url, "--concurrency", "3", "--quiet"]
        reference = fresh(workdir / "reference.duckdb")
        started = time.monotonic()
        done = run_cli_process(*base, "--db", str(reference), env=TOKEN_ENV)
        lifetime = time.monotonic() - started
        if done.returncode != 0:
            result.fail(f"the uninterrupted sync failed: {done.stderr.strip()[:300]}")
            return result
        expected = snapshot(reference)
        round_number = 0
        while result.runs < kills:
            round_number += 1
            db = fresh(workdir / f"round-{round_number}.duckdb")
            killed_here = 0
            for attempt in range(20):
                process = subprocess.Popen(
                    [*CLI, *base, "--db", str(db)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env={**os.environ, "REPLICATE_API_TOKEN": TOKEN},
                )
                # the first attempt dies anywhere in a whole sync's life; a rerun dies with 30% chance
                kill = attempt == 0 or (result.runs + killed_here < kills and chance.random() < 0.3)
                delay = chance.uniform(0.0, lifetime) if kill else None
                try:
                    out, err = process.communicate(timeout=delay)
                except subprocess.TimeoutExpired:
                    process.send_signal(signal.SIGKILL)
                    process.communicate()
                    killed_here += 1
                    moments.append(f"{delay:.2f}")
                    continue
                if process.returncode != 0 or err.strip():
                    result.fail(
                        f"round {round_number}: rerun {attempt} after a kill failed "
                        f"(exit {process.returncode}): {err.strip()[:300]}"
                    )
                break
            else:
                result.fail(f"round {round_number}: no run finished in 20 attempts")
            result.runs += killed_here
            if db.exists():
                compare(expected, snapshot(db), result, f"round {round_number}")
                db.unlink()
                Path(f"{db}.wal").unlink(missing_ok=True)
    result.notes.append(
        f"seed {seed}; uninterrupted CLI sync {lifetime:.1f}s; kill moments (s): "
        + ", ".join(moments)
    )
    return result
