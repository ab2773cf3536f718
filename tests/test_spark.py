"""Spark reads both exports (replicost's Parquet and FOCUS 1.2) with the bill's total exact.

Optional: needs the `spark` extra (`pip install -e '.[spark]'`, pyspark) and a Java runtime;
skipped with the reason otherwise, so CI does not require either. Spark runs in local mode on one
core. The expected total is the hand-priced account of `test_reports_data`.
"""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from test_reports_data import RECORDS, UNPRICED_IDS, UPTIME_DAYS, build_db, cost, write_pricing

from replicost.analytics.export import export, export_focus

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (the `spark` extra)")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime (java is not on PATH)", allow_module_level=True)

pytestmark = pytest.mark.spark

BY_HAND = sum((cost(r) for r in RECORDS), Decimal(0)) + sum(UPTIME_DAYS.values())


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("replicost-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spark")
    db, prices = build_db(folder / "s.duckdb", uptime=True), write_pricing(folder)
    export(db, folder / "records", pricing_file=prices)
    focus = export_focus(db, folder / "focus", pricing_file=prices)
    return folder, focus


def test_spark_reads_the_parquet_export(spark, exports):
    folder, _ = exports
    frame = spark.read.parquet(str(folder / "records"))  # month=YYYY-MM partitions
    rows = frame.groupBy().agg({"cost_usd": "sum", "*": "count"}).collect()[0]
    assert rows["sum(cost_usd)"] == BY_HAND
    assert rows["count(1)"] == len(RECORDS) + len(UPTIME_DAYS)
    months = {r["month"] for r in frame.select("month").distinct().collect()}
    assert {str(m) for m in months} == {"2025-02", "2025-03"}


def test_spark_reads_the_focus_export(spark, exports):
    _, focus = exports
    frame = spark.read.parquet(str(focus.path))
    frame.createOrReplaceTempView("focus")
    total, rows = spark.sql("SELECT sum(BilledCost), count(*) FROM focus").collect()[0]
    assert total == BY_HAND and rows == len(RECORDS) - len(UNPRICED_IDS) + len(UPTIME_DAYS)
    by_month = spark.sql(
        "SELECT date_format(BillingPeriodStart, 'yyyy-MM') AS month, sum(BilledCost) AS usd"
        " FROM focus GROUP BY 1 ORDER BY 1"
    ).collect()
    february = sum((cost(r) for r in RECORDS if r[6].startswith("2025-02")), Decimal(0))
    march = sum((cost(r) for r in RECORDS if r[6].startswith("2025-03")), Decimal(0))
    march += sum(UPTIME_DAYS.values())  # both always-on days are in March
    assert [(r["month"], r["usd"]) for r in by_month] == [("2025-02", february), ("2025-03", march)]
    unpriced = spark.read.parquet(str(focus.unpriced_path))
    assert unpriced.filter("BilledCost IS NULL AND x_cost_kind = 'unpriced'").count() == 2


def test_the_readme_spark_recipe_runs(spark, exports, capsys):
    """The README's Spark lines, run as written on these exports (DIR replaced)."""
    from pathlib import Path

    folder, focus = exports
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    block = readme.split("```python\n# Spark", 1)[1].split("```", 1)[0]
    code = block.split("\n", 1)[1]  # past the opening comment line
    code = code.replace('"DIR/focus.parquet"', repr(str(focus.path)))
    code = code.replace('"DIR"', repr(str(folder / "records")))
    exec(compile(code, "README.md (Spark recipe)", "exec"), {})
    shown = capsys.readouterr().out
    assert "gpu-a40-large" in shown and "sum(BilledCost)" in shown and "sum(cost_usd)" in shown
