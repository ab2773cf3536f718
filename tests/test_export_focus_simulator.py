"""FOCUS export and `report diff` on a synced simulated account, against its ground truth.

The account's truth says which hardware every record ran on and each release's min_instances;
`test_bill.true_bill` prices it by hand (records and always-on top-ups), independently of the cost
views. The FOCUS rows must add up to it to the micro-dollar, and `report diff` between two
months must see each month as the truth does.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import duckdb
from test_bill import account_db, true_bill  # noqa: F401  (account_db is a fixture)
from test_costs_simulator import IN_FLIGHT, expected_cost, pricing_file_with_floors
from test_export_focus import assert_values_follow_the_library, read_parquet

from replicost.analytics.export import export_focus
from replicost.analytics.reports.diff import diff


def test_focus_rows_add_up_to_the_true_bill(account_db, tmp_path):  # noqa: F811
    db, account, truth, config = account_db
    prices = pricing_file_with_floors(tmp_path, account, truth)
    result = export_focus(db, tmp_path / "focus", pricing_file=prices, config=config)
    records, topups = true_bill(db, account, truth)
    assert topups > 0
    con = duckdb.connect()
    total = con.execute(f"SELECT sum(BilledCost) FROM read_parquet('{result.path}')").fetchone()[0]
    assert total == result.billed_cost == records + topups  # to the micro-dollar
    in_flight = sum(row["status"] in IN_FLIGHT for row in truth)
    assert result.unpriced_rows == in_flight  # still running at the sync: no cost yet
    priced_records = con.execute(
        f"SELECT count(*) FROM read_parquet('{result.path}') WHERE x_record_id IS NOT NULL"
    ).fetchone()[0]
    assert priced_records == len(truth) - in_flight
    # every kind of item (per second, per image, per token, top-ups) follows the column library
    _, rows = read_parquet(result.path)
    assert {r["PricingUnit"] for r in rows} >= {"Seconds", "Images", "Tokens", None}
    assert_values_follow_the_library(rows, priced=True)
    for row in rows:
        if row["x_item_kind"] != "deployment_uptime" and row["ListUnitPrice"] is not None:
            assert abs(
                row["ListUnitPrice"] * row["PricingQuantity"] - row["BilledCost"]
            ) <= Decimal("0.0000005")


def test_diff_of_two_months_by_model_is_the_truth(account_db, tmp_path):  # noqa: F811
    """Records only (--kind has no place in diff, so models without deployments are compared):
    each model's priced records per month, from the truth."""
    db, account, truth, config = account_db
    prices = pricing_file_with_floors(tmp_path, account, truth)
    by_month: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    deployed = {row["model"] for row in truth if row["deployment"]}
    for row in truth:
        if row["status"] in IN_FLIGHT or row["model"] in deployed:
            continue
        created = dt.datetime.fromisoformat(row["created_at"].replace("Z", "+00:00"))
        by_month[(row["model"], created.strftime("%Y-%m"))] += expected_cost(row)
    report = diff(db, "model", base="2026-09", head="2026-10", pricing_file=prices, config=config)
    checked = 0
    for row in report.rows:
        (model,) = row.key
        if model in deployed:
            continue
        assert row.base.cost_micro == by_month[(model, "2026-09")] * 1_000_000, model
        assert row.head.cost_micro == by_month[(model, "2026-10")] * 1_000_000, model
        assert row.volume_micro + row.price_micro + row.mix_micro == row.delta_micro
        checked += 1
    assert checked >= 3
