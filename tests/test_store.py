from __future__ import annotations

import duckdb
import pytest

from replicost.errors import DatabaseBusyError, DatabaseError
from replicost.store import MIGRATIONS, connect, open_readonly

CONTRACT_COLUMNS = {
    "predictions": {
        "id",
        "account",
        "model",
        "version",
        "status",
        "source",
        "deployment",
        "created_at",
        "started_at",
        "completed_at",
        "predict_time",
        "total_time",
        "input_token_count",
        "output_token_count",
        "image_count",
        "error",
        "data_removed",
        "raw",
    },
    "deployment_releases": {
        "deployment",
        "number",
        "model",
        "version",
        "hardware",
        "min_instances",
        "max_instances",
        "created_at",
    },
}


def test_migrations_create_contract_tables_once(tmp_path):
    db = tmp_path / "r.duckdb"
    con = connect(db)
    for table, expected in CONTRACT_COLUMNS.items():
        cols = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
        assert expected <= cols, expected - cols
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name='predictions'"
        ).fetchall()
    )
    assert types["created_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["predict_time"] == "DOUBLE"
    con.close()
    con = connect(db)  # second open applies nothing new
    names = [
        r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()
    ]
    assert names == [name for name, _ in MIGRATIONS]
    con.close()


def test_newer_schema_is_refused(tmp_path):
    db = tmp_path / "r.duckdb"
    connect(db).close()
    raw = duckdb.connect(str(db))
    raw.execute("INSERT INTO schema_migrations VALUES ('m999_future', now())")
    raw.close()
    with pytest.raises(DatabaseError, match="newer replicost"):
        connect(db)
    with pytest.raises(DatabaseError, match="newer replicost"):
        open_readonly(db)


def test_corrupt_missing_and_foreign_files(tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a database" * 100)
    with pytest.raises(DatabaseError, match="not a readable replicost database"):
        open_readonly(bad)
    with pytest.raises(DatabaseError, match="no database at"):
        open_readonly(tmp_path / "missing.duckdb")
    foreign = tmp_path / "foreign.duckdb"
    duckdb.connect(str(foreign)).close()
    with pytest.raises(DatabaseError, match="not a replicost database"):
        open_readonly(foreign)
    assert bad.read_bytes() == b"not a database" * 100  # nothing written


def test_second_writer_is_refused(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "r.duckdb"
    con = connect(db)
    code = (
        "import sys\nfrom replicost.store import connect\nfrom replicost.errors import DatabaseBusyError\n"
        f"try:\n    connect({str(db)!r})\nexcept DatabaseBusyError as e:\n    print(e); sys.exit(3)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    con.close()
    assert proc.returncode == 3, proc.stderr
    assert "in use by another replicost process" in proc.stdout
    assert DatabaseBusyError.exit_code == 1


def test_quarantine_backfill_marks_only_the_stored_rows_that_break_a_rule(tmp_path):
    """m003 checks rows stored before the column existed: the impossible ones get a reason naming
    the field, and every other row is left untouched (an UPDATE of every row made this migration
    take minutes and over 1 GB on a 10M-record database)."""
    from replicost.store.quarantine import backfill_sql

    con = connect(tmp_path / "old.duckdb")
    rows = [  # id, created_at, completed_at, predict_time, image_count
        ("fine", "2026-11-01 10:00:00+00", "2026-11-01 10:00:30+00", 12.5, 1),
        ("huge", "2026-11-01 10:00:00+00", "2026-11-01 10:00:30+00", 1e308, None),
        ("negative", "2026-11-01 10:00:00+00", "2026-11-01 10:00:30+00", -3.0, None),
        ("future", "9999-12-31 00:00:00+00", None, 1.0, None),
        ("images", "2026-11-01 10:00:00+00", "2026-11-01 10:00:30+00", 2.0, -4),
        ("no-metrics", "2026-11-01 10:00:00+00", None, None, None),
    ]
    for row in rows:
        con.execute(
            "INSERT INTO predictions (id, account, created_at, completed_at, predict_time, "
            "image_count, raw) VALUES (?, 'acme', ?, ?, ?, ?, '{}')",
            row,
        )
    updated = con.execute(backfill_sql("predictions")).fetchone()
    reasons = dict(con.execute("SELECT id, quarantine_reason FROM predictions").fetchall())
    con.close()
    assert updated == (4,)  # only the four impossible rows were written
    assert reasons == {
        "fine": None,
        "huge": "predict_time beyond 2592000 s",
        "negative": "predict_time negative",
        "future": "created_at in the future",
        "images": "image_count negative",
        "no-metrics": None,
    }


def test_connections_never_let_duckdb_draw_its_progress_bar_on_stdout(tmp_path):
    """DuckDB's client prints a bar on stdout for queries over 2 s; it would land in JSON/CSV
    written to stdout (seen on a 10M-record report), so both openers turn it off."""
    path = tmp_path / "quiet.duckdb"
    setting = "SELECT current_setting('enable_progress_bar')"
    writer = connect(path)
    assert writer.execute(setting).fetchone() == (False,)
    writer.close()
    reader = open_readonly(path)
    assert reader.execute(setting).fetchone() == (False,)
    reader.close()
