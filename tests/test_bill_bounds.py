"""Issue 22: what the bill says about what it does not know, checked against independent figures.

Hand-made databases cover the three inputs that used to crash a command; the simulated account's
ground truth (tests/bill_truth.py) gives the expected money of the rest.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal

import bill_truth
import duckdb
import test_bill
from cli_helpers import run_cli
from test_bill import PRICES, T0, hand_db
from test_costs_simulator import (
    HARDWARE_USD,
    IN_FLIGHT,
    expected_cost,
    pricing_file,
    pricing_file_with_floors,
)

from replicost.analytics import insights
from replicost.billing import costs, pricing
from replicost.config import load_config
from replicost.store import connect, open_readonly

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


# --------------------------------------------------------------------------- unknown floors

DECEMBER = (dt.date(2025, 12, 1), dt.date(2025, 12, 31))  # image-gen's L40S kept on all month
DECEMBER_END = "2025-12-31T23:59:59Z"


def true_month(db, account, truth, first: dt.date, last: dt.date) -> Decimal:
    """The month's true bill from the simulator's truth alone: every finished record created in
    it, priced by hand, plus the deployments' top-ups of its days (bill_truth: each release's real
    min_instances, including the ones no sync saw)."""
    records, active = Decimal(0), defaultdict(Decimal)
    for row in truth:
        day = dt.datetime.fromisoformat(row["created_at"].replace("Z", "+00:00")).date()
        if row["status"] in IN_FLIGHT or not first <= day <= last:
            continue
        cost = expected_cost(row)
        records += cost
        if row["deployment"] and row["billing"] == "per_second":
            active[(row["deployment"], day)] += cost
    con = duckdb.connect(str(db), read_only=True)
    until = dict(con.execute("SELECT deployment, synced_at FROM deployments").fetchall())
    con.close()
    history = account.deployment_history()
    floor = bill_truth.floors(history, until, test_bill.price_at, [test_bill.L40S_CHANGE])
    floor = {key: usd for key, usd in floor.items() if first <= key[1] <= last}
    return records + sum(bill_truth.topups(floor, active, history).values(), Decimal(0))


def spend_json(db, config, *extra) -> dict:
    since, until = (d.isoformat() for d in DECEMBER)
    result = run_cli("report", "spend", "--db", db, "--config", config, "--since", since,
                     "--until", until, "--by", "kind", "--format", "json", *extra)  # fmt: skip
    assert result.code == 0, result.out
    return json.loads(result.out)


def assert_unbounded_and_below_the_truth(data: dict, truth_usd: Decimal) -> None:
    totals = data["totals"]
    assert data["unbounded"] is True and totals["unpriced_cost_usd"]["high"] is None
    floors = {f["deployment"]: f for f in data["unknown_floors"]}
    image_gen = floors["acme-ai/image-gen"]
    assert (image_gen["from"], image_gen["to"], image_gen["days"]) == (
        "2025-12-01T00:00:00Z", "2026-01-01T00:00:00Z", 31.0)  # fmt: skip
    assert image_gen["closed_by"].startswith('[deployments] "acme-ai/image-gen" = [{ hardware')
    # what the bill knows never overstates the truth; what it does not know has no upper bound
    assert Decimal(totals["cost_usd"]) + Decimal(totals["unpriced_cost_usd"]["low"]) <= truth_usd
    # the missing money is the floor of the L40S no sync saw: most of the true bill
    assert truth_usd - Decimal(totals["cost_usd"]) > Decimal(2000)


def test_a_past_month_with_unobserved_releases_says_unbounded_and_budget_could_cross(account_db):
    db, account, truth, config = account_db
    truth_usd = true_month(db, account, truth, *DECEMBER)
    data = spend_json(db, config)
    assert_unbounded_and_below_the_truth(data, truth_usd)
    assert (
        "Unknown floors: no sync saw"
        in run_cli("report", "spend", "--db", db, "--config", config, "--since", "2025-12-01").out
    )
    args = ["--db", db, "--config", config, "--now", DECEMBER_END]
    summary = json.loads(run_cli("report", "summary", "--format", "json", *args).out)
    assert summary["unbounded"] is True and summary["unpriced_cost_usd"]["high"] is None
    assert {f["deployment"] for f in summary["unknown_floors"]} >= {"acme-ai/image-gen"}
    # far under a budget the truth is over: never "ok", always "could cross"
    assert truth_usd > 500
    check = run_cli("budget", "check", "--monthly", "500", "--format", "json", *args)
    assert check.code == 1 and json.loads(check.out)["unbounded"] is True
    text = run_cli("budget", "check", "--monthly", "500", *args)
    assert text.code == 1 and '[deployments] "acme-ai/image-gen"' in text.out


def test_the_same_month_after_pricing_suggest_as_written_stays_unbounded(account_db, tmp_path):
    db, account, truth, config = account_db
    path = tmp_path / "suggested.toml"
    assert run_cli("pricing", "suggest", "--db", db, "--config", config, "--output", path).code == 0
    text = path.read_text()
    assert '# "acme-ai/image-gen" = [{ hardware' in text  # inferred: commented, with the reason
    assert "Inferred, not known" in text
    truth_usd = true_month(db, account, truth, *DECEMBER)
    data = spend_json(db, config, "--pricing", path)
    assert_unbounded_and_below_the_truth(data, truth_usd)
    check = run_cli("budget", "check", "--monthly", "500", "--db", db, "--config", config,
                    "--pricing", path, "--now", DECEMBER_END)  # fmt: skip
    assert check.code == 1


def test_a_pricing_file_that_states_the_history_closes_it_and_the_range_holds_the_truth(
    account_db, tmp_path
):
    db, account, truth, config = account_db
    history = account.deployment_history()
    path = pricing_file(tmp_path, truth, history)
    text = path.read_text()
    for release in history:  # each release's min_instances: the history no sync saw
        text = text.replace(
            f'effective_from = "{release["created_at"]}" }}',
            f'effective_from = "{release["created_at"]}", min_instances = {release["min_instances"]} }}',
        )
    path.write_text(text)
    data = spend_json(db, config, "--pricing", path)
    totals = data["totals"]
    assert data["unbounded"] is False and data["unknown_floors"] == []
    truth_usd = true_month(db, account, truth, *DECEMBER)
    cost = Decimal(totals["cost_usd"])
    low, high = (Decimal(totals["unpriced_cost_usd"][k]) for k in ("low", "high"))
    assert cost + low <= truth_usd <= cost + high


def gap_db(tmp_path):
    """One deployment with releases 1 and 3 observed: release 2's time is an unknown floor."""
    db = hand_db(tmp_path / "g.duckdb", [("p", "acme/tool", "v1", "succeeded",
                 "2026-03-05 10:00:00+00", T0, T0, 2.0, "acme/dep")], deployments=["acme/dep"])  # fmt: skip
    con = connect(db)
    for number, created in ((1, "2026-03-01 00:00:00+00"), (3, "2026-03-10 12:00:00+00")):
        con.execute(
            "INSERT INTO deployment_releases (deployment, number, account, model, hardware,"
            " min_instances, created_at) VALUES ('acme/dep', ?, 'acme', 'acme/tool', 'gpu-t4', 1, ?)",
            [number, created],
        )
    con.execute("UPDATE deployments SET synced_at = '2026-03-12 00:00:00+00'")
    con.close()
    return db


