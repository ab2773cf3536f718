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

from replicost.analytics.pricing import BEGINNING, UNITS, Catalog

END_OF_TIME = "infinity"
# pricing.BEGINNING (year 1) stands for "since the beginning of time"; it is loaded as such, so an
# undated price has no empty stretch before it to cut every key's time into one more segment
START_OF_TIME = "-infinity"
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

# Price resolution, computed once per (key, stretch of time) instead of once per record: a record's
# price depends on its model (and version), or its deployment, and on `created_at` only through the
# boundaries of the price rows, unit-price periods and deployment releases that apply to that key.
# Cutting time at every such boundary gives segments [seg_from, seg_to) over which everything is
# constant; a record then needs one equality-plus-range lookup instead of seven joins.
# Segments cover all time (-infinity .. infinity), so a record with a `created_at` finds exactly one.

# Shape: one row per (model, version entry, segment), for the models the catalog knows (model map or
# unit prices). version NULL stands for every version without an entry of its own (`versioned`
# lists those that have one). Depends on the catalog only, so it is a table filled at install.
_MODEL_SEGMENTS = """
CREATE OR REPLACE TEMP TABLE replicost_model_segments AS
WITH entries AS (
    SELECT known.model, NULL::VARCHAR AS version, by_model.hardware,
           (SELECT list(v.version ORDER BY v.version) FROM replicost_model_hardware v
             WHERE v.model = known.model AND v.version <> '') AS versioned
    FROM (SELECT model FROM replicost_model_hardware UNION SELECT model FROM replicost_unit_price) known
    LEFT JOIN replicost_model_hardware by_model ON by_model.model = known.model AND by_model.version = ''
    UNION ALL
    SELECT model, version, hardware, NULL FROM replicost_model_hardware WHERE version <> ''
),
boundaries AS (
    SELECT model, version, '-infinity'::TIMESTAMPTZ AS boundary FROM entries
    UNION SELECT model, version, 'infinity'::TIMESTAMPTZ FROM entries
    UNION SELECT e.model, e.version, unnest([hp.effective_from, hp.effective_to])
          FROM entries e JOIN replicost_hardware_price hp ON hp.sku = e.hardware
    UNION SELECT e.model, e.version, unnest([u.effective_from, u.effective_to])
          FROM entries e JOIN replicost_unit_price u ON u.model = e.model
),
segments AS (
    SELECT model, version, boundary AS seg_from,
           lead(boundary) OVER (PARTITION BY model, version ORDER BY boundary) AS seg_to
    FROM boundaries
)
SELECT s.model, s.version, e.versioned, s.seg_from, s.seg_to,
       e.hardware, hp.usd_per_second, hp.nano_per_second, hp.integer_ok AS second_integer_ok,
       u.model IS NOT NULL AS has_unit_prices,
       u.image_price, u.input_token_price, u.output_token_price,
       u.image_nano, u.input_token_nano, u.output_token_nano, u.integer_ok AS unit_integer_ok
FROM segments s
JOIN entries e ON e.model = s.model AND e.version IS NOT DISTINCT FROM s.version
LEFT JOIN replicost_hardware_price hp
  ON hp.sku = e.hardware AND s.seg_from >= hp.effective_from AND s.seg_from < hp.effective_to
LEFT JOIN replicost_unit_price u
  ON u.model = s.model AND s.seg_from >= u.effective_from AND s.seg_from < u.effective_to
WHERE s.seg_to IS NOT NULL;

-- the models table says which models are private (lower bounds); it changes with syncs, so a view
CREATE OR REPLACE TEMP VIEW replicost_model_resolution AS
SELECT s.*, m.visibility
FROM replicost_model_segments s LEFT JOIN models m ON m.model = s.model;
"""

