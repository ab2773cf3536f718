"""`summary`: the state of the bill at an instant: month to date, trend, tops, forecast.

Every figure is the bill estimate (`spend` over `bill_items`): exact and estimated costs in the
sum, unpriced records beside it as a count and a range. `budget check` reads the same `Summary`,
so for the same instant, database and pricing the two commands agree to the micro-dollar.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from replicost.billing.money import MICRO, money_str
from replicost.billing.reasons import ReasonCount

from .connection import ConfigLike, Database, priced_connection
from .filters import Filters, zone
from .frames import frame
from .spend import SpendReport, Totals, _uptime, spend

if TYPE_CHECKING:
    import polars as pl

SPARK_BLOCKS = "▁▂▃▄▅▆▇█"
FORECAST_METHOD = (
    "month-to-date spend + mean daily spend of the last 7 complete days x days left in the month"
)


@dataclass(frozen=True)
class Summary:
    """The state of the bill at `now`: month to date, last month, 30-day trend, tops, forecast."""

    now: dt.datetime
    tz: str
    month: str
    month_to_date: Decimal  # the bill estimate of the month so far
    last_month: str
    last_month_total: Decimal
    # rows of day (ISO) and cost_usd (Decimal): 30 days ending today, zero-filled
    daily_rows: list[dict[str, Any]]
    top_model_rows: list[dict[str, Any]]  # model, count, cost_usd: last 30 days
    # deployment, count, cost_usd: last 30 days, predictions through a deployment
    top_deployment_rows: list[dict[str, Any]]
    records_30d: int
    unpriced_30d: int
    unpriced_reasons: list[ReasonCount]
    run_rate_daily: Decimal
    forecast_month_end: Decimal
    days_left: Decimal
    uptime_month_to_date: Decimal  # the deployments' always-on floors this month
    month_totals: Totals = field(default_factory=Totals)  # the bill of the month so far
    month_reasons: list[ReasonCount] = field(default_factory=list)
    topup_month_to_date: Decimal = Decimal(0)  # the floors' part above active time (in the bill)
    topup_run_rate_daily: Decimal = Decimal(0)  # its part of run_rate_daily
    # per deployment, the month's time whose always-on floor is unknown (no upper bound)
    month_unknown_floors: list[dict[str, Any]] = field(default_factory=list)
    forecast_method: str = FORECAST_METHOD

    @property
    def unpriced_share(self) -> float:
        return self.unpriced_30d / self.records_30d if self.records_30d else 0.0

    @property
    def sparkline(self) -> str:
        return sparkline([r["cost_usd"] for r in self.daily_rows])

    @cached_property
    def daily(self) -> pl.DataFrame:
        """`daily_rows` as polars, as are `top_models` and `top_deployments`."""
        return frame(self.daily_rows, {"day": "text", "cost_usd": "money"})

    @cached_property
    def top_models(self) -> pl.DataFrame:
        return frame(self.top_model_rows, _top_columns("model"))

    @cached_property
    def top_deployments(self) -> pl.DataFrame:
        return frame(self.top_deployment_rows, _top_columns("deployment"))

    def bill_dict(self) -> dict[str, Any]:
        """The bill estimate's keys, shared with `budget check --format json`."""
        totals = self.month_totals
        return {
            "month": self.month,
            "bill_estimate_usd": money_str(self.month_to_date),
            "estimated_usd": money_str(totals.estimated_usd),
            "unpriced_cost_usd": totals.to_dict()["unpriced_cost_usd"],
            "unbounded": totals.unbounded,
            "unknown_floors": self.month_unknown_floors,
            "unpriced_count": totals.unpriced_count,
            "quarantined_count": totals.quarantined_count,
            "projected_usd": money_str(self.forecast_month_end),
        }

    def to_dict(self) -> dict[str, Any]:
        def table(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
            return [
                {key: r[key], "count": r["count"], "cost_usd": money_str(r["cost_usd"])}
                for r in rows
            ]

        return {
            "currency": "USD",
            "now": self.now.isoformat(),
            "tz": self.tz,
            **self.bill_dict(),
            "month_to_date_usd": money_str(self.month_to_date),
            "last_month": self.last_month,
            "last_month_usd": money_str(self.last_month_total),
            "daily": [
                {"day": r["day"], "cost_usd": money_str(r["cost_usd"])} for r in self.daily_rows
            ],
            "top_models": table(self.top_model_rows, "model"),
            "top_deployments": table(self.top_deployment_rows, "deployment"),
            "unpriced": {
                "records_30d": self.records_30d,
                "unpriced_30d": self.unpriced_30d,
                "share": self.unpriced_share,
                "reasons": [r.to_dict() for r in self.unpriced_reasons],
            },
            "forecast": {
                "month_end_usd": money_str(self.forecast_month_end),
                "run_rate_daily_usd": money_str(self.run_rate_daily),
                "days_left": float(self.days_left),
                "method": self.forecast_method,
            },
            "uptime_estimate_month_to_date_usd": money_str(self.uptime_month_to_date),
        }


def sparkline(values: Sequence[Decimal | float]) -> str:
    """Unicode block sparkline, scaled to the largest value (all zero draws the lowest block)."""
    if not values:
        return ""
    peak = max(values)
    if not peak:
        return SPARK_BLOCKS[0] * len(values)
    last = len(SPARK_BLOCKS) - 1
    return "".join(SPARK_BLOCKS[round(float(v) / float(peak) * last)] for v in values)


def _span(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


@dataclass(frozen=True)
class _Calendar:
    """The days a summary at `now` looks at, in its time zone."""

    now: dt.datetime
    tzinfo: dt.tzinfo

    @property
    def today(self) -> dt.date:
        return self.now.date()

    @property
    def month_start(self) -> dt.date:
        return self.today.replace(day=1)

    @property
    def last_month_start(self) -> dt.date:
        return (self.month_start - dt.timedelta(days=1)).replace(day=1)

    @property
    def window_start(self) -> dt.date:
        return self.today - dt.timedelta(days=29)

    @property
    def first_day(self) -> dt.date:
        return min(self.last_month_start, self.window_start, self.today - dt.timedelta(days=7))

    def days_left(self) -> Decimal:
        days_in_month = calendar.monthrange(self.today.year, self.today.month)[1]
        next_month = dt.datetime.combine(
            self.month_start + dt.timedelta(days=days_in_month), dt.time(), self.tzinfo
        )
        return Decimal(str(round((next_month - self.now).total_seconds() / 86400, 6)))


def summary(
    db: Database,
    *,
    now: dt.datetime | None = None,
    tz: str = "UTC",
    top: int = 5,
    pricing_file: str | Path | None = None,
    config: ConfigLike = None,
) -> Summary:
    """Month to date, last month, the last 30 days by day, top models and deployments, forecast.

    `now` defaults to the current time; tests and the demo pass the end of their data instead.
    The bill is cut at `now`, records and deployments' floors alike: nothing after the instant is
    in the month to date, so the forecast's days left never count those hours twice.
    """
    from replicost.billing.ledger import cut_at

    tzinfo = zone(tz)
    days = _Calendar((now or dt.datetime.now(dt.UTC)).astimezone(tzinfo), tzinfo)
    cut = days.now
    month = Filters(since=days.month_start, until=days.today, tz=tz, before=cut)
    with priced_connection(db, pricing_file=pricing_file, config=config) as con, cut_at(con, cut):
        by_day = spend(
            con,
            ["day", "kind"],
            filters=Filters(since=days.first_day, until=days.today, tz=tz, before=cut),
        )
        window = Filters(since=days.window_start, until=days.today, tz=tz, before=cut)
        models = spend(con, ["model"], filters=window, top=top)
        deployments = spend(con, ["deployment"], filters=window)
        by_kind = spend(con, ["kind"], filters=month)
        mtd_uptime = _uptime(con, month)
    return _assemble(days, tz, top, by_day, models, deployments, by_kind, mtd_uptime)


def _assemble(
    days: _Calendar,
    tz: str,
    top: int,
    by_day: SpendReport,
    models: SpendReport,
    deployments: SpendReport,
    by_kind: SpendReport,
    mtd_uptime: list[dict[str, Any]] | None,
) -> Summary:
    cost_by_day: dict[str, Decimal] = {}
    topup_by_day: dict[str, Decimal] = {}
    for row in by_day.groups:
        cost_by_day[row["day"]] = cost_by_day.get(row["day"], Decimal(0)) + row["cost_usd"]
        if row["kind"] == "deployment_uptime":
            topup_by_day[row["day"]] = row["cost_usd"]

    def total(start: dt.date, end: dt.date, by: dict[str, Decimal] = cost_by_day) -> Decimal:
        return sum((by.get(d.isoformat(), Decimal(0)) for d in _span(start, end)), Decimal(0))

    mtd = total(days.month_start, days.today)
    daily = [
        {"day": d.isoformat(), "cost_usd": total(d, d)}
        for d in _span(days.window_start, days.today)
    ]
    week_ago = days.today - dt.timedelta(days=7)
    yesterday = days.today - dt.timedelta(days=1)
    run_rate = (total(week_ago, yesterday) / 7).quantize(MICRO)
    topup_rate = (total(week_ago, yesterday, topup_by_day) / 7).quantize(MICRO)
    days_left = days.days_left()
    return Summary(
        now=days.now,
        tz=tz,
        month=days.month_start.strftime("%Y-%m"),
        month_to_date=mtd,
        last_month=days.last_month_start.strftime("%Y-%m"),
        last_month_total=total(days.last_month_start, days.month_start - dt.timedelta(days=1)),
        daily_rows=daily,
        top_model_rows=[_top(r, "model") for r in models.groups],
        top_deployment_rows=[
            _top(r, "deployment") for r in deployments.groups if r["deployment"] is not None
        ][:top],
        records_30d=models.totals.count,
        unpriced_30d=models.totals.unpriced_count,
        unpriced_reasons=models.unpriced_reasons[:3],
        run_rate_daily=run_rate,
        forecast_month_end=(mtd + run_rate * days_left).quantize(MICRO),
        days_left=days_left,
        uptime_month_to_date=sum((r["cost_usd"] for r in mtd_uptime or ()), Decimal(0)),
        month_totals=by_kind.totals,
        month_reasons=by_kind.unpriced_reasons,
        month_unknown_floors=by_kind.unknown_floors,
        topup_month_to_date=total(days.month_start, days.today, topup_by_day),
        topup_run_rate_daily=topup_rate,
    )


def _top_columns(key: str) -> dict[str, str]:
    """The columns of a top-N table (frames.frame's kinds)."""
    return {key: "text", "count": "int", "cost_usd": "money"}


def _top(row: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: row[name] for name in _top_columns(key)}
