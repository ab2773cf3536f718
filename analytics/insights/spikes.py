"""Spikes: days whose spend is far above its own recent level, and versions that run slower.

The rule, per series (one model, one deployment or one source) and UTC day in the period: take the
series' daily spend over the previous 28 days (days without records count as $0, from the series'
first record on; at least 14 such days are needed), its median M and its median absolute
deviation D, scaled by 1.4826 to compare with a standard deviation (when D is 0, the mean absolute
deviation from M, scaled by 1.2533, stands in). A day is a spike when its spend exceeds
M + 6 x scale, is at least 3 x M, exceeds M by at least MIN_EXCESS_USD, and is more than twice
the highest day of those 28 (a series that spends in lumps, such as occasional trainings, would
otherwise flag every lump). Medians ignore the odd expensive day that a mean would chase.
Predictions only: a training is a job started on purpose whose cost comes in one lump of dollars,
so a day with one is no anomaly (trainings' waste and hardware still show in the other insights). A source spike
that a model or deployment spike of the same day already explains (half its excess or more) is
not repeated.

A version change is flagged when a model's new version (first seen in the period, per-second
billing) has a mean predict time of succeeded runs at least 1.5 x that of the version before it,
with at least 10 such runs each; the dollars are the new version's cost in the period times the
share of its time the slowdown accounts for (an estimate).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import duckdb

from .base import Insight, Period, in_period_sql, usd, usd_kind

WINDOW_DAYS = 28
MIN_HISTORY_DAYS = 14
THRESHOLD_SCALES = 6
MIN_RATIO = 3
MAX_RATIO = 2
MIN_EXCESS_USD = Decimal(1)
SLOWDOWN_RATIO = 1.5
MIN_TIMED_RUNS = 10
RULE = (
    f"daily spend > median + {THRESHOLD_SCALES} x 1.4826 x MAD of the previous {WINDOW_DAYS} days "
    f"(mean absolute deviation x 1.2533 when the MAD is 0), >= {MIN_RATIO} x the median and "
    f">= ${MIN_EXCESS_USD} above it, and > {MAX_RATIO} x the highest of those days"
)

# Shape: one row per flagged (dimension, value, day): spend, baseline median, scale, history.
SPIKES_SQL = f"""
WITH daily AS (
    SELECT 'model' AS dimension, model AS value, day, sum(cost_usd) AS usd,
           bool_and(cost_kind = 'exact') AS all_exact, sum(records) AS records
    FROM insight_facts WHERE model IS NOT NULL AND cost_usd IS NOT NULL AND kind = 'prediction'
    GROUP BY ALL
    UNION ALL
    SELECT 'deployment', deployment, day, sum(cost_usd), bool_and(cost_kind = 'exact'), sum(records)
    FROM insight_facts WHERE deployment IS NOT NULL AND cost_usd IS NOT NULL AND kind = 'prediction'
    GROUP BY ALL
    UNION ALL
    SELECT 'source', source, day, sum(cost_usd), bool_and(cost_kind = 'exact'), sum(records)
    FROM insight_facts WHERE source IS NOT NULL AND cost_usd IS NOT NULL AND kind = 'prediction'
    GROUP BY ALL
),
bounds AS (
    SELECT dimension, value, min(day) AS first_day, max(day) AS newest_day FROM daily GROUP BY ALL
),
dense AS (   -- every day of each series from its first record (or 28 days before the period)
    SELECT b.dimension, b.value, CAST(unnest(range(
               CAST(greatest(b.first_day, $history_from) AS TIMESTAMP),
               CAST(least(b.newest_day, $last_day) AS TIMESTAMP) + INTERVAL 1 DAY,
               INTERVAL 1 DAY)) AS DATE) AS day
    FROM bounds b
    WHERE b.newest_day >= $first_day
),
series AS (
    SELECT d.dimension, d.value, d.day, coalesce(daily.usd, 0)::DOUBLE AS usd_double,
           daily.usd, coalesce(daily.all_exact, TRUE) AS all_exact, coalesce(daily.records, 0) AS records
    FROM dense d LEFT JOIN daily USING (dimension, value, day)
),
windowed AS (   -- native windowed aggregates for every day: cheap, and enough to rule most out
    SELECT *, median(usd_double) OVER w AS baseline, max(usd_double) OVER w AS highest,
           count(*) OVER w AS history_days
    FROM series
    WINDOW w AS (PARTITION BY dimension, value ORDER BY day
                 ROWS BETWEEN {WINDOW_DAYS} PRECEDING AND 1 PRECEDING)
),
candidates AS (
    SELECT * FROM windowed
    WHERE {in_period_sql()} AND usd IS NOT NULL AND history_days >= {MIN_HISTORY_DAYS}
      AND usd_double >= {MIN_RATIO} * baseline
      AND usd_double > {MAX_RATIO} * highest
      AND usd_double - baseline >= {float(MIN_EXCESS_USD)}
),
scaled AS (   -- the deviations from the median, for the few candidates only
    SELECT c.dimension, c.value, c.day, any_value(c.usd) AS usd, any_value(c.usd_double) AS usd_double,
           any_value(c.all_exact) AS all_exact, any_value(c.records) AS records,
           any_value(c.baseline) AS baseline, any_value(c.history_days) AS history_days,
           median(abs(h.usd_double - c.baseline)) AS mad,
           avg(abs(h.usd_double - c.baseline)) AS mean_deviation
    FROM candidates c
    JOIN series h ON h.dimension = c.dimension AND h.value = c.value
     AND h.day >= c.day - {WINDOW_DAYS} AND h.day < c.day
    GROUP BY c.dimension, c.value, c.day
)
SELECT dimension, value, day, usd, all_exact, records, baseline, mad, history_days,
       CASE WHEN mad > 0 THEN 1.4826 * mad ELSE 1.2533 * mean_deviation END AS scale