# Shape: one row per (deployment on the timeline, segment) with the hardware in effect (NULL before
# the timeline starts) and its price. Depends on observed releases, so it is a view.
_DEPLOYMENT_SEGMENTS = """
CREATE OR REPLACE TEMP VIEW replicost_deployment_segments AS
WITH boundaries AS (
    SELECT deployment, unnest(['-infinity'::TIMESTAMPTZ, 'infinity'::TIMESTAMPTZ,
                               effective_from, effective_to]) AS boundary
    FROM replicost_deployment_timeline
    UNION
    SELECT t.deployment, unnest([hp.effective_from, hp.effective_to])
    FROM replicost_deployment_timeline t JOIN replicost_hardware_price hp ON hp.sku = t.hardware
),
segments AS (
    SELECT deployment, boundary AS seg_from, lead(boundary) OVER (PARTITION BY deployment ORDER BY boundary) AS seg_to
    FROM boundaries WHERE boundary IS NOT NULL
),
in_effect AS (
    -- the timeline row in effect over each segment (releases recorded out of order can overlap:
    -- the one that started last wins, so a record is never counted twice)
    SELECT s.deployment, s.seg_from, s.seg_to, t.hardware
    FROM segments s
    LEFT JOIN replicost_deployment_timeline t
      ON t.deployment = s.deployment AND s.seg_from >= t.effective_from AND s.seg_from < t.effective_to
    WHERE s.seg_to IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY s.deployment, s.seg_from
                               ORDER BY t.effective_from DESC, t.hardware) = 1
)
SELECT e.deployment, e.seg_from, e.seg_to, e.hardware, f.first_release_at,
       hp.usd_per_second, hp.nano_per_second, hp.integer_ok AS second_integer_ok
FROM in_effect e
LEFT JOIN replicost_deployment_first_release f ON f.deployment = e.deployment
LEFT JOIN replicost_hardware_price hp
  ON hp.sku = e.hardware AND e.seg_from >= hp.effective_from AND e.seg_from < hp.effective_to;
"""

# Shape: one row per (key, segment): `name` is a model (through_deployment FALSE; with `version`,
# `versioned` as in replicost_model_segments) or a deployment (TRUE). Everything a finished record's
# price needs that does not depend on the record itself is decided here, once per segment, so the
# per-record work is a lookup and a few integer operations:
#   hardware, usd_per_second   the per-second rule's hardware and price (rule 2 or 4; NULL price:
#                              no price in effect, and `reason` says so)
#   second_nano                that price in nano-dollars when the integer path can take it
#   has_unit_prices, *_price, *_nano, unit_integer_ok   the per-unit rule's prices (rule 3)
#   reason                     why a finished record not priced per unit has no price (else NULL)
#   lower_bound, billing_note  for records priced per second
_RESOLUTION = """
CREATE OR REPLACE TEMP VIEW replicost_resolution AS
WITH keyed AS (
    SELECT model AS name, FALSE AS through_deployment, version, versioned, seg_from, seg_to,
           hardware, usd_per_second, nano_per_second, second_integer_ok,
           has_unit_prices, image_price, input_token_price, output_token_price,
           image_nano, input_token_nano, output_token_nano, unit_integer_ok,
           CASE
               WHEN hardware IS NOT NULL THEN
                   'no price in effect for hardware ' || hardware || ' (model ' || model
                   || '); add it under [hardware] in your pricing file'
               WHEN has_unit_prices THEN
                   'official model ' || model || ' bills per unit but this record has no unit '
                   || 'counts (image_count, input_token_count, output_token_count) in its metrics'
               ELSE 'no hardware known for model ' || model
                   || '; add it under [models] in your pricing file'
           END AS unpriced_reason,
           visibility = 'private' AS lower_bound,
           CASE WHEN visibility = 'private' THEN
               'private model: Replicate also bills setup and idle time; this figure is a lower bound'
           END AS billing_note
    FROM replicost_model_resolution
    UNION ALL
    SELECT deployment, TRUE, NULL, NULL, seg_from, seg_to,
           hardware, usd_per_second, nano_per_second, second_integer_ok,
           FALSE, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           CASE
               WHEN hardware IS NULL AND first_release_at IS NULL THEN
                   'no release of deployment ' || deployment || ' is known; add its hardware under '
                   || '[deployments] "' || deployment || '" in your pricing file'
               WHEN hardware IS NULL THEN
                   'created before the earliest known release of deployment ' || deployment || ' ('
                   || strftime(first_release_at, '%Y-%m-%d') || '); add its earlier hardware under '
                   || '[deployments] "' || deployment || '" in your pricing file'
               ELSE
                   'no price in effect for hardware ' || hardware || ' (deployment ' || deployment
                   || '); add it under [hardware] in your pricing file'
           END,
           TRUE,
           'deployment: Replicate bills instance uptime; this figure counts active time only'
    FROM replicost_deployment_segments
)
SELECT name, through_deployment, version, versioned, seg_from, seg_to,
       hardware, usd_per_second,
       CASE WHEN second_integer_ok THEN nano_per_second END AS second_nano,
       has_unit_prices, image_price, input_token_price, output_token_price,
       image_nano, input_token_nano, output_token_nano, unit_integer_ok,
       -- what a record gets when the per-unit rule does not apply (every record of most keys)
       usd_per_second IS NOT NULL AS per_second,
       CASE WHEN usd_per_second IS NULL THEN unpriced_reason END AS reason,
       usd_per_second IS NOT NULL AND coalesce(lower_bound, FALSE) AS lower_bound,
       CASE WHEN usd_per_second IS NOT NULL THEN billing_note END AS billing_note
FROM keyed;
"""

