"""Issue 22: what the bill says about what it does not know, checked against independent figures.

Hand-made databases cover the three inputs that used to crash a command; the simulated account's
ground truth (tests/bill_truth.py) gives the expected money of the rest.
"""

from __future__ import annotations

import dataclasses
import json

import test_bill
from cli_helpers import run_cli
from test_bill import PRICES, T0, hand_db
from test_costs_simulator import IN_FLIGHT, expected_cost

from replicost.billing import costs, pricing
from replicost.config import load_config
from replicost.store import open_readonly

account_db = test_bill.account_db  # the simulated account synced at its end (a module fixture)


def test_html_report_on_a_record_without_created_at_shows_it_unpriced(tmp_path):
    db = hand_db(tmp_path / "n.duckdb", [("n", "acme/tool", "v1", "succeeded", None, T0, T0, 4.0)])
    out = tmp_path / "r.html"
    result = run_cli("report", "html", "--db", db, "--output", out, "--now", "2026-03-03T00:00:00Z")
    assert result.code == 0, result.out
    page = out.read_text()
    assert "no created_at recorded; cannot tell which price was in effect" in page
    assert "1 unpriced records with no created_at are not on the time axis" in page


def test_explain_a_record_dated_in_year_12000_prints_what_it_can(tmp_path):
    db = hand_db(
        tmp_path / "y.duckdb",
        [("y", "acme/tool", "v1", "succeeded", "12000-01-01 00:00:00+00", T0, T0, 4.0)],
    )
    prices = tmp_path / "p.toml"
    prices.write_text(PRICES)
    result = run_cli("explain", "y", "--db", db, "--pricing", prices)
    assert result.code == 0, result.out
    assert "created 12000-01-01 00:00:00+00" in result.out
    assert "cost $0.000900 (exact)" in result.out  # 4 s x $0.000225 (T4), by hand
    data = json.loads(run_cli("explain", "y", "--db", db, "--format", "json").out)
    assert data["facts"]["created_at"].startswith("12000-01-01") and data["cost_kind"] == "unpriced"


def test_a_zone_offset_that_is_not_whole_quarter_hours_gets_the_right_local_day(tmp_path):
    # Africa/Monrovia kept -0:44:30 until 1972: 00:44:40 UTC is 00:00:10 local on June 1, while
    # 00:44:20 UTC is 23:59:50 local on May 31 (both in the same UTC quarter hour)
    db = hand_db(
        tmp_path / "m.duckdb",
        [
            ("after", "acme/tool", "v1", "succeeded", "1971-06-01 00:44:40+00", T0, T0, 4.0),
            ("before", "acme/tool", "v1", "succeeded", "1971-06-01 00:44:20+00", T0, T0, 2.0),
        ],
    )
    prices = tmp_path / "p.toml"
    prices.write_text(PRICES)
    result = run_cli("report", "spend", "--db", db, "--pricing", prices, "--by", "day",
                     "--tz", "Africa/Monrovia", "--format", "json")  # fmt: skip
    rows = {row["day"]: row["cost_usd"] for row in json.loads(result.out)["rows"]}
    assert rows == {"1971-05-31": "0.000450", "1971-06-01": "0.000900"}  # 2 s and 4 s x T4
    month = run_cli("report", "spend", "--db", db, "--pricing", prices, "--by", "month",
                    "--tz", "Africa/Monrovia", "--format", "json")  # fmt: skip
    assert {row["month"] for row in json.loads(month.out)["rows"]} == {"1971-05", "1971-06"}


# --------------------------------------------------------------------------- ranges


def test_an_official_model_without_prices_has_a_range_that_holds_its_true_cost(account_db):
    """flux-dev's prices taken out of the catalog: each of its records is unpriced, with a range
    from the catalog's cheapest and dearest price per image, and that range holds what the
    simulator's truth says it cost (image count x $0.025, priced by hand)."""
    db, _, truth, config = account_db
    catalog = pricing.load_catalog(config=load_config(config))
    model = "black-forest-labs/flux-dev"
    catalog = dataclasses.replace(
        catalog, units={key: rows for key, rows in catalog.units.items() if key[0] != model}
    )
    con = open_readonly(db)
    costs.install(con, catalog)
    ranges = {
        row[0]: row[1:]
        for row in con.execute(
            "SELECT id, cost_kind, unpriced_low_usd, unpriced_high_usd, reason FROM priced_records"
            " WHERE model = ?",
            [model],
        ).fetchall()
    }
    con.close()
    finished = [row for row in truth if row["model"] == model and row["status"] not in IN_FLIGHT]
    assert len(finished) > 20
    for row in finished:
        kind, low, high, reason = ranges[row["id"]]
        assert kind == "unpriced" and f'[units."{model}"]' in reason
        assert low <= expected_cost(row) <= high, row["id"]
    counted = [row for row in finished if row["units"].get("image")]
    assert counted and all(ranges[row["id"]][1] < expected_cost(row) for row in counted)


def test_a_record_that_counts_no_output_has_no_range_and_says_which_fields_are_missing(tmp_path):
    db = hand_db(
        tmp_path / "o.duckdb",
        [
            ("counted", "google/imagen-9", "hidden", "succeeded", T0, T0, T0, 3.0, None, 2),
            ("failed", "google/imagen-9", "hidden", "failed", T0, T0, T0, 3.0, None, None),
            ("uncounted", "google/imagen-9", "hidden", "succeeded", T0, T0, T0, 3.0, None, None),
        ],
        models=[("google/imagen-9", True)],
    )
    catalog = pricing.load_catalog()
    images = [r.usd_per_unit for (_, unit), rows in catalog.units.items() if unit == "image"
              for r in rows]  # fmt: skip
    con = open_readonly(db)
    costs.install(con, catalog)
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT id, unpriced_low_usd, unpriced_high_usd, reason FROM priced_records").fetchall()}  # fmt: skip
    con.close()
    assert rows["counted"][:2] == (2 * min(images), 2 * max(images))
    assert rows["failed"][:2] == (0, 0)  # no output: an official model bills nothing for it
    low, high, reason = rows["uncounted"]
    assert low is None and high is None
    assert "no image_count, input_token_count or output_token_count" in reason
