"""Spend reports over the priced records: what the CLI prints, as library results.

Design decisions a reader of the output relies on:

* Aggregation happens in DuckDB over the `priced_records` view installed by
  `replicost.billing.costs` (one scan with GROUPING SETS gives the rows, the grand total and the
  unpriced reasons together, so the totals can never drift from the rows).
* Money is exact: every record's cost is already rounded once to micro-dollars by the cost views,
  and sums stay DECIMAL; rows carry `cost_usd` as `Decimal` and JSON carries it as a string with six
  decimals. `--top N` folds the remaining rows into one `"(other)"` row summed exactly, so the rows
  always add up to the totals.
* Unpriced records are counted (`unpriced_count` per row and in the totals) and add nothing to
  `cost_usd`; their reasons are reported separately. Deployment always-on costs are estimates from
  observed releases, reported as `uptime_estimates` beside (never inside) the totals.
* Dates are inclusive calendar days in the report's time zone (UTC unless told otherwise): `until`
  means "before midnight that ends the day", so 23:59:59.999999 on the last day is in.

JSON shape (`SpendReport.to_dict()`), kept stable for scripts:

    {"currency": "USD", "by": [...], "filters": {...},
     "rows": [{<dim>: value, ..., "count": n, "predict_seconds": x, "cost_usd": "1.234567",
               "unpriced_count": k}],
     "totals": {"count": n, "predict_seconds": x, "cost_usd": "...", "unpriced_count": k},
     "unpriced": {"count": k, "reasons": [{"reason": "...", "count": n}]},
     "uptime_estimates": {"included_in_totals": false, "cost_usd": "...", "rows": [
         {"deployment": ..., "hardware": ..., "days": n, "uptime_seconds": x, "cost_usd": "..."}]}
       (or null when a filter such as --model or --source cannot apply to deployment uptime),
     "lower_bound": {"count": n, "cost_usd": "...", "note": "..."}}
  `lower_bound` counts the records (already in the rows) whose cost is a lower bound.
"""

from __future__ import annotations

from replicost.billing.money import MICRO, money_str, usd
from replicost.billing.reasons import FIX_COMMAND, LOWER_BOUND_NOTE, UPTIME_RULE

from .connection import ConfigLike, Database, load_config, open_priced, priced_connection
from .filters import (
    DIMENSIONS,
    OTHER,
    TIME_DIMENSIONS,
    Filters,
    parse_dimensions,
    zone,
)
from .spend import SpendReport, Totals, spend, spend_notes, unpriced_note, unpriced_records
from .summary import FORECAST_METHOD, SPARK_BLOCKS, Summary, sparkline, summary

__all__ = [
    "DIMENSIONS",
    "FIX_COMMAND",
    "UPTIME_RULE",
    "FORECAST_METHOD",
    "LOWER_BOUND_NOTE",
    "MICRO",
    "OTHER",
    "SPARK_BLOCKS",
    "TIME_DIMENSIONS",
    "ConfigLike",
    "Database",
    "Filters",
    "SpendReport",
    "Summary",
    "Totals",
    "load_config",
    "money_str",
    "open_priced",
    "parse_dimensions",
    "priced_connection",
    "sparkline",
    "spend",
    "spend_notes",
    "summary",
    "unpriced_note",
    "unpriced_records",
    "usd",
    "zone",
]
