"""Ordered, named migrations recorded in the database itself (as llm and sqlite-utils do).

The tables and columns created by `m001_initial` are a contract: users write SQL against them.
A migration is only ever appended, never edited once released. `schema_migrations` records which
ran; a database that records a migration this version does not know is from a newer replicost and
is refused rather than silently misread.

Timestamps are TIMESTAMPTZ (DuckDB keeps microseconds; Replicate sends up to nanoseconds, and the
original string is always kept in `raw`). Money is never stored here: it is computed from prices
at report time, so a price correction re-prices history.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from replicost.errors import DatabaseError

_RECORD_COLUMNS = """
    id VARCHAR PRIMARY KEY,
    account VARCHAR NOT NULL,
    model VARCHAR,
    version VARCHAR,
    status VARCHAR,
    source VARCHAR,
    deployment VARCHAR,
    created_at TIMESTAMPTZ,
    started_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    predict_time DOUBLE,
    total_time DOUBLE,
    input_token_count BIGINT,
    output_token_count BIGINT,
    image_count BIGINT,
    error VARCHAR,
    data_removed BOOLEAN,
"""

M001_INITIAL = f"""
CREATE TABLE accounts (
    account VARCHAR PRIMARY KEY,        -- the account's username
    type VARCHAR,                       -- 'user' or 'organization'
    name VARCHAR,
    github_url VARCHAR,
    raw JSON,
    first_synced_at TIMESTAMPTZ,
    last_synced_at TIMESTAMPTZ
);

CREATE TABLE predictions (
    {_RECORD_COLUMNS}
    raw JSON,                           -- the record as served, large data URLs replaced by placeholders
    synced_at TIMESTAMPTZ
);
CREATE INDEX predictions_created_at ON predictions (account, created_at);

CREATE TABLE trainings (
    {_RECORD_COLUMNS}
    destination VARCHAR,                -- owner/name the trained version is pushed to
    output_version VARCHAR,             -- output.version: the version the training produced
    raw JSON,
    synced_at TIMESTAMPTZ
);

CREATE TABLE deployments (
    deployment VARCHAR PRIMARY KEY,     -- owner/name
    account VARCHAR NOT NULL,
    owner VARCHAR,
    name VARCHAR,
    current_release_number INTEGER,
    raw JSON,
    synced_at TIMESTAMPTZ
);

-- Every release observed, by any sync. Replicate only serves the current release, so older
-- releases are known only if a sync saw them (or the pricing file supplies them).
CREATE TABLE deployment_releases (
    deployment VARCHAR NOT NULL,
    number INTEGER NOT NULL,
    account VARCHAR NOT NULL,
    model VARCHAR,
    version VARCHAR,
    hardware VARCHAR,
    min_instances INTEGER,
    max_instances INTEGER,
    created_at TIMESTAMPTZ,
    created_by VARCHAR,
    first_observed_at TIMESTAMPTZ,
    PRIMARY KEY (deployment, number)
);

CREATE TABLE hardware (
    sku VARCHAR PRIMARY KEY,
    name VARCHAR,
    synced_at TIMESTAMPTZ
);

CREATE TABLE models (
    model VARCHAR PRIMARY KEY,          -- owner/name
    owner VARCHAR,
    name VARCHAR,
    visibility VARCHAR,                 -- 'public' or 'private'
    is_official BOOLEAN,
    latest_version VARCHAR,
    run_count BIGINT,
    raw JSON,
    synced_at TIMESTAMPTZ
);

-- One row per sync run and resource: what it fetched and how it ended.
CREATE TABLE sync_log (
    run_id VARCHAR NOT NULL,
    account VARCHAR,
    resource VARCHAR NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status VARCHAR NOT NULL,            -- running, succeeded, failed
    new_rows BIGINT DEFAULT 0,
    updated_rows BIGINT DEFAULT 0,
    pages BIGINT DEFAULT 0,
    requests BIGINT DEFAULT 0,
    retries BIGINT DEFAULT 0,
    message VARCHAR,
    PRIMARY KEY (run_id, resource)
);

-- Incremental and resume state, committed in the same transaction as the rows of each page.
CREATE TABLE sync_state (
    account VARCHAR NOT NULL,
    resource VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    value VARCHAR,
    updated_at TIMESTAMPTZ,
    PRIMARY KEY (account, resource, key)
);
"""

Migration = tuple[str, Callable[[duckdb.DuckDBPyConnection], None] | str]

MIGRATIONS: list[Migration] = [
    ("m001_initial", M001_INITIAL),
]

SCHEMA_VERSION = len(MIGRATIONS)


def applied_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()[0]
    if not exists:
        return []
    return [row[0] for row in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()]


def check_not_newer(con: duckdb.DuckDBPyConnection, db_label: str) -> list[str]:
    """Refuse a database that records migrations this replicost does not know."""
    applied = applied_migrations(con)
    known = {name for name, _ in MIGRATIONS}
    unknown = sorted(set(applied) - known)
    if unknown:
        raise DatabaseError(
            f"{db_label} was written by a newer replicost (schema {unknown[-1]}); upgrade replicost to read it"
        )
    return applied


def migrate(con: duckdb.DuckDBPyConnection, db_label: str = "database") -> list[str]:
    """Apply every pending migration, each in its own transaction. Returns the names applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ)"
    )
    applied = set(check_not_newer(con, db_label))
    ran = []
    for name, step in MIGRATIONS:
        if name in applied:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            if callable(step):
                step(con)
            else:
                con.execute(step)
            con.execute("INSERT INTO schema_migrations VALUES (?, now())", [name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        ran.append(name)
    return ran
