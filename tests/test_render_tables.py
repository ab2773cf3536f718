"""Tables printed to a pipe or a file keep every identifier whole (no `black-forest-labs/fl…`)."""

from __future__ import annotations

import datetime as dt
import io

from cli_helpers import run_cli
from rich.console import Console
from test_reports_data import RECORDS, build_db, write_pricing

from replicost.analytics import reports
from replicost.cli.render import render_spend_table, render_summary

# two models that share their first 60 characters: a cut at any width below that makes them equal
LONG_A = "black-forest-labs/flux-kontext-pro-with-a-very-long-fine-tune-name-" + "a" * 40
LONG_B = "black-forest-labs/flux-kontext-pro-with-a-very-long-fine-tune-name-" + "b" * 40


def records():
    out = list(RECORDS)
    for i, model in enumerate((LONG_A, LONG_B)):
        out.append(
            (
                f"L{i}",
                "prediction",
                model,
                "api",
                None,
                "succeeded",
                "2025-03-19 10:00:00",
                1.0,
                None,
                None,
            )
        )
    return out


def test_piped_spend_table_prints_every_identifier_whole(tmp_path):
    db = build_db(tmp_path / "r.duckdb", records=records())
    args = ["--db", str(db), "--pricing", str(write_pricing(tmp_path))]
    code, out, _ = run_cli("report", "spend", "--by", "model,source", *args)
    assert code == 0  # out is not a terminal: what a pipe gets
    assert LONG_A in out and LONG_B in out
    assert "…" not in out
    for model in {r[2] for r in RECORDS}:
        assert model in out


def test_table_written_to_a_file_is_whole_too(tmp_path):
    db = build_db(tmp_path / "r.duckdb", records=records())
    target = tmp_path / "spend.txt"
    argv = ["report", "spend", "--by", "model", "--output", str(target)]
    assert run_cli(*argv, "--db", db, "--pricing", write_pricing(tmp_path)).code == 0
    text = target.read_text()
    assert LONG_A in text and LONG_B in text and "…" not in text


def test_summary_tables_off_a_terminal(tmp_path):
    db = build_db(tmp_path / "r.duckdb", records=records())
    result = reports.summary(
        db,
        now=dt.datetime(2025, 3, 20, 12, tzinfo=dt.UTC),
        top=10,
        pricing_file=write_pricing(tmp_path),
    )
    buffer = io.StringIO()
    render_summary(result, Console(file=buffer, width=60, force_terminal=False))
    assert LONG_A in buffer.getvalue() and "…" not in buffer.getvalue()


def test_on_a_narrow_terminal_identifiers_fold_instead_of_ending_in_an_ellipsis(tmp_path):
    db = build_db(tmp_path / "r.duckdb", records=records())
    result = reports.spend(db, ["model"], pricing_file=write_pricing(tmp_path))
    buffer = io.StringIO()
    render_spend_table(
        result, Console(file=buffer, width=80, force_terminal=True, color_system=None)
    )
    text = buffer.getvalue()
    assert "…" not in text
    cells = "".join(line.split("│")[1].strip() for line in text.splitlines() if line.count("│") > 2)
    assert LONG_A in cells and LONG_B in cells  # the folded pieces join back to the whole name
