"""Cost views: every prediction and training priced in SQL, with the rule and price behind it.

`install(con, catalog)` loads the catalog's prices into TEMP tables on a DuckDB connection (read-only
connections allow TEMP objects) and creates TEMP views that price whole tables at once, so a report
aggregates millions of records in one query instead of pricing rows in Python.

Resolution, in this order, for each record (the first rule that applies decides):
1. still `starting`/`processing`/`queued`/`running`: unpriced ("priced once it finishes").
2. made through a deployment: the hardware in effect at `created_at` on the deployment's timeline
   (the pricing file's `[deployments]` history before the earliest observed release, then the
   releases in `deployment_releases`, each in effect until the next), billed per second.
3. an official model with unit prices in effect and unit counts in its metrics: units x unit price
   (one that failed, was canceled or aborted without unit counts produced no output: 0, noted).
4. the model map, most specific first (`owner/name:version`, then `owner/name`), billed per second.
5. otherwise unpriced, with a reason saying what to add to the pricing file. Never zero.
Prices are the ones in effect at the record's `created_at` (effective_from <= created_at < next).

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

from datetime import datetime
from decimal import Decimal

import duckdb

from replicost.analytics.pricing import UNITS, Catalog

END_OF_TIME = "infinity"
IN_FLIGHT_STATUSES = ("starting", "processing", "queued", "running")
# ended without output: an official model (billed per output) bills nothing for them
NO_OUTPUT_STATUSES = ("failed", "canceled", "aborted")

_TABLES = """
-- prices twice: exact decimals, and in nano-dollars (10^-9 USD; NULL if not whole) for integers
CREATE OR REPLACE TEMP TABLE replicost_hardware_price (
    sku VARCHAR, usd_per_second DECIMAL(38,12), nano_per_second BIGINT, integer_ok BOOLEAN,
    effective_from TIMESTAMPTZ, effective_to TIMESTAMPTZ, source VARCHAR
);
CREATE OR REPLACE TEMP TABLE replicost_unit_price (
    model VARCHAR, effective_from TIMESTAMPTZ, effective_to TIMESTAMPTZ,
    image_price DECIMAL(38,12), input_token_price DECIMAL(38,12), output_token_price DECIMAL(38,12),
    image_nano BIGINT, input_token_nano BIGINT, output_token_nano BIGINT, integer_ok BOOLEAN
);
CREATE OR REPLACE TEMP TABLE replicost_model_hardware (
    model VARCHAR, version VARCHAR, hardware VARCHAR   -- version '' = every version of the model
);
CREATE OR REPLACE TEMP TABLE replicost_deployment_history (
    deployment VARCHAR, hardware VARCHAR, min_instances INTEGER,
    effective_from TIMESTAMPTZ, effective_to TIMESTAMPTZ
);
-- Both spellings of multi-GPU SKUs to one (gpu-2x-h100 -> gpu-h100-2x), as pricing.canonical_sku.
CREATE OR REPLACE TEMP MACRO replicost_canonical_sku(raw) AS regexp_replace(
    regexp_replace(lower(trim(raw)), '^gpu-(\\d+)x-(.+)$', 'gpu-\\2-\\1x'), '-1x$', '');
"""

# One row per (deployment, stretch of time) with the hardware in effect: the pricing file's history
# up to the earliest observed release, then each observed release until the next one.
_TIMELINE = """
CREATE OR REPLACE TEMP VIEW replicost_deployment_releases AS
SELECT deployment, account, number,
       replicost_canonical_sku(hardware) AS hardware,
       coalesce(min_instances, 0) AS min_instances,
       coalesce(created_at, first_observed_at) AS effective_from,
       coalesce(lead(coalesce(created_at, first_observed_at)) OVER (PARTITION BY deployment ORDER BY number),
                'infinity'::TIMESTAMPTZ) AS effective_to
FROM deployment_releases;

CREATE OR REPLACE TEMP VIEW replicost_deployment_first_release AS
SELECT deployment, min(effective_from) AS first_release_at
FROM replicost_deployment_releases GROUP BY deployment;

