-- unpriced_records: the records that have no price, newest first, with what to add to price them.
--
-- Template slot {where} is filled from reports.py's filter clauses; values are bound parameters
-- (plus $limit).
--
-- Row shape:
--   kind, id, model, version, deployment, status  VARCHAR
--   created_at      VARCHAR   ISO 8601 in UTC (text, so no time zone library is needed to read it)
--   predict_time    DOUBLE
--   reason          VARCHAR   what is missing and where to add it
SELECT kind, id, model, version, deployment, status,
       strftime(timezone('UTC', created_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS created_at,
       predict_time, reason
FROM priced_records
WHERE basis = 'unpriced' AND {where}
ORDER BY priced_records.created_at DESC, id
LIMIT $limit
