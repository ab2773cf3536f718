"""Cost views: every prediction and training priced in SQL, with the rule and price behind it.

`install(con, catalog)` loads the catalog's prices into TEMP tables on a DuckDB connection (read-only
connections allow TEMP objects) and creates TEMP views that price whole tables at once, so a report
aggregates millions of records in one query instead of pricing rows in Python.

Resolution, in this order, for each record (the first rule that applies decides):
1. still `starting`/`processing`/`queued`/`running`: unpriced ("priced once it finishes"); so is a
   record without `created_at` (no price can be said to be in effect).
2. made through a deployment: the hardware in effect at `created_at` on the deployment's timeline
   (the pricing file's `[deployments]` history before the earliest observed release, then the
   releases in `deployment_releases`, each in effect until the next), billed per second.
3. an official model with unit prices in effect and unit counts in its metrics: units x unit price
   (one that failed, was canceled or aborted without unit counts produced no output: 0, noted).
4. the model map, most specific first (`owner/name:version`, then `owner/name`), billed per second.
5. otherwise unpriced, with a reason saying what to add to the pricing file. Never zero.
Prices are the ones in effect at the record's `created_at` (effective_from <= created_at < next).
`reason` is set exactly when `basis` is 'unpriced' (reports count unpriced records by it).

How it is fast: everything above except the record's own status, unit counts and seconds depends
on its deployment, or its model and version, and on `created_at` only through a few boundaries
(price dates, unit-price periods, releases). `replicost_resolution` cuts time at those boundaries
once per key, deciding hardware, prices, reasons and lower-bound flags per segment over a few
hundred rows; each record then makes one lookup (key + segment) and a few integer operations,
instead of seven joins and the rule evaluated per record.

Money rule (exact, one rounding): seconds are `predict_time` (DOUBLE, as served) rounded to the
microsecond; prices have at most 12 decimals. A record's cost is seconds x USD per second, or the
sum over its units of count x USD per unit, computed exactly (64-bit integers of 10^-15 USD where
they fit, else DECIMAL(38)) and rounded once to micro-dollars (6 decimals, half up) into
DECIMAL(18,6). Sums of these are exact, so group totals add up to the grand total exactly.
A finished record with no `predict_time` ran for no billable time: 0 on the per-second rule.

Lower bounds: Replicate bills private models for setup and idle time as well, and deployments for
their instances' uptime, so for those records the per-second figure counts active time only;
`lower_bound` flags them and `billing_note` says why (see `billing_notes`).

`deployment_uptime_costs` estimates the always-on cost of deployments with `min_instances > 0`:
per UTC day, min_instances x seconds of that day the release was in effect x the price in effect.
It runs up to the deployment's last sync (`deployments.synced_at`; for a deployment known only from
the pricing file, the last finished sync, else now): replicost knows nothing after it. Pricing-file
history rows without a date never accrue uptime (there is no start to count from). It is an
estimate and overlaps the per-prediction figures of the same deployment (work on a min instance is
inside its uptime); reports show it as its own line.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import duckdb

from replicost.billing.pricing import BEGINNING, Catalog, split_sku
from replicost.billing.pricing.catalog import UNIT_COUNT_COLUMNS
from replicost.limits import MAX_RECORD_USD, MAX_SECONDS, MAX_UNITS
from replicost.store import billing_inputs

from . import unit_sql
from .bill_sql import (
    _BILL_ITEMS,
    _FLOOR_TIMELINE,
    _KNOWN_DEPLOYMENTS,
    _TOPUPS,
    _UNKNOWN_FLOOR_REASONS,
    _UNKNOWN_FLOORS,
    _UPTIME,
)
from .cost_sql import (
    _DEPLOYMENT_SEGMENTS,
    _MODEL_SEGMENTS,
    _PRICED_RECORDS,
    _RANGE,
    _RECORD_COSTS,
    _RECORD_STEPS,
    _RESOLUTION,
    _TABLES,
    _TIMELINE,
    AMOUNT_COLUMNS,
    RECORD_KINDS,
    kinds_union,
)

END_OF_TIME = "infinity"
# pricing.BEGINNING (year 1) stands for "since the beginning of time"; it is loaded as such, so an
# undated price has no empty stretch before it to cut every key's time into one more segment
START_OF_TIME = "-infinity"
IN_FLIGHT_STATUSES = ("starting", "processing", "queued", "running")
# ended without output: an official model (billed per output) bills nothing for them
NO_OUTPUT_STATUSES = ("failed", "canceled", "aborted")
# Plausibility limits: a stored value beyond them is unpriced with a reason naming the field.
RANGE_MULTIPLES = (2, 4, 8)  # multi-GPU hardware Replicate lists


def _nano(usd: Decimal | None) -> int | None:
    """USD as a whole number of nano-dollars, or None when it is not one (the DECIMAL path then)."""
    if usd is None:
        return None
    nano = usd.scaleb(9)
    return int(nano) if nano == nano.to_integral_value() else None


def _small_nano(usd: Decimal) -> int | None:
    """Nano-dollars per second small enough that 10^11 microseconds times it fits a BIGINT."""
    nano = _nano(usd)
    return nano if nano is not None and 0 <= nano <= 90_000_000 else None


def _ranges(starts: list[datetime]) -> list[tuple[datetime, datetime | str]]:
    """[(effective_from, effective_to)] for sorted starts: each row ends where the next begins."""
    ends: list[datetime | str] = [*starts[1:], END_OF_TIME]
    return list(zip(starts, ends, strict=True))


def _moment(moment: datetime | str) -> datetime | str:
    """A moment as loaded into the price tables: BEGINNING becomes -infinity."""
    return START_OF_TIME if moment == BEGINNING else moment


def _hardware_rows(catalog: Catalog, con: duckdb.DuckDBPyConnection) -> list[tuple]:
    # multiples are derived for the SKUs the data and the catalog actually mention
    seen = [
        row[0]
        for row in con.execute(
            "SELECT DISTINCT replicost_canonical_sku(hardware) FROM deployment_releases "
            "WHERE hardware IS NOT NULL AND quarantine_reason IS NULL"  # never a quarantined one
        ).fetchall()
    ]
    mentioned = [
        *seen,
        *catalog.models.values(),
        *(row.hardware for history in catalog.deployments.values() for row in history),
    ]
    by_sku: dict[str, list] = {}
    for row in catalog.hardware_rows(mentioned):
        by_sku.setdefault(row.sku, []).append(row)
    rows = []
    for sku, history in sorted(by_sku.items()):
        history.sort(key=lambda row: row.effective_from)
        for row, (start, end) in zip(
            history, _ranges([row.effective_from for row in history]), strict=True
        ):
            nano = _nano(row.usd_per_second)
            # seconds_micro < 10^11 x nano < 9 x 10^7 stays under 2^63
            integer_ok = nano is not None and nano < 90_000_000
            rows.append(
                (
                    sku,
                    row.usd_per_second,
                    nano,
                    integer_ok,
                    _moment(start),
                    _moment(end),
                    row.source,
                )
            )
    return rows


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Insert `rows` into one of the TEMP tables above in one statement, a list per column.

    `executemany` runs one statement per row (about 1 ms each), and a multi-row VALUES binds a
    parameter per value: for a model map of a few hundred entries either was most of the time a
    report took to start. Values travel as text (exact for decimals and -infinity alike) and are
    cast to the column's type.
    """
    if not rows:
        return
    types = [
        data_type
        for (data_type,) in con.execute(
            """SELECT data_type FROM duckdb_columns()
               WHERE database_name = 'temp' AND table_name = ? ORDER BY column_index""",
            [table],
        ).fetchall()
    ]
    columns = [[_text(value) for value in column] for column in zip(*rows, strict=True)]
    unnested = ", ".join(
        f"CAST(unnest(CAST(? AS VARCHAR[])) AS {data_type})" for data_type in types
    )
    con.execute(f"INSERT INTO {table} SELECT {unnested}", columns)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        # the catalog's moments are UTC; say so, whatever the session's TimeZone
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    return str(value)


