"""The bill as FOCUS 1.2 rows: the FinOps Foundation's cost and usage schema, for FinOps tools.

One row per bill item (`bill_items`: every prediction and training, and each deployment-day's
always-on top-up), so the FOCUS rows of a period add up to the bill estimate of that period, to
the micro-dollar. The mapping, decided once here:

* Costs: `BilledCost` = `EffectiveCost` = `ListCost` = `ContractedCost` = the item's `cost_usd`
  (DECIMAL(18,6)). replicost knows one price per item (the shipped catalog's public price, or
  your pricing file's), with no discounts or commitments, so the four are the same figure.
* Unpriced items are NOT in the FOCUS rows. FOCUS 1.2 makes `BilledCost` (and the other three
  costs) Mandatory and not null, and a $0 would be an invented figure that a FinOps tool adds up
  as free. They go to a companion file with the same columns, costs NULL, and
  `x_cost_kind` 'unpriced', `x_reason`, `x_unpriced_low` / `x_unpriced_high` (what they could cost
  on the catalog's cheapest and dearest hardware; NULL when there is no range). The two files
  together hold every bill item once.
* Periods: `BillingPeriodStart/End` is the UTC calendar month of the item, `ChargePeriodStart/End`
  its UTC day (an uptime top-up is a per-day charge; a record's exact instant is `x_created_at`).
* What was used: `SkuId` is the hardware SKU (per-second items and top-ups) or the model
  (per-unit items, priced per image or per token); `PricingQuantity` / `ConsumedQuantity` the
  billed seconds, images or tokens, `ListUnitPrice` their price (NULL for tokens, which have two
  prices, both in `SkuPriceDetails`, and for top-ups, which are a floor minus active time).
  `ResourceId` is the deployment the item ran on, or else its model.
* Accounts: `BillingAccountId` is the Replicate username, `BillingAccountName` the account's name
  (else the username), `BillingAccountType` User or Organization (Unknown when no sync described
  the account). Provider, publisher and invoice issuer are Replicate; there is no invoice id.
* replicost's own fields are `x_` columns (FOCUS's prefix for custom columns).

Parquet keeps decimals and UTC timestamps typed; CSV writes Date/Time as ISO 8601 with a `Z`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from replicost.errors import InputError
from replicost.escape import csv_cell_sql
from replicost.store.query import one_row

FOCUS_VERSION = "1.2"
FOCUS_FILE = "focus"  # DIR/focus.parquet or DIR/focus.csv
UNPRICED_FILE = "focus_unpriced"  # the unpriced items, same columns, costs NULL

_MONTH = "date_trunc('month', timezone('UTC', created_at))"
_DAY = "date_trunc('day', timezone('UTC', created_at))"
# A per-output unit as FOCUS's unit format writes it (plural, capitalised); a unit the catalog
# adds later (e.g. 'video_second') keeps its own name.
_UNIT_NAME = "CASE unit WHEN 'image' THEN 'Images' WHEN 'token' THEN 'Tokens' ELSE unit END"
_KIND_NAME = (
    "CASE kind WHEN 'prediction' THEN 'Prediction' WHEN 'training' THEN 'Training' "
    "ELSE 'Deployment uptime' END"
)

# focus_items: one row per bill item in FOCUS 1.2 columns (alphabetical, as the spec lists them),
# then replicost's x_ columns. `cost` is the item's cost_usd, NULL exactly for unpriced items;
# {reason_code} is the bill's reason code column when the bill has one, else NULL.
FOCUS_ITEMS = """
CREATE OR REPLACE TEMP VIEW focus_items AS
SELECT
    cost_usd::DECIMAL(18,6) AS BilledCost,
    account AS BillingAccountId,
    coalesce(account_name, account) AS BillingAccountName,
    -- Replicate has user and organization accounts; an account no sync described is 'Unknown'
    CASE account_type WHEN 'user' THEN 'User' WHEN 'organization' THEN 'Organization'
        ELSE 'Unknown' END AS BillingAccountType,
    'USD' AS BillingCurrency,
    timezone('UTC', {month} + INTERVAL 1 MONTH) AS BillingPeriodEnd,
    timezone('UTC', {month}) AS BillingPeriodStart,
    'Usage' AS ChargeCategory,
    CAST(NULL AS VARCHAR) AS ChargeClass,
    CASE
        WHEN kind = 'deployment_uptime' THEN 'Deployment ' || deployment
            || ': always-on floor above its predictions'' active time'
            || coalesce(' on ' || hardware, '')
        WHEN basis = 'per_second' THEN {kind_name} || ' of ' || coalesce(model, 'an unknown model')
            || ' on ' || hardware || ', per second'
        WHEN basis = 'per_unit' THEN {kind_name} || ' of ' || model || ', per ' || unit
        ELSE {kind_name} || ' of ' || coalesce(model, 'an unknown model') || ', unpriced'
    END AS ChargeDescription,
    'Usage-Based' AS ChargeFrequency,
    timezone('UTC', {day} + INTERVAL 1 DAY) AS ChargePeriodEnd,
    timezone('UTC', {day}) AS ChargePeriodStart,
    {quantity} AS ConsumedQuantity,
    {unit} AS ConsumedUnit,
    cost_usd::DECIMAL(18,6) AS ContractedCost,
    {unit_price} AS ContractedUnitPrice,
    cost_usd::DECIMAL(18,6) AS EffectiveCost,
    'Replicate' AS InvoiceIssuerName,
    cost_usd::DECIMAL(18,6) AS ListCost,
    {unit_price} AS ListUnitPrice,
    'Standard' AS PricingCategory,
    {quantity} AS PricingQuantity,
    {unit} AS PricingUnit,
    'Replicate' AS ProviderName,
    'Replicate' AS PublisherName,
    coalesce(deployment, model) AS ResourceId,
    coalesce(deployment, model) AS ResourceName,
    CASE WHEN deployment IS NOT NULL THEN 'Deployment' WHEN model IS NOT NULL THEN 'Model' END
        AS ResourceType,
    'AI and Machine Learning' AS ServiceCategory,
    CASE kind WHEN 'prediction' THEN 'Replicate Predictions' WHEN 'training' THEN 'Replicate Trainings'
        ELSE 'Replicate Deployments' END AS ServiceName,
    CASE kind WHEN 'prediction' THEN 'AI and Machine Learning / Generative AI'
        WHEN 'training' THEN 'AI and Machine Learning / Machine Learning'
        ELSE 'AI and Machine Learning / AI Platforms' END AS ServiceSubcategory,
    {sku} AS SkuId,
    CASE
        WHEN basis IN ('per_second', 'uptime') THEN 'Compute time'
        WHEN basis = 'per_unit' THEN {per_unit_name}
    END AS SkuMeter,
    CASE
        WHEN basis = 'per_second' THEN json_object('HardwareSku', hardware,
                                                   'UsdPerSecond', CAST(unit_price AS VARCHAR))
        WHEN basis = 'per_unit' AND unit = 'token' THEN
            json_object('UsdPerInputToken', CAST(input_token_price AS VARCHAR),
                        'UsdPerOutputToken', CAST(output_token_price AS VARCHAR))
        WHEN basis = 'per_unit' THEN
            json_object('Unit', unit, 'UsdPerUnit', CAST(unit_price AS VARCHAR))
        WHEN basis = 'uptime' THEN json_object('HardwareSku', hardware, 'Rule',
            'per UTC day, the larger of min_instances x uptime x price and the active time')
    END::VARCHAR AS SkuPriceDetails,
    CASE WHEN {sku} IS NOT NULL THEN {sku} || ':' || coalesce(unit, basis) END AS SkuPriceId,
    cost_kind AS x_cost_kind,
    {reason_code} AS x_reason_code,
    reason AS x_reason,
    kind AS x_item_kind,
    id AS x_record_id,
    deployment AS x_deployment,
    source AS x_source,
    model AS x_model,
    version AS x_model_version,
    hardware AS x_hardware,
    status AS x_status,
    created_at AS x_created_at,
    lower_bound AS x_lower_bound,
    billing_note AS x_billing_note,
    unpriced_low_usd::DECIMAL(18,6) AS x_unpriced_low,
    unpriced_high_usd::DECIMAL(18,6) AS x_unpriced_high
