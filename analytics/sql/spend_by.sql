-- spend_by: spend per combination of the requested dimensions and per unpriced reason, in one scan
-- of the bill as {measured} gives it: the items of `bill_amounts` (bill_items with the money in
-- whole micro-dollars: adding 64-bit integers is exact and several times cheaper than adding
-- DECIMALs; each sum becomes DECIMAL(38,6) at the end), or the same added up per UTC day
-- (`bill_daily`) where a report's days allow, or both (reports/spend.py: `measured`).
-- reports.py adds the rows up (exactly, as Decimal) into the groups, the
-- grand total and the reason counts, so the totals are by construction the sum of the rows.
--
-- Time dimensions are computed after a first aggregation into UTC buckets of $bucket_seconds:
-- converting 10 million timestamps to a time zone costs seconds, converting ~35,000 buckets a year
-- costs nothing. reports.py uses 15 minutes (every time zone in use today is a whole number of
-- quarter hours from UTC), or whole days when the report's time zone is UTC.
--
-- Template slots (filled by reports.py from fixed whitelists only, never from user text):
--   {inner_columns}  non-time dimensions as d0.., plus "epoch_us(created_at) // $bucket_us AS bucket"
--   {inner_names}    the names of those columns
--   {outer_columns}  every dimension as d0.. (time ones from the bucket, e.g. via timezone($tz, ..))
--   {where}          filter clauses such as "created_at >= $since_utc AND model GLOB $model"
--   {measured}       rows with the columns filtered and grouped on and the measures m_* (each a
--                    sum: one item's, or one day's)
--   {unpriced_columns}  an unpriced item's columns its reason's subject is built from, as
--                    unpriced_<column> (NULL for a priced item), and {unpriced_names} their names
--   {unpriced_subject}  the reason's subject STRUCT over them (billing/reasons.py
--                    item_subject_sql): built per group, not per item
-- Every value (dates, globs, time zone, tag rules) is a bound named parameter.
--
-- Row shape:
--   d0 .. dN            VARCHAR   one column per dimension, in the order asked
--   unpriced_code       VARCHAR   NULL for priced items (the cost views set `reason_code` exactly
--                                 when `basis` is 'unpriced', so it alone tells them apart)
--   unpriced_subject    STRUCT    what the reason names (billing/reasons.py renders both)
--   count               BIGINT    records (a deployment's always-on top-up is an item, not a record)
--   predict_micro       HUGEINT   sum of predict_time in microseconds, each record rounded to the
--                                 microsecond as the money rule does (implausible values left out)
--   cost_usd            DECIMAL(38,6)  exact sum of per-item micro-dollar costs (NULL: none priced)
--   unpriced_count      BIGINT    records whose basis is 'unpriced' (unknown floors apart)
--   lower_bound_count   BIGINT    records whose cost counts active time only (private models,
--                                 deployments: Replicate also bills setup, idle or instance time)
--   lower_bound_cost    DECIMAL(38,6)  their cost
--   priced_count        BIGINT    items with a cost (records and top-ups)
--   estimated_usd       DECIMAL(38,6)  the part of cost_usd whose cost_kind is 'estimated'
--   unpriced_low, unpriced_high  DECIMAL(38,6)  what the unpriced records could cost at least/most
--   unbounded_count     BIGINT    unpriced records with no range (still running, no seconds known, or no output counted)
--   unknown_floor_count BIGINT    deployment-days whose always-on floor is unknown (kind
--                                 'unknown_floor': no release a sync saw says it; no upper bound)
--   quarantined_count   BIGINT    records quarantined at the sync (unpriced)
WITH scoped AS (
    SELECT {inner_columns},
           reason_code AS unpriced_code, {unpriced_columns},
           m_count, m_predict, m_cost, m_unpriced, m_lower_n, m_lower_cost, m_priced, m_estimated,
           m_low, m_high, m_unbounded, m_quarantined, m_unknown_floor
    FROM ({measured})
    WHERE {where}
),
grouped AS (
    SELECT {inner_names},
           unpriced_code, {unpriced_names},
           sum(m_count) AS count,
           sum(m_predict) AS predict_micro,
           sum(m_cost) AS cost_micro,
           sum(m_unpriced) AS unpriced_count,
           sum(m_lower_n) AS lower_bound_count,
           sum(m_lower_cost) AS lower_bound_micro,
           sum(m_priced) AS priced_count,
           sum(m_estimated) AS estimated_micro,
           sum(m_low) AS unpriced_low_micro,
           sum(m_high) AS unpriced_high_micro,
           sum(m_unbounded) AS unbounded_count,
           sum(m_quarantined) AS quarantined_count,
           sum(m_unknown_floor) AS unknown_floor_count
    FROM scoped
    GROUP BY ALL
)
SELECT {outer_columns},
       unpriced_code, {unpriced_subject} AS unpriced_subject,
       sum(count)::BIGINT AS count,
       sum(predict_micro) AS predict_micro,
       replicost_usd(sum(cost_micro)) AS cost_usd,
       sum(unpriced_count)::BIGINT AS unpriced_count,
       sum(lower_bound_count)::BIGINT AS lower_bound_count,
       replicost_usd(sum(lower_bound_micro)) AS lower_bound_cost,
       sum(priced_count)::BIGINT AS priced_count,
       replicost_usd(sum(estimated_micro)) AS estimated_usd,
       replicost_usd(sum(unpriced_low_micro)) AS unpriced_low,
       replicost_usd(sum(unpriced_high_micro)) AS unpriced_high,
       sum(unbounded_count)::BIGINT AS unbounded_count,
       sum(quarantined_count)::BIGINT AS quarantined_count,
       sum(unknown_floor_count)::BIGINT AS unknown_floor_count
FROM grouped
GROUP BY ALL