def install(
    con: duckdb.DuckDBPyConnection,
    catalog: Catalog,
    *,
    bill_views: bool = True,
    records: bool = True,
) -> None:
    """Load `catalog` into TEMP tables on `con` and create the cost views over its tables.

    `bill_views=False` stops at the records' views (`*_costs_steps`, `prediction_costs`,
    `training_costs`, `priced_records`, `priced_amounts`) and the deployments' uptime: it leaves
    out the bill's views over them (top-ups, `bill_items`, `bill_amounts`). DuckDB binds a view's
    whole tree when it is created, so those nested views cost most of a second over the records'
    pricing; the ledger's refresh creates them over the stored records instead.

    `records=False` stops before the records' pricing: the price tables, the deployments' timeline
    and uptime only (a report that reads the stored ledger needs no more; `install_records` adds
    the rest)."""
    con.execute(_TABLES)
    con.execute(unit_sql.UNIT_PRICE_TABLE)
    con.execute(_RANGE)
    _insert(con, "replicost_hardware_price", _hardware_rows(catalog, con))
    _insert(con, "replicost_unit_price", unit_sql.unit_price_rows(catalog, _moment))
    _insert(con, "replicost_model_hardware", _model_map(catalog))
    low, high = price_range(catalog)
    _insert(con, "replicost_price_range", [(low, high, _small_nano(low), _small_nano(high))])
    _insert(con, "replicost_deployment_history", _deployment_history(catalog))
    units, _ = _unit_slots(catalog)
    con.execute(_TIMELINE)
    con.execute(_MODEL_SEGMENTS.format(**units))
    con.execute(_DEPLOYMENT_SEGMENTS)
    con.execute(_RESOLUTION.format(**units))
    con.execute(_KNOWN_DEPLOYMENTS)
    for sql in (_FLOOR_TIMELINE, _UPTIME, _UNKNOWN_FLOORS):
        con.execute(sql)
    if records:
        install_records(con, catalog, bill_views=bill_views)


