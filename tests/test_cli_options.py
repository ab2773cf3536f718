"""The shared rules for where the database is and how typed date-times are read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from cli_helpers import run_cli

from replicost.cli.options import parse_instant
from replicost.config import database_path, load_config
from replicost.errors import InputError
from replicost.paths import data_dir


def test_database_path_precedence(tmp_path, monkeypatch):
    config_file = tmp_path / "config.toml"
    config_file.write_text('db = "from-config.duckdb"\n')
    config = load_config(config_file)
    assert database_path(tmp_path / "flag.duckdb", config) == tmp_path / "flag.duckdb"
    assert database_path(None, config) == tmp_path / "from-config.duckdb"
    monkeypatch.setenv("REPLICOST_DB", str(tmp_path / "env.duckdb"))
    assert database_path(None, config) == tmp_path / "env.duckdb"
    monkeypatch.delenv("REPLICOST_DB")
    assert database_path(None) == data_dir() / "replicost.duckdb"  # no config file at all


def test_parse_instant_reads_dates_offsets_and_z():
    assert parse_instant("2025-03-01", "--since") == datetime(2025, 3, 1, tzinfo=UTC)
    assert parse_instant("2025-03-01T12:00:00Z", "--since") == datetime(2025, 3, 1, 12, tzinfo=UTC)
    plus2 = parse_instant("2025-03-01T12:00:00+02:00", "--now")
    assert plus2 == datetime(2025, 3, 1, 10, tzinfo=UTC) and plus2.utcoffset() == timedelta(hours=2)
    assert parse_instant(None, "--now") is None
    assert parse_instant("2025-03-01T12:00:00-05:00", "--now").tzinfo == timezone(
        timedelta(hours=-5)
    )
    with pytest.raises(InputError, match="--end 'soon' is not a date or date-time"):
        parse_instant("soon", "--end")


@pytest.mark.parametrize(
    "args,flag",
    [
        (["sync", "--since", "yesterday"], "--since"),
        (["report", "summary", "--now", "noon"], "--now"),
        (["budget", "check", "--monthly", "10", "--now", "noon"], "--now"),
        (["demo", "--end", "later", "--quiet"], "--end"),
    ],
)
def test_each_command_names_the_flag_it_could_not_read(args, flag):
    code, _, err = run_cli(*args)
    assert code == (3 if args[0] == "budget" else 2)  # budget check: 3 is "could not check"
    assert err.startswith(f"error: {flag} ") and len(err.strip().splitlines()) == 1


# ----- one date type, one --format and --output spelling ------------------------------------------
def _walk(command, path=()):
    import click

    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            yield from _walk(command.get_command(ctx, name), (*path, name))


def _options():
    import click

    from replicost.cli.main import cli

    for path, command in _walk(cli):
        for param in command.params:
            if isinstance(param, click.Option):
                yield " ".join(path), param


def test_every_date_option_has_the_one_type():
    from replicost.cli.options import DateOrTime

    dated = {
        (path, flag)
        for path, param in _options()
        for flag in param.opts
        if flag in ("--since", "--until", "--now", "--end")
    }
    assert {
        ("sync", "--since"),
        ("report spend", "--until"),
        ("report insights", "--since"),
    } <= dated
    for path, param in _options():
        if set(param.opts) & {"--since", "--until", "--now", "--end"}:
            assert isinstance(param.type, DateOrTime), f"{path} {param.opts[0]}"


def test_old_spellings_are_hidden_and_every_output_is_spelt_output():
    for path, param in _options():
        if set(param.opts) & {"--out", "--json"}:
            assert param.hidden, f"{path} {param.opts[0]} should be a hidden alias"
        if param.name == "output" and not param.hidden:
            assert param.opts == ["--output"], path
        if param.name == "fmt" and not param.hidden:
            assert param.opts == ["--format"], path


FORMS = ["2026-10-01", "2026-10-01T00:00:00", "2026-10-01T00:00:00Z", "2026-10-01T02:00:00+02:00"]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    "command",
    [
        ["report", "spend", "--by", "day", "--format", "json"],
        ["report", "insights", "--format", "json"],
    ],
)
def test_reports_take_every_form_and_mean_the_same_day(demo_db, command, form):
    db, prices = demo_db
    args = [*command, "--db", db, "--pricing", prices, "--until", "2026-10-05"]
    code, out, err = run_cli(*args, "--since", form)
    assert code == 0 and err == "", err
    same = run_cli(*args, "--since", "2026-10-01")
    assert out == same.out.replace('"since": "2026-10-01"', '"since": "2026-10-01"')


def test_a_date_time_inside_a_day_names_that_day_and_says_so(demo_db):
    db, prices = demo_db
    base = ["report", "spend", "--by", "day", "--format", "json", "--db", db, "--pricing", prices]
    code, out, err = run_cli(*base, "--since", "2026-10-03T15:30:00Z", "--until", "2026-10-05")
    assert code == 0
    assert err == (
        "note: --since 2026-10-03T15:30:00Z counts the whole day 2026-10-03 (UTC): "
        "reports count whole days\n"
    )
    assert out == run_cli(*base, "--since", "2026-10-03", "--until", "2026-10-05").out
    # in Paris, 23:30 UTC on the 2nd is already the 3rd
    code, out, err = run_cli(*base, "--tz", "Europe/Paris", "--since", "2026-10-02T23:30:00Z")
    assert code == 0 and "whole day 2026-10-03 (Europe/Paris)" in err


def test_sync_and_reports_refuse_the_same_bad_forms_with_one_line():
    for args in (
        ["sync", "--since"],
        ["report", "spend", "--since"],
        ["report", "html", "--output", "x.html", "--until"],
    ):
        code, _, err = run_cli(*args, "2026-10-01T25:00")
        assert code == 2 and err.startswith(f"error: {args[-1]} '2026-10-01T25:00' is not a date")
        assert len(err.splitlines()) == 1


def test_pricing_show_json_alias_prints_what_format_json_prints():
    new = run_cli("pricing", "show", "--format", "json")
    old = run_cli("pricing", "show", "--json")
    assert new.code == old.code == 0 and new.out == old.out and new.out.startswith("{")
    assert "--json" not in run_cli("pricing", "show", "--help").out


def test_export_out_alias_writes_what_output_writes(demo_db, tmp_path):
    db, prices = demo_db
    common = ["export", "--format", "csv", "--db", db, "--pricing", prices]
    assert run_cli(*common, "--output", tmp_path / "new").code == 0
    assert run_cli(*common, "--out", tmp_path / "old").code == 0
    # the same rows (the export's row order among ties is not fixed: compared sorted)
    new_csv = sorted((tmp_path / "new" / "priced_records.csv").read_text().splitlines())
    assert new_csv == sorted((tmp_path / "old" / "priced_records.csv").read_text().splitlines())
    assert len(new_csv) > 100
    assert "--out " not in run_cli("export", "--help").out
    code, _, err = run_cli("export", "--db", db)
    assert code == 2 and "--output DIR" in err


@pytest.mark.parametrize(
    "command",
    [
        ["report", "summary", "--format", "json"],
        ["report", "insights", "--format", "markdown", "--until", "2026-10-20"],
        ["explain", "nope", "--format", "json"],
        ["budget", "check", "--monthly", "1000000"],
    ],
)
def test_output_writes_the_file_the_terminal_would_show(demo_db, tmp_path, command):
    db, prices = demo_db
    args = [*command, "--db", db, "--pricing", prices]
    if command[0] == "explain":  # a record id of the demo account
        import duckdb

        with duckdb.connect(str(db), read_only=True) as con:
            args[1] = con.execute("SELECT min(id) FROM predictions").fetchone()[0]
    if command[:2] in (["report", "summary"], ["budget", "check"]):  # one instant for both runs
        args += ["--now", "2026-10-20T12:00:00Z"]
    printed = run_cli(*args)
    target = tmp_path / "out.txt"
    written = run_cli(*args, "--output", target)
    assert printed.code == written.code and written.out == ""
    assert target.read_text() == printed.out and written.err.endswith(f"wrote {target}\n")
