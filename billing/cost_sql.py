"""The SQL of the cost views (`replicost.billing.costs` installs them; its docstring has the rules).

Named constants, one per view or table group, each with a comment on the shape of its rows.
"""

from collections.abc import Iterable

from replicost.billing import reasons, unit_sql

_TABLES = """
-- prices twice: exact decimals, and in nano-dollars (10^-9 USD; NULL if not whole) for integers
CREATE OR REPLACE TEMP TABLE replicost_hardware_price (
    sku VARCHAR, usd_per_second DECIMAL(38,12), nano_per_second BIGINT, integer_ok BOOLEAN,
    effective_from TIMESTAMPTZ, effective_to TIMESTAMPTZ, source VARCHAR
);
-- replicost_unit_price (unit_sql.UNIT_PRICE_TABLE): per model, variant and stretch of time, every
-- unit's price (DECIMAL and whole pico-dollars), whether any is third-party, and completeness
CREATE OR REPLACE TEMP TABLE replicost_model_hardware (
    model VARCHAR, version VARCHAR, hardware VARCHAR,  -- version '' = every version of the model
    map_source VARCHAR  -- NULL: the user's [models]; else the shipped public-model map's source
);
CREATE OR REPLACE TEMP TABLE replicost_deployment_history (
    deployment VARCHAR, hardware VARCHAR, min_instances INTEGER,
    effective_from TIMESTAMPTZ, effective_to TIMESTAMPTZ
);
-- A sum of whole micro-dollars (HUGEINT) as the exact DECIMAL(38,6) of the same money.
CREATE OR REPLACE TEMP MACRO replicost_usd(micro) AS
    CAST(micro AS DECIMAL(38,0)) * CAST(0.000001 AS DECIMAL(6,6));
-- Money (DECIMAL with at most 6 decimals) as whole micro-dollars.
CREATE OR REPLACE TEMP MACRO replicost_micro(usd) AS CAST(CAST(usd AS DECIMAL(38,6)) * 1000000 AS BIGINT);
-- One record's whole micro-dollars (BIGINT) as DECIMAL(18,6), in 64-bit arithmetic.
CREATE OR REPLACE TEMP MACRO replicost_record_usd(micro) AS
    CAST(micro AS DECIMAL(18,0)) * CAST(0.000001 AS DECIMAL(6,6));
-- Both spellings of multi-GPU SKUs to one (gpu-2x-h100 -> gpu-h100-2x), as pricing.canonical_sku.
CREATE OR REPLACE TEMP MACRO replicost_canonical_sku(raw) AS regexp_replace(
    regexp_replace(lower(trim(raw)), '^gpu-(\\d+)x-(.+)$', 'gpu-\\2-\\1x'), '-1x$', '');
"""

