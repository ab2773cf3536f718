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
    with pytest.raises(InputError, match="--end 'soon' is not an ISO 8601"):
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
