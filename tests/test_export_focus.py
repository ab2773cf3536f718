"""`export --schema focus`: FOCUS 1.2 rows checked against the spec's column library.

The column rules (which columns are Mandatory, which may be null, their data types and allowed
values) are read from the vendored library `tests/data/focus-1.2/columns.json`, never restated
here. The money is checked against the hand-priced account of `test_reports_data` and against
`report spend` for each month, to the micro-dollar.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from cli_helpers import run_cli
from test_reports_data import RECORDS, UNPRICED_IDS, UPTIME_DAYS, build_db, cost, write_pricing

from replicost.analytics.export import export_focus

LIBRARY = json.loads((Path(__file__).parent / "data" / "focus-1.2" / "columns.json").read_text())
COLUMNS = {c["column_id"]: c for c in LIBRARY["columns"]}
MANDATORY = sorted(n for n, c in COLUMNS.items() if c["feature_level"] == "Mandatory")
NOT_NULL = sorted(n for n, c in COLUMNS.items() if c["allows_nulls"] == "False")
# FOCUS data types -> the DuckDB types a Parquet file of that type reads back as
PARQUET_TYPES = {
    "Decimal": re.compile(r"DECIMAL\(\d+,\d+\)"),
    "String": re.compile(r"VARCHAR"),
    "JSON": re.compile(r"VARCHAR"),
    "Date/Time": re.compile(r"TIMESTAMP WITH TIME ZONE"),
}
# FOCUS's Date/Time format: ISO 8601 in UTC, e.g. 2025-03-01T00:00:00Z
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
DECIMAL_TEXT = re.compile(r"-?\d+(\.\d+)?")


@pytest.fixture(scope="module")
def account(tmp_path_factory):
    folder = tmp_path_factory.mktemp("focus")
    return build_db(folder / "f.duckdb", uptime=True), write_pricing(folder), folder


@pytest.fixture(scope="module")
def parquet(account):
    db, prices, folder = account
    return export_focus(db, folder / "parquet", pricing_file=prices)


@pytest.fixture(scope="module")
def csv_export(account):
    db, prices, folder = account
    return export_focus(db, folder / "csv", format="csv", pricing_file=prices)


def read_parquet(path: Path) -> tuple[list[tuple[str, str]], list[dict]]:
    con = duckdb.connect()
    relation = con.sql(f"SELECT * FROM read_parquet('{path}')")
    types = [(name, str(kind)) for name, kind in zip(relation.columns, relation.types, strict=True)]
    rows = [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]
    return types, rows


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_library_is_the_one_vendored():
    assert LIBRARY["focus_version"] == "1.2" and len(COLUMNS) == 57
    assert "BilledCost" in MANDATORY and "BilledCost" in NOT_NULL  # why unpriced items are apart


@pytest.mark.parametrize("which", ["path", "unpriced_path"])
def test_parquet_columns_follow_the_library(parquet, which):
    types, rows = read_parquet(getattr(parquet, which))
    names = [name for name, _ in types]
    assert not [m for m in MANDATORY if m not in names], "a Mandatory column is missing"
    assert not [n for n in names if n not in COLUMNS and not n.startswith("x_")]
    for name, kind in types:
        if name in COLUMNS:
            assert PARQUET_TYPES[COLUMNS[name]["data_type"]].fullmatch(kind), (name, kind)
    assert_values_follow_the_library(rows, priced=which == "path")


@pytest.mark.parametrize("which", ["path", "unpriced_path"])
def test_csv_columns_follow_the_library(csv_export, which):
    rows = read_csv(getattr(csv_export, which))
    names = list(rows[0])
    assert not [m for m in MANDATORY if m not in names]
    values = [{k: (v if v != "" else None) for k, v in row.items()} for row in rows]
    for row in values:
        for name, value in row.items():
            kind = COLUMNS[name]["data_type"] if name in COLUMNS else None
            if value is None or kind is None:
                continue
            if kind == "Date/Time":
                assert ISO_UTC.fullmatch(value), (name, value)
            elif kind == "Decimal":
                assert DECIMAL_TEXT.fullmatch(value), (name, value)
            elif kind == "JSON":
                assert isinstance(json.loads(value), dict), (name, value)
    assert_values_follow_the_library(values, priced=which == "path")


def assert_values_follow_the_library(rows: list[dict], *, priced: bool) -> None:
    """Nulls and allowed values, per the library; the unpriced file's costs are the one exception."""
    costs = {"BilledCost", "EffectiveCost", "ListCost", "ContractedCost"}
    assert rows
    for row in rows:
        for name in NOT_NULL:
            if name in row and (priced or name not in costs):
                assert row[name] is not None, name
        for name, value in row.items():
            allowed = COLUMNS.get(name, {}).get("allowed_values")
            if allowed and value is not None:
                assert value in allowed, (name, value)
        if not priced:
            assert all(row[name] is None for name in costs)
            assert row["x_cost_kind"] == "unpriced" and row["x_reason"]