# One row per (deployment, stretch of time) with the hardware in effect: the pricing file's history
# up to the earliest observed release, then each observed release until the next one.
_TIMELINE = """
CREATE OR REPLACE TEMP VIEW replicost_all_releases AS
SELECT deployment, account, number, model, version,
       replicost_canonical_sku(hardware) AS hardware,
       coalesce(min_instances, 0) AS min_instances,
       coalesce(created_at, first_observed_at) AS effective_from,
       coalesce(lead(coalesce(created_at, first_observed_at)) OVER (PARTITION BY deployment ORDER BY number),
                'infinity'::TIMESTAMPTZ) AS effective_to,
       quarantine_reason
FROM deployment_releases;

-- a quarantined release (sync/door.py) is never priced: its stretch has no hardware, and the
-- next release prices from its own date (bill_sql counts its floor as unknown)
CREATE OR REPLACE TEMP VIEW replicost_deployment_releases AS
SELECT * EXCLUDE (quarantine_reason) FROM replicost_all_releases WHERE quarantine_reason IS NULL;

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
WITH variants AS (
    -- every model's price variants by input (0: none matched, or no conditions)
    SELECT DISTINCT model, variant FROM replicost_unit_price
    UNION SELECT model, 0 FROM replicost_model_hardware
),
entries AS (
    SELECT known.model, NULL::VARCHAR AS version, by_model.hardware, by_model.map_source,
           (SELECT list(v.version ORDER BY v.version) FROM replicost_model_hardware v
             WHERE v.model = known.model AND v.version <> '') AS versioned
    FROM (SELECT model FROM replicost_model_hardware UNION SELECT model FROM replicost_unit_price) known
    LEFT JOIN replicost_model_hardware by_model ON by_model.model = known.model AND by_model.version = ''
    UNION ALL
    SELECT model, version, hardware, map_source, NULL FROM replicost_model_hardware WHERE version <> ''
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
SELECT s.model, s.version, v.variant, e.versioned, s.seg_from, s.seg_to,
       e.hardware, e.map_source, hp.usd_per_second, hp.nano_per_second, hp.integer_ok AS second_integer_ok,
       u.model IS NOT NULL AS has_unit_prices, {u_unit_prices},
       coalesce(u.unit_estimated, FALSE) AS unit_estimated,
       coalesce(u.unit_complete, FALSE) AS unit_complete, u.condition_fields
FROM segments s
JOIN entries e ON e.model = s.model AND e.version IS NOT DISTINCT FROM s.version
JOIN variants v ON v.model = s.model
LEFT JOIN replicost_hardware_price hp
  ON hp.sku = e.hardware AND s.seg_from >= hp.effective_from AND s.seg_from < hp.effective_to
LEFT JOIN replicost_unit_price u
  ON u.model = s.model AND u.variant = v.variant
 AND s.seg_from >= u.effective_from AND s.seg_from < u.effective_to
WHERE s.seg_to IS NOT NULL;

-- the models table says which models are private (lower bounds); it changes with syncs, so a view
CREATE OR REPLACE TEMP VIEW replicost_model_resolution AS
SELECT s.*, m.visibility, coalesce(m.is_official, FALSE) AS is_official
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
#   variant, has_unit_prices, *_price, *_pico, unit_estimated, unit_complete, condition_fields
#                              the per-unit rule's prices for the record's input (unit_sql.py)
#   reason_code, reason_day    why a finished record not priced per unit has no price (else NULL):
#                              a code of billing/reasons.py; the day its subject names, if any
#   lower_bound, billing_note  for records priced per second
_RESOLUTION = """
CREATE OR REPLACE TEMP VIEW replicost_resolution AS
WITH keyed AS (
    SELECT model AS name, FALSE AS through_deployment, version, variant, versioned, seg_from, seg_to,
           hardware, map_source, usd_per_second, nano_per_second, second_integer_ok,
           has_unit_prices, {unit_prices}, unit_estimated, unit_complete, condition_fields,
           -- reason codes (billing/reasons.py renders them): subjects are the key and the SKU
           CASE
               WHEN hardware IS NOT NULL THEN 'hardware_unpriced'
               WHEN has_unit_prices THEN 'no_unit_counts'
               ELSE 'model_hardware_unknown'
           END AS unpriced_reason, NULL::VARCHAR AS reason_day,
           visibility = 'private' AS lower_bound,
           CASE WHEN visibility = 'private' THEN
               'private model: Replicate also bills setup and idle time; this figure is a lower bound'
               WHEN map_source IS NOT NULL THEN
               'hardware from the shipped map of public models (' || map_source
               || '); a community model''s hardware can change'
           END AS billing_note
    FROM replicost_model_resolution
    UNION ALL
    SELECT deployment, TRUE, NULL, 0, NULL, seg_from, seg_to,
           hardware, NULL, usd_per_second, nano_per_second, second_integer_ok,
           FALSE, {unit_nulls}, FALSE, FALSE, NULL,
           CASE
               WHEN hardware IS NULL AND first_release_at IS NULL THEN 'deployment_unknown'
               -- after a known release, only a quarantined one leaves time without hardware
               WHEN hardware IS NULL AND seg_from >= first_release_at THEN 'release_quarantined'
               WHEN hardware IS NULL THEN 'before_first_release'
               ELSE 'deployment_hardware_unpriced'
           END,
           CASE WHEN hardware IS NULL AND seg_from >= first_release_at
                THEN strftime(seg_from, '%Y-%m-%d')
                WHEN hardware IS NULL THEN strftime(first_release_at, '%Y-%m-%d') END,
           TRUE,
           'deployment: Replicate bills instance uptime; this figure counts active time only'
    FROM replicost_deployment_segments
)
SELECT name, through_deployment, version, variant, versioned, seg_from, seg_to,
       hardware, map_source, usd_per_second,
       CASE WHEN second_integer_ok THEN nano_per_second END AS second_nano,
       has_unit_prices, {unit_prices}, unit_estimated, unit_complete, condition_fields,
       -- the price as DOUBLE for the plausibility guard (cast here once per segment)
       usd_per_second::DOUBLE AS usd_per_second_double,
       -- what a record gets when the per-unit rule does not apply (every record of most keys)
       usd_per_second IS NOT NULL AS per_second,
       CASE WHEN usd_per_second IS NULL THEN unpriced_reason END AS reason_code,
       CASE WHEN usd_per_second IS NULL THEN reason_day END AS reason_day,
       usd_per_second IS NOT NULL AND coalesce(lower_bound, FALSE) AS lower_bound,
       CASE WHEN usd_per_second IS NOT NULL THEN billing_note END AS billing_note,
       usd_per_second IS NOT NULL AND (through_deployment OR coalesce(lower_bound, FALSE)
                                       OR map_source IS NOT NULL) AS estimated