def install_records(
    con: duckdb.DuckDBPyConnection,
    catalog: Catalog,
    sources: dict[str, str] | None = None,
    *,
    bill_views: bool = True,
) -> None:
    """The records' views (and with `bill_views` the bill's) on a connection `install` prepared
    with `records=False`. `sources`: table name -> the relation priced instead."""
    relations = {table: (sources or {}).get(table, table) for _, _, table in RECORD_KINDS}
    for name, select in _record_queries(con, catalog, relations):
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {select}")
    con.execute(_PRICED_RECORDS)
    if bill_views:
        install_bill_views(con)


def priced_amounts_select(
    con: duckdb.DuckDBPyConnection, catalog: Catalog, relations: dict[str, str]
) -> str | None:
    """One SELECT of the rows `priced_amounts` holds for the records of `relations` alone (table
    -> the relation priced in its place, e.g. a TEMP table of the records a sync just wrote; a
    table left out prices none), on a connection `install` prepared with `records=False`; None
    when `relations` is empty. The records' views are CTEs of it: DuckDB binds a view's whole
    tree when the view is created and again in every query over it, so views made for one query
    cost their binding twice (the ledger's refresh: about half a second of 2.5 at 10M)."""
    union = kinds_union(AMOUNT_COLUMNS, relations)
    if union is None:
        return None
    queries = _record_queries(con, catalog, relations)
    ctes = ",\n".join(f"{name} AS (\n{select}\n)" for name, select in queries)
    return f"WITH {ctes}\n{union}"


def install_bill_views(con: duckdb.DuckDBPyConnection) -> None:
    """The bill's views over the records' (`prediction_costs`, `priced_records`, ...), whatever
    those read: the records priced here, or the stored ledger (`ledger.attach`)."""
    for sql in (_TOPUPS, _UNKNOWN_FLOOR_REASONS, _BILL_ITEMS):
        con.execute(sql)