def test_a_gap_between_observed_releases_is_an_unknown_floor(tmp_path):
    db = gap_db(tmp_path)
    data = json.loads(run_cli("report", "spend", "--db", db, "--by", "deployment",
                              "--format", "json").out)  # fmt: skip
    # release 2 was never seen: from release 1 to release 3 the floor is unknown; release 1's
    # own floor ended at release 2, whenever that was, so none of it is counted
    assert data["unknown_floors"] == [
        {"deployment": "acme/dep", "from": "2026-03-01T00:00:00Z", "to": "2026-03-10T12:00:00Z",
         "days": 9.5, "counted_from": "release", "reason": data["unknown_floors"][0]["reason"],
         "closed_by": '[deployments] "acme/dep" = [{ hardware = "HARDWARE-SKU", '
                      'effective_from = "2026-03-01", min_instances = N }]'}
    ]  # fmt: skip
    assert "after its release 1 (2026-03-01) is unknown" in data["unknown_floors"][0]["reason"]
    # release 3's floor is known: 1 x T4 from 2026-03-10 12:00 to the sync (1.5 days), by hand;
    # plus the record (2 s, on release 1's hardware: the last release seen before it)
    floor = Decimal("0.000225") * 86400 * Decimal("1.5")
    assert Decimal(data["totals"]["cost_usd"]) == floor + 2 * Decimal("0.000225")


# --------------------------------------------------------------------------- what-if, waste, --now


def test_the_hardware_what_if_of_a_deployment_keeps_its_floor(account_db, tmp_path):
    """image-gen kept one L40S on all December (release 2, min_instances = 1): its bill is per day
    the larger of that floor and its predictions, and on a T4 the same floor and seconds cost
    0.000225 x max(86,400 s, the day's predict seconds), summed (figures from the truth)."""
    db, account, truth, config = account_db
    path = pricing_file_with_floors(tmp_path, account, truth)
    name = "acme-ai/image-gen"
    first, last = DECEMBER
    releases = [r for r in account.deployment_history() if r["name"] == "image-gen"]
    starts = [dt.datetime.fromisoformat(r["created_at"].replace("Z", "+00:00")) for r in releases]
    in_effect = [r for r, s in zip(releases, starts, strict=True) if s.date() < first][-1]
    assert in_effect["hardware"] == "gpu-l40s" and in_effect["min_instances"] == 1
    assert not any(first <= s.date() <= last for s in starts)  # no release change in December
    active_usd, active_seconds = defaultdict(Decimal), defaultdict(Decimal)
    for row in truth:
        day = dt.datetime.fromisoformat(row["created_at"].replace("Z", "+00:00")).date()
        if row["deployment"] == name and first <= day <= last and row["status"] not in IN_FLIGHT:
            active_usd[day] += expected_cost(row)
            active_seconds[day] += Decimal(repr(row["predict_time"] or 0))
    days = [first + dt.timedelta(days=i) for i in range(31)]
    floor_usd = Decimal(86400) * HARDWARE_USD["gpu-l40s"]
    cost = sum((max(floor_usd, active_usd[d]) for d in days), Decimal(0))
    seconds = sum((max(Decimal(86400), active_seconds[d]) for d in days), Decimal(0))
    t4 = (seconds * HARDWARE_USD["gpu-t4"]).quantize(Decimal("0.000001"))
    report = insights.insights(db, since=first, until=last, top=50, pricing_file=path,
                               config=config)  # fmt: skip
    (found,) = [i for i in report.insights
                if i.kind == "what-if-hardware" and i.evidence["target"] == name]  # fmt: skip
    assert found.evidence["cost_usd"] == cost
    options = {o["sku"]: o for o in found.evidence["cheaper_skus"]}
    assert options["gpu-t4"]["would_cost_usd"] == t4
    assert found.usd == cost - t4 > Decimal(2000)  # about $2,000 a month, not cents


