"""How fast the simulator serves pages of /v1/predictions (it must not bound a sync benchmark).

Runs `replicost simulate serve` in its own process (as a sync benchmark would), pages through
every prediction with one keep-alive httpx client, discarding the pages (docs/REPLICATE.md's "fetch only"
row), twice: cold (records generated on demand) and warm (records served from the cache of
finished records). Also times the in-process httpx transport. Prints pages/s and rows/s.

    .venv/bin/python benchmarks/simulator_bench.py --predictions 20000
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from datetime import UTC, datetime

import httpx
import orjson

from replicost.simulator import SimulatedAccount, SimulatorApp

AUTH = {"Authorization": "Bearer bench"}


def fetch_all(client: httpx.Client, url: str) -> tuple[int, int, float]:
    """(pages, rows, seconds) to page through `url`, discarding the records."""
    pages = rows = 0
    started = time.perf_counter()
    while url:
        response = client.get(url)
        response.raise_for_status()
        body = orjson.loads(response.content)  # the client's parse should not dominate
        rows += len(body["results"])
        pages += 1
        url = body["next"]
    return pages, rows, time.perf_counter() - started


def report(label: str, pages: int, rows: int, seconds: float) -> None:
    print(
        f"{label:<34} {pages:>6} pages {rows:>8} rows {seconds:7.2f} s "
        f"{pages / seconds:8.0f} pages/s {rows / seconds:9.0f} rows/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--predictions", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    end = "2026-11-01"

    command = [
        sys.executable,
        "-c",
        "from replicost.cli.main import main; main()",
        "simulate",
        "serve",
        "--predictions",
        str(args.predictions),
        "--trainings",
        "10",
        "--seed",
        str(args.seed),
        "--end",
        end,
    ]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        base_url = server.stdout.readline().strip()
        with httpx.Client(base_url=base_url, headers=AUTH, timeout=60) as client:
            report("socket, separate process, cold", *fetch_all(client, "/predictions"))
            report("socket, separate process, warm", *fetch_all(client, "/predictions"))
    finally:
        server.terminate()
        server.wait()

    account = SimulatedAccount(
        seed=args.seed,
        predictions=args.predictions,
        trainings=10,
        end=datetime(2026, 11, 1, tzinfo=UTC),
    )
    app = SimulatorApp(account)
    with httpx.Client(
        transport=app.httpx_transport(), base_url="http://sim/v1", headers=AUTH
    ) as client:
        report("in-process transport, cold", *fetch_all(client, "/predictions"))
        report("in-process transport, warm", *fetch_all(client, "/predictions"))


if __name__ == "__main__":
    main()
