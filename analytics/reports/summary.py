"""`summary`: the state of the bill at an instant: month to date, trend, tops, forecast."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from .connection import ConfigLike, Database, priced_connection
from .filters import MICRO, MONEY, Filters, money_str, zone
from .spend import _uptime, spend

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
    month_to_date: Decimal
    last_month: str
    last_month_total: Decimal
    daily: pl.DataFrame  # day (Utf8), cost_usd (Decimal): 30 days ending today, zero-filled
    top_models: pl.DataFrame  # last 30 days
    top_deployments: pl.DataFrame  # last 30 days, predictions through a deployment
    records_30d: int
    unpriced_30d: int
    unpriced_reasons: list[tuple[str, int]]
    run_rate_daily: Decimal
    forecast_month_end: Decimal
    days_left: Decimal
    uptime_month_to_date: Decimal
    forecast_method: str = FORECAST_METHOD

    @property
    def unpriced_share(self) -> float:
        return self.unpriced_30d / self.records_30d if self.records_30d else 0.0

    @property
    def sparkline(self) -> str:
        return sparkline(self.daily["cost_usd"].to_list())

    def to_dict(self) -> dict[str, Any]:
        def table(frame: pl.DataFrame, key: str) -> list[dict[str, Any]]:
            return [
                {key: r[key], "count": r["count"], "cost_usd": money_str(r["cost_usd"])}
                for r in frame.iter_rows(named=True)
            ]

        return {
            "currency": "USD",
            "now": self.now.isoformat(),
            "tz": self.tz,
            "month": self.month,
            "month_to_date_usd": money_str(self.month_to_date),
            "last_month": self.last_month,
            "last_month_usd": money_str(self.last_month_total),
            "daily": [
                {"day": r["day"], "cost_usd": money_str(r["cost_usd"])}
                for r in self.daily.iter_rows(named=True)
            ],
            "top_models": table(self.top_models, "model"),
            "top_deployments": table(self.top_deployments, "deployment"),
            "unpriced": {
                "records_30d": self.records_30d,
                "unpriced_30d": self.unpriced_30d,
                "share": self.unpriced_share,
                "reasons": [{"reason": r, "count": n} for r, n in self.unpriced_reasons],
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
    """
    tzinfo = zone(tz)
    now = (now or dt.datetime.now(dt.UTC)).astimezone(tzinfo)
    today = now.date()
    month_start = today.replace(day=1)
    last_month_start = (month_start - dt.timedelta(days=1)).replace(day=1)
    window_start = today - dt.timedelta(days=29)
    first_day = min(last_month_start, window_start, today - dt.timedelta(days=7))

    with priced_connection(db, pricing_file=pricing_file, config=config) as con:
        by_day = spend(con, ["day"], filters=Filters(since=first_day, until=today, tz=tz))
        window = Filters(since=window_start, until=today, tz=tz)
        models = spend(con, ["model"], filters=window, top=top)
        deployments = spend(con, ["deployment"], filters=window)
        mtd_uptime = _uptime(con, Filters(since=month_start, until=today, tz=tz))

    cost_by_day = {r["day"]: r["cost_usd"] for r in by_day.rows.iter_rows(named=True)}

    def day_cost(day: dt.date) -> Decimal:
        return cost_by_day.get(day.isoformat(), Decimal(0))

    def span(start: dt.date, end: dt.date) -> list[dt.date]:
        return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]

    mtd = sum((day_cost(d) for d in span(month_start, today)), Decimal(0))
    last_month_total = sum(
        (day_cost(d) for d in span(last_month_start, month_start - dt.timedelta(days=1))),
        Decimal(0),
    )
    window_days = span(window_start, today)
    daily = pl.DataFrame(
        [(d.isoformat(), day_cost(d)) for d in window_days],
        schema={"day": pl.Utf8, "cost_usd": MONEY},
        orient="row",
    )
    complete_week = span(today - dt.timedelta(days=7), today - dt.timedelta(days=1))
    run_rate = (sum((day_cost(d) for d in complete_week), Decimal(0)) / 7).quantize(MICRO)
    days_in_month = calendar.monthrange(today.year, today.month)[1]
    next_month = dt.datetime.combine(
        month_start + dt.timedelta(days=days_in_month), dt.time(), tzinfo
    )
    days_left = Decimal(str(round((next_month - now).total_seconds() / 86400, 6)))
    forecast = (mtd + run_rate * days_left).quantize(MICRO)

    top_models = models.rows.select("model", "count", "cost_usd")
    top_deployments = (
        deployments.rows.filter(pl.col("deployment").is_not_null())
        .head(top)
        .select("deployment", "count", "cost_usd")
    )
    return Summary(
        now=now,
        tz=tz,
        month=month_start.strftime("%Y-%m"),
        month_to_date=mtd,
        last_month=last_month_start.strftime("%Y-%m"),
        last_month_total=last_month_total,
        daily=daily,
        top_models=top_models,
        top_deployments=top_deployments,
        records_30d=models.totals.count,
        unpriced_30d=models.totals.unpriced_count,
        unpriced_reasons=models.unpriced_reasons[:3],
        run_rate_daily=run_rate,
        forecast_month_end=forecast,
        days_left=days_left,
        uptime_month_to_date=sum(
            mtd_uptime["cost_usd"].to_list() if mtd_uptime is not None else [], Decimal(0)
        ),
    )
