"""What every insight is made of, and the one scan of the priced records that the finders share.

An insight is one finding with the dollars it is about, the evidence behind them and what to do.
The dollars carry a kind, as every figure of the bill does (`cost_kind` of the cost views):
`exact` (records priced per second on known hardware or per unit at known prices), `estimated`
(deployments, private models' active time, hardware from the shipped map, seconds from timestamps;
and the insights' counterfactuals built from recorded facts) or `what-if` (a bound under stated
assumptions, not a promise).

Speed: every finder but the idle-deployment one reads `insight_facts`, a TEMP table that one scan
of `priced_amounts` (priced_records with the money in integers) fills with per-day aggregates (a few hundred thousand rows for ten million
records), so pricing the records, the expensive part, happens once per report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from replicost.analytics.costs import grouped_labels
from replicost.analytics.reports import money_str

KINDS = ("waste", "idle-deployment", "spike", "what-if-hardware", "unpriced")
USD_KINDS = ("exact", "estimated", "what-if")
WASTE_STATUSES = ("failed", "canceled", "aborted")  # = costs.NO_OUTPUT_STATUSES (status_class 2)


@dataclass(frozen=True)
class Insight:
    """One finding: `usd` (a Decimal) of `usd_kind`, the evidence behind it, and what to do."""

    kind: str
    title: str
    usd: Decimal
    usd_kind: str
    evidence: dict[str, Any]
    action: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS or self.usd_kind not in USD_KINDS:
            raise ValueError(f"unknown insight kind {self.kind!r} / {self.usd_kind!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "usd": money_str(self.usd),
            "usd_kind": self.usd_kind,
            "evidence": _plain(self.evidence),
            "action": self.action,
        }


def _plain(value: Any) -> Any:
    """Evidence as JSON values: money as six-decimal strings, dates as ISO text."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return money_str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Period:
    """The report's period as UTC instants [start, end) and inclusive UTC days (None: open)."""

    start: dt.datetime | None
    end: dt.datetime | None
    first_day: dt.date | None
    last_day: dt.date | None

    def day_params(self) -> dict[str, Any]:
        """Bound parameters for SQL over days: $first_day, $last_day (open ends as far dates)."""
        return {
            "first_day": self.first_day or dt.date(1, 2, 1),
            "last_day": self.last_day or dt.date(9999, 12, 31),
        }


def usd_kind(all_exact: bool) -> str:
    return "exact" if all_exact else "estimated"


def usd(value: Decimal) -> str:
    """Dollars for a sentence: cents, or more digits below a cent."""
    if value and abs(value) < Decimal("0.01"):
        return f"${value:.6f}".rstrip("0")
    return f"${value:,.2f}"


# Similar error texts as one class: the first line and sentence, numbers as N, at most 80 chars.
ERROR_CLASS_SQL = r"""CASE status
    WHEN 'canceled' THEN '(canceled)' WHEN 'aborted' THEN '(aborted)'
    ELSE coalesce(nullif(trim(left(regexp_replace(regexp_replace(
             split_part(split_part(coalesce(error, ''), chr(10), 1), '. ', 1),
             '[0-9]+([.,][0-9]+)*', 'N', 'g'), '\s+', ' ', 'g'), 80)), ''), '(no error text)')
END"""

# Shape: one row per (kind, model, version, deployment, source, status, hardware, basis, reason,
# cost kind on the bill, error class, UTC day) of the records created before the period's end (all
# history: spikes need the 28 days before the period, version changes the versions before it).
# `seconds` are billable seconds (predict_time, else completed_at - started_at); `seconds_ok` and
# `timed_ok` the predict_time of succeeded runs; `unpriced_*_usd` the bill's range of unpriced ones.
# Speed: the scan reads the unlabelled pricing steps (`*_costs_steps`) and groups them by an integer
# day, a waste record's error text as it is, and every input of the bill's labels (flags, the price
# segment's hardware and reason); the labels (costs.grouped_labels, the same SQL the priced views
# use per record) and the error class (two regular expressions) are then computed once per group,
# on a few hundred thousand rows instead of ten million records.
_SCAN = """
WITH steps AS (
    SELECT 'prediction' AS kind, * FROM prediction_costs_steps
    UNION ALL BY NAME
    SELECT 'training' AS kind, * FROM training_costs_steps
),
scanned AS (
    SELECT kind, version, source, {inputs},
           -- status_class 2: failed, canceled or aborted (WASTE_STATUSES), told without a string test
           status_class = 2 AS waste, CASE WHEN status_class = 2 THEN error END AS error,
           epoch_us(created_at) // 86400000000 AS day_number,
           count(*) AS records, sum(cost_micro) AS cost_micro, sum(seconds_micro) AS billable_micro,
           sum(predict_time) AS timed_seconds, count(predict_time) AS timed,
           sum(unpriced_low_micro) AS unpriced_low_micro, sum(unpriced_high_micro) AS unpriced_high_micro
    FROM steps
    WHERE created_at IS NOT NULL AND created_at < $end_utc
    GROUP BY ALL
),
labelled AS (
    SELECT kind, model, version, deployment, source, status, {labels},
           CASE WHEN waste THEN {error_class} END AS error_class, day_number,
           records, cost_micro, billable_micro, timed_seconds, timed, unpriced_low_micro,
           unpriced_high_micro
    FROM scanned
),
grouped AS (
    SELECT kind, model, version, deployment, source, status, hardware, basis, reason, cost_kind,
           error_class, day_number,
           sum(records)::BIGINT AS records, sum(cost_micro) AS cost_micro,
           sum(billable_micro) AS billable_micro, sum(timed_seconds) AS timed_seconds,
           sum(timed)::BIGINT AS timed, sum(unpriced_low_micro) AS unpriced_low_micro,
           sum(unpriced_high_micro) AS unpriced_high_micro
    FROM labelled
    GROUP BY ALL
)
SELECT kind, model, version, deployment, source, status, hardware, basis, reason, cost_kind, error_class,
       CAST(DATE '1970-01-01' + CAST(day_number AS INTEGER) AS DATE) AS day,
       records, replicost_usd(cost_micro) AS cost_usd,
       coalesce(billable_micro, 0)::DOUBLE / 1000000.0 AS seconds,
       replicost_usd(unpriced_low_micro) AS unpriced_low_usd,
       replicost_usd(unpriced_high_micro) AS unpriced_high_usd,
       CASE WHEN status = 'succeeded' THEN timed ELSE 0 END AS timed_ok,
       CASE WHEN status = 'succeeded' THEN timed_seconds END AS seconds_ok
FROM grouped
"""


def facts_sql() -> str:
    """The statement that fills `insight_facts` (bound parameter: $end_utc)."""
    inputs, labels = grouped_labels()
    scan = _SCAN.format(inputs=inputs, labels=labels, error_class=ERROR_CLASS_SQL)
    return "CREATE OR REPLACE TEMP TABLE insight_facts AS" + scan


def build_facts(con: duckdb.DuckDBPyConnection, period: Period) -> None:
    """Fill `insight_facts` for `period` (one scan of `priced_amounts`)."""
    end = period.end or dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
    con.execute(facts_sql(), {"end_utc": end})


def in_period_sql(column: str = "day") -> str:
    """A WHERE clause over a day column for the period's bound $first_day/$last_day parameters."""
    return f"{column} BETWEEN $first_day AND $last_day"
