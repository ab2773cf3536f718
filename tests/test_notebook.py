"""The cost overview notebook runs top to bottom against a real database (nbclient, venv kernel)."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from test_demo import DEMO_USER, END, LEFT_OUT, truth_by_model

from replicost.analytics.demo import build_demo
from replicost.simulator import SimulatedAccount

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "cost_overview.ipynb"


def test_notebook_is_stored_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.slow
def test_notebook_runs_against_a_synced_demo_database(tmp_path, monkeypatch):
    db = tmp_path / "nb.duckdb"
    _, prices = build_demo(db, predictions=600, trainings=10, seed=3, end=END, quiet=True)
    truth = truth_by_model(
        SimulatedAccount(seed=3, predictions=600, trainings=10, username=DEMO_USER, end=END), db
    )
    config = tmp_path / "config.toml"
    config.write_text(f'pricing = "{prices.name}"\n')
    monkeypatch.setenv("REPLICOST_DB", str(db))
    monkeypatch.setenv("REPLICOST_CONFIG", str(config))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # The kernel must be this interpreter (the venv), whatever kernels the machine has registered:
    # register one under a private JUPYTER_PATH that runs sys.executable.
    spec_dir = tmp_path / "jupyter" / "kernels" / "replicost-venv"
    spec_dir.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec_dir / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "replicost venv", "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="replicost-venv",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    text = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", output
            text.append(output.get("text", ""))
            text.extend(str(v) for v in output.get("data", {}).values())
    joined = "\n".join(text)
    total = sum((g["cost_usd"] for g in truth.values()), Decimal(0))
    unpriced = sum(g["unpriced_count"] for g in truth.values())
    assert f"database: {db}" in joined
    assert (
        f"total: {total} USD; {unpriced} unpriced records" in joined
    )  # the simulator's ground truth
    assert (
        "<svg" in joined
        and f"{DEMO_USER}/{LEFT_OUT}" in joined
        and f"{DEMO_USER}/image-gen" in joined
    )
    # the insights section: its findings, largest first (the demo account keeps deployments warm)
    assert "where the money leaks: top 5 of" in joined and "idle-deployment" in joined
