"""Billed waste: what failed, canceled and aborted records cost, one insight per model.

Replicate bills the time a prediction ran whatever its outcome, so a failure that ran for a minute
costs a minute. The share is of the model's whole bill in the period: its records and the always-on
top-ups of the deployments that run it. Every priced record with one of those statuses and a cost above zero counts, once:
the insights' dollars add up to all billed waste in the period. Errors are grouped into classes
(first sentence of the text, numbers as N), so "out of memory, tried to allocate 2.00 GiB" and
"... 4.00 GiB" are one class.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb

from .base import Insight, Period, in_period_sql, usd, usd_kind

NO_MODEL = "(no model)"

# The deployments' top-ups per (model, day) of the period, as the bill counts them (bill_sql's
# deployment rule: per deployment and UTC day, its always-on floor above its predictions' cost,
# on the model of the release in effect at the end of the day, else its earliest release's).
TOPUPS_SQL = f"""
WITH floors AS (
    SELECT deployment, day, sum(cost_usd) AS floor_usd FROM deployment_uptime_costs
    WHERE {in_period_sql()} AND cost_usd IS NOT NULL GROUP BY ALL
),
active AS (
    SELECT deployment, day, sum(cost_usd) AS active_usd FROM insight_facts
    WHERE {in_period_sql()} AND basis = 'per_second' AND deployment IS NOT NULL GROUP BY ALL
),
topups AS (
    SELECT f.deployment, f.day, greatest(f.floor_usd - coalesce(a.active_usd, 0), 0) AS topup_usd
    FROM floors f LEFT JOIN active a ON a.deployment = f.deployment AND a.day = f.day
)
SELECT coalesce(r.model, (SELECT arg_min(e.model, e.number) FROM replicost_deployment_releases e
                          WHERE e.deployment = t.deployment)) AS model,
       t.topup_usd
FROM topups t
ASOF LEFT JOIN replicost_deployment_releases r
  ON r.deployment = t.deployment AND r.effective_from <= CAST(t.day + 1 AS TIMESTAMP)
WHERE t.topup_usd > 0
"""

# Shape: one row per (model, version, status, error class) of the period's billed waste, with the
# model's whole bill in the period beside it (for the share): its records and its deployments'
# top-ups above them.
WASTE_SQL = f"""
WITH spend AS (
    SELECT model, sum(usd) AS model_usd FROM (
        SELECT coalesce(model, '{NO_MODEL}') AS model, cost_usd AS usd
        FROM insight_facts WHERE {in_period_sql()}
        UNION ALL
        SELECT coalesce(model, '{NO_MODEL}'), topup_usd FROM ({TOPUPS_SQL})
    ) GROUP BY 1
)
SELECT coalesce(f.model, '{NO_MODEL}') AS model, f.version, f.status, f.error_class,
       sum(f.records) AS records, sum(f.cost_usd) AS cost_usd, sum(f.seconds)::DOUBLE AS seconds,
       bool_and(f.cost_kind = 'exact') AS all_exact, min(f.day) AS first_day, max(f.day) AS last_day,
       any_value(s.model_usd) AS model_usd
