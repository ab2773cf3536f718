"""Monthly budget checks for cron jobs and CI: one line and an exit code.

The check compares the month's spend with the budget twice: as it is now (actual) and as the
summary's forecast projects it at month end. The projection is never below the actual, so the
level is decided on the projection and the message says whether the budget is already spent or
only projected to be. Exit codes: 0 below the warning level, 1 at or over it, 2 at or over the
budget.

Spend here is the priced records plus, by default, the deployments' always-on estimates for the
month to date: instance uptime is a real charge, but the estimate overlaps the per-second figures of
the same deployments' predictions, so the check errs on the side of warning early. The message
states the estimate's share; `include_uptime=False` (`--exclude-uptime`) leaves it out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from replicost.errors import InputError

from .reports import ConfigLike, Summary, summary

OK, WARNING, OVER = 0, 1, 2


@dataclass(frozen=True)
class BudgetCheck:
    """The outcome: `exit_code` (0 ok, 1 warning, 2 over), the one-line `message`, the figures."""

    exit_code: int
    message: str
    budget: Decimal
    warn_at: float
    actual: Decimal
    projected: Decimal
    uptime_estimate: Decimal
    summary: Summary

    @property
    def status(self) -> str:
        return {OK: "ok", WARNING: "warning", OVER: "over"}[self.exit_code]


def check(
    db: str | Path | duckdb.DuckDBPyConnection,
    monthly: Decimal | float | str,
    *,
    warn_at: float = 0.8,
    now: dt.datetime | None = None,
    tz: str = "UTC",
    pricing_file: str | Path | None = None,
    config: ConfigLike = None,
    include_uptime: bool = True,
) -> BudgetCheck:
    """Check this month's actual and projected spend against a monthly budget in USD."""
    budget = Decimal(str(monthly))
    if budget <= 0:
        raise InputError("--monthly must be a positive amount in USD")
    if not 0 < warn_at <= 1:
        raise InputError("--warn-at must be a fraction between 0 and 1, e.g. 0.8")
    state = summary(db, now=now, tz=tz, pricing_file=pricing_file, config=config)
    uptime = state.uptime_month_to_date if include_uptime else Decimal(0)
    actual = state.month_to_date + uptime
    # Always-on instances keep running: project their month-to-date rate as well.
    elapsed_days = Decimal(str(_elapsed_days(state)))
    uptime_rate = uptime / elapsed_days if elapsed_days else Decimal(0)
    projected = max(actual, state.forecast_month_end + uptime + uptime_rate * state.days_left)
    projected = projected.quantize(Decimal("0.000001"))
    warn_level = budget * Decimal(str(warn_at))

    def pct(value: Decimal) -> str:
        return f"{value / budget:.0%}"

    spent = f"{_usd(actual)} spent in {state.month}"
    extra = f" (incl. {_usd(uptime)} always-on deployment estimate)" if uptime else ""
    if actual >= budget:
        code = OVER
        text = f"OVER BUDGET: {spent}{extra}, {pct(actual)} of the {_usd(budget)} monthly budget"
    elif projected >= budget:
        code = OVER
        text = (
            f"OVER BUDGET (projected): {spent}{extra}; month-end forecast "
            f"{_usd(projected)} is {pct(projected)} of the {_usd(budget)} budget"
        )
    elif projected >= warn_level:
        code = WARNING
        which = "spent" if actual >= warn_level else "projected"
        text = (
            f"WARNING ({which} over {warn_at:.0%}): {spent}{extra}; month-end forecast "
            f"{_usd(projected)} is {pct(projected)} of the {_usd(budget)} budget"
        )
    else:
        code = OK
        text = (
            f"ok: {spent}{extra}; month-end forecast {_usd(projected)} "
            f"is {pct(projected)} of the {_usd(budget)} budget"
        )
    return BudgetCheck(code, text, budget, warn_at, actual, projected, uptime, state)


def _usd(value: Decimal) -> str:
    return f"${value:,.2f}"


def _elapsed_days(state: Summary) -> float:
    month_start = state.now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (state.now - month_start).total_seconds() / 86400
