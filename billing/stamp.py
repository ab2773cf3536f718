"""The ledger's stored tables, and its stamp: what the stored bill was priced from, and whether it
serves the prices in effect (see billing/ledger.py, which writes and reads them).

The stamp (`bill_ledger_state`, store migration m005) records a digest of everything a price is
decided from (the catalog as loaded, the deployments' release timeline, the synced models'
visibility and officialness, and the pricing code itself: the billing package's source,
replicost's and DuckDB's versions), what the records and deployments looked like when the bill
was stored, the newest `synced_at` it priced, and the columns of each stored view.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

import duckdb

import replicost

from . import busy, costs, daily

LEDGER, STATE = "bill_ledger", "bill_ledger_state"
# The views a report reads, each as the ledger rows it holds (records = 1: a record's item).
READ_VIEWS = {
    "bill_amounts": "TRUE",
    "bill_items": "TRUE",
    "priced_amounts": "records = 1",
    "priced_records": "records = 1",
    "prediction_costs": "records = 1 AND kind = 'prediction'",
    "training_costs": "records = 1 AND kind = 'training'",
}
# The deployments' floors per UTC day, stored as derived with no cut: table -> the view it holds
# (a report reads them as they are; under a cut, from the cut's day on, derived again)
FLOORS = {
    "bill_uptime": "replicost_uptime_derived",
    "bill_unknown_days": "replicost_unknown_floor_days_derived",
}
# What the stamp records the shape of: the views, the bill per day (billing/daily.py), the floors
# and the deployments' busy time per month (billing/busy.py)
STAMPED = (*READ_VIEWS, daily.DAILY, *FLOORS, busy.BUSY)

# Everything a price is decided from that lives in the connection's TEMP price tables (filled by
# costs.install from the catalog) and in the database (releases, models): one digest.
_PRICES = """
SELECT md5(coalesce(string_agg(line, chr(10) ORDER BY line), '')) FROM (
    SELECT 'hardware ' || CAST(t AS VARCHAR) AS line FROM replicost_hardware_price t
    UNION ALL SELECT 'unit ' || CAST(t AS VARCHAR) FROM replicost_unit_price t
    UNION ALL SELECT 'map ' || CAST(t AS VARCHAR) FROM replicost_model_hardware t
    UNION ALL SELECT 'history ' || CAST(t AS VARCHAR) FROM replicost_deployment_history t
    UNION ALL SELECT 'range ' || CAST(t AS VARCHAR) FROM replicost_price_range t
    UNION ALL SELECT 'release ' || CAST(t AS VARCHAR) FROM replicost_deployment_releases t
    UNION ALL SELECT 'model ' || CAST((model, visibility, is_official) AS VARCHAR) FROM models
)
"""
# What the records and deployments looked like: a sync or a hand edit that adds, removes or
# re-stamps records, or touches a deployment or a finished sync (the top-ups' end), changes it.
_COVERAGE = """
SELECT (SELECT (count(*), max(synced_at)) FROM predictions),
       (SELECT (count(*), max(synced_at)) FROM trainings),
       (SELECT md5(coalesce(string_agg(CAST((deployment, account, synced_at) AS VARCHAR), chr(10)
                                       ORDER BY deployment), '')) FROM deployments),
       (SELECT max(finished_at) FROM sync_log WHERE status = 'succeeded')
"""


@dataclass(frozen=True)
class Stamp:
    """A ledger's stamp as stored (see the migration's comments)."""

    prices: str
    coverage: str
    predictions_synced_until: Any
    trainings_synced_until: Any
    views: dict[str, list[str]]


def code_version() -> str:
    """The pricing code's version: the billing package's and the limits' source, replicost's
    and DuckDB's versions (DuckDB does the arithmetic)."""
    digest = hashlib.sha256(f"{replicost.__version__} {duckdb.__version__}".encode())
    package = resources.files("replicost.billing")
    paths = sorted(
        (p for p in _walk(package) if p.name.endswith((".py", ".sql"))), key=lambda p: str(p)
    )
    for path in [*paths, resources.files("replicost") / "limits.py"]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _walk(folder: Any) -> list[Any]:
    found = []
    for child in folder.iterdir():
        if child.is_dir():
            if child.name != "__pycache__":
                found.extend(_walk(child))
        else:
            found.append(child)
    return found


def prices_digest(con: duckdb.DuckDBPyConnection) -> str:
    """The digest of everything a price is decided from, on a connection with the catalog
    installed (`costs.install`)."""
    row = con.execute(_PRICES).fetchone()
    return hashlib.sha256(f"{code_version()} {row[0] if row else ''}".encode()).hexdigest()


def coverage_digest(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute(_COVERAGE).fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()


def read_stamp(con: duckdb.DuckDBPyConnection) -> Stamp | None:
    """The stored stamp, or None (no ledger yet, or a database from before the ledger)."""
    if not costs.has_column(con, STATE, "prices"):
        return None
    row = con.execute(
        f"SELECT prices, coverage, predictions_synced_until, trainings_synced_until, views "
        f"FROM {STATE}"
    ).fetchone()
    if row is None:
        return None
    try:
        views = json.loads(row[4])
    except ValueError:
        return None
    return Stamp(row[0], row[1], row[2], row[3], views)


def stale_reason(con: duckdb.DuckDBPyConnection, stamp: Stamp | None) -> str | None:
    """Why the ledger cannot serve the prices installed on `con` (None: it can)."""
    if stamp is None:
        return "no priced bill is stored in this database"
    if stamp.prices != prices_digest(con):
        return "the stored bill was priced under other prices"
    if stamp.coverage != coverage_digest(con):
        return "the database changed since its bill was stored"
    if set(stamp.views) != set(STAMPED):
        return "the stored bill is of another version"
    return None
