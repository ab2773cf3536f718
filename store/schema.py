"""Ordered, named migrations recorded in the database itself (as llm and sqlite-utils do).

The tables and columns created by `m001_initial` are a contract: users write SQL against them.
A migration is only ever appended, never edited once released. `schema_migrations` records which
ran; a database that records a migration this version does not know is from a newer replicost and
is refused rather than silently misread.

Timestamps are TIMESTAMPTZ (DuckDB keeps microseconds; Replicate sends up to nanoseconds, and the
original string is always kept in `raw`). Money is stored in one place only, the ledger
(`m004_bill_ledger`), which replicost.billing.ledger writes from the cost views and stamps with a
digest of the prices it was computed under: a price correction re-prices history.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import duckdb

from replicost.errors import DatabaseError
from replicost.store import billing_inputs
from replicost.store.quarantine import backfill_sql, release_quarantine_reason
from replicost.store.query import one_row
from replicost.store.transactions import transaction

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

-- `raw` is JSON text in a VARCHAR: the JSON type would validate every record again on insert, and
-- DuckDB's JSON functions and `->>` read a VARCHAR the same way. No index besides the key: the
-- sync appends rows roughly in created_at order, so zone maps already skip most row groups of a
-- created_at range, and an ART index on (account, created_at) cost a fifth of the insert time.
CREATE TABLE predictions (
    {_RECORD_COLUMNS}
    raw VARCHAR{{raw_compression}},     -- the record as served (JSON), large data URLs replaced by placeholders
    synced_at TIMESTAMPTZ
);

CREATE TABLE trainings (
    {_RECORD_COLUMNS}
    destination VARCHAR,                -- owner/name the trained version is pushed to
    output_version VARCHAR,             -- output.version: the version the training produced
    raw VARCHAR{{raw_compression}},     -- JSON text, as for predictions
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


def raw_compression(con: duckdb.DuckDBPyConnection) -> str:
    """` USING COMPRESSION zstd` where the file's storage format has ZSTD for strings, else "".

    For JSON text ZSTD writes about 1.5x faster than DuckDB's default choice (FSST/dictionary
    analysis) and makes the file 2.4x smaller (benchmarks/sync_bench.py). DuckDB 2.0 writes the
    latest storage format by default; older versions write v0.10.2, where the clause is accepted
    but stores the column uncompressed, so it is left out there.
    """
    try:
        version = one_row(con.execute("SELECT current_setting('storage_compatibility_version')"))[0]
    except duckdb.Error:
        return ""
    if version == "latest":
        return " USING COMPRESSION zstd"
    numbers = tuple(int(part) for part in re.findall(r"\d+", version)[:2])
    return " USING COMPRESSION zstd" if numbers >= (1, 2) else ""


def m001_initial(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(M001_INITIAL.format(raw_compression=raw_compression(con)))


def _recreate_without_key(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Copy `table` into a table of the same columns (read from the catalog, so columns added by
    any earlier migration come along) without its primary key, then swap the two."""
    columns = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index",
        [table],
    ).fetchall()
    compression = raw_compression(con)
    definitions = [
        f'"{name}" {kind}'
        + (" NOT NULL" if name in ("id", "account") else "")
        + (compression if name == "raw" else "")
        for name, kind in columns
    ]
    names = ", ".join(f'"{name}"' for name, _ in columns)
    con.execute(f"CREATE TABLE {table}_m002 ({', '.join(definitions)})")
    con.execute(
        f"INSERT INTO {table}_m002 SELECT {names} FROM {table} ORDER BY created_at NULLS FIRST"
    )
    con.execute(f"DROP TABLE {table}")
    con.execute(f"ALTER TABLE {table}_m002 RENAME TO {table}")


def m002_records_without_primary_key(con: duckdb.DuckDBPyConnection) -> None:
    """predictions and trainings lose their PRIMARY KEY on id: DuckDB keeps a key's index in
    memory while inserting (about 100 bytes a record, over 1 GB at 10M records). Ids stay unique:
    the sync's writer checks every batch before writing it (sync/writer.py). Rows are kept, and
    stored in created_at order, which lets zone maps skip the row groups outside a range."""
    for table in ("predictions", "trainings"):
        _recreate_without_key(con, table)


def m003_quarantine_reason(con: duckdb.DuckDBPyConnection) -> None:
    """`quarantine_reason` on predictions and trainings: why a stored record is held out of prices
    and high-water marks (NULL normally; store/quarantine.py), checked for the rows already there."""
    for table in ("predictions", "trainings"):
        con.execute(f"ALTER TABLE {table} ADD COLUMN quarantine_reason VARCHAR")
        con.execute(backfill_sql(table))


