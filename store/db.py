"""Open the local database with errors a user can act on.

DuckDB allows one writing process per file (it takes an OS lock), which is exactly the guarantee
`replicost sync` needs: a second sync fails at once. Readers (reports) open read-only; while a sync
holds the write lock DuckDB refuses them too, and they say so in one line instead of a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from replicost.errors import DatabaseBusyError, DatabaseError
from replicost.store.schema import MIGRATIONS, check_not_newer, migrate

_LOCK_PID = re.compile(r"PID (\d+)")
# DuckDB's Python client draws a progress bar on stdout for any query that runs over 2 s: on a big
# database or a busy machine it landed in `report spend --format json > file` (seen at 10M records:
# a "100% ▕████▏" line before the JSON) and under our own progress lines during a sync.
# It is a per-connection setting (DuckDB refuses it in connect's config), so each opener sets it.


# DuckDB's projection pull-up spends a third of the optimizer's time on the deep cost views (0.2 s
# of each query over the records' pricing) and gains nothing measurable when they run
DISABLED_OPTIMIZERS = "projection_pullup"


def _quiet(con: duckdb.DuckDBPyConnection) -> None:
    """Turn DuckDB's progress bar off (inside Jupyter DuckDB refuses to touch the setting without
    ipywidgets, its notebook bar, and there the bar is not on stdout anyway), and the optimizer
    that costs the cost views most (DISABLED_OPTIMIZERS)."""
    try:
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:
        pass
    try:  # (a DuckDB without that optimizer refuses the name: nothing to turn off)
        con.execute(f"SET disabled_optimizers = '{DISABLED_OPTIMIZERS}'")
    except duckdb.Error:
        pass


def classify_failure(text: str) -> str | None:
    """What a DuckDB error message says about the file or its disk, or None if it is about neither.

    One place reads DuckDB's wording: opening a database (`_translate`) and the CLI's last-resort
    handler (a damaged block or a full disk surfaces in whatever query first touches it) both ask here.
    """
    if "Could not set lock" in text or "Conflicting lock" in text:
        return "busy"
    if (
        "not a valid DuckDB database" in text
        or "Corrupt" in text
        or "corrupt" in text
        or ("checksum" in text and "does not match" in text)
    ):
        return "damaged"
    if "Could not read enough bytes" in text:  # cut short: a copy that did not finish, a full disk
        return "truncated"
    if "No space left" in text:
        return "full"
    if "Permission denied" in text or "Read-only file system" in text:
        return "read-only"
    return None


def _translate(exc: Exception, path: Path) -> DatabaseError:
    text = str(exc)
    kind = classify_failure(text)
    if kind == "busy":
        pid = _LOCK_PID.search(text)
        holder = f" (PID {pid.group(1)})" if pid else ""
        return DatabaseBusyError(
            f"{path} is in use by another replicost process{holder}, probably a running sync; "
            "try again when it finishes"
        )
    if kind == "damaged":
        return DatabaseError(f"{path} is not a readable replicost database (corrupt or not DuckDB)")
    if kind == "truncated":
        return DatabaseError(
            f"{path} is truncated (shorter than its own header says); "
            "restore it or sync into a new file"
        )
    if "does not exist" in text:
        return DatabaseError(
            f"no database at {path}; run `replicost sync` (or `replicost demo`) first"
        )
    if kind == "read-only":
        return DatabaseError(f"cannot write {path}: permission denied")
    if kind == "full":
        return DatabaseError(f"cannot write {path}: no space left on the device")
    first_line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return DatabaseError(f"cannot open {path}: {first_line}")


def connect(path: str | Path, *, migrate_schema: bool = True) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the database for writing and bring its schema up to date."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise DatabaseError(f"{path} is a directory, not a database file")
    if path.parent.exists() and not path.parent.is_dir():
        raise DatabaseError(f"cannot create {path}: {path.parent} is a file, not a folder")
    if not path.parent.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create {path.parent}: {exc.strerror}") from None
    existed = path.exists() and path.stat().st_size > 0
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as exc:
        raise _translate(exc, path) from None
    try:
        _quiet(con)
        if existed:
            _refuse_foreign(con, path)
        if migrate_schema:
            migrate(con, str(path))
        else:
            check_not_newer(con, str(path))
    except DatabaseError:
        con.close()
        raise
    except duckdb.Error as exc:
        con.close()
        raise _translate(exc, path) from None
    return con


def _refuse_foreign(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse a DuckDB file that holds tables but no replicost schema: someone else's data, which a
    migration would otherwise change (or fail half-way into, on a table of the same name)."""
    tables = {
        name
        for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()"
        ).fetchall()
    }
    if tables and "schema_migrations" not in tables:
        raise DatabaseError(
            f"{path} is a DuckDB file but not a replicost database (no schema_migrations); "
            "name another file with --db"
        )


def open_readonly(path: str | Path) -> duckdb.DuckDBPyConnection:
    """Open an existing database for reading; refuse a missing, corrupt or newer one clearly."""
    path = Path(path)
    if not path.exists():
        raise DatabaseError(
            f"no database at {path}; run `replicost sync` (or `replicost demo`) first"
        )
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory, not a database file")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise _translate(exc, path) from None
    try:
        _quiet(con)
        applied = check_not_newer(con, str(path))
    except duckdb.Error as exc:
        con.close()
        raise _translate(exc, path) from None
    if not applied:
        con.close()
        raise DatabaseError(
            f"{path} is a DuckDB file but not a replicost database (no schema_migrations)"
        )
    if len(applied) < len(MIGRATIONS):  # written by an older replicost: bring it up to date once
        con.close()
        try:
            connect(path).close()
        except DatabaseError as exc:
            raise DatabaseError(
                f"{path} has an older schema and could not be upgraded ({exc}); "
                "run `replicost sync` once with write access"
            ) from None
        return open_readonly(path)
    return con


def damage_message(exc: BaseException) -> str | None:
    """The message for a DuckDB error that means the file or its disk failed, else None.

    DuckDB reads blocks lazily and checks each block's checksum as it reads it, so a file damaged in
    the middle opens fine and fails inside whatever query first touches the bad block (a report, a
    sync's upsert). A full disk fails a COMMIT, and a ROLLBACK after it then fails too, hiding the
    cause: the whole chain of exceptions is searched. Both are the file's or the disk's problem
    (exit 2), not a bug in replicost. The CLI's last-resort handler prints it.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if type(current).__module__.startswith(("duckdb", "_duckdb")):
            text = str(current).strip()
            first = text.splitlines()[0] if text else type(current).__name__
            kind = classify_failure(text)
            if kind == "full":
                return (
                    "no space left on the device holding the database; free some space and run the "
                    "command again (every page committed before is kept)"
                )
            if kind == "read-only":
                return f"cannot write the database ({first})"
            if kind in ("damaged", "truncated"):
                return (
                    f"the database file is {kind} ({first}); restore it from a copy or sync into a "
                    "new file"
                )
        current = current.__cause__ or current.__context__
    return None