CREATE OR REPLACE TEMP VIEW replicost_deployment_timeline AS
SELECT h.deployment, h.hardware, h.min_instances, h.effective_from,
       least(h.effective_to, coalesce(f.first_release_at, 'infinity'::TIMESTAMPTZ)) AS effective_to,
       'pricing file' AS origin
FROM replicost_deployment_history h
LEFT JOIN replicost_deployment_first_release f USING (deployment)
WHERE h.effective_from < coalesce(f.first_release_at, 'infinity'::TIMESTAMPTZ)
UNION ALL
SELECT deployment, hardware, min_instances, effective_from, effective_to,
       'release ' || number AS origin
FROM replicost_deployment_releases;
"""

# Shape: one row per record of {table}; see the module docstring for the rules.
_RECORD_COSTS = """
CREATE OR REPLACE TEMP VIEW {view} AS
WITH matched AS (
    SELECT r.id, r.account, r.model, r.version, r.source, r.deployment, r.status, r.created_at,
           r.predict_time, r.image_count, r.input_token_count, r.output_token_count,
           timeline.hardware AS deployment_hardware,
           first_release.first_release_at,
           coalesce(by_version.hardware, by_model.hardware) AS mapped_hardware,
           unit_price.image_price, unit_price.input_token_price, unit_price.output_token_price,
           unit_price.image_nano, unit_price.input_token_nano, unit_price.output_token_nano,
           unit_price.integer_ok AS unit_integer_ok,
           unit_price.model IS NOT NULL AS has_unit_prices,
           m.visibility
    FROM {table} r
    LEFT JOIN replicost_deployment_timeline timeline
      ON timeline.deployment = r.deployment
     AND r.created_at >= timeline.effective_from AND r.created_at < timeline.effective_to
    LEFT JOIN replicost_deployment_first_release first_release ON first_release.deployment = r.deployment
    LEFT JOIN replicost_model_hardware by_version ON by_version.model = r.model AND by_version.version = r.version
    LEFT JOIN replicost_model_hardware by_model ON by_model.model = r.model AND by_model.version = ''
    LEFT JOIN replicost_unit_price unit_price
      ON unit_price.model = r.model
     AND r.created_at >= unit_price.effective_from AND r.created_at < unit_price.effective_to
    LEFT JOIN models m ON m.model = r.model
),
ruled AS (
    -- rule codes: 1 in flight, 2 deployment, 3 per unit, 4 model map, 5 nothing known
    SELECT *,
        CASE
            WHEN status IN {in_flight} THEN 1
            WHEN deployment IS NOT NULL THEN 2
            WHEN has_unit_prices AND (
                   status IN {unbilled}
                OR (image_price IS NOT NULL AND image_count IS NOT NULL)
                OR (input_token_price IS NOT NULL AND input_token_count IS NOT NULL)
                OR (output_token_price IS NOT NULL AND output_token_count IS NOT NULL)) THEN 3
            WHEN mapped_hardware IS NOT NULL THEN 4
            ELSE 5
        END AS rule
    FROM matched
),
with_hardware AS (
    SELECT *,
        CASE rule WHEN 2 THEN deployment_hardware WHEN 4 THEN mapped_hardware END AS hardware
    FROM ruled
),
priced AS (
    SELECT w.*, hp.usd_per_second, hp.nano_per_second, hp.integer_ok AS second_integer_ok,
        CASE
            WHEN rule = 3 THEN 'per_unit'
            WHEN rule IN (2, 4) AND hp.usd_per_second IS NOT NULL THEN 'per_second'
            ELSE 'unpriced'
        END AS basis,
        CAST(round(coalesce(predict_time, 0) * 1000000) AS BIGINT) AS seconds_micro,
        coalesce(image_count, 0) AS images, coalesce(input_token_count, 0) AS input_tokens,
        coalesce(output_token_count, 0) AS output_tokens
    FROM with_hardware w
    LEFT JOIN replicost_hardware_price hp
      ON hp.sku = w.hardware AND w.created_at >= hp.effective_from AND w.created_at < hp.effective_to
),
costed AS (
    -- Money in 64-bit integers where every factor is small enough (every realistic record), in
    -- micro-dollars: seconds_micro x nano-USD = 10^-15 USD; units x nano-USD = 10^-9 USD; the
    -- price tables' integer_ok says the price side fits. NULL sends the record to the DECIMAL(38)
    -- branch below, which applies the same rule (rounding 128-bit DECIMALs is ~20x slower).
    SELECT *,
        CASE
            WHEN second_integer_ok AND rule IN (2, 4) AND seconds_micro BETWEEN 0 AND 99999999999
            THEN (seconds_micro * nano_per_second + 500000000) // 1000000000
            WHEN unit_integer_ok AND rule = 3 AND images BETWEEN 0 AND 99999999
                 AND input_tokens BETWEEN 0 AND 99999999 AND output_tokens BETWEEN 0 AND 99999999
            THEN (images * image_nano + input_tokens * input_token_nano
                  + output_tokens * output_token_nano + 500) // 1000
        END AS cost_micro
    FROM priced
)
SELECT id, account, model, version, source, deployment, status, created_at, predict_time,
    CASE
        WHEN cost_micro IS NOT NULL THEN CAST(cost_micro AS DECIMAL(18,0)) * 0.000001::DECIMAL(6,6)
        WHEN basis = 'per_second' THEN CAST(round(
            CAST(seconds_micro AS DECIMAL(38,0)) * 0.000001 * usd_per_second, 6) AS DECIMAL(18,6))
        WHEN basis = 'per_unit' THEN CAST(round(
              images * coalesce(image_price, 0) + input_tokens * coalesce(input_token_price, 0)
            + output_tokens * coalesce(output_token_price, 0), 6) AS DECIMAL(18,6))
    END AS cost_usd,
    basis,
    hardware,
    CASE basis
        WHEN 'per_second' THEN 'second'
        WHEN 'per_unit' THEN CASE WHEN image_price IS NOT NULL THEN 'image' ELSE 'token' END
    END AS unit,
    CASE basis
        WHEN 'per_second' THEN predict_time
        WHEN 'per_unit' THEN CASE WHEN image_price IS NOT NULL THEN coalesce(image_count, 0)
                                  ELSE coalesce(input_token_count, 0) + coalesce(output_token_count, 0) END
    END::DOUBLE AS units,
    CASE basis
        WHEN 'per_second' THEN usd_per_second
        WHEN 'per_unit' THEN image_price   -- tokens have two prices: see the *_token_price columns
    END AS unit_price,
    input_token_count, output_token_count, image_count,
    input_token_price, output_token_price,
    CASE
        WHEN basis <> 'unpriced' THEN NULL
        WHEN rule = 1 THEN 'still ' || status || ' at the last sync; priced once it finishes'
        WHEN rule = 2 AND hardware IS NULL AND first_release_at IS NULL THEN
            'no release of deployment ' || deployment || ' is known; add its hardware under '
            || '[deployments] "' || deployment || '" in your pricing file'
        WHEN rule = 2 AND hardware IS NULL THEN
            'created before the earliest known release of deployment ' || deployment || ' ('
            || strftime(first_release_at, '%Y-%m-%d') || '); add its earlier hardware under '
            || '[deployments] "' || deployment || '" in your pricing file'
        WHEN rule = 2 THEN
            'no price in effect for hardware ' || hardware || ' (deployment ' || deployment
            || '); add it under [hardware] in your pricing file'
        WHEN rule = 4 THEN
            'no price in effect for hardware ' || hardware || ' (model ' || model
            || '); add it under [hardware] in your pricing file'
        WHEN model IS NULL THEN 'no model recorded; cannot tell what it ran on'
        WHEN has_unit_prices THEN
            'official model ' || model || ' bills per unit but this record has no unit counts '
            || '(image_count, input_token_count, output_token_count) in its metrics'
        ELSE 'no hardware known for model ' || model || '; add it under [models] in your pricing file'
    END AS reason,
    coalesce(basis = 'per_second' AND (visibility = 'private' OR deployment IS NOT NULL), FALSE) AS lower_bound,
    CASE
        WHEN basis = 'per_unit' AND image_count IS NULL AND input_token_count IS NULL
             AND output_token_count IS NULL THEN
            'official model: ' || status || ' with no output counted; Replicate bills per output, so nothing'
        WHEN basis <> 'per_second' THEN NULL
        WHEN deployment IS NOT NULL THEN
            'deployment: Replicate bills instance uptime; this figure counts active time only'
        WHEN visibility = 'private' THEN
            'private model: Replicate also bills setup and idle time; this figure is a lower bound'
    END AS billing_note
