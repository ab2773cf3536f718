-- spend_by: spend grouped by the requested dimensions, the grand total and the unpriced reasons,
-- all from one scan of `priced_records` (GROUPING SETS), so totals can never disagree with rows.
--
-- Template slots (filled by reports.py from fixed whitelists only, never from user text):
--   {dimension_columns}  e.g. "model AS d0, CAST(timezone($tz, created_at) AS DATE) AS d1"
--   {dimension_names}    e.g. "d0, d1"
--   {where}              e.g. "created_at >= $since_utc AND model GLOB $model"
-- Every value (dates, globs, time zone, tag rules) is a bound named parameter.
--
-- Row shape:
--   d0 .. dN            VARCHAR   one column per dimension (NULL in the total and reason rows)
--   unpriced_reason     VARCHAR   set only in reason rows
--   row_kind            VARCHAR   'group' | 'total' | 'reason'
--   count               BIGINT    records
--   predict_seconds     DECIMAL(38,6)
--   cost_usd            DECIMAL(38,6)  exact sum of per-record micro-dollar costs; unpriced add 0
--   unpriced_count      BIGINT    records whose basis is 'unpriced'
WITH scoped AS (
    SELECT {dimension_columns},
           CASE WHEN basis = 'unpriced' THEN coalesce(reason, '(no reason recorded)') END
               AS unpriced_reason,
           CAST(predict_time AS DECIMAL(18, 6)) AS predict_seconds,
           cost_usd,
           basis
    FROM priced_records
    WHERE {where}
)
SELECT {dimension_names},
       unpriced_reason,
       CASE
           WHEN GROUPING(unpriced_reason) = 0 THEN 'reason'
           WHEN GROUPING({first_dimension}) = 1 THEN 'total'
           ELSE 'group'
       END AS row_kind,
       count(*) AS count,
       coalesce(sum(predict_seconds), 0) AS predict_seconds,
       coalesce(sum(cost_usd), 0) AS cost_usd,
       count(*) FILTER (WHERE basis = 'unpriced') AS unpriced_count
FROM scoped
GROUP BY GROUPING SETS (({dimension_names}), (), (unpriced_reason))
