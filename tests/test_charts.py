"""Charts from the core install: a date axis, stacks, cents, the unpriced part; SVG and PNG.

Expected figures come from the hand-priced records of test_reports_data (RECORDS), not from the
code under test.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from cli_helpers import run_cli
from test_reports_data import RECORDS, UNPRICED_IDS, build_db, cost, write_pricing

from replicost.analytics import charts, reports

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def db(tmp_path):
    return build_db(tmp_path / "r.duckdb"), write_pricing(tmp_path)


def _day(record) -> str:
    return record[6][:10]


def test_time_by_model_is_stacked_on_a_filled_date_axis(db):
    path, prices = db
    report = reports.spend(path, ["day", "model"], pricing_file=prices)
    chart = charts.chart_from_report(report)
    days = sorted({_day(r) for r in RECORDS})
    first, last = dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])
    # every day of the range has its slot, also days without records
    assert chart.categories == [
        (first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)
    ]
    assert chart.time_unit == "day"
    assert set(chart.series) == {r[2] for r in RECORDS}  # stacked by model, one series each
    for i, day in enumerate(chart.categories):
        for j, model in enumerate(chart.series):
            want = sum((cost(r) for r in RECORDS if _day(r) == day and r[2] == model), Decimal(0))
            assert chart.values[i][j] == want, (day, model)
        assert chart.unpriced[i] == sum(
            1 for r in RECORDS if _day(r) == day and r[0] in UNPRICED_IDS
        )


def test_svg_has_dates_not_one_label_per_bar_and_money_in_cents(db):
    path, prices = db
    report = reports.spend(path, ["day"], pricing_file=prices)
    svg = charts.render_svg(report)
    root = ET.fromstring(svg)  # well-formed, standalone
    texts = [t.text for t in root.iter(f"{SVG}text")]
    n_days = len(charts.chart_from_report(report).categories)
    ticks = [t for t in texts if re.fullmatch(r"[A-Z][a-z]{2} \d\d", t or "")]
    assert 2 <= len(ticks) < n_days  # weekly ticks over 35 days, not 35 labels
    assert "Feb 17" in ticks and "2025" in texts  # Mondays, and the year under the first tick
    total = sum((cost(r) for r in RECORDS), Decimal(0))
    assert texts[0] == f"Spend by day (USD), total ${total:,.2f}"
    assert not [t for t in texts if re.search(r"\$\d+\.\d{3,}", t or "")]  # no micro-dollars
    # the unpriced part is visible: a labelled strip and its tooltips
    assert any("unpriced records per day" in (t or "") for t in texts)
    tips = [t.text for t in root.iter(f"{SVG}title")]
    # p5 (5 s) and p8 (3 s) on the cheapest ($0.0001/s) to the dearest ($0.0122/s, 8 x H100) SKU
    assert "2025-03-20: 1 unpriced records (<$0.01 to $0.06)" in tips
    assert "2025-03-17: 1 unpriced records (<$0.01 to $0.04)" in tips


def test_category_chart_shows_unpriced_after_the_bar(db):
    path, prices = db
    svg = charts.render_svg(reports.spend(path, ["model", "source"], pricing_file=prices))
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    # acme/mystery: no price, 2 records, 8 s: $0.0008 to $0.0976
    assert "$0.00  + 2 unpriced (<$0.01 to $0.10)" in texts
    flux = sum((cost(r) for r in RECORDS if r[2] == "acme/flux-dev"), Decimal(0))
    assert f"${flux:,.2f}" in texts
    assert {"api", "web"} <= set(texts)  # the legend of the stacked dimension


def test_png_and_svg_files_from_the_cli(db, tmp_path):
    from PIL import Image

    path, prices = db
    for name in ("c.png", "c.svg", "c.html"):
        target = tmp_path / name
        argv = ["report", "spend", "--by", "month,model", "--chart", str(target)]
        assert run_cli(*argv, "--db", path, "--pricing", prices).code == 0
        assert target.stat().st_size > 1000
    image = Image.open(io.BytesIO((tmp_path / "c.png").read_bytes()))
    assert image.format == "PNG" and image.width >= 1000
    ET.fromstring((tmp_path / "c.svg").read_text())


def test_top_folds_series_not_periods(db, tmp_path):
    path, prices = db
    report = reports.spend(path, ["month", "model"], pricing_file=prices)
    chart = charts.chart_from_report(report, top=1)
    assert chart.categories == ["2025-02", "2025-03"]
    assert chart.series == ["acme/flux-dev", "(other)"]
    assert chart.total() == sum((cost(r) for r in RECORDS), Decimal(0))


def test_charts_need_no_plotting_library():
    code = (
        "import sys\n"
        "from replicost.analytics import charts\n"
        "from replicost.analytics.charts import Chart\n"
        "from decimal import Decimal as D\n"
        "c = Chart('t', ['2025-01-01', '2025-01-02'], ['spend'], [[D(1)], [D(2)]], [0, 1], 'day')\n"
        "assert charts.render_png(c)[:8] == b'\\x89PNG\\r\\n\\x1a\\n'\n"
        "charts.render_svg(c)\n"
        "assert 'matplotlib' not in sys.modules and 'numpy' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
