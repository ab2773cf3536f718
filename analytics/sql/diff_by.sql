-- diff_by: one side of `report diff`: the bill items of one period grouped by the requested
-- dimensions and, inside each group, by meter (what a quantity is priced on), in one scan of
-- `bill_amounts` (money in whole micro-dollars, as `spend_by` adds it, so a side's total is the
-- spend report's total for the same period to the micro-dollar).
--
-- Template slots (filled by diff.py from fixed whitelists only, never from user text):
--   {dimension_columns}  the dimensions as d0 .. dN (VARCHAR)
--   {where}              filter clauses such as "created_at >= $since_utc" (bound parameters)
--
-- Row shape:
--   d0 .. dN        VARCHAR  one column per dimension, in the order asked
--   family          VARCHAR  the unit a quantity is counted in: 'second' (per-second records, any
--                            hardware), 'image' or 'token' (per-output records), 'uptime_day'
--                            (a deployment-day's always-on top-up); NULL for unpriced records
--   meter           VARCHAR  what the family's quantity is priced on: the hardware SKU (seconds,
--                            top-ups) or the model (per-output prices); NULL when unknown
--   reason_code     VARCHAR  the unpriced reason's code (NULL for priced items)
--   reason_subject  STRUCT   what it names (billing/reasons.py renders both)
--   count           BIGINT   records (a top-up is an item, not a record)
--   items           BIGINT   bill items
--   cost_micro      HUGEINT  exact sum of the priced items' micro-dollars (NULL: none priced)
--   quantity        HUGEINT  the priced items' quantity: microseconds of billed time, images or
--                            tokens counted, or top-up days
WITH scoped AS (
    SELECT {dimension_columns},
           CASE basis WHEN 'per_second' THEN 'second' WHEN 'per_unit' THEN unit
                      WHEN 'uptime' THEN 'uptime_day' END AS family,
           CASE basis WHEN 'per_unit' THEN model WHEN 'unpriced' THEN NULL ELSE hardware END AS meter,
           reason_code, reason_subject, records, cost_micro,
           CASE WHEN cost_micro IS NULL THEN NULL
                WHEN basis = 'per_second' THEN seconds_micro
                WHEN basis = 'per_unit' THEN CAST(units AS BIGINT)
                ELSE 1 END AS quantity
    FROM bill_amounts
    WHERE {where}
)
SELECT * EXCLUDE (records, cost_micro, quantity),
       sum(records)::BIGINT AS count,
       count(*)::BIGINT AS items,
       sum(cost_micro) AS cost_micro,
       sum(quantity) AS quantity
FROM scoped
GROUP BY ALL
