-- unknown_floors: per deployment, the time of a report whose always-on floor is unknown (the
-- `unknown_floor` bill items the report's filters select, back to the instants they cover).
--
-- Template slot {where} is filled from reports.py's filter clauses over bill items; values are
-- bound parameters ($cut_from, $cut_to: the report's first and last instants, or NULL).
--
-- Row shape:
--   deployment     VARCHAR
--   from, to       TIMESTAMPTZ    the first and last instant of unknown floor in the report
--   seconds        DOUBLE         how long that is (gaps between stretches left out)
--   counted_from   VARCHAR        'release' (a gap after an observed release), 'first_record' or
--                                 'account_first_record' (since when it existed is unknown)
--   reason         VARCHAR        the items' reason (the earliest stretch's)
--   since          TIMESTAMPTZ    where the earliest of those stretches starts (what a
--                                 [deployments] line must state the history from to close them)
WITH selected AS (
    SELECT deployment, CAST(timezone('UTC', created_at) AS DATE) AS day, reason
    FROM bill_items
    WHERE kind = 'unknown_floor' AND {where}
),
pieces AS (
    SELECT d.deployment, d.counted_from, s.reason, d.stretch_from,
           greatest(d.unknown_from, coalesce($cut_from, d.unknown_from)) AS piece_from,
           least(d.unknown_to, coalesce($cut_to, d.unknown_to)) AS piece_to
    FROM replicost_unknown_floor_days d
    JOIN selected s ON s.deployment = d.deployment AND s.day = d.day
)
SELECT deployment, min(piece_from), max(piece_to),
       sum(epoch(piece_to) - epoch(piece_from)) AS seconds,
       arg_min(counted_from, piece_from), arg_min(reason, piece_from), min(stretch_from)
FROM pieces
WHERE piece_to > piece_from
GROUP BY deployment
ORDER BY deployment