FROM scaled
WHERE usd_double > baseline + {THRESHOLD_SCALES} * CASE WHEN mad > 0 THEN 1.4826 * mad
                                                       ELSE 1.2533 * mean_deviation END
"""

# Shape: the first record of one series on one UTC day (the column is chosen from a whitelist).
FIRST_RECORD_SQL = """
SELECT id, created_at, model, version FROM (
    SELECT id, created_at, model, version, deployment, source FROM predictions
    WHERE created_at >= $day_start AND created_at < $day_end
    UNION ALL
    SELECT id, created_at, model, version, deployment, source FROM trainings
    WHERE created_at >= $day_start AND created_at < $day_end
) WHERE {column} = $value ORDER BY created_at, id LIMIT 1
"""

# Shape: the version that cost the most in one series on one day.
TOP_VERSION_SQL = """
SELECT version, sum(records) AS records, sum(cost_usd) AS usd FROM insight_facts
WHERE day = $day AND {column} = $value GROUP BY version ORDER BY usd DESC NULLS LAST, version LIMIT 1
"""

# Shape: per-second models' versions in order of first use: runs and mean predict time of the
# succeeded ones, and the cost in the period.
VERSIONS_SQL = f"""
SELECT model, version, min(day) AS first_day, any_value(hardware) AS hardware,
       sum(timed_ok) AS timed_runs, sum(seconds_ok) / nullif(sum(timed_ok), 0) AS mean_seconds,
       sum(cost_usd) FILTER (WHERE {in_period_sql()}) AS period_usd,
       bool_and(cost_kind = 'exact') FILTER (WHERE {in_period_sql()}) AS all_exact