FROM insight_facts f JOIN spend s ON s.model = coalesce(f.model, '{NO_MODEL}')
WHERE {in_period_sql("f.day")} AND f.status IN ('failed', 'canceled', 'aborted') AND f.cost_usd > 0
GROUP BY ALL
"""

# What to do about an error class, by a word it contains (first match wins).
_ADVICE = (
    (
        "out of memory",
        "runs out of GPU memory: send smaller inputs or move it to hardware with more memory",
    ),
    (
        "validation",
        "is rejected for its inputs after billing starts: validate inputs before calling",
    ),
    ("nsfw", "trips the safety filter: screen prompts before calling"),
    (
        "interrupted",
        "was interrupted: retry with backoff, and ask Replicate support about billed interruptions",
    ),
    ("setup", "failed to set up: check the version's setup or pin a version that boots"),
    (
        "(canceled)",
        "was canceled after it started: cancel sooner (a deadline) or stop retrying duplicates",
    ),
    ("(aborted)", "was aborted: check deadlines and the inputs that hit them"),
)


def find(con: duckdb.DuckDBPyConnection, period: Period) -> list[Insight]:
    """One `waste` insight per model with billed failed/canceled/aborted records."""
    rows = con.execute(WASTE_SQL, period.day_params()).fetchall()
    columns = [d[0] for d in con.description]
    by_model: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        record = dict(zip(columns, row, strict=True))
        by_model.setdefault(record["model"], []).append(record)
    return [_insight(model, groups) for model, groups in sorted(by_model.items())]


def _classes(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    classes: dict[str, dict[str, Any]] = {}
    for group in groups:
        entry = classes.setdefault(
            group["error_class"], {"error_class": group["error_class"], "records": 0,
                                   "usd": Decimal(0), "seconds": 0.0},
        )  # fmt: skip
        entry["records"] += int(group["records"])
        entry["usd"] += group["cost_usd"]
        entry["seconds"] += float(group["seconds"])
    ordered = sorted(classes.values(), key=lambda c: (-c["usd"], c["error_class"]))
    for entry in ordered:
        entry["seconds"] = round(entry["seconds"], 3)
    return ordered


def _versions(groups: list[dict[str, Any]], total: Decimal) -> list[dict[str, Any]]:
    versions: dict[str, dict[str, Any]] = {}
    for group in groups:
        name = group["version"] or "(none)"
        entry = versions.setdefault(name, {"version": name, "records": 0, "usd": Decimal(0)})
        entry["records"] += int(group["records"])
        entry["usd"] += group["cost_usd"]
    ordered = sorted(versions.values(), key=lambda v: (-v["usd"], v["version"]))
    for entry in ordered:
        entry["share_of_waste_pct"] = round(float(entry["usd"] / total * 100), 1) if total else 0.0
    return ordered


def _insight(model: str, groups: list[dict[str, Any]]) -> Insight:
    total = sum((g["cost_usd"] for g in groups), Decimal(0))
    records = sum(int(g["records"]) for g in groups)
    model_usd = groups[0]["model_usd"] or Decimal(0)
    share = round(float(total / model_usd * 100), 1) if model_usd else 0.0
    classes = _classes(groups)
    versions = _versions(groups, total)
    statuses: dict[str, int] = {}
    for group in groups:
        statuses[group["status"]] = statuses.get(group["status"], 0) + int(group["records"])
    evidence = {
        "model": model,
        "records": records,
        "seconds": round(sum(float(g["seconds"]) for g in groups), 3),
        "by_status": dict(sorted(statuses.items())),
        "model_spend_usd": model_usd,
        "share_of_model_spend_pct": share,
        "first_day": min(g["first_day"] for g in groups),
        "last_day": max(g["last_day"] for g in groups),
        "error_classes": classes[:5],
        "versions": versions[:3],
    }
    top = classes[0]
    title = (
        f"{model}: {usd(total)} billed for {records:,} failed, canceled or aborted runs "
        f"({share}% of its spend)"
    )
    return Insight("waste", title, total, usd_kind(all(g["all_exact"] for g in groups)),
                   evidence, _action(model, top, versions))  # fmt: skip


def _action(model: str, top: dict[str, Any], versions: list[dict[str, Any]]) -> str:
    error_class = top["error_class"]
    advice = next(
        (text for word, text in _ADVICE if word in error_class.lower()),
        f"fails with '{error_class}': fix that cause before calling it again",
    )
    action = f"The largest class, '{error_class}' ({top['records']:,} runs, {usd(top['usd'])}), {advice}."
    worst = versions[0]
    if len(versions) > 1 and worst["share_of_waste_pct"] >= 60 and worst["records"] >= 5:
        action += (
            f" Version {worst['version'][:12]} accounts for {worst['share_of_waste_pct']}% of this "
            f"waste: pin {model} to an earlier version."
        )
    return action