FROM costed
"""

_PRICED_RECORDS = """
CREATE OR REPLACE TEMP VIEW priced_records AS
SELECT 'prediction' AS kind, id, account, model, version, source, deployment, status, created_at,
       predict_time, hardware, basis, unit, units, unit_price, cost_usd, reason, lower_bound, billing_note
FROM prediction_costs
UNION ALL
SELECT 'training' AS kind, id, account, model, version, source, deployment, status, created_at,
       predict_time, hardware, basis, unit, units, unit_price, cost_usd, reason, lower_bound, billing_note
FROM training_costs;
"""

# Shape: one row per (account, deployment, UTC day, hardware, min_instances); cost_usd is an
# estimate (NULL with a reason when the hardware has no price).
_UPTIME = """
CREATE OR REPLACE TEMP VIEW deployment_uptime_costs AS
WITH last_sync AS (
    SELECT coalesce(max(finished_at), now()) AS synced_until FROM sync_log WHERE status = 'succeeded'
),
spans AS (
    SELECT t.deployment,
           coalesce(d.account, split_part(t.deployment, '/', 1)) AS account,
           t.hardware, t.min_instances, hp.usd_per_second,
           greatest(t.effective_from, coalesce(hp.effective_from, t.effective_from)) AS span_from,
           least(t.effective_to, coalesce(hp.effective_to, t.effective_to),
                 coalesce(d.synced_at, (SELECT synced_until FROM last_sync))) AS span_to
    FROM replicost_deployment_timeline t
    LEFT JOIN deployments d ON d.deployment = t.deployment
    LEFT JOIN replicost_hardware_price hp
      ON hp.sku = t.hardware AND hp.effective_from < t.effective_to AND hp.effective_to > t.effective_from
    WHERE t.min_instances > 0 AND t.effective_from > '0001-01-02'::TIMESTAMPTZ
),
utc_spans AS (
    SELECT *, timezone('UTC', span_from) AS utc_from, timezone('UTC', span_to) AS utc_to
    FROM spans WHERE span_to > span_from
),
days AS (
    SELECT *, unnest(range(date_trunc('day', utc_from), utc_to, INTERVAL 1 DAY)) AS day_start
    FROM utc_spans
),
pieces AS (
    SELECT account, deployment, CAST(day_start AS DATE) AS day, hardware, min_instances, usd_per_second,
           datediff('microsecond', greatest(utc_from, day_start),
                    least(utc_to, day_start + INTERVAL 1 DAY)) AS micros
    FROM days
)
SELECT account, deployment, day, hardware, min_instances,
       CAST(sum(micros) AS DECIMAL(38,0)) * 0.000001::DECIMAL(38,6) AS uptime_seconds,
       sum(round(min_instances * (CAST(micros AS DECIMAL(38,0)) * 0.000001::DECIMAL(38,6))
                 * usd_per_second, 6))::DECIMAL(18,6) AS cost_usd,
       CASE WHEN bool_or(usd_per_second IS NULL) THEN
           'no price in effect for hardware ' || hardware || '; add it under [hardware] in your pricing file'
       END AS reason,
       TRUE AS estimate