# Shape: one row per record of {table}; see the module docstring for the rules. A record looks up
# its segment once: by deployment if it has one, else by model (and version); no segment (a model
# or deployment pricing knows nothing about, or no created_at) leaves it unpriced with a reason.
_RECORD_COSTS = """
CREATE OR REPLACE TEMP VIEW {view} AS
WITH records AS (
    -- Per-record values computed on the scan, before the lookup. A record still in flight looks
    -- nothing up (NULL key): it is unpriced whatever it ran on.
    SELECT id, account, model, version, source, deployment, status, created_at, predict_time,
           image_count, input_token_count, output_token_count,
           CASE WHEN status NOT IN {in_flight} OR status IS NULL THEN coalesce(deployment, model) END
               AS lookup_name,
           deployment IS NOT NULL AS through_deployment,
           -- seconds to the microsecond; NULL past 10^11 (the integer path's limit, see costed)
           CAST(round(coalesce(predict_time, 0) * 1000000) AS BIGINT) AS seconds_micro
    FROM {table}
),
matched AS (
    SELECT r.*, res.per_second IS NOT NULL AS resolved, coalesce(res.per_second, FALSE) AS segment_per_second,
           res.hardware, res.usd_per_second, res.second_nano,
           coalesce(res.has_unit_prices, FALSE) AS has_unit_prices,
           res.image_price, res.input_token_price, res.output_token_price,
           res.image_nano, res.input_token_nano, res.output_token_nano, res.unit_integer_ok,
           res.reason AS segment_reason, res.lower_bound AS segment_lower_bound,
           res.billing_note AS segment_billing_note
    FROM records r
    LEFT JOIN replicost_resolution res
      ON res.name = r.lookup_name AND res.through_deployment = r.through_deployment
     AND r.created_at >= res.seg_from AND r.created_at < res.seg_to
     AND (res.version = r.version
          OR (res.version IS NULL AND NOT coalesce(list_contains(res.versioned, r.version), FALSE)))
),
ruled AS (
    SELECT *,
        -- the per-unit rule: an official model with prices in effect and counts (or no output)
        CASE WHEN has_unit_prices THEN coalesce(
               status IN {unbilled}
            OR (image_price IS NOT NULL AND image_count IS NOT NULL)
            OR (input_token_price IS NOT NULL AND input_token_count IS NOT NULL)
            OR (output_token_price IS NOT NULL AND output_token_count IS NOT NULL), FALSE)
        ELSE FALSE END AS per_unit
    FROM matched
),
costed AS (
    -- Money in 64-bit integers where every factor is small enough (every realistic record), in
    -- micro-dollars: seconds_micro x nano-USD = 10^-15 USD; units x nano-USD = 10^-9 USD; the
    -- resolution's second_nano / unit_integer_ok say the price side fits. NULL sends the record to
    -- the DECIMAL(38) branch below, which applies the same rule (rounding 128-bit DECIMALs is ~20x
    -- slower).
    SELECT *,
        NOT per_unit AND segment_per_second AS per_second,
        CASE
            WHEN per_unit THEN CASE WHEN unit_integer_ok
                 AND coalesce(image_count, 0) BETWEEN 0 AND 99999999
                 AND coalesce(input_token_count, 0) BETWEEN 0 AND 99999999
                 AND coalesce(output_token_count, 0) BETWEEN 0 AND 99999999
            THEN (coalesce(image_count, 0) * image_nano + coalesce(input_token_count, 0) * input_token_nano
                  + coalesce(output_token_count, 0) * output_token_nano + 500) // 1000 END
            WHEN seconds_micro BETWEEN 0 AND 99999999999
            THEN (seconds_micro * second_nano + 500000000) // 1000000000
        END AS cost_micro
    FROM ruled
)
SELECT id, account, model, version, source, deployment, status, created_at, predict_time,
    CASE
        WHEN cost_micro IS NOT NULL THEN CAST(cost_micro AS DECIMAL(18,0)) * 0.000001::DECIMAL(6,6)
        WHEN per_second THEN CAST(round(
            CAST(seconds_micro AS DECIMAL(38,0)) * 0.000001 * usd_per_second, 6) AS DECIMAL(18,6))
        WHEN per_unit THEN CAST(round(
              coalesce(image_count, 0) * coalesce(image_price, 0)
            + coalesce(input_token_count, 0) * coalesce(input_token_price, 0)
            + coalesce(output_token_count, 0) * coalesce(output_token_price, 0), 6) AS DECIMAL(18,6))
    END AS cost_usd,
    CASE WHEN per_second THEN 'per_second' WHEN per_unit THEN 'per_unit' ELSE 'unpriced' END AS basis,
    CASE WHEN NOT per_unit THEN hardware END AS hardware,
    CASE
        WHEN per_second THEN 'second'
        WHEN per_unit THEN CASE WHEN image_price IS NOT NULL THEN 'image' ELSE 'token' END
    END AS unit,
    CASE
        WHEN per_second THEN predict_time
        WHEN per_unit THEN CASE WHEN image_price IS NOT NULL THEN coalesce(image_count, 0)
                                ELSE coalesce(input_token_count, 0) + coalesce(output_token_count, 0) END
    END::DOUBLE AS units,
    CASE
        WHEN per_second THEN usd_per_second
        WHEN per_unit THEN image_price   -- tokens have two prices: see the *_token_price columns
    END AS unit_price,
    input_token_count, output_token_count, image_count,
    input_token_price, output_token_price,
    CASE
        WHEN per_unit THEN NULL
        WHEN resolved THEN segment_reason
        WHEN status IN {in_flight} THEN 'still ' || status || ' at the last sync; priced once it finishes'
        WHEN created_at IS NULL THEN 'no created_at recorded; cannot tell which price was in effect'
        WHEN deployment IS NOT NULL THEN
            'no release of deployment ' || deployment || ' is known; add its hardware under '
            || '[deployments] "' || deployment || '" in your pricing file'
        WHEN model IS NULL THEN 'no model recorded; cannot tell what it ran on'
        ELSE 'no hardware known for model ' || model || '; add it under [models] in your pricing file'
    END AS reason,
    NOT per_unit AND coalesce(segment_lower_bound, FALSE) AS lower_bound,
    CASE
        WHEN NOT per_unit THEN segment_billing_note
        WHEN per_unit AND image_count IS NULL AND input_token_count IS NULL
             AND output_token_count IS NULL THEN
            'official model: ' || status || ' with no output counted; Replicate bills per output, so nothing'
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


def _moment(moment: datetime | str) -> datetime | str:
    """A moment as loaded into the price tables: BEGINNING becomes -infinity."""
    return START_OF_TIME if moment == BEGINNING else moment


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
                rows.append((model, _moment(start), _moment(end), *prices, *nanos, integer_ok))
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


def install(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """Load `catalog` into TEMP tables on `con` and create the cost views over its tables."""
    con.execute(_TABLES)
    hardware = _hardware_rows(catalog, con)
    _insert(con, "replicost_hardware_price", hardware)
    units = _unit_segments(catalog)
    _insert(con, "replicost_unit_price", units)
    model_map = []
    for ref, sku in sorted(catalog.models.items()):
        model, _, version = ref.partition(":")
        model_map.append((model, version, sku))
    _insert(con, "replicost_model_hardware", model_map)
    history = []
    for name, rows in sorted(catalog.deployments.items()):
        for row, (start, end) in zip(
            rows, _ranges([row.effective_from for row in rows]), strict=True
        ):
            history.append((name, row.hardware, row.min_instances, _moment(start), _moment(end)))
    _insert(con, "replicost_deployment_history", history)
    con.execute(_TIMELINE)
    con.execute(_MODEL_SEGMENTS)
    con.execute(_DEPLOYMENT_SEGMENTS)
    con.execute(_RESOLUTION)
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