FROM bill_items
LEFT JOIN (SELECT account AS account_key, type AS account_type, name AS account_name FROM accounts)
    ON account_key = account
""".format(
    month=_MONTH,
    day=_DAY,
    kind_name=_KIND_NAME,
    # seconds to the microsecond (as priced), or the images / tokens counted; NULL for top-ups
    quantity="CASE WHEN basis IN ('per_second', 'per_unit') THEN units::DECIMAL(38,6) END",
    unit=f"CASE WHEN basis = 'per_second' THEN 'Seconds' WHEN basis = 'per_unit' THEN {_UNIT_NAME} END",
    per_unit_name=_UNIT_NAME,
    unit_price="CASE WHEN basis IN ('per_second', 'per_unit') THEN unit_price::DECIMAL(38,12) END",
    sku=(
        "CASE WHEN basis IN ('per_second', 'uptime') THEN hardware "
        "WHEN basis = 'per_unit' THEN model END"
    ),
    reason_code="{reason_code}",
)

# Date/Time columns in CSV: FOCUS's format, ISO 8601 in UTC with a Z.
_CSV_TIME = "strftime(timezone('UTC', {column}), '%Y-%m-%dT%H:%M:%SZ')"
_TIME_COLUMNS = ("BillingPeriodEnd", "BillingPeriodStart", "ChargePeriodEnd", "ChargePeriodStart")
_CSV_EXACT_TIME = "strftime(timezone('UTC', {column}), '%Y-%m-%dT%H:%M:%S.%fZ')"


@dataclass(frozen=True)
class FocusExportResult:
    """What a FOCUS export wrote: the FOCUS rows (priced items) and the unpriced items' file."""

    path: Path
    unpriced_path: Path
    format: str
    rows: int
    unpriced_rows: int
    billed_cost: Decimal


