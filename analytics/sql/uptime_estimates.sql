-- uptime_estimates: always-on deployment cost estimates (min_instances > 0) for the report's days.
-- These are estimates from the observed releases, never part of the record totals.
--
-- Template slot {where} is filled from a fixed whitelist; values are bound named parameters
-- ($since_day, $until_day DATE; $deployment glob; $account).
--
-- Row shape:
--   deployment      VARCHAR
--   hardware        VARCHAR
--   days            BIGINT         days with an always-on instance in the range
--   uptime_seconds  DOUBLE         instance-seconds (min_instances x seconds up)
--   cost_usd        DECIMAL(38,6)
SELECT deployment,
       hardware,
       count(DISTINCT day) AS days,
       coalesce(sum(uptime_seconds), 0) AS uptime_seconds,
       coalesce(sum(cost_usd), 0) AS cost_usd
FROM deployment_uptime_costs
WHERE {where}
GROUP BY deployment, hardware
HAVING coalesce(sum(cost_usd), 0) > 0
ORDER BY cost_usd DESC, deployment, hardware
