"""The SQL of the bill's views over the priced records (`replicost.billing.costs` installs them).

Deployments' always-on uptime, the top-ups above their predictions' active time, and `bill_items`
(with `bill_amounts`, its integer twin for reports): what every report adds up. Split from
`cost_sql`, which prices the records themselves.
"""

from replicost.billing import reasons

# What is known of each deployment's always-on floor, and what is not. Replicate serves only a
# deployment's current release, so the releases before the earliest one a sync saw (unless it is
# release 1: nothing came before it), and those between two observed releases whose numbers are
# not consecutive, are unknown: their min_instances could have kept any hardware on. The pricing
# file's [deployments] history states that time: from its first row on, it fills every unknown
# stretch (an undated first row: all of it), and the time before a release 1 if it names any.
# replicost_unknown_time: one row per (deployment, unknown stretch): stretch_from (NULL: open, the
#   deployment's creation is unknown), stretch_to, after_release (the observed release a gap
#   follows, else NULL), first_release (the earliest observed release's number and model).
# replicost_floor_timeline: the stretches whose floor is known, as replicost_deployment_timeline
#   rows: an observed release until the next one when that is the next number (the last one, for
#   ever), and the pricing file's history inside the unknown stretches.
_FLOOR_TIMELINE = """
-- The believed releases (not quarantined), each with the next believed one and the next of any
-- kind: a release's floor is known up to the next release when that is the next number, believed
-- or not (known_to); the time of quarantined releases is unknown, like that of releases no sync saw.
CREATE OR REPLACE TEMP VIEW replicost_release_steps AS
SELECT deployment, number, model, hardware, min_instances, effective_from,
       lead(effective_from) OVER w AS next_from, lead(number) OVER w AS next_number,
       min(number) OVER (PARTITION BY deployment) AS first_number, next_any_number,
       CASE WHEN next_any_number = number + 1 THEN next_any_from ELSE effective_from END AS known_to
FROM (SELECT *, lead(number) OVER v AS next_any_number, lead(effective_from) OVER v AS next_any_from
      FROM replicost_all_releases WINDOW v AS (PARTITION BY deployment ORDER BY number))
WHERE quarantine_reason IS NULL
WINDOW w AS (PARTITION BY deployment ORDER BY number);

CREATE OR REPLACE TEMP VIEW replicost_unknown_time AS
SELECT deployment, NULL::TIMESTAMPTZ AS stretch_from, effective_from AS stretch_to,
       NULL::INTEGER AS after_release, number AS first_release, model AS first_model
FROM replicost_release_steps WHERE number = first_number AND number > 1
UNION ALL
SELECT deployment, known_to, coalesce(next_from, 'infinity'::TIMESTAMPTZ), number, first_number, NULL
FROM replicost_release_steps
WHERE next_any_number IS NOT NULL AND (next_number IS NULL OR next_number > number + 1)
UNION ALL
SELECT deployment, NULL, 'infinity'::TIMESTAMPTZ, NULL, NULL, NULL
FROM replicost_known_deployments
WHERE deployment NOT IN (SELECT deployment FROM replicost_deployment_releases);

CREATE OR REPLACE TEMP VIEW replicost_floor_timeline AS
SELECT deployment, hardware, min_instances, effective_from,
       CASE WHEN next_any_number IS NULL THEN 'infinity'::TIMESTAMPTZ ELSE known_to END
           AS effective_to,
       'release ' || number AS origin
FROM replicost_release_steps
UNION ALL
SELECT h.deployment, h.hardware, h.min_instances,
       greatest(h.effective_from, coalesce(u.stretch_from, '-infinity'::TIMESTAMPTZ)),
       least(h.effective_to, u.stretch_to), 'pricing file'
FROM replicost_deployment_history h
-- the unknown stretches, and the time before a release 1: nothing of the deployment is known to
-- have run then, but a pricing file that says it did (a deployment deleted and made again under
-- the same name starts at release 1 again) is the user's word, as it is for the records' prices
JOIN (SELECT deployment, stretch_from, stretch_to FROM replicost_unknown_time
      UNION ALL
      SELECT deployment, NULL, effective_from FROM replicost_release_steps
      WHERE number = first_number AND number = 1) u ON u.deployment = h.deployment
WHERE h.effective_from < u.stretch_to
  AND h.effective_to > coalesce(u.stretch_from, '-infinity'::TIMESTAMPTZ);
"""

