"""Opening a database with its cost views installed: one opener for paths and open connections.

`open_priced` opens a file read-only and installs the views (closing it again if that fails);
`priced_connection` is the context-manager form every report uses, and also accepts a connection
already open (a notebook keeps one across many reports), installing the views only if missing.

The views read the stored ledger (`replicost.billing.ledger`) when it holds the bill of the prices
in effect; otherwise every record is priced in memory (the same figures, slower) and one line is
given to `replicost.notices` (the CLI prints it on stderr) naming the command that
stores it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import duckdb

from replicost.config import Config
from replicost.config import load_config as read_config
from replicost.notices import notice

ConfigLike = Config | str | Path | None  # a parsed config, a config file, or None (the default)
Database = str | Path | duckdb.DuckDBPyConnection


def load_config(config: ConfigLike = None) -> Config:
    """A `replicost.config.Config` from a Config, a path, or None (the default config file)."""
    return config if isinstance(config, Config) else read_config(config)


def open_priced(
    db: str | Path,
    *,
    pricing_file: str | Path | None = None,
    config: ConfigLike = None,
    bill_views: bool = True,
) -> duckdb.DuckDBPyConnection:
    """Open a database read-only with the cost views installed, for many reports in a row.

    Every report function accepts the returned connection in place of a path; close it when done.
    `bill_views=False` leaves out the views that add the records up into the bill (see
    `costs.install`), for a caller that reads the records' pricing only.
    """
    from replicost.store import open_readonly

    con = open_readonly(db)
    try:
        _install_costs(con, pricing_file, config, bill_views=bill_views)
    except BaseException:
        con.close()
        raise
    return con


@contextlib.contextmanager
def priced_connection(
    db: Database,
    *,
    pricing_file: str | Path | None = None,
    config: ConfigLike = None,
    bill_views: bool = True,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection with the cost views installed; open (and close) it if given a path.
    (A connection passed in gets every view when it has none: it may serve other reports.)"""
    if isinstance(db, duckdb.DuckDBPyConnection):
        if not _has_view(db, "priced_records"):
            _install_costs(db, pricing_file, config)
        yield db
        return
    con = open_priced(db, pricing_file=pricing_file, config=config, bill_views=bill_views)
    try:
        yield con
    finally:
        con.close()


def _has_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "SELECT (SELECT count(*) FROM duckdb_views() WHERE view_name = $name)"
        " + (SELECT count(*) FROM duckdb_tables() WHERE table_name = $name)",
        {"name": name},
    ).fetchone()
    return bool(row and row[0])


def _install_costs(
    con: duckdb.DuckDBPyConnection,
    pricing_file: str | Path | None,
    config: ConfigLike,
    *,
    bill_views: bool = True,
) -> None:
    from replicost.billing import costs, ledger, pricing

    catalog = pricing.load_catalog(pricing_file=pricing_file, config=load_config(config))
    costs.install(con, catalog, records=False)
    why = ledger.attach(con)
    if why is None:
        return
    costs.install_records(con, catalog, bill_views=bill_views)
    command = ledger.STORE_COMMAND + (f" --pricing {pricing_file}" if pricing_file else "")
    notice(f"note: priced in memory ({why}); `{command}` stores it for faster reports")
