"""The SQL of the cost views (`replicost.analytics.costs` installs them; its docstring has the rules).

Named constants, one per view or table group, each with a comment on the shape of its rows.
"""

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
           image_count, input_token_count, output_token_count, error,
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
SELECT id, account, model, version, source, deployment, status, created_at, predict_time, error,
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
       predict_time, hardware, basis, unit, units, unit_price, cost_usd, reason, lower_bound, billing_note,
       error
FROM prediction_costs
UNION ALL
SELECT 'training' AS kind, id, account, model, version, source, deployment, status, created_at,
       predict_time, hardware, basis, unit, units, unit_price, cost_usd, reason, lower_bound, billing_note,
       error
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
