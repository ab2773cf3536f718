"""`export`: month-partitioned Parquet that DuckDB and polars read back, and one CSV."""

from __future__ import annotations

import csv
from decimal import Decimal

import duckdb
import polars as pl
import pytest
from cli_helpers import run_cli
from test_reports_data import RECORDS, build_db, expected, write_pricing

from replicost.analytics.export import export
from replicost.errors import InputError


@pytest.fixture
def db(tmp_path):
    return build_db(tmp_path / "e.duckdb")


@pytest.fixture
def prices(tmp_path):
    return write_pricing(tmp_path)


def test_parquet_is_hive_partitioned_by_month(db, prices, tmp_path):
    out = tmp_path / "out"
    result = export(db, out, pricing_file=prices)
    assert result.records == len(RECORDS) and result.months == ["2025-02", "2025-03"]
    assert sorted(p.name for p in out.iterdir()) == ["month=2025-02", "month=2025-03"]
    assert list((out / "month=2025-02").glob("*.parquet"))


def test_duckdb_reads_the_export_back(db, prices, tmp_path):
    out = tmp_path / "out"
    export(db, out, pricing_file=prices)
    con = duckdb.connect()
    rows = con.execute(
        "SELECT month, count(*), sum(cost_usd), count(*) FILTER (WHERE basis = 'unpriced')"
        " FROM read_parquet(?, hive_partitioning = true) GROUP BY month ORDER BY month",
        [str(out / "**" / "*.parquet")],
    ).fetchall()
    feb = expected(lambda r: r[6].startswith("2025-02"))
    mar = expected(lambda r: r[6].startswith("2025-03"))
    assert rows == [("2025-02", feb[0], feb[1], feb[2]), ("2025-03", mar[0], mar[1], mar[2])]


def test_polars_reads_the_export_back(db, prices, tmp_path):
    out = tmp_path / "out"
    export(db, out, pricing_file=prices)
    frame = pl.read_parquet(out / "**" / "*.parquet", hive_partitioning=True)
    assert frame.height == len(RECORDS)
    assert sum(frame["cost_usd"].drop_nulls().to_list(), Decimal(0)) == expected()[1]
    assert set(frame["month"].cast(pl.Utf8).to_list()) == {"2025-02", "2025-03"}
    assert frame.filter(pl.col("id") == "p4")["created_at"].dt.microsecond().to_list() == [999999]


def test_csv_is_one_file(db, prices, tmp_path):
    result = export(db, tmp_path / "csv", format="csv", pricing_file=prices)
    with result.path.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(RECORDS)
    assert sum(Decimal(r["cost_usd"] or 0) for r in rows) == expected()[1]


def test_refuses_a_non_empty_directory_unless_overwriting(db, prices, tmp_path):
    out = tmp_path / "out"
    export(db, out, pricing_file=prices)
    (out / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not empty"):
        export(db, out, pricing_file=prices)
    export(db, out, pricing_file=prices, overwrite=True)
    assert (out / "notes.txt").read_text() == "mine"  # only our own partitions are replaced
    assert len(list(out.glob("month=*/*.parquet"))) == 2


def test_cli(db, prices, tmp_path):
    code, out, _ = run_cli("export", "--out", tmp_path / "x", "--db", db, "--pricing", prices)
    assert code == 0 and "wrote 9 priced records" in out and "2 month partitions" in out


def test_empty_database_exports_nothing(tmp_path, prices):
    db = build_db(tmp_path / "empty.duckdb", records=[])
    result = export(db, tmp_path / "out", pricing_file=prices)
    assert result.records == 0 and result.months == []


def test_overwrite_deletes_only_partitions_it_wrote(db, prices, tmp_path):
    """A planted `month=...` (a symlink to someone's folder, a file of theirs) is never deleted."""
    out, precious = tmp_path / "out", tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    export(db, out, pricing_file=prices)
    (out / "month=2099-01").symlink_to(precious, target_is_directory=True)
    with pytest.raises(InputError, match="month=2099-01 was not written by replicost"):
        export(db, out, pricing_file=prices, overwrite=True)
    (out / "month=2099-01").unlink()
    planted = out / "month=2025-03" / "notes.txt"
    planted.write_text("mine")
    with pytest.raises(InputError, match="month=2025-03 was not written by replicost"):
        export(db, out, pricing_file=prices, overwrite=True)
    assert (precious / "thesis.txt").exists() and planted.read_text() == "mine"
    assert len(list(out.glob("month=*/*.parquet"))) == 2  # nothing removed before refusing
    planted.unlink()
    export(db, out, pricing_file=prices, overwrite=True)
    assert len(list(out.glob("month=*/*.parquet"))) == 2
