"""Incremental and resume state in `sync_state` (account, resource, key) -> text value.

Keys used by the sync engine (values are ISO timestamps or JSON):
- `high_water_mark`: the newest `created_at` stored by the last complete sync of the resource;
- `run`: the plan of an unfinished run (its mode, lower bound and windows), removed when it ends;
- `window:<n>`: one window's progress, `{"cursor": next URL or null, "done": bool}`, written in the
  transaction of the page it follows;
- `cursor` (trainings): the next page of an unfinished trainings run.
"""

from __future__ import annotations

from typing import Any

import duckdb
import orjson


def get_state(con: duckdb.DuckDBPyConnection, account: str, resource: str, key: str) -> str | None:
    row = con.execute(
        "SELECT value FROM sync_state WHERE account = ? AND resource = ? AND key = ?",
        [account, resource, key],
    ).fetchone()
    return row[0] if row else None


def get_json(con: duckdb.DuckDBPyConnection, account: str, resource: str, key: str) -> Any:
    value = get_state(con, account, resource, key)
    return orjson.loads(value) if value is not None else None


def put_state(
    con: duckdb.DuckDBPyConnection, account: str, resource: str, key: str, value: str | None
) -> None:
    """Set (or with None, delete) one entry; the caller decides the transaction."""
    if value is None:
        con.execute(
            "DELETE FROM sync_state WHERE account = ? AND resource = ? AND key = ?",
            [account, resource, key],
        )
        return
    con.execute(
        "INSERT INTO sync_state VALUES (?, ?, ?, ?, now()) "
        "ON CONFLICT (account, resource, key) DO UPDATE SET value = excluded.value, updated_at = now()",
        [account, resource, key, value],
    )


def put_states(
    con: duckdb.DuckDBPyConnection, account: str, entries: dict[tuple[str, str], str | None]
) -> None:
    """Set or delete many (resource, key) entries with two statements (one ON CONFLICT per key
    costs milliseconds; a writer commits a dozen window cursors at a time)."""
    if not entries:
        return
    resources = [resource for resource, _ in entries]
    keys = [key for _, key in entries]
    con.execute(
        "DELETE FROM sync_state WHERE account = $1 AND (resource, key) IN "
        "(SELECT (unnest($2::VARCHAR[]), unnest($3::VARCHAR[])))",
        [account, resources, keys],
    )
    kept = [
        (resource, key, value) for (resource, key), value in entries.items() if value is not None
    ]
    if kept:
        con.execute(
            "INSERT INTO sync_state SELECT $1, unnest($2::VARCHAR[]), unnest($3::VARCHAR[]), "
            "unnest($4::VARCHAR[]), now()",
            [account, [k[0] for k in kept], [k[1] for k in kept], [k[2] for k in kept]],
        )


def clear_prefix(con: duckdb.DuckDBPyConnection, account: str, resource: str, prefix: str) -> None:
    con.execute(
        "DELETE FROM sync_state WHERE account = ? AND resource = ? AND starts_with(key, ?)",
        [account, resource, prefix],
    )


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()