FROM keyed;
"""

# Shape: one row per record of {table} with every step of its pricing (flags, prices, the integer
# money), unlabelled: {view} below labels it. See the module docstring for the rules. A record looks up
# its segment once: by deployment if it has one, else by model (and version); no segment (a model
# or deployment pricing knows nothing about, or no created_at) leaves it unpriced with a reason.
# Slots: {quarantine} is the table's quarantine_reason column (NULL::VARCHAR on a database that
# predates it); {max_seconds}, {max_count}, {max_usd} are the plausibility limits (costs.py).
_RECORD_STEPS = """
WITH classified AS (
    -- the status compared once, as a small integer the rules below test cheaply (string
    -- comparisons on every record were a good part of a 10M report): 1 succeeded, 2 ended without
    -- output {unbilled}, 3 still in flight {in_flight}, 0 anything else (NULL or unknown)
    SELECT *,
           CASE WHEN status = 'succeeded' THEN 1 WHEN status IN {unbilled} THEN 2
                WHEN status IN {in_flight} THEN 3 ELSE 0 END AS status_class
    FROM {table}
),
scanned AS (
    -- Per-record values computed on the scan, before the lookup. A record still in flight looks
    -- nothing up (NULL key): it is unpriced whatever it ran on.
    -- (a quarantined record's predict_time is not believed: NULL in the view, so no sum over
    -- the view, spend's seconds or an insight's, can overflow or go negative because of it)
    SELECT id, account, model, version, source, deployment, status, status_class, created_at,
           CASE WHEN {quarantine} IS NULL THEN predict_time END AS predict_time,
           started_at, completed_at, {quarantine} AS quarantine_reason,
           image_count, input_token_count, output_token_count, error, {billing_columns},
           CASE WHEN status_class <> 3 THEN coalesce(deployment, model) END AS lookup_name,
           deployment IS NOT NULL AS through_deployment,
           -- billable seconds: predict_time as served; for a succeeded record without it,
           -- completed_at - started_at (an estimate); 0 for a failed, canceled or aborted record
           -- without it (it ran no billable time); otherwise unknown (unpriced, with a reason)
           predict_time IS NULL AND status_class = 1 AND started_at IS NOT NULL
               AND completed_at IS NOT NULL AS from_duration,
           CASE
               WHEN predict_time IS NOT NULL THEN predict_time
               WHEN status_class = 1 AND started_at IS NOT NULL AND completed_at IS NOT NULL
                   THEN (epoch_us(completed_at) - epoch_us(started_at)) / 1000000.0
               WHEN status_class = 2 THEN 0.0
           END AS seconds_raw
    FROM classified
),
varied AS (
    -- the record's price variant by its input (costs._variants)
    {varied}
),
records AS (
    -- A stored value no bill can come from (quarantined at the sync, or a field out of range:
    -- NaN, infinite, negative, absurdly large) makes the record unpriced with a reason naming the
    -- field, so no cast, sum or division downstream can overflow or go negative because of it.
    -- (The first test passes every plausible record at once: NaN is above every number in
    -- DuckDB, so BETWEEN fails for it as for infinities and out-of-range values.)
    -- field_problem is the reason code; field_name and field_value its subjects.
    SELECT *,
        CASE WHEN field_problem IN ('implausible_seconds', 'implausible_count') THEN
            CASE WHEN field_problem = 'implausible_count' THEN
                CASE WHEN NOT coalesce(image_count BETWEEN 0 AND {max_count}, TRUE) THEN 'image_count'
                     WHEN NOT coalesce(input_token_count BETWEEN 0 AND {max_count}, TRUE)
                         THEN 'input_token_count'
                     ELSE 'output_token_count' END
                 WHEN from_duration THEN 'completed_at - started_at' ELSE 'predict_time' END
        END AS field_name,
        CASE WHEN field_problem = 'implausible_seconds' THEN CAST(seconds_raw AS VARCHAR)
             WHEN field_problem = 'implausible_count' THEN CAST(CASE
                WHEN NOT coalesce(image_count BETWEEN 0 AND {max_count}, TRUE) THEN image_count
                WHEN NOT coalesce(input_token_count BETWEEN 0 AND {max_count}, TRUE)
                    THEN input_token_count
                ELSE output_token_count END AS VARCHAR)
        END AS field_value
    FROM (
        SELECT *,
            CASE
                WHEN quarantine_reason IS NULL
                     AND coalesce(seconds_raw BETWEEN 0 AND {max_seconds}, TRUE)
                     AND coalesce(image_count BETWEEN 0 AND {max_count}, TRUE)
                     AND coalesce(input_token_count BETWEEN 0 AND {max_count}, TRUE)
                     AND coalesce(output_token_count BETWEEN 0 AND {max_count}, TRUE) THEN NULL
                WHEN quarantine_reason IS NOT NULL THEN 'quarantined'
                WHEN seconds_raw IS NOT NULL AND (isnan(seconds_raw) OR isinf(seconds_raw)
                     OR seconds_raw < 0 OR seconds_raw > {max_seconds}) THEN 'implausible_seconds'
                ELSE 'implausible_count'
            END AS field_problem
        FROM varied
    )
),
matched AS (
    SELECT r.*, res.per_second IS NOT NULL AS resolved,
           coalesce(res.per_second, FALSE) AND field_problem IS NULL AS segment_per_second,
           res.hardware, res.map_source, res.usd_per_second, res.second_nano,
           coalesce(res.has_unit_prices, FALSE) AND field_problem IS NULL AS has_unit_prices,
           {res_unit_prices}, coalesce(res.unit_estimated, FALSE) AS unit_estimated,
           coalesce(res.unit_complete, FALSE) AS unit_complete, res.condition_fields,
           res.usd_per_second_double,
           res.reason_code AS segment_reason_code, res.reason_day AS segment_reason_day,
           res.lower_bound AS segment_lower_bound,
           res.billing_note AS segment_billing_note, coalesce(res.estimated, FALSE) AS segment_estimated,
           -- seconds to the microsecond (at most {max_seconds} s: always fits a BIGINT)
           CASE WHEN field_problem IS NULL THEN CAST(round(seconds_raw * 1000000) AS BIGINT) END
               AS seconds_micro
    FROM records r
    LEFT JOIN replicost_resolution res
      ON res.name = r.lookup_name AND res.through_deployment = r.through_deployment
     AND res.variant = r.variant AND r.created_at >= res.seg_from AND r.created_at < res.seg_to
     AND (res.version = r.version
          OR (res.version IS NULL AND NOT coalesce(list_contains(res.versioned, r.version), FALSE)))
),
counted AS (SELECT *, {unit_counts} FROM matched),  -- unit_sql.count_columns, check_columns
checked AS (SELECT *, {unit_checks} FROM counted),
ruled AS (
    -- the per-unit rule (unit_sql.py); its cost in 10^-18 USD, exact in 128 bits
    SELECT *,
        has_unit_prices AND unit_complete AND unit_problem_field IS NULL AND unit_missing IS NULL
            AS unit_rule,
        CASE WHEN has_unit_prices AND unit_complete AND unit_problem_field IS NULL
                  AND unit_missing IS NULL THEN {unit_cost} END AS unit_atto
    FROM checked
),
guarded AS (
    -- a cost past {max_usd} USD can only come from an absurd value: unpriced, never an overflow
    -- (CASE, not AND: DuckDB evaluates a CASE branch only on the rows that reach it)
    SELECT *,
        coalesce(unit_atto >= CAST({max_usd} AS HUGEINT) * 1000000000000000000, FALSE) AS unit_too_big,
        CASE WHEN NOT unit_rule AND segment_per_second
            THEN seconds_micro::DOUBLE * 0.000001 * usd_per_second_double >= {max_usd}
            ELSE FALSE END AS second_too_big
    FROM ruled
),
costed AS (
    -- Money in 64-bit integers where every factor is small enough (every realistic record), in
    -- micro-dollars: seconds_micro x nano-USD = 10^-15 USD; the resolution's second_nano says the
    -- price side fits. NULL sends the record to the DECIMAL(38) branch below, which applies the
    -- same rule (rounding 128-bit DECIMALs is ~20x slower). Per-unit costs round from 10^-18 USD.
    SELECT *,
        unit_rule AND NOT unit_too_big AS per_unit,
        NOT unit_rule AND segment_per_second AND seconds_micro IS NOT NULL AND NOT second_too_big
            AS per_second,
        CASE
            WHEN unit_rule AND NOT unit_too_big
            THEN CAST((unit_atto + 500000000000) // 1000000000000 AS BIGINT)
            WHEN NOT unit_rule AND NOT second_too_big AND seconds_micro BETWEEN 0 AND 99999999999
            THEN (seconds_micro * second_nano + 500000000) // 1000000000
        END AS integer_micro
    FROM guarded
),
priced AS (
    -- cost_micro: the record's cost in whole micro-dollars, exactly the rounding of the rule: the
    -- integer path, else the DECIMAL(38) form rounded to 6 decimals (which then is a whole number
    -- of micro-dollars; only the rare records the integer path cannot take reach it)
    SELECT *,
        CASE
            WHEN (per_unit OR per_second) AND integer_micro IS NOT NULL THEN integer_micro
            WHEN per_second THEN replicost_micro(CAST(round(
                CAST(seconds_micro AS DECIMAL(38,0)) * 0.000001 * usd_per_second, 6) AS DECIMAL(18,6)))
        END AS cost_micro,
        -- the least and most an unpriced per-second record could cost: its seconds on the cheapest
        -- and the dearest hardware of the catalog (NULL: no seconds known, or billed per unit)
        CASE WHEN per_unit OR per_second THEN FALSE ELSE
            field_problem IS NULL AND seconds_micro IS NOT NULL AND NOT has_unit_prices
            AND NOT coalesce(list_contains((SELECT list(model) FROM replicost_official), model), FALSE)
            AND status_class <> 3 END AS bounded,
        -- a record billed per output without a price of its own: its counts at the catalog's
        -- cheapest and dearest price of the same unit; one that ended without output, 0 (NULL:
        -- it counts no unit, so what it is billed in is unknown)
        CASE WHEN per_unit OR per_second THEN FALSE ELSE
            field_problem IS NULL AND status_class <> 3
            AND (has_unit_prices
                 OR coalesce(list_contains((SELECT list(model) FROM replicost_official), model), FALSE))
            AND (status_class = 2 OR image_count IS NOT NULL OR input_token_count IS NOT NULL
                 OR output_token_count IS NOT NULL) END AS unit_bounded
    FROM costed
),
ranged AS (
    -- The range in whole micro-dollars like cost_micro: in 64-bit integers where the factors fit
    -- (the DECIMAL(38) form took ~1.5 s of a 10M report), else in DECIMAL(38) by the same rule.
    -- The catalog's cheapest and dearest prices are constants of the install ({low_nano} and
    -- {high_nano} in nano-dollars, NULL when too big for the integer path).
    SELECT *,
        CASE WHEN unit_bounded THEN {unit_low}
             WHEN NOT bounded THEN NULL
             WHEN seconds_micro BETWEEN 0 AND 99999999999 AND {low_nano} IS NOT NULL
             THEN (seconds_micro * CAST({low_nano} AS BIGINT) + 500000000) // 1000000000
             ELSE replicost_micro(CAST(round(CAST(seconds_micro AS DECIMAL(38,0)) * 0.000001
                  * CAST('{low}' AS DECIMAL(38,12)), 6) AS DECIMAL(18,6)))
        END AS unpriced_low_micro,
        CASE WHEN unit_bounded THEN {unit_high}
             WHEN NOT bounded THEN NULL
             WHEN seconds_micro BETWEEN 0 AND 99999999999 AND {high_nano} IS NOT NULL
             THEN (seconds_micro * CAST({high_nano} AS BIGINT) + 500000000) // 1000000000
             ELSE replicost_micro(CAST(round(CAST(seconds_micro AS DECIMAL(38,0)) * 0.000001
                  * CAST('{high}' AS DECIMAL(38,12)), 6) AS DECIMAL(18,6)))
        END AS unpriced_high_micro
    FROM priced
)
-- the label inputs the labels below test for NULL, as flags a grouped row can carry too
SELECT *, created_at IS NULL AS no_created_at, seconds_micro IS NULL AS no_seconds,
       image_count IS NULL AND input_token_count IS NULL AND output_token_count IS NULL
           AS no_unit_counts,
       CASE WHEN per_unit OR per_second THEN FALSE ELSE coalesce(list_contains(
           (SELECT list(model) FROM replicost_official), model), FALSE) END AS official_model
