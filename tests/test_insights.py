"""`report insights` on simulated accounts planted with each finding, against the ground truth.

Expected dollars come from the simulator's truth (`ground_truth()`, `deployment_history()`) priced
by hand (`test_costs_simulator.expected_cost`), never from the insight code. A control account (the
same seed, nothing planted) must report no spike.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from cli_helpers import run_cli
from test_costs_simulator import HARDWARE_USD, expected_cost, pricing_file

from replicost import simulator, sync
from replicost.analytics import insights
from replicost.simulator.scenarios import BadVersion, IdleDeployment, Spike

END = datetime(2026, 11, 1, tzinfo=UTC)
SINCE, UNTIL = date(2026, 8, 1), date(2026, 10, 31)
TOKEN = "r8_InsightsTestToken_5d1f0b"
MICRO = Decimal("0.000001")
SPIKE = Spike("meta/musicgen", date(2026, 10, 14), factor=30.0, share=0.5)
IDLE = IdleDeployment("warm-gpu", "stability-ai/sdxl", "gpu-a100-large",
                      since=datetime(2026, 9, 1, tzinfo=UTC), weight=0.3)  # fmt: skip
BAD = BadVersion("bytedance/sdxl-lightning-4step", since=datetime(2026, 9, 15, tzinfo=UTC),
                 failure_rate=0.6, slowdown=2.0)  # fmt: skip
WASTED = ("failed", "canceled", "aborted")


def _synced(tmp_path_factory, name, scenarios):
    account = simulator.SimulatedAccount(
        seed=5, predictions=4000, trainings=40, end=END, scenarios=scenarios
    )
    app = simulator.SimulatorApp(account, token=TOKEN)
    folder = tmp_path_factory.mktemp(name)
    db = folder / "replicost.duckdb"
    sync.sync_account(
        db, token=TOKEN, base_url="http://simulator/v1", transport=app.httpx_transport(),
        requests_per_minute=None,
    )  # fmt: skip
    truth = list(account.ground_truth())
    prices = pricing_file(folder, truth, account.deployment_history())
    return db, prices, truth, account


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    return _synced(tmp_path_factory, "planted", (SPIKE, IDLE, BAD))


@pytest.fixture(scope="module")
def planted_report(planted):
    db, prices, _, _ = planted
    return insights.insights(db, since=SINCE, until=UNTIL, top=None, pricing_file=prices)


def day_of(row) -> str:
    return row["created_at"][:10]


def in_period(row) -> bool:
    return SINCE.isoformat() <= day_of(row) <= UNTIL.isoformat()


def of_kind(report, kind):
    return [i for i in report.insights if i.kind == kind]


def test_waste_is_one_insight_per_model_and_adds_up_to_all_billed_waste(planted, planted_report):
    _, _, truth, _ = planted
    expected: dict[str, Decimal] = defaultdict(Decimal)
    spend: dict[str, Decimal] = defaultdict(Decimal)
    for row in filter(in_period, truth):
        cost = expected_cost(row)
        spend[row["model"]] += cost
        if row["status"] in WASTED and cost > 0:
            expected[row["model"]] += cost
    waste = of_kind(planted_report, "waste")
    assert {i.evidence["model"]: i.usd for i in waste} == dict(expected)
    assert sum(i.usd for i in waste) == sum(expected.values())
    bad = next(i for i in waste if i.evidence["model"] == BAD.model)
    assert bad.evidence["share_of_model_spend_pct"] == round(
        float(expected[BAD.model] / spend[BAD.model] * 100), 1
    )
    # the failing version is named, with its error class first
    assert bad.evidence["versions"][0]["version"] == BAD.version
    assert bad.evidence["error_classes"][0]["error_class"] == "CUDA out of memory"
    assert BAD.version[:12] in bad.action and "pin" in bad.action


def test_idle_deployment_month_against_uptime_and_arrivals(planted, planted_report):
    _, _, truth, account = planted
    release = next(r for r in account.deployment_history() if r["name"] == IDLE.name)
    price = HARDWARE_USD[IDLE.hardware]
    october = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)
    september_start = datetime.fromisoformat(release["created_at"].replace("Z", "+00:00"))
    for (start, end), month in (((september_start, october[0]), "2026-09"), (october, "2026-10")):
        uptime_seconds = Decimal(int((end - start) / timedelta(microseconds=1))) * MICRO
        uptime = (uptime_seconds * price * IDLE.min_instances).quantize(MICRO)
        runs = sorted(
            (
                r
                for r in truth
                if r["deployment"] == f"acme-ai/{IDLE.name}" and day_of(r)[:7] == month
            ),
            key=lambda r: r["created_at"],
        )
        times = [datetime.fromisoformat(r["created_at"][:19]) for r in runs]
        # isolated runs (further apart than boot + idle timeout): each starts one instance
        assert all(b - a > timedelta(seconds=1000) for a, b in zip(times, times[1:], strict=False))
        active = sum(Decimal(repr(r["predict_time"] or 0.0)) for r in runs)
        on_demand = active + len(runs) * (insights.idle.BOOT_S + insights.idle.IDLE_TIMEOUT_S)
        would_cost = (on_demand * price).quantize(MICRO, ROUND_HALF_UP)
        found = [i for i in of_kind(planted_report, "idle-deployment")
                 if i.evidence["deployment"] == f"acme-ai/{IDLE.name}" and i.evidence["month"] == month]  # fmt: skip
        assert len(found) == 1, month
        evidence = found[0].evidence
        assert abs(evidence["uptime_usd"] - uptime) <= Decimal("0.000010")
        assert evidence["predictions"] == len(runs)
        assert abs(evidence["would_have_cost_usd"] - would_cost) <= Decimal("0.000010")
        assert abs(found[0].usd - (uptime - would_cost)) <= Decimal("0.000020")
        assert found[0].usd_kind == "estimated"
        assert evidence["with_min_instances"] == 0 and "estimate" in evidence["method"]


def daily_spend(truth, model) -> dict[str, Decimal]:
    spend: dict[str, Decimal] = defaultdict(Decimal)
    for row in truth:
        if row["kind"] == "prediction" and row["model"] == model:
            spend[day_of(row)] += expected_cost(row)
    return spend


def test_the_planted_spike_is_found_with_its_first_record(planted, planted_report):
    _, _, truth, _ = planted
    spend = daily_spend(truth, SPIKE.model)
    previous = [
        spend.get((SPIKE.day - timedelta(days=n)).isoformat(), Decimal(0)) for n in range(1, 29)
    ]
    baseline = statistics.median(previous)
    day = SPIKE.day.isoformat()
    spikes = [i for i in of_kind(planted_report, "spike") if i.evidence.get("dimension") == "model"]
    assert [(i.evidence["model"], i.evidence["day"]) for i in spikes] == [(SPIKE.model, SPIKE.day)]
    spike = spikes[0]
    assert spike.evidence["day_usd"] == spend[day]
    assert abs(spike.usd - (spend[day] - baseline)) <= MICRO
    first = min((r for r in truth if r["model"] == SPIKE.model and day_of(r) == day),
                key=lambda r: r["created_at"])  # fmt: skip
    assert spike.evidence["first_record"]["id"] == first["id"]
    assert spike.evidence["first_record"]["version"] == first["version"]
    assert "median" in spike.evidence["rule"] and "28" in spike.evidence["rule"]


def test_a_slower_version_is_reported_with_its_extra_cost(planted, planted_report):
    _, _, truth, account = planted
    bad_model = account.model_spec(BAD.model)
    versions = [era.version for era in bad_model.eras]
    previous = versions[versions.index(BAD.version) - 1]
    runs = defaultdict(list)
    for row in truth:
        if row["model"] == BAD.model and row["status"] == "succeeded" and row["predict_time"]:
            runs[row["version"]].append(row["predict_time"])
    ratio = statistics.fmean(runs[BAD.version]) / statistics.fmean(runs[previous])
    period_cost = sum(
        expected_cost(r) for r in truth if r["version"] == BAD.version and in_period(r)
    )
    found = [
        i for i in of_kind(planted_report, "spike") if i.evidence.get("version") == BAD.version
    ]
    assert len(found) == 1
    assert found[0].evidence["previous_version"] == previous
    assert found[0].evidence["slowdown"] == round(ratio, 2)
    expected = period_cost * Decimal(repr(1 - 1 / ratio))
    assert abs(found[0].usd - expected) <= Decimal("0.000010")


def test_the_control_account_reports_no_spike(tmp_path_factory):
    db, prices, _, _ = _synced(tmp_path_factory, "control", ())
    report = insights.insights(db, top=None, pricing_file=prices)
    assert of_kind(report, "spike") == []
    assert of_kind(report, "waste")  # the control is not empty: it has waste and idle uptime


def test_what_if_hardware_prices_the_same_seconds_on_cheaper_skus(planted, planted_report):
    _, _, truth, _ = planted
    rows = [r for r in truth if r["model"] == "meta/musicgen" and r["deployment"] is None
            and r["kind"] == "prediction" and in_period(r)]  # fmt: skip
    cost = sum(expected_cost(r) for r in rows)
    seconds = sum(Decimal(repr(r["predict_time"] or 0.0)) for r in rows)
    on_t4 = (seconds * HARDWARE_USD["gpu-t4"]).quantize(MICRO, ROUND_HALF_UP)
    found = [i for i in of_kind(planted_report, "what-if-hardware")
             if i.evidence["target"] == "meta/musicgen"]  # fmt: skip
    assert len(found) == 1 and found[0].usd_kind == "what-if"
    assert found[0].evidence["cost_usd"] == cost
    assert found[0].evidence["cheaper_skus"][0]["sku"] == "gpu-t4"
    assert abs(found[0].usd - (cost - on_t4)) <= Decimal("0.000002")
    skus = [o["sku"] for o in found[0].evidence["cheaper_skus"]]
    assert "cpu" not in skus and "gpu-a100-large" not in skus


def test_unpriced_groups_carry_their_range_and_the_fixing_line(planted, tmp_path):
    db, _, truth, account = planted
    left_out = "replicate/hello-world"  # not in the shipped public-model map
    prices = pricing_file(tmp_path, truth, account.deployment_history(), leave_out=left_out)
    report = insights.insights(db, since=SINCE, until=UNTIL, top=None, pricing_file=prices)
    rows = [r for r in truth if r["model"] == left_out and r["deployment"] is None and in_period(r)
            and r["status"] not in ("starting", "processing")]  # fmt: skip
    seconds = sum(Decimal(repr(r["predict_time"] or 0.0)) for r in rows)
    found = [i for i in of_kind(report, "unpriced") if i.evidence["model"] == left_out]
    assert len(found) == 1
    assert found[0].evidence["records"] == len(rows)
    # the bill's range: the cheapest SKU (cpu) to the dearest listed multiple (8 x gpu-h100);
    # each record's bound is rounded to the micro-dollar, hence the tolerance
    high = (seconds * 8 * HARDWARE_USD["gpu-h100"]).quantize(MICRO, ROUND_HALF_UP)
    low = (seconds * HARDWARE_USD["cpu"]).quantize(MICRO, ROUND_HALF_UP)
    tolerance = MICRO * len(rows)
    assert abs(found[0].usd - high) <= tolerance
    assert abs(found[0].evidence["unpriced_cost_usd"]["low"] - low) <= tolerance
    assert found[0].usd_kind == "what-if"
    assert f'[models] "{left_out}"' in found[0].action


def test_json_is_one_object_sorted_by_dollars(planted):
    db, prices, _, _ = planted
    args = ["report", "insights", "--db", str(db), "--pricing", str(prices),
            "--since", SINCE.isoformat(), "--until", UNTIL.isoformat()]  # fmt: skip
    result = run_cli(*args, "--format", "json", "--top", "40")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert set(data) == {"schema_version", "currency", "insights", "filters"}
    assert data["currency"] == "USD"
    assert data["filters"] == {"since": "2026-08-01", "until": "2026-10-31", "top": 40}
    dollars = [Decimal(i["usd"]) for i in data["insights"]]
    assert dollars == sorted(dollars, reverse=True)
    kinds = {i["kind"] for i in data["insights"]}
    assert kinds <= set(insights.KINDS) and len(kinds) >= 4  # every record priced: no unpriced
    for item in data["insights"]:
        assert set(item) == {"kind", "title", "usd", "usd_kind", "evidence", "action"}
        assert item["usd_kind"] in ("exact", "estimated", "what-if")
    for fmt in ("table", "markdown"):
        shown = run_cli(*args, "--format", fmt, "--top", "3")
        assert shown.code == 0 and "Where the money leaks" in shown.out
    bad = run_cli(*args, "--since", "2026-13-01")
    assert bad.code == 2 and "Traceback" not in bad.err


def test_scenarios_are_opt_in():
    plain = simulator.SimulatedAccount(seed=3, predictions=300, trainings=10, end=END)
    again = simulator.SimulatedAccount(seed=3, predictions=300, trainings=10, end=END, scenarios=())
    assert list(plain.ground_truth()) == list(again.ground_truth())
    planted = simulator.SimulatedAccount(seed=3, predictions=300, trainings=10, end=END,
                                         scenarios=(IDLE,))  # fmt: skip
    assert [d.name for d in planted.deployments][-1] == IDLE.name
    assert IDLE.name not in [d.name for d in plain.deployments]


def test_summary_shows_the_top_three_insights_of_its_30_days(planted):
    db, prices, _, _ = planted
    args = ["--db", str(db), "--pricing", str(prices), "--now", "2026-10-31T12:00:00Z"]
    expected = insights.insights(
        db, since=date(2026, 10, 2), until=date(2026, 10, 31), top=3, pricing_file=prices
    )
    shown = run_cli("report", "summary", "--format", "json", *args)
    assert shown.code == 0, shown.err
    top = json.loads(shown.out)["top_insights"]
    assert [(i["kind"], i["usd"]) for i in top] == [
        (i.kind, str(i.usd.quantize(MICRO))) for i in expected.insights
    ]
    table = run_cli("report", "summary", *args)
    assert "Where the money leaks" in table.out


@pytest.mark.parametrize(
    "code,subject,line",
    [
        ("model_hardware_unknown", {"model": "a/b"}, '[models] "a/b" = "HARDWARE-SKU"'),
        ("deployment_unknown", {"deployment": "a/d"},
         '[deployments] "a/d" = [{ hardware = "HARDWARE-SKU", effective_from = "YYYY-MM-DD" }]'),
        ("hardware_unpriced", {"sku": "gpu-x9", "model": "a/b"}, '[hardware] # "gpu-x9" = 0.000000'),
        ("official_unit_unpriced", {"model": "o/m"}, '[units."o/m"] # image = 0.000000'),
    ],
)  # fmt: skip
def test_each_unpriced_reason_gets_the_line_that_fixes_it(code, subject, line):
    group = {"reason_code": code, "reason_subject": subject, "reason": "(the sentence)",
             "model": subject.get("model"), "deployment": subject.get("deployment"),
             "hardware": None}  # fmt: skip
    assert insights.unpriced.fix_line(group).startswith(line)


def test_simulate_plants_findings_from_the_command_line(tmp_path):
    out = tmp_path / "truth.jsonl"
    plants = ["--plant", "idle:warm-gpu:stability-ai/sdxl:gpu-a100-large:2026-09-01",
              "--plant", "bad-version:bytedance/sdxl-lightning-4step:2026-09-15"]  # fmt: skip
    args = ["simulate", "dump", "--predictions", "2000", "--trainings", "5", "--end", "2026-11-01"]
    result = run_cli(*args, *plants, str(out))
    assert result.code == 0, result.err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    # (the idle deployment is planted too, but receives almost no predictions: that is the point)
    assert any(r["version"] == BAD.version for r in rows)
    bad = run_cli(*args, "--plant", "spike:meta/musicgen", str(out))
    # an InputError: the CLI's entry point prints it as one line and exits 2
    assert bad.code == 2 and "spike:OWNER/MODEL:YYYY-MM-DD" in bad.err


def test_a_quarantined_record_adds_no_active_time(planted, planted_report, tmp_path):
    """The bill leaves a quarantined record unpriced however plausible its predict_time looks;
    the idle finder counts it as a prediction with no active time, the same way."""
    import shutil

    import duckdb

    db, prices, _, _ = planted
    found = {(i.evidence["deployment"], i.evidence["month"]): i.evidence
             for i in of_kind(planted_report, "idle-deployment")}  # fmt: skip
    busiest = max(found, key=lambda key: found[key]["active_seconds"])
    copy = tmp_path / "quarantined.duckdb"
    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))
    record, seconds = con.execute(
        "SELECT id, predict_time FROM predictions WHERE deployment = ? "
        "AND strftime(created_at, '%Y-%m') = ? AND predict_time > 1 LIMIT 1", list(busiest)
    ).fetchone()  # fmt: skip
    con.execute("UPDATE predictions SET quarantine_reason = 'test' WHERE id = ?", [record])
    con.close()
    report = insights.insights(copy, since=SINCE, until=UNTIL, top=None, pricing_file=prices)
    after = {(i.evidence["deployment"], i.evidence["month"]): i.evidence
             for i in of_kind(report, "idle-deployment")}[busiest]  # fmt: skip
    assert after["predictions"] == found[busiest]["predictions"]
    assert abs(after["active_seconds"] - (found[busiest]["active_seconds"] - seconds)) < 0.002


def test_implausible_predict_times_do_not_break_the_idle_finder(planted, planted_report, tmp_path):
    """A NaN or absurd predict_time that reached the table (a database synced before the door
    checks, or edited by hand) counts as no active time, as the bill leaves it unpriced; the
    finder must not fail on the cast. The idle months are still found, with the same counts."""
    import shutil

    import duckdb

    db, prices, _, _ = planted
    idle = {(i.evidence["deployment"], i.evidence["month"]): i.evidence["predictions"]
            for i in of_kind(planted_report, "idle-deployment")}  # fmt: skip
    busiest = max(idle, key=lambda key: idle[key])
    assert idle[busiest] >= 2
    copy = tmp_path / "odd.duckdb"
    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))
    ids = [row[0] for row in con.execute(
        "SELECT id FROM predictions WHERE deployment = ? AND strftime(created_at, '%Y-%m') = ? "
        "AND predict_time > 0 ORDER BY created_at LIMIT 2", list(busiest)).fetchall()]  # fmt: skip
    con.execute("UPDATE predictions SET predict_time = 'NaN'::DOUBLE WHERE id = ?", [ids[0]])
    con.execute("UPDATE predictions SET predict_time = 1e300 WHERE id = ?", [ids[1]])
    con.execute(  # and one run of the slower version, whose mean predict time is evidence
        "UPDATE predictions SET predict_time = 'NaN'::DOUBLE WHERE id = (SELECT id FROM "
        "predictions WHERE model = ? AND version = ? AND status = 'succeeded' LIMIT 1)",
        [BAD.model, BAD.version],
    )
    con.close()
    report = insights.insights(copy, since=SINCE, until=UNTIL, top=None, pricing_file=prices)
    json.dumps([i.evidence for i in report.insights], allow_nan=False, default=str)  # no NaN
    after = {(i.evidence["deployment"], i.evidence["month"]): i.evidence["predictions"]
             for i in of_kind(report, "idle-deployment")}  # fmt: skip
    assert after == idle
