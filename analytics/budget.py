"""Monthly budget checks for cron jobs and CI: one line and an exit code.

The check reads the same `Summary` as `report summary` (so for one instant the two agree to the
micro-dollar) and compares the month's bill estimate with the budget twice: as it is now and as the
summary's forecast projects it at month end. Unpriced records are never in the bill, but they could
cost up to their range's high bound, so they can only make the check more cautious:

* 2 (over): the bill, or its month-end projection, is at or over the budget;
* 1 (warning): the projection reaches the warning level, or could with the unpriced records' high
  bound added (the line says which, names the unpriced records and the command that prices them),
  or the month holds an always-on floor no observed release states (no upper bound: it could
  cross any budget; the line names the `[deployments]` history that closes it);
* 0 (ok): even the projection plus the unpriced high bound stays under the warning level;
* 3 (could not check): the CLI's exit for any failure to check (`cli/budget_cmd.py`), so a cron job
  tells a misconfiguration from a breach, as monitoring checks do.

`include_uptime=False` (`--exclude-uptime`) leaves the deployments' always-on top-ups out (the part
of their floors above active time), for teams that track instance uptime elsewhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from replicost.errors import InputError

from .reports import FIX_COMMAND, ConfigLike, Database, Summary, money_str, summary

OK, WARNING, OVER, COULD_NOT_CHECK = 0, 1, 2, 3
MICRO = Decimal("0.000001")


@dataclass(frozen=True)
class BudgetCheck:
    """The outcome: `exit_code` (0 ok, 1 warning, 2 over), the one-line `message`, the figures."""

    exit_code: int
    message: str
    budget: Decimal
    warn_at: float
    actual: Decimal  # the month's bill estimate so far
    projected: Decimal
    uptime_estimate: Decimal  # the always-on top-ups included in `actual`
    summary: Summary

    @property
    def status(self) -> str:
        return {OK: "ok", WARNING: "warning", OVER: "over"}[self.exit_code]

    def to_dict(self) -> dict[str, Any]:
        """One JSON object: the summary's bill keys (same figures) plus the verdict."""
        bill = self.summary.bill_dict()
        bill.update(
            bill_estimate_usd=money_str(self.actual), projected_usd=money_str(self.projected)
        )
        return {
            **bill,
            "budget_usd": money_str(self.budget),
            "warn_at": self.warn_at,
            "status": self.status,
            "exit_code": self.exit_code,
            "message": self.message,
        }


def check(
    db: Database,
    monthly: Decimal | float | str,
    *,
    warn_at: float = 0.8,
    now: dt.datetime | None = None,
    tz: str = "UTC",
    pricing_file: str | Path | None = None,
    config: ConfigLike = None,
    include_uptime: bool = True,
) -> BudgetCheck:
    """Check this month's bill estimate and its projection against a monthly budget in USD."""
    budget = Decimal(str(monthly))
    if budget <= 0:
        raise InputError("--monthly must be a positive amount in USD")
    if not 0 < warn_at <= 1:
        raise InputError("--warn-at must be a fraction between 0 and 1, e.g. 0.8")
    state = summary(db, now=now, tz=tz, pricing_file=pricing_file, config=config)
    left_out, left_out_later = Decimal(0), Decimal(0)
    if not include_uptime:
        left_out = state.topup_month_to_date
        left_out_later = state.topup_run_rate_daily * state.days_left
    actual = state.month_to_date - left_out
    projected = max(actual, state.forecast_month_end - left_out - left_out_later).quantize(MICRO)
    code, text = _verdict(state, budget, warn_at, actual, projected)
    uptime = state.topup_month_to_date if include_uptime else Decimal(0)
    return BudgetCheck(code, text, budget, warn_at, actual, projected, uptime, state)


def _verdict(
    state: Summary, budget: Decimal, warn_at: float, actual: Decimal, projected: Decimal
) -> tuple[int, str]:
    totals = state.month_totals
    warn_level = budget * Decimal(str(warn_at))
    high = projected + totals.unpriced_high

    def pct(value: Decimal) -> str:
        return f"{value / budget:.0%}"

    spent = f"{_usd(actual)} bill estimate in {state.month}"
    forecast = (
        f"month-end forecast {_usd(projected)} is {pct(projected)} of the {_usd(budget)} budget"
    )
    unpriced = ""
    if totals.unpriced_count:
        unpriced = (
            f"; {totals.unpriced_count:,} unpriced records (up to {_usd(totals.unpriced_high)} more"
            + (f", {totals.unbounded_count:,} with no range" if totals.unbounded_count else "")
            + f"; run `{FIX_COMMAND}`)"
        )
    if actual >= budget:
        return (
            OVER,
            f"OVER BUDGET: {spent}, {pct(actual)} of the {_usd(budget)} monthly budget{unpriced}",
        )
    if projected >= budget:
        return OVER, f"OVER BUDGET (projected): {spent}; {forecast}{unpriced}"
    if projected >= warn_level:
        which = "spent" if actual >= warn_level else "projected"
        return WARNING, f"WARNING ({which} over {warn_at:.0%}): {spent}; {forecast}{unpriced}"
    if totals.unbounded:
        return WARNING, (
            f"WARNING (could cross: the always-on floor of "
            f"{', '.join(f['deployment'] for f in state.month_unknown_floors)} is unknown for part "
            f"of {state.month}, no upper bound): {spent}; {forecast}{unpriced}; close it in your "
            "pricing file: " + "; ".join(f["closed_by"] for f in state.month_unknown_floors)
        )
    if high >= warn_level:
        return WARNING, (
            f"WARNING (the unpriced records could cross {warn_at:.0%}: up to {_usd(high)}): "
            f"{spent}; {forecast}{unpriced}"
        )
    return OK, f"ok: {spent}; {forecast}{unpriced}"


def _usd(value: Decimal) -> str:
    return f"${value:,.2f}"
