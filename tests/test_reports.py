"""Spend reports over a real database priced by the real cost views, checked against hand figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from test_reports_data import (
    NOW,
    RECORDS,
    UPTIME_DAYS,
    build_db,
    cost,
    expected,
    write_pricing,
)

from replicost.analytics import insights, reports
from replicost.analytics.tags import TagRule, parse_rules
from replicost.errors import InputError


@pytest.fixture
def db(tmp_path):
    return build_db(tmp_path / "r.duckdb")


@pytest.fixture
def prices(tmp_path):
    return write_pricing(tmp_path)


def row_sums(report):
    rows = report.rows
    return (
        int(rows["count"].sum()),
        sum(rows["cost_usd"].to_list(), Decimal(0)),
        int(rows["unpriced_count"].sum()),
        sum(rows["predict_seconds"].to_list(), Decimal(0)),
    )


ALL_BY = [[d] for d in reports.DIMENSIONS] + [["model", "day"], ["month", "kind", "source"]]


@pytest.mark.parametrize("by", ALL_BY, ids=lambda b: ",".join(b))
def test_rows_of_every_dimension_add_up_to_the_grand_total(db, prices, by):
    report = reports.spend(db, by, pricing_file=prices)
    count, total, unpriced = expected()
    assert (report.totals.count, report.totals.cost_usd, report.totals.unpriced_count) == (
        count,
        total,
        unpriced,
    )
    assert row_sums(report)[:3] == (count, total, unpriced)
    assert row_sums(report)[3] == report.totals.predict_seconds
    assert total == Decimal("0.481963")  # the hand sum of the table in test_reports_data


def test_by_model_matches_the_hand_priced_records(db, prices):
    report = reports.spend(db, "model", pricing_file=prices)
    got = {
        r["model"]: (r["count"], r["cost_usd"], r["unpriced_count"])
        for r in report.rows.iter_rows(named=True)
    }
    want = {}
    for record in RECORDS:
        model = record[2]
        want[model] = expected(lambda r, m=model: r[2] == m)
    assert got == want
    costs = report.rows["cost_usd"].to_list()
    assert costs == sorted(costs, reverse=True)


def test_unpriced_records_are_counted_with_their_reason_and_add_nothing(db, prices):
    report = reports.spend(db, "model", pricing_file=prices)
    mystery = report.rows.filter(report.rows["model"] == "acme/mystery").row(0, named=True)
    assert (mystery["unpriced_count"], mystery["cost_usd"]) == (2, Decimal(0))
    assert len(report.unpriced_reasons) == 1
    counted = report.unpriced_reasons[0]
    assert counted.count == 2 and "acme/mystery" in counted.reason
    assert (counted.code, counted.subject) == ("model_hardware_unknown", {"model": "acme/mystery"})


def test_until_includes_the_last_microsecond_of_the_day_and_nothing_after(db, prices):
    report = reports.spend(db, "day", until=dt.date(2025, 3, 19), pricing_file=prices)
    days = report.rows["day"].to_list()
    assert days[-1] == "2025-03-19" and "2025-03-20" not in days  # p4 at 23:59:59.999999 in, p5 out
    assert report.totals.count == expected(lambda r: r[6] < "2025-03-20")[0]
    assert days == sorted(days)  # time dimensions ascend by time


def test_since_is_inclusive_from_midnight(db, prices):
    report = reports.spend(
        db, "model", since=dt.date(2025, 3, 1), until=dt.date(2025, 3, 1), pricing_file=prices
    )
    assert report.totals.count == 1 and report.totals.cost_usd == Decimal(
        "0.007250"
    )  # p1 at 00:00:00


def test_days_follow_the_time_zone(db, prices):
    # p5 is 2025-03-20 00:00 UTC, i.e. 2025-03-19 20:00 in New York.
    utc = reports.spend(
        db, "day", since=dt.date(2025, 3, 19), until=dt.date(2025, 3, 19), pricing_file=prices
    )
    ny = reports.spend(
        db,
        "day",
        since=dt.date(2025, 3, 19),
        until=dt.date(2025, 3, 19),
        tz="America/New_York",
        pricing_file=prices,
    )
    assert utc.totals.count == 1  # p4
    assert ny.totals.count == 2  # p4 (19:59:59 local) and p5
    assert ny.rows["day"].to_list() == ["2025-03-19"]


def test_a_day_before_1970_is_its_own_day(tmp_path, prices):
    # epoch microseconds are negative there; rounding them toward zero would move the last
    # hour of 1969-12-31 into 1970-01-01
    early = [(*RECORDS[0][:6], "1969-12-31 23:00:00", *RECORDS[0][7:])]
    report = reports.spend(build_db(tmp_path / "early.duckdb", records=early), "day",
                           pricing_file=prices)  # fmt: skip
    assert report.rows["day"].to_list() == ["1969-12-31"]
    con = reports.open_priced(tmp_path / "early.duckdb", pricing_file=prices)
    try:
        insights.insights(con, top=None)  # the insights' facts count days the same way
        assert con.execute("SELECT DISTINCT day FROM insight_facts").fetchall() == [
            (dt.date(1969, 12, 31),)
        ]
    finally:
        con.close()


def test_week_is_the_iso_monday_and_month_is_year_month(db, prices):
    weeks = reports.spend(db, "week", pricing_file=prices).rows["week"].to_list()
    for w in weeks:
        assert dt.date.fromisoformat(w).isoweekday() == 1
    # p1 (Saturday 2025-03-01) belongs to the week of Monday 2025-02-24, like p6 (2025-02-28).
    report = reports.spend(
        db, "week", since=dt.date(2025, 2, 28), until=dt.date(2025, 3, 1), pricing_file=prices
    )
    assert report.rows["week"].to_list() == ["2025-02-24"]
    months = reports.spend(db, "month", pricing_file=prices)
    assert months.rows["month"].to_list() == ["2025-02", "2025-03"]
    assert months.rows["cost_usd"].to_list()[0] == Decimal("0.436450")  # t1 + p6


@pytest.mark.parametrize(
    "filters, predicate",
    [
        ({"model": "acme/*"}, lambda r: r[2].startswith("acme/")),
        ({"model": "acme/flux-dev"}, lambda r: r[2] == "acme/flux-dev"),
        ({"source": "web"}, lambda r: r[3] == "web"),
        ({"deployment": "acme/chat"}, lambda r: r[4] == "acme/chat"),
        ({"status": "failed"}, lambda r: r[5] == "failed"),
        ({"kind": "training"}, lambda r: r[1] == "training"),
        (
            {"kind": "prediction", "model": "acme/flux-dev"},
            lambda r: r[1] == "prediction" and r[2] == "acme/flux-dev",
        ),
        ({"account": "nobody"}, lambda r: False),
    ],
)
def test_filters_select_the_expected_records(db, prices, filters, predicate):
    report = reports.spend(db, "model", pricing_file=prices, **filters)
    count, total, unpriced = expected(predicate)
    assert (report.totals.count, report.totals.cost_usd, report.totals.unpriced_count) == (
        count,
        total,
        unpriced,
    )
    assert report.to_dict()["filters"] == {k: v for k, v in filters.items()}


def test_top_folds_the_rest_into_other_and_keeps_the_totals_exact(db, prices):
    full = reports.spend(db, "model", pricing_file=prices)
    top = reports.spend(db, "model", top=2, pricing_file=prices)
    assert top.rows["model"].to_list() == full.rows["model"].to_list()[:2] + [reports.OTHER]
    assert row_sums(top) == row_sums(full)
    other = top.rows.row(2, named=True)
    assert other["cost_usd"] == sum(full.rows["cost_usd"].to_list()[2:], Decimal(0))
    assert other["unpriced_count"] == 2


def test_json_contract(db, prices):
    data = reports.spend(db, ["model"], top=3, pricing_file=prices).to_dict()
    assert list(data)[:5] == ["currency", "by", "filters", "rows", "totals"]
    assert data["currency"] == "USD" and data["by"] == ["model"]
    for row in data["rows"]:
        assert set(row) == {
            "model",
            "count",
            "predict_seconds",
            "cost_usd",
            "unpriced_count",
            "estimated_usd",
            "unpriced_cost_usd",
        }
        assert row["cost_usd"] is None or len(row["cost_usd"].split(".")[1]) == 6
        assert set(row["unpriced_cost_usd"]) == {"low", "high"}
    assert sum(Decimal(r["cost_usd"] or 0) for r in data["rows"]) == Decimal(
        data["totals"]["cost_usd"]
    )
    assert sum(r["count"] for r in data["rows"]) == data["totals"]["count"]
    assert data["totals"]["cost_usd"] == "0.481963"
    assert data["unpriced"]["count"] == 2
    # p4 ran through a deployment: its per-second cost is a lower bound of what Replicate bills.
    assert (data["lower_bound"]["count"], data["lower_bound"]["cost_usd"]) == (1, "0.029250")


def test_always_on_floor_is_in_the_bill_once(tmp_path, prices):
    db = build_db(tmp_path / "u.duckdb", uptime=True)
    report = reports.spend(db, "deployment", pricing_file=prices)
    # acme/always ran no prediction: the bill counts its whole floor, as an estimate
    floor = sum(UPTIME_DAYS.values())
    assert report.totals.cost_usd == expected()[1] + floor
    assert report.to_dict()["uptime_estimates"]["included_in_totals"] is True
    always = [r for r in report.rows.iter_rows(named=True) if r["deployment"] == "acme/always"]
    assert always[0]["cost_usd"] == floor and always[0]["estimated_usd"] == floor
    assert always[0]["count"] == 0  # a top-up is not a record
    estimates = report.uptime_estimates.row(0, named=True)
    assert (estimates["deployment"], estimates["days"]) == ("acme/always", 2)
    assert report.uptime_total == sum(UPTIME_DAYS.values())
    one_day = reports.spend(db, "deployment", since=dt.date(2025, 3, 19), pricing_file=prices)
    assert one_day.uptime_total == UPTIME_DAYS[dt.date(2025, 3, 19)]
    # A model filter has no meaning for instance uptime: no estimate rather than a wrong one.
    assert reports.spend(db, "model", model="acme/*", pricing_file=prices).uptime_estimates is None
    assert (
        reports.spend(db, "model", model="acme/*", pricing_file=prices).to_dict()[
            "uptime_estimates"
        ]
        is None
    )


def test_tags_group_by_first_matching_rule_and_keep_the_total(db, prices):
    rules = parse_rules(
        {
            "chat-team": {"deployment": "acme/chat"},
            "images": [{"model": "*flux*"}, {"model": "someone/*"}],
        }
    )
    assert rules[0] == TagRule("chat-team", deployment="acme/chat")
    report = reports.spend(db, "tag", tag_rules=rules, pricing_file=prices)
    got = {r["tag"]: r["cost_usd"] for r in report.rows.iter_rows(named=True)}
    assert got == {
        "chat-team": cost(RECORDS[3]),
        "images": sum(
            (cost(r) for r in RECORDS if "flux" in r[2] or r[2].startswith("someone/")), Decimal(0)
        ),
        "(untagged)": Decimal(0),  # the two unpriced acme/mystery records
    }
    assert row_sums(report)[1] == report.totals.cost_usd


def test_tags_come_from_the_config_file(db, prices, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[tags]\nweb-users = { source = "web" }\n')
    report = reports.spend(db, "tag", config=config, pricing_file=prices)
    assert dict(zip(report.rows["tag"], report.rows["count"], strict=True)) == {
        "(untagged)": 8,
        "web-users": 1,
    }


@pytest.mark.parametrize(
    "section, message",
    [
        ({"x": {"team": "a"}}, "unknown field"),
        ({"x": {}}, "empty rule"),
        ({"x": "acme/*"}, "must map to a table"),
    ],
)
def test_bad_tag_rules_are_refused(section, message):
    with pytest.raises(InputError, match=message):
        parse_rules(section)


def test_empty_database_gives_an_empty_report(tmp_path, prices):
    db = build_db(tmp_path / "empty.duckdb", records=[])
    report = reports.spend(db, ["model", "day"], pricing_file=prices)
    assert report.rows.is_empty() and report.totals == reports.Totals()
    assert report.to_dict()["rows"] == [] and report.to_dict()["totals"]["cost_usd"] == "0.000000"
    state = reports.summary(db, now=NOW, pricing_file=prices)
    assert state.month_to_date == 0 and state.forecast_month_end == 0 and len(state.daily) == 30


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"by": "model,colour"}, "unknown dimension"),
        ({"by": "model,model"}, "twice"),
        ({"by": "model", "tz": "Mars/Olympus"}, "unknown time zone"),
        ({"by": "model", "since": dt.date(2025, 3, 2), "until": dt.date(2025, 3, 1)}, "after"),
        ({"by": "model", "top": 0}, "at least 1"),
    ],
)
def test_bad_arguments_are_input_errors(db, kwargs, message):
    with pytest.raises(InputError, match=message):
        reports.spend(db, **kwargs)


def test_summary_figures(db, prices):
    state = reports.summary(db, now=NOW, pricing_file=prices)
    in_march = expected(lambda r: r[6].startswith("2025-03"))[1]
    assert state.month == "2025-03" and state.month_to_date == in_march == Decimal("0.045513")
    assert state.last_month == "2025-02" and state.last_month_total == Decimal("0.436450")
    # Forecast: MTD + mean of 13..19 March (p3 + p4 + p7 = 0.035363) / 7, rounded to 0.005052,
    # x 11.5 days left from 20 March 12:00 to 1 April.
    assert state.run_rate_daily == Decimal("0.005052")
    assert state.days_left == Decimal("11.5")
    assert state.forecast_month_end == Decimal("0.045513") + Decimal("0.005052") * Decimal("11.5")
    assert (
        state.daily["day"].to_list()[0] == "2025-02-19"
        and state.daily["day"].to_list()[-1] == "2025-03-20"
    )
    assert (
        sum(state.daily["cost_usd"].to_list(), Decimal(0))
        == expected(lambda r: r[6] >= "2025-02-19")[1]
    )
    assert state.top_models["model"].to_list()[0] == "acme/private-llm"
    assert state.top_deployments["deployment"].to_list() == ["acme/chat"]
    assert (state.records_30d, state.unpriced_30d) == (8, 2)  # t1 is older than 30 days
    assert len(state.sparkline) == 30 and state.sparkline[-2] == "█"  # 19 March is the peak day


def test_sparkline_scales_to_the_peak():
    assert reports.sparkline([0, 1, 2, 4]) == "▁▃▅█"
    assert reports.sparkline([0, 0]) == "▁▁"
    assert reports.sparkline([]) == ""


def test_unpriced_records_without_any_range_are_not_said_to_cost_zero_to_zero():
    """Records billed per unit without a price (or with no seconds known) have no range: the note
    says so instead of "$0.00 to $0.00", which reads as free; a partial range names both parts."""
    from decimal import Decimal

    from replicost.analytics.reports import Totals, unpriced_note
    from replicost.billing.reasons import ReasonCount

    reasons = [ReasonCount("official_unit_unpriced", {"model": "acme/x"}, 3)]
    none = unpriced_note(Totals(count=3, unpriced_count=3, unbounded_count=3), reasons)
    assert none is not None
    assert "none of them has a range" in none and "$0.00" not in none
    some = Totals(
        count=5,
        unpriced_count=5,
        unbounded_count=3,
        unpriced_low=Decimal("0.25"),
        unpriced_high=Decimal("1.75"),
    )
    partial = unpriced_note(some, reasons)
    assert partial is not None
    assert "could cost $0.25 to $1.75, 3 of them with no range" in partial