def m004_release_quarantine_reason(con: duckdb.DuckDBPyConnection) -> None:
    """`quarantine_reason` on deployment_releases: why a stored release is never priced (an
    instance count or a GPU multiple no deployment has; store/quarantine.py), checked for the
    releases already there (a handful per deployment: the rule runs in Python, once)."""
    con.execute("ALTER TABLE deployment_releases ADD COLUMN quarantine_reason VARCHAR")
    rows = con.execute(
        "SELECT deployment, number, hardware, min_instances, max_instances FROM deployment_releases"
    ).fetchall()
    for deployment, number, hardware, min_instances, max_instances in rows:
        configuration = {
            "hardware": hardware,
            "min_instances": min_instances,
            "max_instances": max_instances,
        }
        reason = release_quarantine_reason(configuration)
        if reason is not None:
            con.execute(
                "UPDATE deployment_releases SET quarantine_reason = ? "
                "WHERE deployment = ? AND number = ?",
                [reason, deployment, number],
            )


M005_BILL_LEDGER = """
-- The priced bill, stored: one row per bill item as the cost views (replicost.billing) compute it
-- (a record: records = 1; a deployment's uptime top-up per UTC day: records = 0; later kinds),
-- money in whole micro-dollars (cost_micro; cost_usd is the same DECIMAL). Written only by
-- replicost.billing.ledger (`replicost sync` after it commits, `replicost reprice`); the refresh
-- adds a column here when the cost views gain one.
CREATE TABLE bill_ledger (
    kind VARCHAR, id VARCHAR, account VARCHAR, model VARCHAR, version VARCHAR, source VARCHAR,
    deployment VARCHAR, status VARCHAR, created_at TIMESTAMPTZ, predict_time DOUBLE,
    hardware VARCHAR, basis VARCHAR, unit VARCHAR, units DOUBLE, unit_price DECIMAL(38,12),
    cost_usd DECIMAL(18,6), reason VARCHAR, lower_bound BOOLEAN, billing_note VARCHAR,
    cost_kind VARCHAR, seconds DOUBLE, seconds_estimated BOOLEAN, quarantined BOOLEAN,
    unpriced_low_usd DECIMAL(18,6), unpriced_high_usd DECIMAL(18,6),
    input_token_count BIGINT, output_token_count BIGINT, image_count BIGINT,
    input_token_price DECIMAL(38,12), output_token_price DECIMAL(38,12), image_price DECIMAL(38,12),
    map_source VARCHAR, error VARCHAR,
    cost_micro BIGINT, unpriced_low_micro BIGINT, unpriced_high_micro BIGINT, seconds_micro BIGINT,
    status_class INTEGER, records INTEGER
);
-- Its stamp (one row, or none: no ledger yet): `prices` digests everything a price is decided
-- from (catalog, pricing file, deployment timeline, models, the pricing code); `coverage` what
-- the records and deployments looked like when it was written; *_synced_until the newest sync
-- stamp of the records it holds (a refresh prices the records stamped since); `views` the
-- columns of each cost view, so a report reads the ledger as those views.
CREATE TABLE bill_ledger_state (
    prices VARCHAR NOT NULL,
    coverage VARCHAR NOT NULL,
    predictions_synced_until TIMESTAMPTZ,
    trainings_synced_until TIMESTAMPTZ,
    views VARCHAR NOT NULL,
    pricing_file VARCHAR,
    built_at TIMESTAMPTZ,
    refreshed_at TIMESTAMPTZ
);
"""


def m006_billing_inputs(con: duckdb.DuckDBPyConnection) -> None:
    """What official models are billed on (store/billing_inputs.py): Replicate's billing metrics
    as typed columns and the record's short inputs, filled for the rows already stored."""
    for table in ("predictions", "trainings"):
        for name, (kind, _) in billing_inputs.METRIC_COLUMNS.items():
            con.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
        con.execute(f"ALTER TABLE {table} ADD COLUMN {billing_inputs.PRICE_INPUTS} VARCHAR")
        con.execute(billing_inputs.backfill_sql(table))


MIGRATIONS: list[Migration] = [
    ("m001_initial", m001_initial),
    ("m002_records_without_primary_key", m002_records_without_primary_key),
    ("m003_quarantine_reason", m003_quarantine_reason),
    ("m004_release_quarantine_reason", m004_release_quarantine_reason),
    ("m005_bill_ledger", M005_BILL_LEDGER),
    ("m006_billing_inputs", m006_billing_inputs),
]

SCHEMA_VERSION = len(MIGRATIONS)


def applied_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    exists = one_row(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        )
    )[0]
    if not exists:
        return []
    return [
        row[0] for row in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()
    ]


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
        with transaction(con):
            if callable(step):
                step(con)
            else:
                con.execute(step)
            con.execute("INSERT INTO schema_migrations VALUES (?, now())", [name])
        ran.append(name)
    return ran
