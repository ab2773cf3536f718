"""The SQL of the bill's views over the priced records (`replicost.billing.costs` installs them).

Deployments' always-on uptime, the top-ups above their predictions' active time, and `bill_items`
(with `bill_amounts`, its integer twin for reports): what every report adds up. Split from
`cost_sql`, which prices the records themselves.
"""

from replicost.billing import reasons

# Shape: one row per (account, deployment, UTC day, hardware, min_instances); cost_usd is an
# estimate (NULL with a reason when the hardware has no price).
_UPTIME = (
    """
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
      -- a [deployments] entry naming a deployment the database has never seen costs nothing
      AND (d.deployment IS NOT NULL OR t.deployment IN (SELECT deployment FROM replicost_known_deployments))
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
       CASE WHEN bool_or(usd_per_second IS NULL) THEN 'deployment_hardware_unpriced' END
           AS reason_code,
       """
    + reasons.subject_sql("reason_code", {"sku": "hardware", "deployment": "deployment"})
    + " AS reason_subject,\n       "
    + reasons.sentence_sql("reason_code", "reason_subject")
    + """ AS reason,
       TRUE AS estimate
FROM pieces
GROUP BY account, deployment, day, hardware, min_instances
"""
)

# The bill's deployment rule: per deployment and UTC day, the larger of the always-on floor
# (min_instances x time x price, from deployment_uptime_costs) and the active time of its
# predictions. The predictions keep their own cost; the part of the floor above them is a top-up.
# Shape: one row per (account, deployment, day) with a floor: hardware (the floor's dearest),
# floor_usd, active_usd, topup_usd = greatest(floor - active, 0), all DECIMAL(18,6).
_TOPUPS = """
CREATE OR REPLACE TEMP VIEW deployment_topups AS
WITH floors AS (
    SELECT account, deployment, day, arg_max(hardware, cost_usd) AS hardware,
           sum(cost_usd) AS floor_usd
    FROM deployment_uptime_costs
    WHERE cost_usd IS NOT NULL
    GROUP BY account, deployment, day
),
active AS (
    SELECT deployment, CAST(timezone('UTC', created_at) AS DATE) AS day, sum(cost_usd) AS active_usd
    FROM prediction_costs
    WHERE basis = 'per_second' AND deployment IN (SELECT deployment FROM floors)
    GROUP BY ALL
)
SELECT f.account, f.deployment, f.day, f.hardware, f.floor_usd,
       coalesce(a.active_usd, 0)::DECIMAL(18,6) AS active_usd,
       greatest(f.floor_usd - coalesce(a.active_usd, 0), 0)::DECIMAL(18,6) AS topup_usd
FROM floors f LEFT JOIN active a ON a.deployment = f.deployment AND a.day = f.day;
"""

# Everything the bill estimate adds up: every record (records = 1) and one row per deployment-day
# whose always-on floor exceeds its predictions' active time (kind 'deployment_uptime', records =
# 0, cost_kind 'estimated'). Reports group this view; its cost_usd sums to the bill.
_BILL_ITEMS = """
CREATE OR REPLACE TEMP VIEW replicost_topup_items AS
SELECT 'deployment_uptime' AS kind, t.account,
       -- the model of the release in effect at the end of the day; before the earliest observed
       -- release (pricing-file history names no model), the earliest observed release's model
       coalesce(r.model, (SELECT arg_min(e.model, e.number) FROM replicost_deployment_releases e
                          WHERE e.deployment = t.deployment)) AS model,
       r.version, t.deployment,
       timezone('UTC', CAST(t.day AS TIMESTAMP)) AS created_at, t.hardware,
       'uptime' AS basis, t.topup_usd AS cost_usd, FALSE AS lower_bound,
       'deployment always-on floor (min_instances x uptime x price) above its predictions'' '
       || 'active time that day' AS billing_note,
       'estimated' AS cost_kind, FALSE AS seconds_estimated, FALSE AS quarantined, 0 AS records
FROM deployment_topups t
ASOF LEFT JOIN replicost_deployment_releases r
  ON r.deployment = t.deployment
 AND r.effective_from <= timezone('UTC', CAST(t.day + 1 AS TIMESTAMP))
WHERE t.topup_usd > 0;

CREATE OR REPLACE TEMP VIEW bill_items AS
SELECT *, 1 AS records FROM priced_records
UNION ALL BY NAME
SELECT * FROM replicost_topup_items;

-- bill_items with the integer columns of priced_amounts: what reports add up over millions
CREATE OR REPLACE TEMP VIEW bill_amounts AS
SELECT *, 1 AS records FROM priced_amounts
UNION ALL BY NAME
SELECT *, replicost_micro(cost_usd) AS cost_micro FROM replicost_topup_items;
"""

# Deployments the database knows: synced, or named by a prediction.
_KNOWN_DEPLOYMENTS = """
CREATE OR REPLACE TEMP VIEW replicost_known_deployments AS
SELECT deployment FROM deployments
UNION
SELECT DISTINCT deployment FROM predictions WHERE deployment IS NOT NULL;
"""