FROM insight_facts
WHERE model IS NOT NULL AND version IS NOT NULL AND basis = 'per_second' AND kind = 'prediction'
GROUP BY model, version
ORDER BY model, first_day, version
"""

_COLUMNS = {"model": "model", "deployment": "deployment", "source": "source"}


def find(con: duckdb.DuckDBPyConnection, period: Period, evidence_limit: int = 50) -> list[Insight]:
    """`spike` insights: spend spikes per model, deployment and source, then slower versions."""
    params = period.day_params()
    params["history_from"] = params["first_day"] - dt.timedelta(days=WINDOW_DAYS + 1)
    rows = con.execute(SPIKES_SQL, params).fetchall()
    columns = [d[0] for d in con.description]
    spikes = [dict(zip(columns, row, strict=True)) for row in rows]
    spikes = _drop_explained_sources(spikes)
    spikes.sort(key=lambda s: (-(s["usd"] - Decimal(repr(s["baseline"]))), s["day"], s["value"]))
    found = [_spike(con, spike) for spike in spikes[:evidence_limit]]
    return found + _slower_versions(con, period)


def _excess(spike: dict[str, Any]) -> Decimal:
    return spike["usd"] - Decimal(repr(spike["baseline"])).quantize(Decimal("0.000001"))


def _drop_explained_sources(spikes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    explained: dict[Any, Decimal] = {}
    for spike in spikes:
        if spike["dimension"] != "source":
            explained[spike["day"]] = explained.get(spike["day"], Decimal(0)) + _excess(spike)
    return [
        s
        for s in spikes
        if s["dimension"] != "source" or explained.get(s["day"], Decimal(0)) * 2 < _excess(s)
    ]


def _spike(con: duckdb.DuckDBPyConnection, spike: dict[str, Any]) -> Insight:
    column = _COLUMNS[spike["dimension"]]
    day = spike["day"]
    start = dt.datetime.combine(day, dt.time(), dt.UTC)
    params = {"day_start": start, "day_end": start + dt.timedelta(days=1), "value": spike["value"]}
    first = con.execute(FIRST_RECORD_SQL.format(column=column), params).fetchone()
    top = con.execute(
        TOP_VERSION_SQL.format(column=column), {"day": day, "value": spike["value"]}
    ).fetchone()
    excess = _excess(spike)
    baseline = Decimal(repr(spike["baseline"])).quantize(Decimal("0.000001"))
    evidence = {
        "dimension": spike["dimension"], spike["dimension"]: spike["value"], "day": day,
        "day_usd": spike["usd"], "records": int(spike["records"]),
        "baseline_median_usd": baseline, "mad_usd": round(spike["mad"], 6),
        "threshold_usd": round(spike["baseline"] + THRESHOLD_SCALES * spike["scale"], 6),
        "history_days": spike["history_days"], "rule": RULE,
        "first_record": None if first is None else {
            "id": first[0], "created_at": first[1], "model": first[2], "version": first[3]},
        "version_in_use": None if top is None else top[0],
    }  # fmt: skip
    ratio = f"{float(spike['usd']) / spike['baseline']:.0f}x" if spike["baseline"] else "from ~$0"
    title = (
        f"{spike['dimension']} {spike['value']} spent {usd(spike['usd'])} on {day} against a "
        f"median {usd(baseline)}/day ({ratio})"
    )
    when = f" from {first[1]:%H:%M} UTC (first record {first[0]})" if first else ""
    action = (
        f"Find what ran {spike['value']} on {day}{when}"
        + (f", version {str(top[0])[:12]}" if top and top[0] else "")
        + ": a loop, a retry storm or a batch job; add a budget check to catch the next one early."
    )
    return Insight("spike", title, excess, usd_kind(spike["all_exact"]), evidence, action)


def _slower_versions(con: duckdb.DuckDBPyConnection, period: Period) -> list[Insight]:
    rows = con.execute(VERSIONS_SQL, period.day_params()).fetchall()
    found = []
    for before, after in zip(rows, rows[1:], strict=False):
        if before[0] != after[0] or after[6] is None:
            continue
        if period.first_day is not None and after[2] < period.first_day:
            continue
        if min(before[4] or 0, after[4] or 0) < MIN_TIMED_RUNS or not before[5]:
            continue
        ratio = after[5] / before[5]
        if ratio >= SLOWDOWN_RATIO:
            found.append(_slower(before, after, ratio))
    return found


def _slower(before: tuple, after: tuple, ratio: float) -> Insight:
    model, version, first_day, hardware, runs, mean, period_usd, _ = after
    extra = (period_usd * Decimal(repr(1 - 1 / ratio))).quantize(Decimal("0.000001"))
    evidence = {
        "model": model,
        "version": version, "first_seen": first_day, "hardware": hardware,
        "mean_predict_seconds": round(mean, 3), "succeeded_runs": int(runs),
        "previous_version": before[1], "previous_hardware": before[3],
        "previous_mean_predict_seconds": round(before[5], 3), "previous_succeeded_runs": int(before[4]),
        "slowdown": round(ratio, 2), "version_usd_in_period": period_usd,
        "rule": f"mean predict time of succeeded runs >= {SLOWDOWN_RATIO} x the previous version's",
    }  # fmt: skip
    title = (
        f"{model} version {version[:12]} (from {first_day}) runs {ratio:.1f}x longer than "
        f"{before[1][:12]}: about {usd(extra)} extra"
    )
    hardware_note = (
        "" if hardware == before[3] else f" (hardware changed {before[3]} -> {hardware})"
    )
    action = (
        f"Compare {model} {version[:12]} with {before[1][:12]}{hardware_note}; pin the faster "
        "version until the slowdown is explained."
    )
    # a counterfactual (the same runs at the old speed), so an estimate whatever the records' kind
    return Insight("spike", title, extra, "estimated", evidence, action)