# Shape: one row per (account, deployment, UTC day, hardware, min_instances); cost_usd is an
# estimate (NULL with a reason when the hardware has no price).
_UPTIME = (
    """
-- The instant the bill is cut at (`ledger.cut_at`: a report replaying a past instant, `--now`): no
-- floor runs past it and no later prediction counts against one. 'infinity' by default.
-- derive_from: the first instant whose top-ups are derived here ('-infinity': all; a stored
-- ledger under a cut derives those from the cut's day on, and keeps the stored ones before it).
CREATE OR REPLACE TEMP TABLE replicost_cut AS
SELECT 'infinity'::TIMESTAMPTZ AS cut_at, '-infinity'::TIMESTAMPTZ AS derive_from;

CREATE OR REPLACE TEMP VIEW replicost_synced_until AS
SELECT k.deployment, coalesce(d.account, split_part(k.deployment, '/', 1)) AS account,
       least(coalesce(d.synced_at, (SELECT coalesce(max(finished_at), now()) FROM sync_log
                                    WHERE status = 'succeeded')),
             (SELECT cut_at FROM replicost_cut)) AS synced_until
FROM (SELECT deployment FROM replicost_known_deployments
      UNION SELECT deployment FROM replicost_deployment_history) k
LEFT JOIN deployments d ON d.deployment = k.deployment;

CREATE OR REPLACE TEMP VIEW replicost_uptime_derived AS
WITH spans AS (
    SELECT t.deployment, s.account,
           t.hardware, t.min_instances, hp.usd_per_second,
           greatest(t.effective_from, coalesce(hp.effective_from, t.effective_from)) AS span_from,
           least(t.effective_to, coalesce(hp.effective_to, t.effective_to), s.synced_until) AS span_to
    FROM replicost_floor_timeline t
    JOIN replicost_synced_until s ON s.deployment = t.deployment
    LEFT JOIN deployments d ON d.deployment = t.deployment
    LEFT JOIN replicost_hardware_price hp
      ON hp.sku = t.hardware AND hp.effective_from < t.effective_to AND hp.effective_to > t.effective_from
    WHERE t.min_instances > 0 AND t.effective_from > '0001-01-02'::TIMESTAMPTZ
      -- (a [deployments] entry naming a deployment the database has never seen has no unknown
      -- time to fill: it costs nothing)
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
GROUP BY account, deployment, day, hardware, min_instances;

-- what reports read (a stored ledger's cut keeps it in a TEMP table: ledger.cut_at)
CREATE OR REPLACE TEMP VIEW deployment_uptime_costs AS SELECT * FROM replicost_uptime_derived;
"""
)