FROM ranged
"""

# The labels of a priced record, over a record of {view}_steps (the view below).
# {max_usd} is the plausibility limit (costs.py formats it).
BASIS_LABEL = (
    "CASE WHEN per_second THEN 'per_second' WHEN per_unit THEN 'per_unit' ELSE 'unpriced' END"
)
HARDWARE_LABEL = "CASE WHEN NOT per_unit THEN hardware END"
COST_KIND_LABEL = """CASE
        WHEN per_unit AND (unit_estimated OR unit_fallback IS NOT NULL) THEN 'estimated'
        WHEN per_unit THEN 'exact'
        WHEN per_second AND (segment_estimated OR from_duration) THEN 'estimated'
        WHEN per_second THEN 'exact'
        ELSE 'unpriced'
    END"""
REASON_CODE_LABEL = """CASE
        WHEN per_unit OR per_second THEN NULL
        WHEN field_problem IS NOT NULL THEN field_problem
        WHEN unit_too_big OR second_too_big THEN 'implausible_cost'
        WHEN status_class = 3 THEN 'in_flight'
        WHEN no_created_at THEN 'no_created_at'
        WHEN segment_per_second AND no_seconds THEN 'unknown_seconds'
        WHEN unit_problem_field IS NOT NULL THEN 'implausible_count'
        WHEN has_unit_prices AND NOT unit_complete THEN 'no_price_for_input'
        WHEN unit_missing IS NOT NULL THEN 'no_unit_count'
        WHEN resolved THEN segment_reason_code
        WHEN deployment IS NOT NULL THEN 'deployment_unknown'
        WHEN model IS NULL THEN 'no_model'
        WHEN official_model AND status_class <> 2 AND no_unit_counts THEN 'no_output_counted'
        WHEN official_model THEN 'official_unit_unpriced'
        ELSE 'model_hardware_unknown'
    END"""
# The subjects of a record's reason no other column of it holds, by name (billing/reasons.py
# SUBJECT_COLUMNS; its model, hardware, deployment and status are ITEM_SUBJECTS).
_SUBJECT_VALUES = {
    "day": "segment_reason_day",
    "field": "CASE WHEN field_name IS NOT NULL THEN field_name WHEN unit_problem_field IS NOT NULL "
    "THEN unit_problem_field WHEN has_unit_prices AND NOT unit_complete THEN condition_fields "
    "ELSE unit_missing END",
    "value": "coalesce(field_value, unit_problem_value)",
    "problem": "quarantine_reason",
}
# reason_code and the subjects of the reason no other column holds (reasons.SUBJECT_COLUMNS) as
# SELECT items; DuckDB lets a later item read an earlier item's alias, so the code is computed once.
REASON_LABELS = (
    f"{REASON_CODE_LABEL} AS reason_code,\n    "
    f"{reasons.subject_columns_sql('reason_code', _SUBJECT_VALUES)}"
)
# Columns of a bill item computed from its other columns, in the cost views as in the ledger's
# views over its stored items (which store only the others): the reason's subjects as one STRUCT,
# and what each unit billed counted and cost
REBUILT = {
    "reason_subject": reasons.item_subject_sql("reason_code"),
    "unit_detail": unit_sql.DETAIL,
}
REBUILT_COLUMNS = ", ".join(f"{sql} AS {name}" for name, sql in REBUILT.items())
# Shape: one row per record of {table}; see the module docstring for the rules.
_RECORD_COSTS = f"""
SELECT *, {reasons.sentence_sql("reason_code", "reason_subject")} AS reason FROM (
SELECT *, {REBUILT_COLUMNS} FROM (
SELECT id, account, model, version, source, deployment, status, created_at, predict_time, error,
    replicost_record_usd(cost_micro) AS cost_usd,
    {BASIS_LABEL} AS basis,
    {HARDWARE_LABEL} AS hardware,
    {{unit_labels}},
    -- the counts billed (Replicate's billing metric names first), and their prices
    coalesce(token_input_count, input_token_count) AS input_token_count,
    coalesce(token_output_count, output_token_count) AS output_token_count,
    coalesce(image_output_count, image_count) AS image_count,
    input_token_price, output_token_price, image_price,
    {REASON_LABELS},
    (per_unit OR per_second) AND NOT per_unit AND coalesce(segment_lower_bound, FALSE) AS lower_bound,
    CASE
        WHEN per_second THEN nullif(concat_ws('; ', segment_billing_note, CASE WHEN from_duration THEN
            'no predict_time: billed seconds are completed_at - started_at, an estimate' END), '')
        WHEN per_unit THEN nullif(concat_ws('; ',
            CASE WHEN status_class = 2 AND cost_micro = 0 THEN 'official model: ' || status
                 || ' with no output counted; Replicate bills per output, so nothing' END,
            CASE WHEN unit_fallback IS NOT NULL THEN 'counted from the input (' || unit_fallback
                 || '), not from Replicate''s metrics: an estimate' END,
            CASE WHEN unit_estimated THEN 'price from a third-party source (replicost pricing '
                 || 'show names it)' END), '')
    END AS billing_note,
    {COST_KIND_LABEL} AS cost_kind,
    -- (the same DOUBLE as seconds_micro * 0.000001 cast, without a 128-bit DECIMAL per record)
    CASE WHEN field_problem IS NULL THEN seconds_micro::DOUBLE / 1000000.0 END AS seconds,
    from_duration AND (per_second OR bounded) AS seconds_estimated,
    quarantine_reason IS NOT NULL AS quarantined,
    replicost_record_usd(unpriced_low_micro) AS unpriced_low_usd,
    replicost_record_usd(unpriced_high_micro) AS unpriced_high_usd,
    map_source,
    -- The same money in whole micro-dollars (64-bit; NULL exactly where the DECIMAL column is),
    -- and the billable seconds in microseconds, for reports that add up millions of records:
    -- integer sums are exact and several times cheaper than DECIMAL ones (priced_amounts).
    cost_micro, unpriced_low_micro, unpriced_high_micro,
    CASE WHEN field_problem IS NULL THEN seconds_micro END AS seconds_micro, status_class
FROM {{view}}_steps
))
"""

_RECORD_COLUMNS = """id, account, model, version, source, deployment, status, created_at,
       predict_time, hardware, basis, unit, units, unit_price, cost_usd, reason, reason_code,
       reason_subject, lower_bound, billing_note,
       cost_kind, seconds, seconds_estimated, quarantined, unpriced_low_usd, unpriced_high_usd,
       unit_detail, input_token_count, output_token_count, image_count,
       input_token_price, output_token_price, image_price, map_source, error"""

# priced_records and five integer columns: cost_micro, unpriced_low_micro, unpriced_high_micro
# (the DECIMAL columns x 10^6, NULL where they are), seconds_micro (`seconds` in microseconds) and
# status_class (1 succeeded, 2 failed/canceled/aborted, 3 in flight, 0 other: no string test);
# and the columns `REBUILT` ones are built from (the reason's subject columns, unit_combo_detail).
AMOUNT_COLUMNS = f"""{_RECORD_COLUMNS},
       cost_micro, unpriced_low_micro, unpriced_high_micro, seconds_micro, status_class,
       {", ".join(reasons.SUBJECT_COLUMNS.values())}, unit_combo_detail"""


# (kind, the records' cost view, the table of its records)
RECORD_KINDS = (
    ("prediction", "prediction_costs", "predictions"),
    ("training", "training_costs", "trainings"),
)


def kinds_union(columns: str, tables: Iterable[str] | None = None) -> str | None:
    """A SELECT of the records of each kind whose table is in `tables` (every kind when None):
    `kind` ('prediction' or 'training') and `columns` of its cost view; None when no kind is."""
    branches = [
        f"SELECT '{kind}' AS kind, {columns} FROM {view}"
        for kind, view, table in RECORD_KINDS
        if tables is None or table in tables
    ]
    return "\nUNION ALL BY NAME\n".join(branches) or None


_PRICED_RECORDS = f"""
CREATE OR REPLACE TEMP VIEW priced_records AS
{kinds_union(_RECORD_COLUMNS)};

CREATE OR REPLACE TEMP VIEW priced_amounts AS
{kinds_union(AMOUNT_COLUMNS)};
"""

# The cheapest and dearest per-second price in the catalog (base SKUs and their 2x/4x/8x), for the
# range of what an unpriced record could cost; and the models known to be official.
_RANGE = """
CREATE OR REPLACE TEMP TABLE replicost_price_range (
    low DECIMAL(38,12), high DECIMAL(38,12),
    -- the same prices in whole nano-dollars when small enough for 64-bit arithmetic, else NULL
    low_nano BIGINT, high_nano BIGINT
);
CREATE OR REPLACE TEMP VIEW replicost_official AS
SELECT model FROM models WHERE is_official;
"""