def test_waste_share_is_of_the_models_whole_bill_with_its_deployment_top_ups(account_db, tmp_path):
    """stability-ai/sdxl runs on deployment image-gen, which kept an L40S on all December: its
    bill is its records plus those top-ups (from the truth), and the waste share divides by it."""
    db, account, truth, config = account_db
    path = pricing_file_with_floors(tmp_path, account, truth)
    model = "stability-ai/sdxl"
    first, last = DECEMBER
    records, active = Decimal(0), defaultdict(Decimal)
    for row in truth:
        day = dt.datetime.fromisoformat(row["created_at"].replace("Z", "+00:00")).date()
        if row["status"] in IN_FLIGHT or not first <= day <= last:
            continue
        if row["model"] == model:
            records += expected_cost(row)
        if row["deployment"] and row["billing"] == "per_second":
            active[(row["deployment"], day)] += expected_cost(row)
    con = duckdb.connect(str(db), read_only=True)
    until = dict(con.execute("SELECT deployment, synced_at FROM deployments").fetchall())
    con.close()
    history = account.deployment_history()
    floor = bill_truth.floors(history, until, test_bill.price_at, [test_bill.L40S_CHANGE])
    floor = {key: usd for key, usd in floor.items() if first <= key[1] <= last}
    topups = bill_truth.topups(floor, active, history).get(model, Decimal(0))
    assert topups > 2000
    report = insights.insights(db, since=first, until=last, top=50, pricing_file=path,
                               config=config)  # fmt: skip
    (waste,) = [i for i in report.insights if i.kind == "waste" and i.evidence["model"] == model]
    assert waste.evidence["model_spend_usd"] == records + topups
    assert waste.evidence["share_of_model_spend_pct"] == round(
        float(waste.usd / (records + topups) * 100), 1
    )


def test_a_mid_day_now_cuts_records_and_floors_at_the_instant(account_db, tmp_path):
    """--now 2025-12-15T12:00Z: the month to date is the truth cut at that instant (records created
    before it, floors up to it, top-ups against the predictions before it), so the forecast's
    16.5 days left add the afternoon once, not twice."""
    db, account, truth, config = account_db
    path = pricing_file_with_floors(tmp_path, account, truth)
    now = dt.datetime(2025, 12, 15, 12, tzinfo=dt.UTC)
    first = dt.date(2025, 12, 1)
    records, active = Decimal(0), defaultdict(Decimal)
    for row in truth:
        created = dt.datetime.fromisoformat(row["created_at"].replace("Z", "+00:00"))
        if row["status"] in IN_FLIGHT or not (created.date() >= first and created < now):
            continue
        records += expected_cost(row)
        if row["deployment"] and row["billing"] == "per_second":
            active[(row["deployment"], created.date())] += expected_cost(row)
    con = duckdb.connect(str(db), read_only=True)
    until = {d: min(s, now) for d, s in con.execute(
        "SELECT deployment, synced_at FROM deployments").fetchall()}  # fmt: skip
    con.close()
    history = account.deployment_history()
    floor = bill_truth.floors(history, until, test_bill.price_at, [test_bill.L40S_CHANGE])
    floor = {key: usd for key, usd in floor.items() if key[1] >= first}
    expected = records + sum(bill_truth.topups(floor, active, history).values(), Decimal(0))
    args = ["--db", db, "--config", config, "--pricing", path, "--now", "2025-12-15T12:00:00Z"]
    summary = json.loads(run_cli("report", "summary", "--format", "json", *args).out)
    assert Decimal(summary["month_to_date_usd"]) == expected
    forecast = summary["forecast"]
    assert forecast["days_left"] == 16.5
    rate = Decimal(forecast["run_rate_daily_usd"])
    assert Decimal(forecast["month_end_usd"]) == (expected + rate * Decimal("16.5")).quantize(
        Decimal("0.000001"))  # fmt: skip
    check = json.loads(run_cli("budget", "check", "--monthly", "1000000", "--format", "json",
                               *args).out)  # fmt: skip
    assert Decimal(check["bill_estimate_usd"]) == expected