# The unknown floors, cut into UTC days: one row per (deployment, stretch, day) with the instants
# it covers (unknown_from, unknown_to), the stretch's whole start and end, and what its start is
# counted from (counted_from: 'release' for a gap after an observed release, else the deployment's
# first record, or the account's when the deployment has none before its earliest release: when
# it was created is unknown). It runs up to the deployment's last sync, as the floors do.
_UNKNOWN_FLOORS = """
-- each deployment's and account's first record (a stored ledger reads them from bill_daily)
CREATE OR REPLACE TEMP VIEW replicost_deployment_first AS
SELECT deployment, min(created_at) AS first_at FROM predictions
WHERE deployment IS NOT NULL GROUP BY deployment;
CREATE OR REPLACE TEMP VIEW replicost_account_first AS
SELECT account, min(created_at) AS first_at
FROM (SELECT account, created_at FROM predictions UNION ALL SELECT account, created_at FROM trainings)
GROUP BY account;

CREATE OR REPLACE TEMP VIEW replicost_unknown_floor_days_derived AS
WITH first_record AS (SELECT * FROM replicost_deployment_first),
account_first AS (SELECT * FROM replicost_account_first),
history_start AS (
    SELECT deployment, min(effective_from) AS history_from
    FROM replicost_deployment_history GROUP BY deployment
),
stretches AS (
    SELECT u.deployment, s.account, u.after_release, u.first_release, u.first_model,
           CASE WHEN u.stretch_from IS NOT NULL THEN 'release'
                WHEN f.first_at < u.stretch_to THEN 'first_record'
                ELSE 'account_first_record' END AS counted_from,
           coalesce(u.stretch_from, CASE WHEN f.first_at < u.stretch_to THEN f.first_at
                                         ELSE a.first_at END) AS stretch_from,
           least(u.stretch_to, coalesce(h.history_from, 'infinity'::TIMESTAMPTZ), s.synced_until)
               AS stretch_to
    FROM replicost_unknown_time u
    JOIN replicost_synced_until s ON s.deployment = u.deployment
    LEFT JOIN first_record f ON f.deployment = u.deployment
    LEFT JOIN account_first a ON a.account = s.account
    LEFT JOIN history_start h ON h.deployment = u.deployment
),
utc AS (
    SELECT *, timezone('UTC', stretch_from) AS utc_from, timezone('UTC', stretch_to) AS utc_to
    FROM stretches WHERE stretch_from < stretch_to
),
days AS (
    SELECT *, unnest(range(date_trunc('day', utc_from), utc_to, INTERVAL 1 DAY)) AS day_start
    FROM utc
)
SELECT account, deployment, CAST(day_start AS DATE) AS day, after_release, first_release,
       first_model, counted_from, stretch_from, stretch_to,
       timezone('UTC', greatest(utc_from, day_start)) AS unknown_from,
       timezone('UTC', least(utc_to, day_start + INTERVAL 1 DAY)) AS unknown_to
FROM days;

CREATE OR REPLACE TEMP VIEW replicost_unknown_floor_days AS
SELECT * FROM replicost_unknown_floor_days_derived;
"""

# The bill's deployment rule: per deployment and UTC day, the larger of the always-on floor
# (min_instances x time x price, from deployment_uptime_costs) and the active time of its
# predictions. The predictions keep their own cost; the part of the floor above them is a top-up.
# Shape: one row per (account, deployment, day) with a floor: hardware (the floor's dearest),
# floor_usd, active_usd, topup_usd = greatest(floor - active, 0), all DECIMAL(18,6).
_TOPUPS = """
-- the active time of each deployment's predictions per UTC day, in USD (a ledger's refresh reads
-- it from bill_daily: ledger.refresh)
CREATE OR REPLACE TEMP VIEW replicost_deployment_active AS
SELECT deployment, CAST(timezone('UTC', created_at) AS DATE) AS day, sum(cost_usd) AS active_usd
FROM prediction_costs
WHERE basis = 'per_second' AND deployment IS NOT NULL
  AND created_at < (SELECT cut_at FROM replicost_cut)
  AND created_at >= (SELECT derive_from FROM replicost_cut)
GROUP BY ALL;

CREATE OR REPLACE TEMP VIEW deployment_topups AS
WITH floors AS (
    SELECT account, deployment, day, arg_max(hardware, cost_usd) AS hardware,
           sum(cost_usd) AS floor_usd
    FROM deployment_uptime_costs
    WHERE cost_usd IS NOT NULL
      AND timezone('UTC', CAST(day AS TIMESTAMP)) >= (SELECT derive_from FROM replicost_cut)
    GROUP BY account, deployment, day
),
active AS (
    SELECT * FROM replicost_deployment_active WHERE deployment IN (SELECT deployment FROM floors)
)
SELECT f.account, f.deployment, f.day, f.hardware, f.floor_usd,
       coalesce(a.active_usd, 0)::DECIMAL(18,6) AS active_usd,
       greatest(f.floor_usd - coalesce(a.active_usd, 0), 0)::DECIMAL(18,6) AS topup_usd
FROM floors f LEFT JOIN active a ON a.deployment = f.deployment AND a.day = f.day;
"""

