"""`replicost demo` and the end-to-end check: simulated API -> sync -> DuckDB -> report JSON equals
the cost computed here, independently, from the simulator's ground truth and published prices."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import bill_truth
import duckdb
import pytest
from cli_helpers import run_cli

from replicost.analytics.demo import DEMO_USER, LEFT_OUT, build_demo
from replicost.simulator import SimulatedAccount

END = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
SEED, PREDICTIONS, TRAININGS = 11, 3000, 40

# Replicate's published prices (docs/REPLICATE.md; model pages for per-unit prices), USD.
PER_SECOND = {
    "cpu": Decimal("0.000100"),
    "gpu-t4": Decimal("0.000225"),
    "gpu-a40-small": Decimal("0.000575"),
    "gpu-a40-large": Decimal("0.000725"),
    "gpu-a100-large": Decimal("0.001400"),
    "gpu-a100-large-2x": Decimal("0.002800"),
    "gpu-h100": Decimal("0.001525"),
}
L40S_BEFORE_2025, L40S = Decimal("0.000972"), Decimal("0.000975")
L40S_CHANGE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
IN_FLIGHT = {"starting", "processing", "queued", "running"}
MICRO = Decimal("0.000001")


def truth_cost(row: dict) -> Decimal | None:
    """A record's cost from its ground-truth row; None when replicost cannot know it."""
    if row["status"] in IN_FLIGHT or row["model"] == f"{DEMO_USER}/{LEFT_OUT}":
        return None
    if row["billing"] == "per_unit":
        return bill_truth.official_cost(row)
    hardware = row["hardware"]
    if hardware == "gpu-l40s":
        price = L40S if row["created_at"] >= "2025-01-01" else L40S_BEFORE_2025
    else:
        price = PER_SECOND[hardware]
    seconds = Decimal(str(row["predict_time"])) if row["predict_time"] is not None else Decimal(0)
    return (seconds * price).quantize(MICRO, ROUND_HALF_UP)


def price_at(sku: str, moment: dt.datetime) -> Decimal:
    if sku == "gpu-l40s":
        return L40S if moment >= L40S_CHANGE else L40S_BEFORE_2025
    return PER_SECOND[sku]


def deployments_synced_at(db) -> dict[str, dt.datetime]:
    """When each deployment was last synced (observed in the database: its floor runs until then)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("SELECT deployment, synced_at FROM deployments").fetchall())
    finally:
        con.close()


def truth_by_model(account: SimulatedAccount, db) -> dict[str, dict]:
    """Per model: records, the bill (records' true cost + deployments' always-on top-ups, by the
    rule computed in bill_truth from the releases' truth) and unpriced records."""
    groups: dict[str, dict] = defaultdict(
        lambda: {"count": 0, "cost_usd": Decimal(0), "unpriced_count": 0}
    )
    active: dict[tuple[str, dt.date], Decimal] = defaultdict(Decimal)
    for row in account.ground_truth():
        group = groups[row["model"]]
        group["count"] += 1
        cost = truth_cost(row)
        if cost is None:
            group["unpriced_count"] += 1
        else:
            group["cost_usd"] += cost
            if row["deployment"] and row["billing"] == "per_second":
                day = dt.datetime.fromisoformat(row["created_at"].replace("Z", "+00:00")).date()
                active[(row["deployment"], day)] += cost
    history = account.deployment_history()
    floor = bill_truth.floors(history, deployments_synced_at(db), price_at, [L40S_CHANGE])
    for model, extra in bill_truth.topups(floor, active, history).items():
        groups[model]["cost_usd"] += extra
    return dict(groups)


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    _, prices = build_demo(
        db, predictions=PREDICTIONS, trainings=TRAININGS, seed=SEED, end=END, quiet=True
    )
    account = SimulatedAccount(
        seed=SEED, predictions=PREDICTIONS, trainings=TRAININGS, username=DEMO_USER, end=END
    )
    return db, prices, account


def test_spend_by_model_json_equals_the_ground_truth(synced):
    db, prices, account = synced
    code, out, _ = run_cli(
        "report",
        "spend",
        "--by",
        "model",
        "--format",
        "json",
        "--db",
        str(db),
        "--pricing",
        str(prices),
    )
    assert code == 0
    data = json.loads(out)
    got = {
        r["model"]: {
            "count": r["count"],
            "cost_usd": Decimal(r["cost_usd"] or 0),
            "unpriced_count": r["unpriced_count"],
        }
        for r in data["rows"]
    }
    want = truth_by_model(account, db)
    assert got == want
    assert data["totals"]["count"] == PREDICTIONS + TRAININGS
    assert Decimal(data["totals"]["cost_usd"]) == sum(
        (g["cost_usd"] for g in want.values()), Decimal(0)
    )
    assert (
        want[f"{DEMO_USER}/{LEFT_OUT}"]["unpriced_count"]
        == want[f"{DEMO_USER}/{LEFT_OUT}"]["count"]
        > 0
    )


def test_demo_command_prints_summary_and_spend(tmp_path):
    db = tmp_path / "d.duckdb"
    code, out, err = run_cli(
        "demo", "--db", str(db), "--predictions", "800", "--trainings", "10", "--quiet"
    )
    assert code == 0
    assert (
        "Month to date" in out and "Forecast" in out and "Spend by model" in out and "Total" in out
    )
    assert f"{DEMO_USER}/{LEFT_OUT}" in out and "Unpriced:" in out
    # it ends with where the money leaks: the insights table
    assert out.rstrip().endswith("`--format json` prints the evidence.")
    assert "Where the money leaks" in out
    assert "simulator's truth" in err and "no token" in err
    assert (tmp_path / "d-prices.toml").exists()
    # the README's first command alone shows a PNG chart and the HTML report
    chart, page = tmp_path / "d-spend-by-month-model.png", tmp_path / "d-report.html"
    assert f"Wrote {chart} (a chart) and {page}" in err
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert 'id="replicost-data"' in page.read_text() and page.read_text().count("<svg") == 4
    code, _, err = run_cli("demo", "--db", str(db))
    assert code == 2 and "already exists" in err
