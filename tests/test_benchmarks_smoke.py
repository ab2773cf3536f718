"""Smoke run of the benchmark harness: every loader, tiny sizes, the same rows (no timing asserted).

The expected ids come from the simulator's ground truth for the same seed and size, not from any
loader. replicost, the hand-written httpx loop and the DuckDB ingest ceiling always run; the
official client and dlt run where they are installed (the bench venv), else they are skipped.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH_DIR))

import _common  # noqa: E402
import peers  # noqa: E402

PREDICTIONS = 250  # three pages, the last one partial


@pytest.fixture(scope="module")
def sim():
    with _common.simulator(PREDICTIONS) as running:
        yield running


@pytest.fixture(scope="module")
def expected_ids() -> set[str]:
    from replicost.simulator import SimulatedAccount

    account = SimulatedAccount(
        seed=_common.SEED,
        predictions=PREDICTIONS,
        trainings=0,
        end=datetime.fromisoformat(_common.END).replace(tzinfo=UTC),
    )
    return {row["id"] for row in account.ground_truth() if row["kind"] == "prediction"}


def _needs(modules: str) -> None:
    for module in modules.split(","):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed (it is in the bench extra)")


@pytest.mark.parametrize(
    ("peer", "extra", "needs"),
    [
        ("replicost", ("--rpm", "none"), None),
        ("replicost-cli", (), None),
        ("httpx", (), None),
        ("ceiling", (), None),
        # the dev extra installs replicate (tests/test_official_client.py); this loader also
        # hands polars frames to DuckDB through Arrow, which only the bench extra installs
        ("official", ("--widen-status",), "replicate,pyarrow"),
        pytest.param("dlt", (), "dlt", marks=pytest.mark.slow),
    ],
)
def test_every_loader_loads_the_same_rows(sim, expected_ids, tmp_path, peer, extra, needs):
    if needs:
        _needs(needs)
    db = tmp_path / f"{peer}.duckdb"
    result = _common.run_peer(peer, sim.base_url, db, *extra)
    assert result["ok"], result
    ids = peers.loaded_ids(peer, db)
    assert len(ids) == PREDICTIONS
    assert set(ids) == expected_ids
    assert result["ids_digest"] == peers.id_digest(expected_ids)
    assert result["peak_rss_mb"] >= result["baseline_rss_mb"] > 0


def test_official_client_as_documented_stops_on_aborted(sim, expected_ids, tmp_path):
    """replicate 1.0.7's status Literal has no 'aborted'; the simulated account holds some."""
    _needs("replicate")
    from replicost.simulator import SimulatedAccount

    account = SimulatedAccount(
        seed=_common.SEED,
        predictions=PREDICTIONS,
        trainings=0,
        end=datetime.fromisoformat(_common.END).replace(tzinfo=UTC),
    )
    if not any(row["status"] == "aborted" for row in account.ground_truth()):
        pytest.skip("this small account has no aborted prediction")
    result = _common.run_peer("official", sim.base_url, tmp_path / "doc.duckdb")
    assert not result["ok"]
    assert "aborted" in result["error"]


def test_fetch_only_sees_every_id(sim, expected_ids, tmp_path):
    result = _common.run_peer("fetch", sim.base_url, tmp_path / "fetch.duckdb")
    assert result["ok"], result
    assert result["rows"] == PREDICTIONS
    assert result["requests"] == 3  # 100 + 100 + 50
    assert result["ids_digest"] == peers.id_digest(expected_ids)


def test_quick_harness_writes_results(tmp_path):
    """`run.py --quick` end to end on the cheapest scenario: a results file with machine and versions."""
    import run

    output = tmp_path / "RESULTS.md"
    assert (
        run.main(
            [
                "--quick",
                "--runs",
                "1",
                "--scenarios",
                "4",
                "--workdir",
                str(tmp_path),
                "--output",
                str(output),
            ]
        )
        == 0
    )
    text = output.read_text()
    assert "Machine:" in text and "duckdb" in text and "### 4." in text
    raw = json.loads(output.with_suffix(".json").read_text())
    first = raw["results"]["s4"]["first"]
    assert len(first) == 1 and first[0]["ok"], first


def test_bad_scenario_flag_is_a_usage_error(tmp_path):
    import run

    with pytest.raises(SystemExit) as exit_:
        run.main(["--scenarios", "7", "--workdir", str(tmp_path)])
    assert exit_.value.code == 2
