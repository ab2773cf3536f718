"""`budget check`: exit codes and one-line messages, against hand-computed month figures.

The hand-priced account (test_reports_data) as of 2025-03-20 12:00 UTC: $0.045513 spent in March,
forecast $0.103611 (see test_reports.test_summary_figures for the derivation).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from cli_helpers import run_cli
from test_reports_data import NOW, build_db, write_pricing

from replicost.analytics import budget
from replicost.errors import InputError


@pytest.fixture
def db(tmp_path):
    return build_db(tmp_path / "b.duckdb")


@pytest.fixture
def prices(tmp_path):
    return write_pricing(tmp_path)


@pytest.mark.parametrize(
    "monthly, code, words",
    [
        ("0.04", 2, "OVER BUDGET:"),  # actual 0.045513 >= 0.04
        ("0.10", 2, "OVER BUDGET (projected)"),  # forecast 0.103611 >= 0.10 > actual
        ("0.12", 1, "WARNING (projected over 80%)"),  # 0.096 <= 0.103611 < 0.12
        # 0.103611 < 0.16, but the unpriced p5 and p8 (8 s) could cost up to 8 x $0.0122 more
        ("0.20", 1, "WARNING (the unpriced records could cross 80%"),
        ("0.30", 0, "ok:"),  # 0.103611 + 0.0976 < 0.24
    ],
)
def test_levels(db, prices, monthly, code, words):
    result = budget.check(db, monthly, now=NOW, pricing_file=prices)
    assert result.exit_code == code and result.message.startswith(words)
    assert result.actual == Decimal("0.045513") and result.projected == Decimal("0.103611")
    assert "\n" not in result.message


def test_warning_level_is_configurable(db, prices):
    assert (
        budget.check(db, "0.20", warn_at=0.5, now=NOW, pricing_file=prices).exit_code == 1
    )  # 0.10 <= 0.1036


def test_uptime_estimate_counts_unless_excluded(tmp_path, prices):
    db = build_db(tmp_path / "u.duckdb", uptime=True)
    with_uptime = budget.check(db, "50", now=NOW, pricing_file=prices)
    # actual 0.045513 + 38.88 of always-on floor (the deployment ran no prediction: all top-up)
    assert with_uptime.actual == Decimal("38.925513")
    assert with_uptime.uptime_estimate == Decimal("38.880000")
    assert with_uptime.exit_code == 2 and "projected" in with_uptime.message
    without = budget.check(db, "50", now=NOW, pricing_file=prices, include_uptime=False)
    assert without.exit_code == 0 and without.actual == Decimal("0.045513")


@pytest.mark.parametrize("monthly, warn_at", [("0", 0.8), ("-5", 0.8), ("10", 0), ("10", 1.5)])
def test_bad_budget_arguments(db, monthly, warn_at):
    with pytest.raises(InputError):
        budget.check(db, monthly, warn_at=warn_at, now=NOW)


def test_cli_exit_codes_and_one_line(db, prices):
    common = ["--db", str(db), "--pricing", str(prices), "--now", "2025-03-20T12:00:00Z"]
    for monthly, code in (("$0.04", 2), ("0.12", 1), ("1,000", 0)):
        got, out, _ = run_cli("budget", "check", "--monthly", monthly, *common)
        assert got == code and out.count("\n") == 1
    got, _, err = run_cli("budget", "check", "--monthly", "lots", *common)
    assert got == 3 and "not an amount" in err


def _could_not_check(db, prices, tmp_path):
    """Each way a check can fail before it reaches a verdict, with a word its error line holds."""
    garbage = tmp_path / "garbage.toml"
    garbage.write_text("[hardware\n")
    fine = ["--db", str(db), "--now", "2025-03-20T12:00:00Z"]
    return {
        "bad amount": (["--monthly", "abc", *fine], "not an amount"),
        "missing --monthly": ([*fine], "Missing option '--monthly'"),
        "unknown flag": (["--monthly", "5", "--mothly", "5", *fine], "No such option"),
        "bad --warn-at": (["--monthly", "5", "--warn-at", "3", *fine], "--warn-at"),
        "bad --now": (["--monthly", "5", "--db", str(db), "--now", "noon"], "--now"),
        "missing database": (["--monthly", "5", "--db", str(tmp_path / "none.duckdb")], "no database"),
        "pricing file missing": (["--monthly", "5", *fine, "--pricing", str(tmp_path / "no.toml")], "no.toml"),
        "pricing file unreadable": (["--monthly", "5", *fine, "--pricing", str(garbage)], "garbage.toml"),
        "a folder as database": (["--monthly", "5", "--db", str(tmp_path)], "directory"),
    }  # fmt: skip


@pytest.mark.parametrize(
    "case",
    [
        "bad amount",
        "missing --monthly",
        "unknown flag",
        "bad --warn-at",
        "bad --now",
        "missing database",
        "pricing file missing",
        "pricing file unreadable",
        "a folder as database",
    ],
)
def test_cli_could_not_check_exits_3_with_one_line(db, prices, tmp_path, case):
    args, words = _could_not_check(db, prices, tmp_path)[case]
    code, out, err = run_cli("budget", "check", *args)
    assert code == 3, (code, err)
    assert out == "" and err.startswith("error: ") and len(err.splitlines()) == 1
    assert words in err


def test_cli_an_unexpected_error_is_could_not_check_too(db, monkeypatch):
    from replicost.analytics import budget as library

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(library, "check", broken)
    code, out, err = run_cli("budget", "check", "--monthly", "5", "--db", str(db))
    assert code == 3 and err == "error: unexpected RuntimeError: a bug\n"


def test_other_commands_keep_exit_2_for_bad_input(db):
    code, _, err = run_cli("report", "summary", "--db", str(db), "--now", "noon")
    assert code == 2 and "--now" in err
    code, _, err = run_cli("report", "summary", "--db", str(db), "--no-such-flag")
    assert code == 2 and "No such option" in err


def test_cli_empty_database_is_ok(tmp_path):
    db = build_db(tmp_path / "empty.duckdb", records=[])
    code, out, _ = run_cli("budget", "check", "--monthly", "10", "--db", str(db))
    assert code == 0 and out.startswith("ok: $0.00 bill estimate")


def test_budget_check_returns_its_exit_code_from_run(db, prices):
    from replicost.cli.main import run  # the entry point's contract itself, not a CLI run

    common = ["--db", str(db), "--pricing", str(prices), "--now", "2025-03-20T12:00:00Z"]
    assert run(["budget", "check", "--monthly", "$0.04", *common]) == 2