def _record_queries(
    con: duckdb.DuckDBPyConnection, catalog: Catalog, relations: dict[str, str]
) -> list[tuple[str, str]]:
    """(name, SELECT) of the records' views of the tables in `relations` (table -> the relation
    priced), in the order they read each other: per table its variants (when a record has an
    input a price depends on), its steps (`{view}_steps`) and its costs (`{view}`)."""
    low, high = price_range(catalog)
    unit_lows, unit_highs = unit_price_range(catalog)
    _, steps = _unit_slots(catalog)
    in_flight = "(" + ", ".join(f"'{status}'" for status in IN_FLIGHT_STATUSES) + ")"
    unbilled = "(" + ", ".join(f"'{status}'" for status in NO_OUTPUT_STATUSES) + ")"
    queries = []
    for _, view, table in RECORD_KINDS:
        if table not in relations:
            continue
        quarantine = (
            "quarantine_reason" if has_column(con, table, "quarantine_reason") else "NULL::VARCHAR"
        )
        billing_columns, variants = _variants(
            con, catalog, table, relations[table], steps["variant"]
        )
        if variants is not None:
            queries.append((f"{view}_variants", variants))
        slots = {
            "view": view,
            "table": relations[table],
            "in_flight": in_flight,
            "unbilled": unbilled,
            "quarantine": quarantine,
            "max_seconds": MAX_SECONDS,
            "max_count": MAX_UNITS,
            "max_usd": MAX_RECORD_USD,
            "low": format(low, "f"),
            "high": format(high, "f"),
            "low_nano": _sql_int(_small_nano(low)),
            "high_nano": _sql_int(_small_nano(high)),
            "unit_low": unit_sql.range_sql(unit_lows),
            "unit_high": unit_sql.range_sql(unit_highs),
            "billing_columns": billing_columns,
            "varied": _UNVARIED if variants is None else _VARIED_JOIN.format(view=view),
            **steps,
        }
        queries.append((f"{view}_steps", _RECORD_STEPS.format(**slots)))
        queries.append((view, _RECORD_COSTS.format(**slots)))
    return queries


def _variants(
    con: duckdb.DuckDBPyConnection, catalog: Catalog, table: str, relation: str, variant: str
) -> tuple[str, str | None]:
    """The billing columns of `table` as the record steps select them (NULL on a database older
    than migration m005), and the SELECT of its records' variants (unit_sql.VARIANTS), None when
    no record has an input a price depends on: the records then find theirs with no join (the
    join costs every record, ~0.3 s per 2M)."""
    inputs = "price_inputs" if has_column(con, table, "price_inputs") else "NULL::VARCHAR"
    varied = unit_sql.VARIED.format(inputs=inputs, conditional=unit_sql.conditional_models(catalog))
    columns = ", ".join(
        name if has_column(con, table, name) else f"NULL::{kind} AS {name}"
        for name, kind in billing_inputs.TYPES.items()
    )
    if con.execute(f"SELECT EXISTS (FROM {relation} WHERE {varied})").fetchone() == (False,):
        return columns, None
    return columns, unit_sql.VARIANTS.format(
        table=relation, variant=variant, inputs=inputs, varied=varied
    )


_UNVARIED = "SELECT *, 0 AS variant FROM scanned"
# a record's variant from {view}_variants (records through a deployment price as it does)
_VARIED_JOIN = """SELECT s.*, CASE WHEN s.deployment IS NULL THEN coalesce(v.variant, 0) ELSE 0 END
           AS variant
    FROM scanned s
    LEFT JOIN {view}_variants v ON v.model = s.model AND v.price_inputs = s.price_inputs"""


