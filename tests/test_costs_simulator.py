"""End to end: simulated account -> sync -> DuckDB -> cost views, against the simulator's ground truth.

The expected money is computed here from the ground-truth dump (the hardware every record really
ran on, its predict_time and unit counts) and the price table below, written by hand; the cost views
get the same prices through a pricing file and must agree to the micro-dollar.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import bill_truth
import pytest

from replicost import simulator, sync
from replicost.billing import costs, pricing
from replicost.store import open_readonly

END = datetime(2026, 11, 1, tzinfo=UTC)
TOKEN = "r8_CostsEndToEndToken_0c4e9a"

# USD per second by SKU (Replicate's published figures); per output: bill_truth.OFFICIAL_USD
HARDWARE_USD = {
    "cpu": Decimal("0.000100"),
    "gpu-t4": Decimal("0.000225"),
    "gpu-a40-small": Decimal("0.000575"),
    "gpu-a40-large": Decimal("0.000725"),
    "gpu-l40s": Decimal("0.000975"),
    "gpu-l40s-2x": Decimal("0.001950"),
    "gpu-a100-large": Decimal("0.001400"),
    "gpu-a100-large-2x": Decimal("0.002800"),
    "gpu-h100": Decimal("0.001525"),
}
IN_FLIGHT = {"starting", "processing"}
MICRO = Decimal("0.000001")


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    """A synced database of a simulated account and the simulator's ground truth."""
    account = simulator.SimulatedAccount(seed=5, predictions=3000, trainings=80, end=END)
    app = simulator.SimulatorApp(account, token=TOKEN)
    db = tmp_path_factory.mktemp("costs-e2e") / "replicost.duckdb"
    sync.sync_account(
        db,
        token=TOKEN,
        base_url="http://simulator/v1",
        transport=app.httpx_transport(),
        requests_per_minute=None,
    )
    return db, list(account.ground_truth()), account.deployment_history()


def expected_cost(row: dict) -> Decimal:
    """The simulator's truth priced by hand: one rounding per record, half up, to micro-dollars."""
    if row["billing"] == "per_unit":
        cost = bill_truth.official_cost(row)
        if cost is None and row["status"] in IN_FLIGHT | {"queued", "running"}:
            return Decimal(0)  # still running: unpriced, nothing in any sum
        assert cost is not None, row
        return cost
    else:
        seconds = (
            Decimal(repr(row["predict_time"])) if row["predict_time"] is not None else Decimal(0)
        )
        exact = seconds * HARDWARE_USD[row["hardware"]]
    return exact.quantize(MICRO, rounding=ROUND_HALF_UP)


def pricing_file(tmp_path, truth: list[dict], history: list[dict], leave_out: str | None = None):
    """Prices above, a complete model map from the truth, and deployments' release history."""
    lines = ["[hardware]"]
    lines += [f'"{sku}" = {usd}' for sku, usd in HARDWARE_USD.items()]
    lines.append("[models]")
    mapped = {
        f"{row['model']}:{row['version']}": row["hardware"]
        for row in truth
        if row["billing"] == "per_second"
        and row["deployment"] is None
        and row["model"] != leave_out
    }
    lines += [f'"{ref}" = "{sku}"' for ref, sku in sorted(mapped.items())]
    lines.append(bill_truth.official_rows())
    lines.append("[deployments]")
    by_deployment: dict[str, list[str]] = {}
    for release in history:
        entry = (
            f'{{ hardware = "{release["hardware"]}", effective_from = "{release["created_at"]}" }}'
        )
        by_deployment.setdefault(f"{release['owner']}/{release['name']}", []).append(entry)
    lines += [
        f'"{name}" = [{", ".join(entries)}]' for name, entries in sorted(by_deployment.items())
    ]
    path = tmp_path / "prices.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def pricing_file_with_floors(tmp_path, account, truth: list[dict]):
    """`pricing_file` with each release's true min_instances too: the always-on floors, so the
    deployments' whole history is stated (nothing left unknown)."""
    history = account.deployment_history()
    path = pricing_file(tmp_path, truth, history)
    text = path.read_text()
    for release in history:
        text = text.replace(
            f'effective_from = "{release["created_at"]}" }}',
            f'effective_from = "{release["created_at"]}", min_instances = {release["min_instances"]} }}',
        )
    path.write_text(text)
    return path


def priced(db, path):
    con = open_readonly(db)
    costs.install(con, pricing.load_catalog(path))
    rows = con.execute(
        "SELECT id, basis, cost_usd, hardware, reason FROM priced_records"
    ).fetchall()
    con.close()
    return {row[0]: row[1:] for row in rows}


def test_totals_equal_the_ground_truth_to_the_cent(synced, tmp_path):
    db, truth, history = synced
    rows = priced(db, pricing_file(tmp_path, truth, history))
    finished = [row for row in truth if row["status"] not in IN_FLIGHT]
    assert {row["id"] for row in truth} == set(rows)
    assert len(finished) > 2500 and {row["billing"] for row in finished} == {
        "per_second",
        "per_unit",
    }
    assert any(row["deployment"] for row in finished)  # deployments are exercised

    expected_total = sum((expected_cost(row) for row in finished), Decimal(0))
    unpriced = {id: reason for id, (basis, _, _, reason) in rows.items() if basis == "unpriced"}
    assert set(unpriced) == {row["id"] for row in truth if row["status"] in IN_FLIGHT}
    total = sum((cost for _, cost, _, _ in rows.values() if cost is not None), Decimal(0))
    assert round(total, 2) == round(expected_total, 2)
    assert total == expected_total  # the same rule, so even the micro-dollars agree
    # the hardware replicost resolved is the hardware the record ran on
    for row in finished:
        if row["billing"] == "per_second":
            assert rows[row["id"]][2] == row["hardware"], row["id"]


def test_a_model_left_out_of_the_map_is_exactly_what_is_unpriced(synced, tmp_path):
    db, truth, history = synced
    per_second_models = Counter(
        row["model"]
        for row in truth
        if row["billing"] == "per_second" and row["deployment"] is None
    )
    left_out = sorted(per_second_models)[0]
    rows = priced(db, pricing_file(tmp_path, truth, history, leave_out=left_out))
    expected_unpriced = {
        row["id"]
        for row in truth
        if row["status"] in IN_FLIGHT or (row["model"] == left_out and row["deployment"] is None)
    }
    unpriced = {id: reason for id, (basis, _, _, reason) in rows.items() if basis == "unpriced"}
    assert set(unpriced) == expected_unpriced
    reasons = {
        unpriced[row["id"]]
        for row in truth
        if row["id"] in unpriced and row["status"] not in IN_FLIGHT
    }
    assert reasons == {
        f"no hardware known for model {left_out}; add it under [models] in your pricing file"
    }
