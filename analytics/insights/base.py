"""What every insight is made of, and the one scan of the priced records that the finders share.

An insight is one finding with the dollars it is about, the evidence behind them and what to do.
The dollars carry a kind, as every figure of the bill does (`cost_kind` of the cost views):
`exact` (records priced per second on known hardware or per unit at known prices), `estimated`
(deployments, private models' active time, hardware from the shipped map, seconds from timestamps;
and the insights' counterfactuals built from recorded facts) or `what-if` (a bound under stated
assumptions, not a promise).

Every finder but the idle-deployment one reads `insight_facts`, the per-day aggregates of the
priced records that `facts.load_facts` fills (see there for how it stays fast).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from replicost.billing.money import money_str

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


def in_period_sql(column: str = "day") -> str:
    """A WHERE clause over a day column for the period's bound $first_day/$last_day parameters."""
    return f"{column} BETWEEN $first_day AND $last_day"
