"""Reliability campaign, fast part: bad files, bad pages, bad specs, secrets, full and read-only disks.

Scenarios from `tests/reliability/` with small counts, plus the precise regressions the campaign
found (each named after what used to go wrong).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb
import pytest
from cli_helpers import run_cli

from replicost.client.errors import BadResponseError
from replicost.client.paging import CursorPager

from reliability import common, disk, files, leaks, parsers


@pytest.fixture(scope="module")
def synced_db(tmp_path_factory) -> Path:
    return common.synced_database(tmp_path_factory.mktemp("synced") / "good.duckdb")


def assert_clean(result: common.CaseResult, *, runs: int) -> None:
    assert result.failures == []
    assert (result.lost, result.duplicated) == (0, 0)
    assert result.runs >= runs


# ----- databases -------------------------------------------------------------------------------
@pytest.mark.slow
def test_every_command_on_every_damaged_database_is_one_line_exit_2_and_leaves_the_file(tmp_path):
    result = files.bad_database_files(workdir=tmp_path)
    assert_clean(result, runs=60)


def test_a_truncated_database_is_called_truncated(synced_db, tmp_path):
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(synced_db.read_bytes()[:20_000])
    code, _, err = run_cli("report", "spend", "--db", str(cut))
    assert code == 2 and err.startswith(f"error: {cut} is truncated") and len(err.splitlines()) == 1


def test_a_block_damaged_mid_file_is_exit_2_not_an_unexpected_error(synced_db, tmp_path):
    damaged = tmp_path / "damaged.duckdb"
    data = bytearray(synced_db.read_bytes())
    outcomes = set()
    for fraction in (
        0.1,
        0.2,
        0.3,
        0.45,
        0.6,
        0.7,
        0.8,
        0.9,
    ):  # some of these blocks hold rows a report reads
        start = int(len(data) * fraction)
        copy = bytearray(data)
        copy[start : start + 8192] = os.urandom(8192)
        damaged.write_bytes(bytes(copy))
        code, _, err = run_cli("report", "spend", "--by", "model", "--db", str(damaged))
        outcomes.add(code)
        if code:
            assert code == 2 and common.one_clear_line(err) is None, err
            assert "database file is damaged" in err
    assert 2 in outcomes


def test_another_programs_duckdb_file_is_refused_and_not_migrated(tmp_path):
    foreign = tmp_path / "theirs.duckdb"
    con = duckdb.connect(str(foreign))
    con.execute("CREATE TABLE predictions (id INTEGER)")
    con.close()
    before = foreign.read_bytes()
    code, _, err = run_cli(
        "sync",
        "--db",
        str(foreign),
        "--token",
        common.TOKEN,
        "--base-url",
        "http://127.0.0.1:9/v1",
        "--quiet",
    )
    assert code == 2 and "not a replicost database" in err and common.one_clear_line(err) is None
    assert foreign.read_bytes() == before


def test_a_usage_error_is_one_line_with_where_to_look(tmp_path):
    code, _, err = run_cli("sync", "--db", str(tmp_path), "--quiet")
    assert code == 2 and common.one_clear_line(err) is None
    assert "is a directory" in err and "replicost sync --help" in err


# ----- pricing and config files --------------------------------------------------------------------
@pytest.mark.slow
def test_bad_and_fuzzed_pricing_and_config_files_are_one_line_exit_2_and_never_touch_the_db(
    synced_db, tmp_path
):
    result = files.bad_settings_files(workdir=tmp_path, examples=10, db=synced_db)
    assert_clean(result, runs=len(files.BAD_SETTINGS_FILES) * 4)


def test_control_characters_in_a_pricing_key_are_escaped_not_sent_to_the_terminal(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(files.BAD_SETTINGS_FILES["control characters in keys"])
    code, out, err = run_cli("pricing", "validate", str(bad))
    assert code == 2
    assert "\x1b" not in out + err and "\r" not in out + err
    assert "gpu\\nt4\\x1b[31m" in out  # the key as written, escaped, on the problem's line
    assert (
        "models: 'a/b\\n' is not owner/name" in out
    )  # a trailing newline no longer passes for owner/name
    assert len(out.splitlines()) == 2


def test_toml_nested_too_deeply_is_a_syntax_error_not_a_recursion_error(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text(files.BAD_SETTINGS_FILES["deeply nested"])
    for args in (
        ["pricing", "validate", str(deep)],
        ["pricing", "show", "--pricing", str(deep)],
        ["pricing", "show", "--config", str(deep)],
    ):
        # validate lists the problem on stdout, the verdict on stderr
        code, out, err = run_cli(*args)
        assert (
            code == 2 and "nested too deeply" in out + err and common.one_clear_line(err) is None
        ), err


# ----- pages -------------------------------------------------------------------------------------
def test_fuzzed_pages_are_refused_with_their_url_or_written_whole(tmp_path):
    result = parsers.bad_pages(workdir=tmp_path, examples=150)
    assert result.failures == []


@pytest.mark.parametrize(
    "record_id", [None, 7, [], {"a": 1}], ids=["null", "number", "list", "object"]
)
def test_a_record_whose_id_is_not_a_string_makes_a_malformed_page(record_id):
    pager = CursorPager("http://127.0.0.1:1/v1/predictions", origin="http://127.0.0.1:1")
    with pytest.raises(BadResponseError, match="malformed page"):
        pager.read_page(
            "http://127.0.0.1:1/v1/predictions", {"results": [{"id": record_id}], "next": None}
        )


# ----- codegen -------------------------------------------------------------------------------------
@pytest.mark.slow
def test_truncated_and_fuzzed_specs_fail_in_one_line_and_leave_the_output(tmp_path, specs_dir):
    result = parsers.codegen_specs(workdir=tmp_path, examples=3, truncations=3)
    assert_clean(result, runs=6)


def test_a_dangling_ref_or_a_broken_shape_is_an_input_error_not_a_crash(tmp_path, specs_dir):
    import json

    document = json.loads(sorted((specs_dir / "history").glob("*.json"))[-1].read_text())
    dangling = json.loads(json.dumps(document))
    dangling["components"]["schemas"].popitem()  # something still points at it
    broken = json.loads(json.dumps(document))
    broken["components"] = "schemas"  # patches expect a table here
    output = tmp_path / "out" / "replicost_api"
    for name, spec in (("dangling", dangling), ("broken", broken)):
        source = tmp_path / f"{name}.json"
        source.write_text(json.dumps(spec))
        code, _, err = run_cli("codegen", "--spec", str(source), "--output", str(output))
        assert code == 2 and common.one_clear_line(err) is None, err
        assert not output.exists()


# ----- secrets --------------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_token_is_in_no_byte_written_logged_printed_or_raised_whatever_fails(tmp_path):
    result = leaks.secrets(workdir=tmp_path)
    assert_clean(result, runs=10)


# ----- disks ---------------------------------------------------------------------------------------
def _can_mount(tmp_path) -> bool:
    if os.geteuid() != 0:
        return False
    probe = tmp_path / "probe"
    with disk.small_filesystem(probe, "1m") as mounted:
        return mounted


@pytest.mark.slow
def test_disk_full_mid_sync_and_read_only_folders_fail_clearly_and_keep_committed_pages(tmp_path):
    if not _can_mount(tmp_path):
        pytest.skip("needs root and tmpfs mounts to make a full or read-only filesystem")
    result = disk.disk_trouble(workdir=tmp_path)
    assert_clean(result, runs=5)


def test_a_read_only_folder_without_root_tricks_is_a_clear_error(tmp_path):
    """Without mounts: a file where the database's folder should be (chmod does not stop root)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    result = subprocess.run(
        [
            *common.CLI,
            "sync",
            "--db",
            str(blocker / "r.duckdb"),
            "--token",
            common.TOKEN,
            "--base-url",
            "http://127.0.0.1:9/v1",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and common.one_clear_line(result.stderr) is None, result.stderr
    assert "is a file, not a folder" in result.stderr