FROM pieces
GROUP BY account, deployment, day, hardware, min_instances
"""


def _nano(usd: Decimal | None) -> int | None:
    """USD as a whole number of nano-dollars, or None when it is not one (the DECIMAL path then)."""
    if usd is None:
        return None
    nano = usd.scaleb(9)
    return int(nano) if nano == nano.to_integral_value() else None


def _ranges(starts: list[datetime]) -> list[tuple[datetime, datetime | str]]:
    """[(effective_from, effective_to)] for sorted starts: each row ends where the next begins."""
    ends: list[datetime | str] = [*starts[1:], END_OF_TIME]
    return list(zip(starts, ends, strict=True))


def _unit_segments(catalog: Catalog) -> list[tuple]:
    """Per model, the stretches of time over which every unit price is constant (one row each)."""
    by_model: dict[str, dict[str, list]] = {}
    for (model, unit), history in catalog.units.items():
        by_model.setdefault(model, {})[unit] = history
    rows = []
    for model, histories in sorted(by_model.items()):
        starts = sorted({row.effective_from for history in histories.values() for row in history})
        for start, end in _ranges(starts):
            prices = []
            for unit in UNITS:
                in_effect = [row for row in histories.get(unit, []) if row.effective_from <= start]
                prices.append(in_effect[-1].usd_per_unit if in_effect else None)
            if any(price is not None for price in prices):
                # a unit without a price counts 0 nano-dollars; NULL means "use the DECIMAL path"
                nanos = [0 if price is None else _nano(price) for price in prices]
                # each count < 10^8 x nano < 3 x 10^10: the sum of three stays under 2^63
                integer_ok = all(nano is not None and nano < 30_000_000_000 for nano in nanos)
                rows.append((model, start, end, *prices, *nanos, integer_ok))
    return rows


def _hardware_rows(catalog: Catalog, con: duckdb.DuckDBPyConnection) -> list[tuple]:
    # multiples are derived for the SKUs the data and the catalog actually mention
    seen = [
        row[0]
        for row in con.execute(
            "SELECT DISTINCT replicost_canonical_sku(hardware) FROM deployment_releases WHERE hardware IS NOT NULL"
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
            rows.append((sku, row.usd_per_second, nano, integer_ok, start, end, row.source))
    return rows


def install(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """Load `catalog` into TEMP tables on `con` and create the cost views over its tables."""
    con.execute(_TABLES)
    hardware = _hardware_rows(catalog, con)
    if hardware:
        con.executemany(
            "INSERT INTO replicost_hardware_price VALUES (?, ?, ?, ?, ?, ?, ?)", hardware
        )
    units = _unit_segments(catalog)
    if units:
        con.executemany(
            "INSERT INTO replicost_unit_price VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", units
        )
    model_map = []
    for ref, sku in sorted(catalog.models.items()):
        model, _, version = ref.partition(":")
        model_map.append((model, version, sku))
    if model_map:
        con.executemany("INSERT INTO replicost_model_hardware VALUES (?, ?, ?)", model_map)
    history = []
    for name, rows in sorted(catalog.deployments.items()):
        for row, (start, end) in zip(
            rows, _ranges([row.effective_from for row in rows]), strict=True
        ):
            history.append((name, row.hardware, row.min_instances, start, end))
    if history:
        con.executemany("INSERT INTO replicost_deployment_history VALUES (?, ?, ?, ?, ?)", history)
    con.execute(_TIMELINE)
    in_flight = "(" + ", ".join(f"'{status}'" for status in IN_FLIGHT_STATUSES) + ")"
    unbilled = "(" + ", ".join(f"'{status}'" for status in NO_OUTPUT_STATUSES) + ")"
    for view, table in (("prediction_costs", "predictions"), ("training_costs", "trainings")):
        con.execute(
            _RECORD_COSTS.format(view=view, table=table, in_flight=in_flight, unbilled=unbilled)
        )
    con.execute(_PRICED_RECORDS)
    con.execute(_UPTIME)


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


__all__ = ["install", "billing_notes"]
