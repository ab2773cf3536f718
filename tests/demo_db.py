"""One small demo database per test session, for tests that run commands on a real synced account
(the examples of every --help, the JSON outputs against their schemas)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from replicost.analytics.demo import build_demo

# the demo account's history ends here; the examples' dates (October 2026) fall inside it
END = dt.datetime(2026, 10, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> tuple[Path, Path]:
    """(database, its pricing file): 800 predictions and 10 trainings synced from the simulator."""
    db = tmp_path_factory.mktemp("demo-db") / "demo.duckdb"
    _, prices = build_demo(db, predictions=800, trainings=10, seed=3, end=END, quiet=True)
    return db, prices