def test_every_bill_item_once_and_the_costs_by_hand(parquet):
    _, priced = read_parquet(parquet.path)
    _, unpriced = read_parquet(parquet.unpriced_path)
    records = {r[0]: r for r in RECORDS}
    assert sorted(r["x_record_id"] for r in unpriced) == sorted(UNPRICED_IDS)
    assert sorted(r["x_record_id"] for r in priced if r["x_record_id"]) == sorted(
        set(records) - UNPRICED_IDS
    )
    for row in priced:
        if row["x_record_id"]:
            assert row["BilledCost"] == cost(records[row["x_record_id"]])
        for name in ("EffectiveCost", "ListCost", "ContractedCost"):
            assert row[name] == row["BilledCost"]
    uptime = {
        r["ChargePeriodStart"].date(): r["BilledCost"] for r in priced if not r["x_record_id"]
    }
    assert uptime == UPTIME_DAYS
    by_hand = sum((cost(r) for r in RECORDS), Decimal(0)) + sum(UPTIME_DAYS.values())
    assert sum(r["BilledCost"] for r in priced) == by_hand == parquet.billed_cost
    assert parquet.rows == len(priced) and parquet.unpriced_rows == len(unpriced) == 2
    assert {(r["BillingAccountId"], r["BillingAccountType"]) for r in priced} == {
        ("acme", "Organization")
    }
    for row in unpriced:
        assert Decimal(0) < row["x_unpriced_low"] <= row["x_unpriced_high"]


def test_quantity_times_unit_price_is_the_cost(parquet):
    """FOCUS: ListCost matches ListUnitPrice x PricingQuantity (here within the half-micro-dollar
    of the one rounding per record)."""
    _, priced = read_parquet(parquet.path)
    checked = 0
    for row in priced:
        if row["ListUnitPrice"] is not None and row["PricingQuantity"] is not None:
            product = row["ListUnitPrice"] * row["PricingQuantity"]
            assert abs(product - row["ListCost"]) <= Decimal("0.0000005"), row["x_record_id"]
            checked += 1
    assert checked == 7  # every priced record; the two uptime top-ups have no unit price


def test_each_month_adds_up_to_report_spend(account, parquet):
    db, prices, _ = account
    _, priced = read_parquet(parquet.path)
    months = sorted({r["BillingPeriodStart"] for r in priced})
    assert [m.date() for m in months] == [dt.date(2025, 2, 1), dt.date(2025, 3, 1)]
    for start in months:
        end = priced[[r["BillingPeriodStart"] for r in priced].index(start)]["BillingPeriodEnd"]
        code, out, err = run_cli(
            "report", "spend", "--db", db, "--pricing", prices, "--format", "json",
            "--since", start.date().isoformat(),
            "--until", (end.date() - dt.timedelta(days=1)).isoformat(),
        )  # fmt: skip
        assert code == 0, err
        focus_total = sum(r["BilledCost"] for r in priced if r["BillingPeriodStart"] == start)
        assert Decimal(json.loads(out)["totals"]["cost_usd"]) == focus_total


def test_cli_writes_both_files_and_says_why(account, tmp_path):
    db, prices, _ = account
    code, out, err = run_cli(
        "export", "--schema", "focus", "--format", "csv", "--output", tmp_path / "x",
        "--db", db, "--pricing", prices,
    )  # fmt: skip
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["focus.csv", "focus_unpriced.csv"]
    assert "wrote 9 FOCUS 1.2 rows (BilledCost 39.361963 USD)" in out
    assert "2 unpriced items" in out
    # --overwrite replaces only the export's own files
    (tmp_path / "x" / "mine.txt").write_text("keep")
    code, _, _ = run_cli(
        "export", "--schema", "focus", "--out", tmp_path / "x", "--overwrite",
        "--db", db, "--pricing", prices,
    )  # fmt: skip
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == [
        "focus.parquet",
        "focus_unpriced.parquet",
        "mine.txt",
    ]


def test_text_from_the_server_stays_one_csv_cell(tmp_path):
    """A model name with a comma, quote and newline is quoted by the CSV writer, not split; one
    that starts like a formula gets a leading quote (in every text column that carries it)."""
    hostile = 'acme/evil,"name\nnext'
    formula = "=HYPERLINK(1)"
    records = [(*RECORDS[0][:2], hostile, *RECORDS[0][3:]), (RECORDS[1][0], RECORDS[1][1], formula,
               *RECORDS[1][3:])]  # fmt: skip
    db = build_db(tmp_path / "h.duckdb", records=records)
    result = export_focus(db, tmp_path / "out", format="csv", pricing_file=write_pricing(tmp_path))
    rows = read_csv(result.path) + read_csv(result.unpriced_path)
    models = sorted(r["x_model"] for r in rows)
    assert models == ["'" + formula, hostile]
    assert sorted(r["ResourceId"] for r in rows) == models


def test_the_readme_duckdb_recipe_runs_and_adds_up(parquet):
    """The README's DuckDB lines, run as written on this export (in a session that is not UTC)."""
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    block = readme.split("```sql\n-- DuckDB", 1)[1].split("```", 1)[0]
    lines = block.splitlines()[1:]  # past the opening comment line
    code = "\n".join(line for line in lines if not line.lstrip().startswith("--"))
    folder = str(parquet.path.parent)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'America/New_York'")  # the recipe's SET must win over this
    results = [
        con.execute(statement.replace("'DIR/", f"'{folder}/")).fetchall()
        for statement in code.split(";")
        if statement.strip()
    ]
    by_month = {}
    for month, _, usd in results[1]:
        by_month[month] = by_month.get(month, Decimal(0)) + usd
    february = sum((cost(r) for r in RECORDS if r[6].startswith("2025-02")), Decimal(0))
    assert by_month == {"2025-02": february, "2025-03": parquet.billed_cost - february}
    assert results[2][0][0] == len(UNPRICED_IDS)
