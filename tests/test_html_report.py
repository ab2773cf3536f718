"""`replicost report html`: checked in a real headless Chromium, and its fixes checked to fix.

Expected figures come from the hand-priced records of test_reports_data and from the JSON reports
(`report spend --format json`, `report summary --format json`) of the same database and pricing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from browser import Browser, find_chromium
from cli_helpers import run_cli
from test_reports_data import RECORDS, UPTIME_DAYS, build_db, cost, write_pricing

from replicost.billing import reasons
from replicost.billing.reasons import SKU_PLACEHOLDER

NOW = "2025-03-20T12:00:00Z"


@pytest.fixture
def setup(tmp_path):
    db = build_db(tmp_path / "r.duckdb", uptime=True)
    prices = write_pricing(tmp_path)
    return tmp_path, ["--db", str(db), "--pricing", str(prices)]


def cli_json(*argv: str) -> dict:
    code, out, err = run_cli(*argv)
    assert code == 0, err
    return json.loads(out)


def write_report(directory: Path, args: list[str]) -> Path:
    page = directory / "report.html"
    code, _, err = run_cli("report", "html", "--output", page, "--now", NOW, *args)
    assert code == 0 and f"wrote {page}" in err
    return page


def lookup(data: dict, path: str):
    value = data
    for part in path.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def shown(key: str, value) -> str:
    """How the page should show a JSON figure: money in cents, counts with separators."""
    if value is None:
        return "—"  # a null figure (no priced record in the group), never "$0.00"
    if key.endswith("_usd") or key in ("usd", "low", "high"):
        amount = Decimal(value)
        if 0 < amount < Decimal("0.01"):
            return "<$0.01"  # the page's rule for a non-zero amount below a cent
        return f"${amount:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.1f}"


FIGURES = """[...document.querySelectorAll('[data-key]')].map(e => ({
    key: e.dataset.key, value: e.dataset.value, text: e.textContent.trim(),
    visible: e.getBoundingClientRect().width > 0 && getComputedStyle(e).visibility !== 'hidden'}))"""

COLUMN = """(name) => {
    const table = document.getElementById('spend');
    const index = [...table.tHead.rows[0].cells].findIndex(c => c.dataset.column === name);
    return [...table.tBodies[0].rows].map(r => r.cells[index].dataset.value);
}"""


def test_the_page_in_a_real_browser_shows_the_json_reports_figures(setup):
    chromium, why = find_chromium()
    if chromium is None:
        pytest.skip(why)
    directory, args = setup
    page = write_report(directory, args)
    data = {
        "spend": cli_json("report", "spend", "--format", "json", *args),
        "summary": cli_json("report", "summary", "--format", "json", "--now", NOW, *args),
        "insights": cli_json("report", "insights", "--format", "json", "--top", "5", *args),
    }
    # the JSON report's total is the hand-computed one: the records, and the always-on
    # deployment's floor (it ran no prediction, so its floor is all of its cost)
    records = sum((cost(r) for r in RECORDS), Decimal(0))
    assert Decimal(data["spend"]["totals"]["cost_usd"]) == records + sum(UPTIME_DAYS.values())
    with Browser(chromium) as browser:
        browser.open(page)
        figures = browser.evaluate(FIGURES)
        shot = browser.screenshot(directory / "report.png")
        assert browser.problems() == []  # no console error or warning, no uncaught exception
        assert browser.requests() == [page.resolve().as_uri()]  # nothing fetched but the file
        keys = {f["key"] for f in figures}
        for required in (
            "spend.totals.cost_usd",
            "spend.totals.count",
            "spend.totals.unpriced_count",
            "spend.totals.predict_seconds",
            "spend.uptime_estimates.cost_usd",
            "summary.month_to_date_usd",
            "summary.forecast.month_end_usd",
            "summary.unpriced.unpriced_30d",
        ):
            assert required in keys, required
        for figure in figures:
            want = lookup(data, figure["key"])
            assert figure["visible"], figure
            assert figure["value"] == ("" if want is None else str(want)), figure  # exact
            assert figure["text"] == shown(figure["key"].rsplit(".", 1)[-1], want), figure
        # four charts drawn, each with bars and tooltips
        bars = browser.evaluate(
            "[...document.querySelectorAll('figure svg')].map(s => s.querySelectorAll('rect title').length)"
        )
        assert len(bars) == 4 and all(n > 0 for n in bars)
        # the table sorts by a column, both ways
        browser.evaluate("document.querySelector('#spend th:nth-child(7)').click()")
        header = browser.evaluate(
            "(h => [h.textContent, h.dataset.column, h.title])"
            "(document.querySelector('#spend th:nth-child(7)'))"
        )
        assert header == ["Cost", "cost_usd", "cost_usd in the JSON report"]
        up = [
            Decimal(v or 0) for v in browser.evaluate(f"({COLUMN})('cost_usd')")
        ]  # null sorts as 0
        assert up == sorted(up) and len(up) > 3
        browser.evaluate("document.querySelector('#spend th:nth-child(7)').click()")
        down = [Decimal(v or 0) for v in browser.evaluate(f"({COLUMN})('cost_usd')")]
        assert down == sorted(up, reverse=True)
        assert browser.problems() == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keep = os.environ.get("REPLICOST_SCREENSHOTS")  # a folder to keep the screenshot in, to look at
    if keep:
        shutil.copy(shot, Path(keep) / "html_report.png")


def test_the_page_is_one_file_with_nothing_to_fetch(setup):
    directory, args = setup
    text = write_report(directory, args).read_text()
    external = re.findall(r"""(?:src|href)\s*=\s*["']?([^"' >]+)""", text)
    assert external == []
    assert "@import" not in text and "url(" not in text
    embedded = re.search(
        r'<script type="application/json" id="replicost-data">(.*?)</script>', text, re.S
    )
    data = json.loads(embedded.group(1))
    assert (
        data["spend"]["totals"] == cli_json("report", "spend", "--format", "json", *args)["totals"]
    )


def test_the_suggested_pricing_lines_price_the_unpriced_records(setup):
    from replicost.store import connect

    directory, args = setup
    con = connect(Path(args[1]))  # a community model (versioned): its fix is a [models] line
    con.execute("UPDATE predictions SET version = 'v1' WHERE model = 'acme/mystery'")
    con.close()
    before = cli_json("report", "spend", "--format", "json", *args)
    reason = next(r for r in before["unpriced"]["reasons"] if "acme/mystery" in r["reason"])
    assert reason["code"] == "model_hardware_unknown"
    assert reason["subject"] == {"model": "acme/mystery"}
    fix = reason["fix"]
    assert fix is not None and fix.startswith("[models]\n")
    text = write_report(directory, args).read_text()
    assert "&quot;acme/mystery&quot; = &quot;HARDWARE-SKU&quot;" in text  # shown on the page
    # the user puts in the hardware: gpu-t4 ($0.000225/s) for p5 (5 s) and p8 (3 s)
    line = fix.split("\n", 1)[1].replace(SKU_PLACEHOLDER, "gpu-t4")
    prices = Path(args[3])
    prices.write_text(prices.read_text().replace("[models]\n", "[models]\n" + line + "\n", 1))
    after = cli_json("report", "spend", "--format", "json", *args)
    assert after["totals"]["unpriced_count"] == before["totals"]["unpriced_count"] - 2
    added = Decimal(after["totals"]["cost_usd"]) - Decimal(before["totals"]["cost_usd"])
    assert added == Decimal("0.001125") + Decimal("0.000675")


def test_fixes_for_every_kind_of_reason():
    hardware = reasons.fix("hardware_unpriced", {"sku": "gpu-x9", "model": "a/b"})
    assert hardware.startswith('[hardware]\n# "gpu-x9" = ')
    deployment = reasons.fix("deployment_unknown", {"deployment": "acme/chat"})
    assert deployment.startswith('[deployments]\n"acme/chat" = [{ hardware = ')
    earlier = reasons.fix("before_first_release", {"deployment": "acme/chat", "day": "2025-03-18"})
    assert "before 2025-03-18" in earlier and '"acme/chat" = [' in earlier
    units = reasons.fix("official_unit_unpriced", {"model": "acme/tts"})
    assert units.startswith('[units."acme/tts"]\n# image = ')
    assert reasons.fix("in_flight", {"status": "processing"}) is None
    # every code renders a sentence naming its subjects, and its fix (if any) names no others
    for code, reason in reasons.REASONS.items():
        subject = {name: f"<{name}>" for name in reason.subjects}
        text = reasons.sentence(code, subject)
        assert all(f"<{name}>" in text for name in reason.subjects), code
        assert "?" not in (reasons.fix(code, subject) or ""), code


def test_an_empty_database_is_a_report_not_an_error(tmp_path):
    from replicost.store import connect

    db = tmp_path / "empty.duckdb"
    connect(db).close()
    page = write_report(tmp_path, ["--db", str(db)])
    text = page.read_text()
    assert "no records in range" in text and text.count("<svg") == 4
    for name in ("e.png", "e.svg"):
        argv = ["report", "spend", "--by", "day,model", "--chart", str(tmp_path / name)]
        assert run_cli(*argv, "--db", db).code == 0


PAGE_READING = """(() => {
    const text = (e) => e ? e.textContent.trim() : null;
    const cards = [...document.querySelectorAll('.card')].map(c => ({
        label: text(c.querySelector('.k')), period: text(c.querySelector('.p')),
        value: text(c.querySelector('.v')), tip: c.title}));
    const leaks = [...document.querySelectorAll('#leaks tbody tr')].map(
        r => [...r.cells].map(c => c.textContent.trim()));
    const rows = [...document.querySelectorAll('#spend tbody tr')].map(r => ({
        uptime: r.classList.contains('uptime'), text: r.textContent,
        count: r.cells[4].dataset.value, cost: r.cells[6].dataset.value}));
    const headings = [...document.querySelectorAll('h2, h3')].map(h => h.textContent);
    return {cards, leaks, rows, headings, text: document.body.innerText};
})()"""


def test_the_page_reads_for_a_manager(setup):
    """A period on every headline figure, the leaks with their actions, labels for people (JSON
    keys only as tooltips), uptime rows named, no empty range."""
    chromium, why = find_chromium()
    if chromium is None:
        pytest.skip(why)
    directory, args = setup
    page = write_report(directory, args)
    days = [
        row["day"]
        for row in cli_json("report", "spend", "--by", "day", "--format", "json", *args)["rows"]
    ]
    leaks = cli_json("report", "insights", "--format", "json", "--top", "5", *args)["insights"]
    with Browser(chromium) as browser:
        browser.open(page)
        seen = browser.evaluate(PAGE_READING)
        shot = browser.screenshot(directory / "manager.png")
        assert browser.problems() == []
    whole = f"{min(days)} to {max(days)}"
    periods = {card["label"]: card["period"] for card in seen["cards"]}
    # --now 2025-03-20: this month, last month and the 30 days ending today, by hand
    assert periods["Month to date"] == "2025-03-01 to 2025-03-20"
    assert periods["Last month"] == "2025-02-01 to 2025-02-28"
    assert periods["Forecast for the month"] == "all of 2025-03"
    assert periods["Bill estimate"] == periods["Records"] == whole
    assert all(card["period"] for card in seen["cards"]), seen["cards"]  # every headline figure
    assert f"The whole report: {whole}" in seen["headings"]
    assert [card["tip"] for card in seen["cards"] if card["label"] == "Bill estimate"] == [
        "spend.totals.cost_usd in the JSON report"
    ]
    # the leaks, with what to do, as `report insights` finds them
    assert "Where the money leaks" in seen["headings"]
    assert leaks, "the hand-made account has an always-on deployment that ran nothing"
    assert [row[0] for row in seen["leaks"]] == [leak["title"] for leak in leaks]
    assert [row[2] for row in seen["leaks"]] == [leak["action"] for leak in leaks]
    # JSON keys are tooltips, not text; no "$0.00 – $0.00" where nothing is unpriced
    assert not re.search(r"\b\w+_usd\b|spend\.totals|summary\.", seen["text"])
    assert "$0.00 – $0.00" not in seen["text"]
    # uptime rows say what they are, and only they do
    uptime = [row for row in seen["rows"] if row["uptime"]]
    assert uptime and all("deployment uptime" in row["text"] for row in uptime)
    assert all(row["count"] == "0" and row["cost"] for row in uptime)
    assert not [r for r in seen["rows"] if not r["uptime"] and "deployment uptime" in r["text"]]
    keep = os.environ.get("REPLICOST_SCREENSHOTS")
    if keep:
        shutil.copy(shot, Path(keep) / "html_report_manager.png")
