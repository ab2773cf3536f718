"""Shared pieces of the benchmark harness: the simulator in its own process, child runs, statistics.

Every measurement runs in a fresh child process (`peers.py`), for two reasons: peak RSS
(`ru_maxrss`) is a per-process high-water mark, so a shared process would report the largest
load seen so far; and a client must not share a GIL (2 cores here) with the simulator serving it,
nor with the harness. The simulator runs in another child, started once per scenario.

The simulator is started with the public `SimulatorApp` API rather than `replicost simulate serve`
for two settings the command does not expose: a frozen clock (the CLI follows real time, so the
three running predictions would finish between two peers' runs and they would not load the same
rows) and a render cache large enough for the whole history (the default holds 50,000 records;
at 1,000,000 the simulator would render every record again on every pass and be the bottleneck
of every client).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import httpx

BENCH_DIR = Path(__file__).resolve().parent
PEERS_SCRIPT = BENCH_DIR / "peers.py"
TOKEN = "r8_benchmark_token_0123456789abcdef"
SEED = 7
END = "2026-11-01"  # fixed end of the simulated history, so every run serves the same account
PAGE_SIZE = 100


# ----- the simulator ------------------------------------------------------------------------
def serve_forever(predictions: int, latency_ms: float, rate_limit: float | None) -> None:
    """Child process: serve a simulated account on loopback, print its base URL, serve until killed."""
    from replicost.simulator import SimulatedAccount, SimulatorApp, SimulatorServer

    account = SimulatedAccount(
        seed=SEED,
        predictions=predictions,
        trainings=0,
        end=datetime.fromisoformat(END).replace(tzinfo=UTC),
    )
    app = SimulatorApp(
        account,
        token=TOKEN,
        latency_ms=latency_ms,
        rate_limit_rpm=rate_limit,
        cache_records=predictions + 1000,
    )
    server = SimulatorServer(app)
    app.warm(base=server.origin)  # render every record now: the clients are measured, not it
    print(server.base_url, flush=True)
    server.serve_forever()


@dataclass
class Simulator:
    """A running simulator child process; `base_url` ends in /v1."""

    predictions: int
    latency_ms: float = 0.0
    rate_limit: float | None = None
    base_url: str = ""
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> Simulator:
        command = [
            sys.executable,
            str(Path(__file__)),
            "serve",
            str(self.predictions),
            str(self.latency_ms),
            str(self.rate_limit or 0),
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        if not line.startswith("http"):
            self.stop()
            raise RuntimeError(f"simulator did not start (got {line!r})")
        self.base_url = line
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def fetch_all(self) -> tuple[int, float]:
        """(rows, seconds) to page through every prediction with httpx, discarding them."""
        rows, url = 0, f"{self.base_url}/predictions"
        started = time.perf_counter()
        with httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120) as http:
            while url:
                response = http.get(url)
                response.raise_for_status()
                body = response.json()
                rows += len(body["results"])
                url = body["next"]
        return rows, time.perf_counter() - started


@contextmanager
def simulator(
    predictions: int, latency_ms: float = 0.0, rate_limit: float | None = None
) -> Iterator[Simulator]:
    """Start a simulator child (its records already rendered) for the duration of the block."""
    sim = Simulator(predictions, latency_ms, rate_limit).start()
    try:
        yield sim
    finally:
        sim.stop()


# ----- child runs -----------------------------------------------------------------------------
def run_peer(peer: str, base_url: str, db: Path, *extra: str, timeout: float = 3600) -> dict:
    """Run one peer's load in a fresh child process; return its JSON result line as a dict.

    `wall_seconds` is the whole child process, interpreter start and imports included.
    """
    command = [
        sys.executable,
        str(PEERS_SCRIPT),
        peer,
        "--base-url",
        base_url,
        "--db",
        str(db),
        "--token",
        TOKEN,
        *extra,
    ]
    env = dict(
        os.environ, RUNTIME__DLTHUB_TELEMETRY="false"
    )  # no internet: dlt must not phone home
    started = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=env, cwd=db.parent
    )
    wall_seconds = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"peer": peer, "ok": False, "error": tail[:300]}
    return json.loads(lines[-1]) | {"wall_seconds": wall_seconds}


# ----- statistics and formatting ---------------------------------------------------------------
@dataclass
class Spread:
    """min / median / max of repeated measurements."""

    values: list[float]

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    def fmt(self, digits: int = 0, unit: str = "") -> str:
        """'median (min-max)' with thousands separators."""

        def one(value: float) -> str:
            return f"{value:,.{digits}f}"

        if len(self.values) == 1:
            return f"{one(self.values[0])}{unit} (1 run)"
        return f"{one(self.median)}{unit} ({one(self.low)}–{one(self.high)})"


def machine() -> dict[str, str]:
    """CPU model, cores, RAM, OS and load average of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    try:
        os_name = platform.freedesktop_os_release().get("PRETTY_NAME", platform.platform())
    except OSError:
        os_name = platform.platform()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "os": f"{os_name}, Linux {platform.release()}" if sys.platform == "linux" else os_name,
        "load": " ".join(f"{v:.2f}" for v in os.getloadavg()),
    }


def git_commit() -> str:
    """The project's commit, with '+changes' when replicost's own code differs from it."""
    root = BENCH_DIR.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            [
                "git",
                "status",
                "--porcelain",
                "--",
                "replicost",
                "analytics",
                "cli",
                "codegen",
                "generated",
            ],
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+changes" if dirty.strip() else "")


VERSIONED = (
    "replicost",
    "duckdb",
    "polars",
    "httpx",
    "orjson",
    "replicate",
    "dlt",
    "pandas",
    "pyarrow",
    "openapi-python-client",
)


def versions() -> dict[str, str]:
    """Python and the packages that take part, as installed in this interpreter."""
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "serve":
    serve_forever(int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]) or None)