def _deployment_history(catalog: Catalog) -> list[tuple]:
    """(deployment, hardware, min_instances, from, to) rows of the pricing file's histories."""
    history = []
    for name, rows in sorted(catalog.deployments.items()):
        for row, (start, end) in zip(
            rows, _ranges([row.effective_from for row in rows]), strict=True
        ):
            history.append((name, row.hardware, row.min_instances, _moment(start), _moment(end)))
    return history


def _unit_slots(catalog: Catalog) -> tuple[dict[str, str], dict[str, str]]:
    """The per-output SQL (unit_sql) for the price resolution's slots and the record steps'."""
    resolution = {
        "unit_prices": unit_sql.price_columns(),
        "u_unit_prices": unit_sql.price_columns("u."),
        "unit_nulls": unit_sql.NULL_PRICES,
    }
    used = unit_sql.used_units(catalog)
    steps = {
        "variant": unit_sql.variant_sql(catalog),
        "res_unit_prices": unit_sql.price_columns("res."),
        "unit_counts": unit_sql.count_columns(used),
        "unit_checks": unit_sql.check_columns(MAX_UNITS, used),
        "unit_cost": unit_sql.cost_sql(used),
        "unit_labels": unit_sql.label_columns(used),
    }
    return resolution, steps


def _model_map(catalog: Catalog) -> list[tuple]:
    """(model, version, hardware, map_source): the shipped public map, then the user's [models]."""
    rows: dict[str, tuple] = {}
    for name, entry in sorted(catalog.public_models.items()):
        rows[name] = (name, "", entry.hardware, f"{entry.source}, read {entry.read}")
    for ref, sku in sorted(catalog.models.items()):
        model, _, version = ref.partition(":")
        rows[ref] = (model, version, sku, None)
    return list(rows.values())


def price_range(catalog: Catalog) -> tuple[Decimal, Decimal]:
    """The cheapest and dearest USD per second any catalog hardware ever cost (listed multiples
    2x, 4x and 8x of the base SKUs included): what an unpriced second could cost at least and most."""
    prices = []
    for sku, history in catalog.hardware.items():
        multiple = split_sku(sku)[1]
        for row in history:
            prices.append(row.usd_per_second)
            if multiple == 1:
                prices.extend(row.usd_per_second * n for n in RANGE_MULTIPLES)
    if not prices:
        return Decimal(0), Decimal(0)
    return min(prices), max(prices)


def unit_price_range(catalog: Catalog) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """Per unit a record counts (its count column), the cheapest and dearest USD per unit any
    model of the catalog was ever priced at (as exact text; None: no model is priced in it): what
    a counted output of a model without prices of its own could cost at least and most."""
    lows: dict[str, str | None] = {}
    highs: dict[str, str | None] = {}
    for unit, column in UNIT_COUNT_COLUMNS.items():
        prices = [
            row.usd_per_unit
            for (_, priced_unit), history in catalog.units.items()
            if priced_unit == unit
            for row in history
        ]
        lows[column] = format(min(prices), "f") if prices else None
        highs[column] = format(max(prices), "f") if prices else None
    return lows, highs


def _sql_int(value: int | None) -> str:
    """An integer (or NULL) as SQL text, for constants of the install inlined into the views."""
    return "NULL" if value is None else str(int(value))


def has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE table_name = ? AND column_name = ?"
        " AND database_name = current_database()",
        [table, column],
    ).fetchone()
    return bool(row and row[0])


def billing_notes(
    con: duckdb.DuckDBPyConnection, where: str = "TRUE", params: list | None = None
) -> list[str]:
    """One line per caveat that applies to the priced records selected by `where` (on priced_records)."""
    rows = con.execute(
        f"""SELECT billing_note, count(*), sum(cost_usd) FROM priced_records
            WHERE lower_bound AND ({where}) GROUP BY billing_note ORDER BY billing_note""",
        params or [],
    ).fetchall()
    return [f"{count} records: {note} (USD {total} shown)" for note, count, total in rows]


__all__ = [
    "install",
    "install_records",
    "install_bill_views",
    "priced_amounts_select",
    "billing_notes",
    "has_column",
]
