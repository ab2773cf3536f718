"""Case: a full disk and a read-only folder."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
from cli_helpers import run_cli_process

from replicost.simulator import serve

from reliability.common import (
    TOKEN_ENV,
    CaseResult,
    check_against_truth,
    cli_sync,
    file_digest,
    make_app,
    one_clear_line,
)


# ----- case: disk full and read-only database folder -------------------------------------------
@contextlib.contextmanager
def small_filesystem(folder: Path, size: str, *, read_only: bool = False) -> Iterator[bool]:
    """A tmpfs of `size` mounted on `folder` (root only); yields False when mounting is not possible."""
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    mounted = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
        ).returncode
        == 0
    )
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def remount(folder: Path, options: str) -> None:
    subprocess.run(
        ["mount", "-o", f"remount,{options}", str(folder)], check=True, capture_output=True
    )


def disk_trouble(*, workdir: Path, runs: int = 1) -> CaseResult:
    """A database on a tmpfs that fills up mid-sync, and on a folder that is (or becomes) read-only:
    one clear line with exit 2; after space is freed the file opens, holds whole committed pages
    only, and a rerun ends with exactly the truth."""
    result = CaseResult(
        "Disk full / read-only database folder",
        "sync onto a tmpfs of 1-2 MB (fills mid-sync), "
        "then room made and rerun; sync and report on a read-only tmpfs (new and existing "
        "database)",
    )
    if os.geteuid() != 0:
        result.notes.append("not root: tmpfs cannot be mounted here; case skipped")
        result.failures.append("skipped: needs root to mount a tmpfs")
        return result
    workdir.mkdir(parents=True, exist_ok=True)
    for run in range(runs):
        for size in ("1m", "2m"):
            folder = workdir / f"full-{run}-{size}"
            with small_filesystem(folder, size) as mounted:
                if not mounted:
                    result.fail("mount -t tmpfs failed: disk-full case not run")
                    return result
                app = make_app(3000, trainings=30, seed=70 + run)
                db = folder / "r.duckdb"
                with serve(app) as server:
                    first = cli_sync(db, server.base_url)
                    result.runs += 1
                    stderr, _, leak_report = first.stderr.partition("nanobind: leaked")
                    if leak_report:
                        deviation = (
                            "after the one error line of a disk-full sync, DuckDB's bindings print a "
                            "nanobind 'leaked instance' report (dozens of lines) at exit"
                        )
                        if deviation not in result.deviations:
                            result.deviations.append(deviation)
                    problem = one_clear_line(stderr)
                    if first.returncode == 0:
                        result.notes.append(f"{size}: the sync fitted ({first.stdout.strip()})")
                    elif first.returncode != 2 or problem or "no space left" not in first.stderr:
                        result.fail(
                            f"disk full ({size}): exit {first.returncode}, {problem or first.stderr.strip()}"
                        )
                    else:
                        result.notes.append(f"disk full ({size}): {first.stderr.strip()}")
                    remount(folder, "size=64m")
                    con = duckdb.connect(str(db), read_only=True)
                    total, distinct, unreadable = con.execute(
                        "SELECT count(*), count(DISTINCT id), count(*) FILTER (WHERE raw->>'id' IS DISTINCT FROM id) "
                        "FROM predictions"
                    ).fetchone()
                    con.close()
                    if total != distinct or unreadable:
                        result.fail(
                            f"disk full ({size}): after the failure {total} rows, {distinct} ids, "
                            f"{unreadable} rows whose raw does not match"
                        )
                    result.notes.append(
                        f"disk full ({size}): {total} predictions committed before the disk filled"
                    )
                    again = cli_sync(db, server.base_url)
                    if again.returncode != 0:
                        result.fail(
                            f"disk full ({size}): rerun with room failed: {again.stderr.strip()}"
                        )
                check_against_truth(app, db, result, f"disk full ({size}), rerun")
    # read-only: a new database, then an existing one whose folder becomes read-only
    folder = workdir / "read-only"
    with small_filesystem(folder, "8m", read_only=True) as mounted:
        app = make_app(500, trainings=10, seed=80)
        with serve(app) as server:
            new = cli_sync(folder / "r.duckdb", server.base_url)
            result.runs += 1
            if new.returncode != 2 or one_clear_line(new.stderr):
                result.fail(
                    f"read-only folder, new database: exit {new.returncode}, {new.stderr.strip()[:200]}"
                )
            remount(folder, "rw")
            cli_sync(folder / "r.duckdb", server.base_url)
            before = file_digest(folder / "r.duckdb")
            remount(folder, "ro")
            app.advance(3600)
            again = cli_sync(folder / "r.duckdb", server.base_url)
            result.runs += 1
            if again.returncode != 2 or one_clear_line(again.stderr):
                result.fail(
                    f"read-only folder, existing database: exit {again.returncode}, {again.stderr.strip()[:200]}"
                )
            report = run_cli_process(
                "report",
                "spend",
                "--by",
                "model",
                "--db",
                str(folder / "r.duckdb"),
                "--format",
                "json",
                env=TOKEN_ENV,
            )
            result.runs += 1
            if report.returncode != 0:
                result.fail(
                    f"read-only folder: a report should still work: {report.stderr.strip()[:200]}"
                )
            if file_digest(folder / "r.duckdb") != before:
                result.fail("read-only folder: the database changed")
            result.notes.append(f"read-only folder: sync says {again.stderr.strip()}; report works")
    return result