# Everything the bill estimate adds up: every record (records = 1) and one row per deployment-day
# whose always-on floor exceeds its predictions' active time (kind 'deployment_uptime', records =
# 0, cost_kind 'estimated'). Reports group this view; its cost_usd sums to the bill.
_BILL_ITEMS = (
    """
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

-- One unpriced item per deployment-day whose always-on floor is unknown (kind 'unknown_floor',
-- records = 0): nothing in the sum, 0 at least and no upper bound (unpriced_high_usd NULL).
CREATE OR REPLACE TEMP VIEW replicost_unknown_floor_items AS
SELECT *, """
    + reasons.sentence_sql("reason_code", "reason_subject")
    + """ AS reason FROM (
SELECT *, """
    + reasons.item_subject_sql("reason_code")
    + """ AS reason_subject FROM (
SELECT 'unknown_floor' AS kind, u.account,
       coalesce(u.first_model, (SELECT arg_min(e.model, e.number) FROM replicost_deployment_releases e
                                WHERE e.deployment = u.deployment)) AS model,
       NULL::VARCHAR AS version, u.deployment,
       timezone('UTC', CAST(u.day AS TIMESTAMP)) AS created_at, NULL::VARCHAR AS hardware,
       NULL::VARCHAR AS source, NULL::VARCHAR AS status,
       'unpriced' AS basis, NULL::DECIMAL(18,6) AS cost_usd, FALSE AS lower_bound,
       NULL::VARCHAR AS billing_note, 'unpriced' AS cost_kind,
       u.reason_code, """
    + ", ".join(f"u.{column}" for column in reasons.SUBJECT_COLUMNS.values())
    + """,
       FALSE AS seconds_estimated, FALSE AS quarantined, 0 AS records,
       0::DECIMAL(18,6) AS unpriced_low_usd, NULL::DECIMAL(18,6) AS unpriced_high_usd
FROM replicost_unknown_floor_reasons u));

-- (the subject columns are bill_amounts' alone, as priced_amounts has them: REBUILT's inputs)
CREATE OR REPLACE TEMP VIEW bill_items AS
SELECT *, 1 AS records FROM priced_records
UNION ALL BY NAME
SELECT * FROM replicost_topup_items
UNION ALL BY NAME
SELECT * EXCLUDE ("""
    + ", ".join(reasons.SUBJECT_COLUMNS.values())
    + """) FROM replicost_unknown_floor_items;

-- the items made of many records, with the integer columns of priced_amounts
CREATE OR REPLACE TEMP VIEW replicost_derived_amounts AS
SELECT *, replicost_micro(cost_usd) AS cost_micro FROM replicost_topup_items
UNION ALL BY NAME
SELECT *, 0::BIGINT AS unpriced_low_micro FROM replicost_unknown_floor_items;

-- bill_items with the integer columns of priced_amounts: what reports add up over millions
CREATE OR REPLACE TEMP VIEW bill_amounts AS
SELECT *, 1 AS records FROM priced_amounts
UNION ALL BY NAME
SELECT * FROM replicost_derived_amounts;
"""
)

# One row per deployment-day with an unknown floor, with its reason (a code of billing/reasons.py:
# subjects the deployment, the release number and the day the unknown stretch starts; the
# items build the STRUCT from the subject columns).
_UNKNOWN_FLOOR_REASONS = (
    """
CREATE OR REPLACE TEMP VIEW replicost_unknown_floor_reasons AS
SELECT * FROM (
    SELECT *, """
    + reasons.subject_columns_sql(
        "reason_code",
        {
            "value": "coalesce(after_release, first_release)",
            "day": "strftime(timezone('UTC', stretch_from), '%Y-%m-%d')",
        },
    )
    + """
    FROM (
        SELECT account, deployment, day, any_value(first_model) AS first_model,
               min(stretch_from) AS stretch_from,
               arg_min(first_release, stretch_from) AS first_release,
               arg_min(after_release, stretch_from) AS after_release,
               CASE arg_min(counted_from, stretch_from)
                   WHEN 'release' THEN 'floor_after_release'
                   WHEN 'first_record' THEN CASE WHEN arg_min(first_release, stretch_from) IS NULL
                       THEN 'floor_no_release' ELSE 'floor_before_first_release' END
                   ELSE 'floor_before_first_release_account'
               END AS reason_code
        FROM replicost_unknown_floor_days GROUP BY account, deployment, day
    )
)
"""
)

# Deployments the database knows: synced, or named by a prediction.
_KNOWN_DEPLOYMENTS = """
CREATE OR REPLACE TEMP VIEW replicost_known_deployments AS
SELECT deployment FROM deployments
UNION
SELECT DISTINCT deployment FROM predictions WHERE deployment IS NOT NULL;
"""
