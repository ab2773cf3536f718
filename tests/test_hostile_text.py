"""Text is data (issue #23): what the server or a model sends is never markup, code or a formula.

A hostile server (`replicost.simulator.hostile`, real HTTP on loopback) serves model names, error
texts and an account username holding rich markup (`[/INST]`, `[link=...]`, `[/]`), terminal
escape sequences (a window title, colours, an OSC 8 hyperlink, a C1 CSI), HTML that opens a comment
and a script, spreadsheet formulas and Markdown images and links. The CLI syncs it as a user would,
then every output is checked for the strings as they were sent, shown, never obeyed:
terminal tables, `explain`, the sync's summary line, CSV (report and export), Markdown, an SVG
chart and the HTML report in a real Chromium.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from browser import Browser, find_chromium

from replicost import escape
from replicost.cli.main import run
from replicost.simulator.hostile import HostileServer, record, serve_hostile

TOKEN = "r8_HostileTextToken_7d2f"
WINDOW_TITLE = "\x1b]0;pwned\x07"
COLOURS = "\x1b[31;1m"
HYPERLINK = "\x1b]8;;https://evil.example/pay\x1b\\click me\x1b]8;;\x1b\\"
C1_CSI = "\x9b2J"
INST = "[/INST] the model stopped early"
LINK = "[link=https://evil.example/pay]Your card was declined[/link]"
MARKDOWN = "![x](https://evil.example/i.png) see [the fix](https://evil.example/fix)"
ESCAPES = f"CUDA out of memory{WINDOW_TITLE}{COLOURS}{HYPERLINK}{C1_CSI}"
USERNAME = f"acme{WINDOW_TITLE}{COLOURS}"
BRACKETS = "acme/[/]flux"
SCRIPT = "acme/<!--<script>"
ESCAPED_MODEL = f"acme/flux{WINDOW_TITLE}{HYPERLINK}"
FORMULAS = ["=HYPERLINK(1)", "+cmd", "@SUM(A1)", "-2+3", "\tx"]
ERRORS = [INST, LINK, MARKDOWN, ESCAPES]  # one failing model each: each its own waste insight
PRICING = "[models]\n" + "".join(f'"acme/failing-{i}" = "gpu-a40-large"\n' for i in range(4))
RAW_CONTROL = ("\x1b", "\x07", "\x9b")


def failed(index: int, error: str) -> dict:
    served = record(index, model=f"acme/failing-{index}")
    served.update(status="failed", error=error)
    return served


def hostile_records() -> list[dict]:
    records = [failed(i, error) for i, error in enumerate(ERRORS)]
    models = [BRACKETS, SCRIPT, ESCAPED_MODEL, *FORMULAS]
    records += [record(10 + i, model=model) for i, model in enumerate(models)]
    return records


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    """The hostile account synced by the CLI: (db, pricing file, the sync's output)."""
    folder = tmp_path_factory.mktemp("hostile-text")
    state = HostileServer(hostile_records(), token=TOKEN, page_size=4)
    state.username = USERNAME
    db = folder / "text.duckdb"
    pricing = folder / "prices.toml"
    pricing.write_text(PRICING)
    with serve_hostile(state) as base_url:
        code, out, err = cli_output(
            "sync", "--db", str(db), "--base-url", base_url, "--token", TOKEN, "--quiet"
        )
    assert code == 0, err
    return db, pricing, out


def cli_output(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(argv))
    return code, out.getvalue(), err.getvalue()


def report(synced, *argv: str) -> str:
    db, pricing, _ = synced
    code, out, err = cli_output(*argv, "--db", str(db), "--pricing", str(pricing))
    assert code == 0, err
    return out


def no_raw_control(text: str) -> None:
    for character in RAW_CONTROL:
        assert character not in text, repr(text[max(0, text.find(character) - 40) :][:80])


# ---------------------------------------------------------------- the escaping rules, one by one


def test_terminal_shows_control_characters_and_rich_markup_prints_as_written():
    from rich.console import Console

    assert escape.terminal(WINDOW_TITLE) == "\\x1b]0;pwned\\x07"
    assert escape.terminal(C1_CSI) == "\\x9b2J"
    console = Console(file=io.StringIO(), width=200, force_terminal=True, color_system=None)
    for text in (INST, LINK, BRACKETS, "ends with a backslash \\"):
        console.print(escape.rich_markup(text), end="")
        assert console.file.getvalue() == text  # as written: no tag opened, closed or linked
        console.file.seek(0)
        console.file.truncate()


def test_csv_neutralises_text_that_a_spreadsheet_reads_as_a_formula_and_nothing_else():
    for text in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"):
        assert escape.csv_cell(text) == "'" + text
    assert escape.csv_cell("acme/flux") == "acme/flux"
    assert escape.csv_cell(-1.5) == -1.5  # a number is not text: never touched


def test_markdown_escapes_links_images_and_autolinks():
    out = escape.markdown(MARKDOWN + " <b>x</b> https://evil.example www.evil.example")
    for syntax in ("![", "](", "<b>", "https://", "www."):
        assert syntax not in out
    assert escape.markdown("a_b*c|d") == "a\\_b\\*c\\|d"


def test_xml_text_keeps_an_svg_valid_whatever_the_label():
    label = f"{SCRIPT}{ESCAPES}&\ufffe"
    svg = f'<svg xmlns="http://www.w3.org/2000/svg"><text>{escape.xml_text(label)}</text></svg>'
    text = ElementTree.fromstring(svg).find("{http://www.w3.org/2000/svg}text").text
    assert text.startswith(SCRIPT) and "\\u001b" in text


def test_json_for_script_cannot_close_its_element_or_open_a_comment():
    embedded = escape.json_for_script({"model": SCRIPT + "</script>&"})
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded
    assert json.loads(embedded) == {"model": SCRIPT + "</script>&"}


# ---------------------------------------------------------------- through the CLI, end to end


def test_the_sync_summary_line_shows_the_username_escaped(synced):
    _, _, out = synced
    no_raw_control(out)
    assert f"synced {escape.terminal(USERNAME)}:" in out


def test_report_spend_tables_print_markup_and_escapes_as_text(synced, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    out = report(synced, "report", "spend", "--by", "model")
    no_raw_control(out)
    assert BRACKETS in out and SCRIPT in out
    assert escape.terminal(ESCAPED_MODEL) in out
    summary = report(synced, "report", "summary")
    no_raw_control(summary)


def test_report_insights_prints_error_texts_as_written(synced, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")
    out = report(synced, "report", "insights", "--top", "30")
    no_raw_control(out)
    assert "[/INST]" in out  # was a MarkupError, exit 1
    assert "[link=https://evil.example/pay]Your card was declined[/link]" in out  # not a link
    markdown = report(synced, "report", "insights", "--top", "30", "--format", "markdown")
    no_raw_control(markdown)
    for syntax in ("![x](", "[the fix](", "https://evil"):
        assert syntax not in markdown
    assert "\\!\\[x\\]\\(https\\://evil.example/i.png\\)" in markdown


def test_explain_shows_a_hostile_model_name_escaped(synced):
    out = report(synced, "explain", "p0012")  # the model with a window title and a hyperlink
    no_raw_control(out)
    assert escape.terminal(ESCAPED_MODEL) in out


def test_spend_csv_neutralises_formula_cells_only(synced):
    out = report(synced, "report", "spend", "--by", "model", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    models = {row["model"] for row in rows}
    for formula in FORMULAS:
        assert "'" + formula in models and formula not in models
    assert BRACKETS in models  # other text as it is


def test_export_csv_neutralises_formula_text_cells(synced, tmp_path):
    db, pricing, _ = synced
    out = tmp_path / "export"
    code, _, err = cli_output(
        "export", "--format", "csv", "--out", str(out), "--db", str(db), "--pricing", str(pricing)
    )
    assert code == 0, err
    with (out / "priced_records.csv").open(newline="") as file:
        rows = list(csv.DictReader(file))
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(tuple(escape.CSV_FORMULA_STARTS)), (column, value)
    models = {row["model"] for row in rows}
    assert {"'" + formula for formula in FORMULAS} <= models


def test_an_svg_chart_with_hostile_labels_is_valid_xml(synced, tmp_path):
    chart = tmp_path / "spend.svg"
    report(synced, "report", "spend", "--by", "model", "--chart", str(chart))
    root = ElementTree.parse(chart).getroot()  # was: not well-formed
    texts = "".join(root.itertext())
    assert SCRIPT in texts and "\\u001b" in texts  # labels as sent, escapes shown


def test_the_html_report_keeps_its_data_and_sort_script_in_a_browser(synced, tmp_path):
    chromium, why = find_chromium()
    if chromium is None:
        pytest.skip(why)
    page = tmp_path / "report.html"
    report(synced, "report", "html", "--output", str(page))
    with Browser(chromium) as browser:
        browser.open(page)
        data = browser.evaluate("JSON.parse(document.getElementById('replicost-data').textContent)")
        models = {row["model"] for row in data["spend"]["rows"]}
        assert SCRIPT in models and BRACKETS in models
        cells = "[...document.querySelectorAll('#spend tbody tr')].map(r => r.cells[0].textContent)"
        before = browser.evaluate(cells)
        assert SCRIPT in before
        browser.evaluate("document.querySelector('#spend th:nth-child(1)').click()")
        after = browser.evaluate(cells)
        sort = "document.querySelector('#spend th:nth-child(1)').getAttribute('aria-sort')"
        assert browser.evaluate(sort) == "ascending"  # the sort script ran (was swallowed)
        assert after != before and sorted(after) == sorted(before)
        # "Where the money leaks" shows the insights' texts (error classes, names) as text
        leaks = browser.evaluate(
            "[...document.querySelectorAll('#leaks tbody tr')].map(r => r.textContent)"
        )
        titles = [item["title"] for item in data["insights"]["insights"]]
        assert leaks and all(any(t in row for row in leaks) for t in titles)
        markup = "document.querySelectorAll('#leaks script, #leaks img, #leaks a').length"
        assert browser.evaluate(markup) == 0
        assert browser.problems() == []


def test_html_report_is_one_document_whose_scripts_close(synced, tmp_path):
    page = tmp_path / "report.html"
    report(synced, "report", "html", "--output", str(page))
    text = page.read_text()
    data = text.split('<script type="application/json" id="replicost-data">', 1)[1]
    assert "<!--" not in data.split("</script>", 1)[0]
    assert Path(page).stat().st_size > 0


def test_drafted_pricing_lines_cannot_be_extended_by_a_name():
    import tomllib

    from replicost.billing import reasons

    name = 'acme/x"\n[hardware]\n"gpu-a40-large" = 0  # \x7f\\'
    draft = reasons.fix("model_hardware_unknown", {"model": name})
    parsed = tomllib.loads(draft.replace("HARDWARE-SKU", "gpu-t4"))
    assert parsed == {"models": {name: "gpu-t4"}}  # one entry, named as served; no [hardware]
    line = reasons.fix("hardware_unpriced", {"sku": name, "model": "m"})
    assert tomllib.loads(line) == {"hardware": {}}  # the commented line stays one comment
    assert escape.toml_string("a\x7fb") == '"a\\u007fb"'
