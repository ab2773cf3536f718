"""`replicost report` end to end through the CLI entry point: formats, charts, errors, exit codes."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from cli_helpers import run_cli
from test_reports_data import build_db, expected, write_pricing

FLOOR = Decimal("38.880000")  # acme/always: always on, no prediction: its whole floor is billed


@pytest.fixture
def db_args(tmp_path):
    db = build_db(tmp_path / "r.duckdb", uptime=True)
    return ["--db", str(db), "--pricing", str(write_pricing(tmp_path))]


def test_json_is_one_object_with_exact_totals(db_args):
    code, out, _ = run_cli(
        "report", "spend", "--by", "model", "--format", "json", "--top", "2", *db_args
    )
    assert code == 0
    data = json.loads(out)
    assert data["totals"]["cost_usd"] == str(expected()[1] + FLOOR)
    assert [r["model"] for r in data["rows"]][-1] == "(other)"
    assert sum(Decimal(r["cost_usd"]) for r in data["rows"]) == Decimal(data["totals"]["cost_usd"])
    assert data["uptime_estimates"]["included_in_totals"] is True
    assert data["uptime_estimates"]["cost_usd"] == "38.880000"


def test_table_has_totals_unpriced_and_uptime_lines(db_args):
    code, out, _ = run_cli("report", "spend", "--by", "source", *db_args)
    assert code == 0
    assert "Total" in out and "$39.36" in out
    assert "Unpriced: 2 records are NOT in the totals" in out
    assert "Lower bounds: 1 records" in out
    assert "always-on floors" in out and "acme/always" in out
    assert "Quarantined at the sync: 0 records" in out


def test_csv_and_markdown(db_args):
    code, out, _ = run_cli("report", "spend", "--by", "kind", "--format", "csv", *db_args)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["kind"] for r in rows] == [
        "deployment_uptime",
        "training",
        "prediction",
    ]
    assert sum(Decimal(r["cost_usd"]) for r in rows) == expected()[1] + FLOOR
    assert rows[0]["estimated_usd"] == "38.880000"
    code, out, _ = run_cli("report", "spend", "--by", "kind", "--format", "markdown", *db_args)
    assert code == 0 and "| **Total** |" in out and "**39.361963**" in out


def test_output_file_and_parquet(db_args, tmp_path):
    import polars as pl

    target = tmp_path / "spend.parquet"
    code, _, err = run_cli(
        "report",
        "spend",
        "--by",
        "month",
        "--format",
        "parquet",
        "--output",
        str(target),
        *db_args,
    )
    assert code == 0 and "wrote" in err
    frame = pl.read_parquet(target)
    assert frame["month"].to_list() == ["2025-02", "2025-03"]
    assert sum(frame["cost_usd"].to_list(), Decimal(0)) == expected()[1] + FLOOR
    code, _, err = run_cli("report", "spend", "--format", "parquet", *db_args)
    assert code == 2 and err.startswith("error: --format parquet needs --output")


def test_chart_png_is_a_real_image(db_args, tmp_path):
    target = tmp_path / "spend.png"
    code, _, _ = run_cli("report", "spend", "--by", "day", "--chart", str(target), *db_args)
    data = target.read_bytes()
    assert code == 0 and data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_chart_html_embeds_svg(db_args, tmp_path):
    target = tmp_path / "spend.html"
    code, _, _ = run_cli("report", "spend", "--by", "model", "--chart", str(target), *db_args)
    page = target.read_text()
    assert code == 0 and "<svg" in page and "</svg>" in page and "acme/flux-dev" in page
    assert "<script" not in page and "http://" not in page.split("<svg", 1)[0]


def test_summary_with_injected_now(db_args):
    code, out, _ = run_cli(
        "report", "summary", "--now", "2025-03-20T12:00:00Z", "--format", "json", *db_args
    )
    data = json.loads(out)
    # March so far: 0.045513 of records + the two floor days (19.44 each) of acme/always, of
    # which the floor and p4 (through a deployment, 0.029250) are estimated
    assert code == 0 and data["month_to_date_usd"] == data["bill_estimate_usd"] == "38.925513"
    assert data["estimated_usd"] == "38.909250"
    run_rate = Decimal(data["forecast"]["run_rate_daily_usd"])
    assert run_rate >= FLOOR / 7  # the floor days are in the last 7 complete days
    assert data["projected_usd"] == data["forecast"]["month_end_usd"]
    assert Decimal(data["projected_usd"]) == Decimal("38.925513") + run_rate * Decimal("11.5")
    code, out, _ = run_cli("report", "summary", "--now", "2025-03-20T12:00:00Z", *db_args)
    assert code == 0 and "Forecast" in out and "▁" in out and "acme/private-llm" in out


def test_empty_database_is_an_empty_report_not_an_error(tmp_path):
    db = build_db(tmp_path / "empty.duckdb", records=[])
    code, out, _ = run_cli("report", "spend", "--db", str(db), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["rows"] == [] and data["totals"]["count"] == 0
    code, out, _ = run_cli("report", "spend", "--db", str(db))
    assert code == 0 and "No records match" in out
    code, out, _ = run_cli("report", "summary", "--db", str(db))
    assert code == 0 and "Month to date" in out


def test_missing_database_is_one_clear_line(tmp_path):
    code, out, err = run_cli("report", "spend", "--db", str(tmp_path / "nope.duckdb"))
    assert code == 2 and out == ""
    assert (
        err.count("\n") == 1 and err.startswith("error: no database at") and "Traceback" not in err
    )


def test_corrupt_database_is_one_clear_line(tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a database" * 100)
    code, _, err = run_cli("report", "summary", "--db", str(bad))
    assert code == 2 and err.count("\n") == 1 and "not a readable replicost database" in err


def test_default_db_path_comes_from_replicost_home(_isolated_home):
    from replicost.paths import default_db_path

    build_db(default_db_path(), records=[])
    code, out, _ = run_cli("report", "spend", "--format", "json")
    assert code == 0 and json.loads(out)["totals"]["count"] == 0


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--by", "colour"], "unknown dimension"),
        (["--since", "2025-13-01"], "not a date"),
        (["--tz", "Nowhere/Land"], "unknown time zone"),
        (["--chart", "out.gif"], ".png, .svg or .html"),
    ],
)
def test_bad_flags_exit_2_with_one_line(db_args, argv, message):
    code, _, err = run_cli("report", "spend", *argv, *db_args)
    assert code == 2 and message in err and "Traceback" not in err
