"""`report diff`: periods, the volume / price / mix split by hand, and both sides against spend.

Expected figures are computed by hand from the shipped catalog's prices (gpu-t4 $0.000225/s,
gpu-a40-large $0.000725/s) and the hand-priced account of `test_reports_data`; each side is also
checked against `report spend` for the same days.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from cli_helpers import run_cli
from hypothesis import given
from hypothesis import strategies as st
from test_reports_data import build_db, write_pricing

from replicost.analytics.reports.diff import decompose, diff, parse_period
from replicost.errors import InputError
from replicost.store import connect

D = dt.date


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("2026-02", D(2026, 2, 1), D(2026, 2, 28)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("2026-12", D(2026, 12, 1), D(2026, 12, 31)),
        ("2026-03-05", D(2026, 3, 5), D(2026, 3, 5)),
        ("2026-01..2026-03-15", D(2026, 1, 1), D(2026, 3, 15)),
        ("2026-01-20..2026-02", D(2026, 1, 20), D(2026, 2, 28)),
    ],
)
def test_periods(text, since, until):
    period = parse_period(text)
    assert (period.since, period.until) == (since, until)


@pytest.mark.parametrize("text", ["2026-13", "2026", "2026-02-30", "2026-01..", "2026-03..2026-01"])
def test_bad_periods_are_one_line(text):
    with pytest.raises(InputError, match="--base"):
        parse_period(text, "--base")


def micro(text: str) -> int:
    return int(Decimal(text) * 1_000_000)


def test_decompose_by_hand():
    # base: 400 s on gpu-t4 ($0.09); head: 200 s on gpu-t4 ($0.045), 400 s on gpu-a40-large ($0.29)
    base = {("second", "gpu-t4"): (400_000_000, micro("0.09"))}
    head = {
        ("second", "gpu-t4"): (200_000_000, micro("0.045")),
        ("second", "gpu-a40-large"): (400_000_000, micro("0.29")),
    }
    # volume: 200 more seconds x $0.000225 (the base's average); mix: a40's head cost at its own
    # price (no base price) + t4's 200 s at base price - 600 s at the base's average
    assert decompose(base, head) == (micro("0.045"), 0, micro("0.335") - micro("0.135"))
    # the base at a cheaper t4 ($0.0002/s): volume 200 x 0.0002; mix 0.33 - 600 x 0.0002;
    # price: head's 200 t4 seconds x $0.000025 more
    cheaper = {("second", "gpu-t4"): (400_000_000, micro("0.08"))}
    assert decompose(cheaper, head) == (micro("0.04"), micro("0.005"), micro("0.21"))
    # a new family is all volume, a gone one too; nothing at all is nothing
    images = {("image", "black-forest-labs/flux-schnell"): (2, micro("0.006"))}
    assert decompose({}, images) == (micro("0.006"), 0, 0)
    assert decompose(images, {}) == (-micro("0.006"), 0, 0)
    assert decompose({}, {}) == (0, 0, 0)


meters = st.dictionaries(
    st.tuples(st.sampled_from(["second", "image", "uptime_day"]), st.sampled_from(["a", "b", "c"])),
    st.tuples(st.integers(0, 10**12), st.integers(0, 10**11)),
    max_size=6,
)


@given(meters, meters)
def test_the_three_parts_add_up_to_the_delta_exactly(base, head):
    volume, price, mix = decompose(base, head)
    delta = sum(c for _, c in head.values()) - sum(c for _, c in base.values())
    assert volume + price + mix == delta


def spend_total(db, prices, period, *extra):
    code, out, err = run_cli(
        "report", "spend", "--db", db, "--pricing", prices, "--format", "json",
        "--since", period.since.isoformat(), "--until", period.until.isoformat(), *extra,
    )  # fmt: skip
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def account(tmp_path):
    return build_db(tmp_path / "d.duckdb", uptime=True), write_pricing(tmp_path)


def test_each_side_equals_report_spend_and_the_deltas_add_up(account):
    db, prices = account
    code, out, err = run_cli(
        "report", "diff", "--by", "model", "--base", "2025-02", "--head", "2025-03",
        "--db", db, "--pricing", prices, "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    for side in ("base", "head"):
        spend = spend_total(db, prices, parse_period(report[side]["period"]), "--by", "model")
        assert report["totals"][f"{side}_usd"] == spend["totals"]["cost_usd"]
        by_model = {r["model"]: r["cost_usd"] for r in spend["rows"]}
        mine = {r["model"]: r[f"{side}_usd"] for r in report["rows"] if r[f"{side}_count"]}
        assert mine == by_model
    totals = {k: Decimal(v) for k, v in report["totals"].items()}
    assert totals["delta_usd"] == totals["head_usd"] - totals["base_usd"]
    assert totals["volume_usd"] + totals["price_usd"] + totals["mix_usd"] == totals["delta_usd"]
    for row in report["rows"]:
        if row["delta_usd"] is not None:
            parts = sum(Decimal(row[f"{p}_usd"]) for p in ("volume", "price", "mix"))
            assert parts == Decimal(row["delta_usd"])
    # by hand: February has only acme/flux-dev (t1 $0.435 + p6 $0.00145); March adds the rest
    flux = next(r for r in report["rows"] if r["model"] == "acme/flux-dev")
    assert (flux["base_usd"], flux["head_usd"]) == ("0.436450", "0.010150")
    assert sorted(g["model"] for g in report["new"]) == [
        "acme/mystery", "acme/private-llm", "black-forest-labs/flux-schnell", "someone/upscaler",
    ]  # fmt: skip
    assert report["gone"] == []
    private = next(r for r in report["rows"] if r["model"] == "acme/private-llm")
    assert private["head_usd"] == "38.909250"  # p4 $0.02925 + two always-on days of $19.44
    # the unpriced model: counted, its change unknown (never $0)
    mystery = next(r for r in report["rows"] if r["model"] == "acme/mystery")
    assert mystery["head_usd"] is None and mystery["delta_usd"] is None
    assert report["unpriced"]["head"]["count"] == 2 and report["unpriced"]["base"]["count"] == 0


def test_gone_groups(account):
    db, prices = account
    report = diff(db, "model", base="2025-03", head="2025-02", pricing_file=prices).to_dict()
    assert len(report["gone"]) == 4 and report["new"] == []
    assert report["totals"]["delta_usd"] == str(Decimal("0.436450") - Decimal("38.925513"))


def test_two_pricing_files_over_one_period(account, tmp_path):
    db, prices = account
    cheaper = tmp_path / "cheaper.toml"
    cheaper.write_text(prices.read_text() + '\n[hardware]\n"gpu-a40-large" = 0.0005\n')
    report = diff(db, "model", base="2025-03-01..2025-03-14", head="2025-03-01..2025-03-14",
                  pricing_file=prices, pricing_base=cheaper).to_dict()  # fmt: skip
    flux = next(r for r in report["rows"] if r["model"] == "acme/flux-dev")
    # p1 10 s + p2 4 s on gpu-a40-large: $0.010150 now, 14 s x $0.0005 = $0.007 before: all price
    assert flux["base_usd"] == "0.007000" and flux["head_usd"] == "0.010150"
    assert (flux["price_usd"], flux["volume_usd"], flux["mix_usd"]) == (
        "0.003150",
        "0.000000",
        "0.000000",
    )
    assert report["base"]["pricing"] == str(cheaper)


def build_moving_deployment(path):
    """A deployment on gpu-t4 that moves to gpu-a40-large on 2025-02-15 (hand-priced above)."""
    con = connect(path)
    con.execute("INSERT INTO accounts (account, type) VALUES ('acme', 'organization')")
    for number, hardware, created in (
        (1, "gpu-t4", "2025-01-01"),
        (2, "gpu-a40-large", "2025-02-15"),
    ):
        con.execute(
            "INSERT INTO deployment_releases (deployment, number, account, model, hardware,"
            " min_instances, created_at) VALUES ('acme/d', ?, 'acme', 'acme/m', ?, 0, ?::TIMESTAMPTZ)",
            [number, hardware, created + " 00:00:00+00"],
        )
    for rid, created, seconds in (("d1", "2025-01-05", 100.0), ("d2", "2025-01-20", 300.0),
                                  ("d3", "2025-02-10", 200.0), ("d4", "2025-02-20", 400.0)):  # fmt: skip
        con.execute(
            "INSERT INTO predictions (id, account, model, version, status, source, deployment,"
            " created_at, predict_time) VALUES (?, 'acme', 'acme/m', 'v', 'succeeded', 'api',"
            " 'acme/d', ?::TIMESTAMPTZ, ?)",
            [rid, created + " 12:00:00+00", seconds],
        )
    con.close()
    return path


def test_hardware_mix_end_to_end(tmp_path):
    db = build_moving_deployment(tmp_path / "m.duckdb")
    for by in ("deployment", "model,deployment"):
        report = diff(db, by, base="2025-01", head="2025-02").to_dict()
        (row,) = report["rows"]
        assert (row["base_usd"], row["head_usd"], row["delta_usd"]) == (
            "0.090000",
            "0.335000",
            "0.245000",
        )
        assert (row["volume_usd"], row["mix_usd"], row["price_usd"]) == (
            "0.045000",
            "0.200000",
            "0.000000",
        )
    cheaper = tmp_path / "t4.toml"
    cheaper.write_text('[hardware]\n"gpu-t4" = 0.0002\n')
    (row,) = diff(db, "deployment", base="2025-01", head="2025-02", pricing_base=cheaper).rows
    assert (row.volume_micro, row.mix_micro, row.price_micro) == (40_000, 210_000, 5_000)
    by_hardware = diff(db, "hardware", base="2025-01", head="2025-02").to_dict()
    assert {r["hardware"]: r["status"] for r in by_hardware["rows"]} == {
        "gpu-t4": "both", "gpu-a40-large": "new",
    }  # fmt: skip


def test_formats_and_hostile_names(tmp_path):
    db = build_moving_deployment(tmp_path / "h.duckdb")
    con = connect(db)
    con.execute("UPDATE predictions SET model = '[red]x[/red] | *y*' WHERE id = 'd4'")
    con.close()
    args = ["report", "diff", "--by", "model", "--base", "2025-01", "--head", "2025-02", "--db", db]
    code, table, _ = run_cli(*args)
    assert code == 0 and "[red]x[/red] | *y*" in table and "Total" in table
    code, markdown, _ = run_cli(*args, "--format", "markdown")
    assert code == 0 and r"\[red\]x\[/red\] \| \*y\*" in markdown
    code, text, _ = run_cli(*args, "--format", "csv")
    lines = text.splitlines()
    assert code == 0 and lines[0].startswith("model,status,base_usd,head_usd,delta_usd")
    assert len(lines) == 3


def test_refusals_are_one_line(account):
    db, prices = account
    code, _, err = run_cli("report", "diff", "--by", "month", "--base", "2025-02", "--head",
                           "2025-03", "--db", db)  # fmt: skip
    assert code == 2 and "cannot group by month" in err and "Traceback" not in err
    code, _, err = run_cli("report", "diff", "--base", "March", "--head", "2025-03", "--db", db)
    assert code == 2 and "--base 'March'" in err


def test_by_tag_uses_the_config_rules(account, tmp_path):
    db, prices = account
    config = tmp_path / "config.toml"
    config.write_text('[tags]\nflux = { model = "acme/flux-*" }\n')
    report = diff(db, "tag", base="2025-02", head="2025-03", pricing_file=prices, config=config)
    rows = {row["tag"]: row for row in report.to_dict()["rows"]}
    # acme/flux-dev by hand: February t1 + p6, March p1 + p2
    assert (rows["flux"]["base_usd"], rows["flux"]["head_usd"]) == ("0.436450", "0.010150")
    assert rows["(untagged)"]["status"] == "new"


def test_two_pricing_files_need_a_path_not_an_open_connection(account, tmp_path):
    db, prices = account
    from replicost.analytics.reports import open_priced

    con = open_priced(db, pricing_file=prices)
    try:
        same = diff(con, "model", base="2025-02", head="2025-03")  # one set of prices: fine
        assert same.to_dict()["totals"]["head_usd"] == "38.925513"
        with pytest.raises(InputError, match="needs the database's path"):
            diff(con, "model", base="2025-03", head="2025-03", pricing_base=prices)
    finally:
        con.close()


def test_a_time_zone_moves_both_sides_as_it_moves_spend(account):
    """p6 (2025-02-28 23:00 UTC) is in February in UTC and in March in Tokyo."""
    db, prices = account
    report = diff(db, "model", base="2025-02", head="2025-03", tz="Asia/Tokyo", pricing_file=prices)
    for side, period in (("base", report.base), ("head", report.head)):
        spend = spend_total(db, prices, period, "--tz", "Asia/Tokyo")
        assert report.to_dict()["totals"][f"{side}_usd"] == spend["totals"]["cost_usd"]
    flux = next(r for r in report.rows if r.key == ("acme/flux-dev",))
    assert flux.base.cost_micro == micro("0.435")  # t1 only: p6 moved to March