def file_names(format: str) -> tuple[str, str]:
    """The two files a FOCUS export writes in its directory, for `format`."""
    return f"{FOCUS_FILE}.{format}", f"{UNPRICED_FILE}.{format}"


def write_focus(con: duckdb.DuckDBPyConnection, out: Path, format: str) -> FocusExportResult:
    """Write the FOCUS rows and the unpriced items of the bill on `con` (its views installed)."""
    con.execute(FOCUS_ITEMS.format(reason_code=_reason_code_column(con)))
    rows, unpriced, billed = one_row(
        con.execute(
            "SELECT count(BilledCost), count(*) - count(BilledCost),"
            " coalesce(sum(BilledCost), 0)::DECIMAL(38,6) FROM focus_items"
        )
    )
    priced_name, unpriced_name = file_names(format)
    columns = _csv_columns(con) if format == "csv" else "*"
    options = "FORMAT csv, HEADER true" if format == "csv" else "FORMAT parquet"
    for name, where in ((priced_name, "IS NOT NULL"), (unpriced_name, "IS NULL")):
        target = out / name
        # COPY takes no bound parameter for its target, so the path is quoted as a SQL literal.
        quoted = "'" + str(target).replace("'", "''") + "'"
        query = (
            f"SELECT {columns} FROM focus_items WHERE BilledCost {where}"
            " ORDER BY x_created_at, x_item_kind, x_record_id, x_deployment"
        )
        try:
            con.execute(f"COPY ({query}) TO {quoted} ({options})")
        except duckdb.IOException as exc:
            raise InputError(f"cannot write {target}: {str(exc).splitlines()[0]}") from None
    return FocusExportResult(
        out / priced_name, out / unpriced_name, format, int(rows), int(unpriced), Decimal(billed)
    )


def _reason_code_column(con: duckdb.DuckDBPyConnection) -> str:
    """The bill's reason code column, once the bill carries one (the priced ledger); else NULL."""
    found = one_row(
        con.execute(
            "SELECT count(*) FROM duckdb_columns()"
            " WHERE table_name = 'bill_items' AND column_name = 'reason_code'"
        )
    )[0]
    return "reason_code" if found else "CAST(NULL AS VARCHAR)"


def _csv_columns(con: duckdb.DuckDBPyConnection) -> str:
    """Every column, Date/Time ones as FOCUS's ISO 8601 text (x_created_at to the microsecond),
    text ones that a spreadsheet would read as a formula neutralised (`replicost.escape`)."""
    parts = []
    for name, type_name in con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'focus_items'"
        " ORDER BY column_index"
    ).fetchall():
        if name in _TIME_COLUMNS:
            parts.append(f"{_CSV_TIME.format(column=name)} AS {name}")
        elif name == "x_created_at":
            parts.append(f"{_CSV_EXACT_TIME.format(column=name)} AS {name}")
        elif type_name == "VARCHAR":
            parts.append(f"{csv_cell_sql(name)} AS {name}")
        else:
            parts.append(name)
    return ", ".join(parts)
