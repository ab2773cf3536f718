"""Where the money leaks: billed waste, idle deployments, spikes, what-if hardware, unpriced gaps.

`insights(db, since=..., until=..., top=N)` returns an `InsightsReport`: every finding of the
period as an `Insight` (kind, title, dollars with their kind, evidence, action), sorted by dollars.
Each finder lives in its own module and states its rule in its docstring; `report insights` and the
summary's top lines only format what this returns.

The JSON contract of `InsightsReport.to_dict()` (`report insights --format json`, with
`"schema_version"` first) is the JSON Schema `replicost/schemas/insights.json`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from replicost.analytics.reports import Filters, priced_connection
from replicost.errors import InputError

from . import hardware, idle, spikes, unpriced, waste
from .base import KINDS, USD_KINDS, Insight, Period
from .facts import load_facts

DEFAULT_TOP = 10
FINDERS = (waste.find, idle.find, spikes.find, hardware.find, unpriced.find)


@dataclass(frozen=True)
class InsightsReport:
    """The period's insights, largest dollars first (at most `top` of them when given)."""

    insights: list[Insight]
    filters: Filters
    top: int | None
    found: int  # before `top` kept the largest

    def to_dict(self) -> dict[str, Any]:
        filters: dict[str, Any] = self.filters.to_dict()
        if self.top is not None:
            filters["top"] = self.top
        return {
            "currency": "USD",
            "insights": [insight.to_dict() for insight in self.insights],
            "filters": filters,
        }


def insights(
    db: str | Path | duckdb.DuckDBPyConnection,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    top: int | None = DEFAULT_TOP,
    pricing_file: str | Path | None = None,
    config: Any = None,
    kinds: tuple[str, ...] = KINDS,
) -> InsightsReport:
    """Every insight of the period [since, until] (inclusive UTC days), largest dollars first."""
    if top is not None and top < 1:
        raise InputError("--top must be at least 1")
    filters = Filters(since=since, until=until)
    start, end = filters.utc_bounds()
    period = Period(start, end, since, until)
    found: list[Insight] = []
    with priced_connection(db, pricing_file=pricing_file, config=config) as con:
        load_facts(con, period)
        for finder in FINDERS:
            found.extend(i for i in finder(con, period) if i.kind in kinds)
    found.sort(key=lambda i: (-i.usd, KINDS.index(i.kind), i.title))
    kept = found if top is None else found[:top]
    return InsightsReport(kept, filters, top, len(found))


def headlines(
    db: str | Path | duckdb.DuckDBPyConnection,
    *,
    now: dt.datetime,
    count: int = 3,
    days: int = 30,
    pricing_file: str | Path | None = None,
    config: Any = None,
) -> list[Insight]:
    """The `count` largest insights of the `days` UTC days ending with `now` (the summary's lines)."""
    today = now.astimezone(dt.UTC).date()
    report = insights(
        db,
        since=today - dt.timedelta(days=days - 1),
        until=today,
        top=count,
        pricing_file=pricing_file,
        config=config,
    )
    return report.insights


__all__ = [
    "DEFAULT_TOP",
    "KINDS",
    "USD_KINDS",
    "Insight",
    "InsightsReport",
    "headlines",
    "insights",
]
