"""Spend reports over the priced records: what the CLI prints, as library results.

Design decisions a reader of the output relies on:

* Aggregation happens in DuckDB over `bill_amounts` (the bill's items with their money in whole
  micro-dollars, installed by `replicost.billing.costs`): one scan groups by the requested
  dimensions and the unpriced reasons (`sql/spend_by.sql`); `spend` adds those groups up exactly
  into the rows, the grand total and the reason counts, so the totals are the sum of the rows.
* Money is exact: every record's cost is already rounded once to micro-dollars by the cost views,
  and sums stay exact; rows carry `cost_usd` as `Decimal` and JSON carries it as a string with six
  decimals. `--top N` folds the remaining rows into one `"(other)"` row summed exactly, so the rows
  always add up to the totals.
* Unpriced records are counted (`unpriced_count` per row and in the totals) and add nothing to
  `cost_usd`; their reasons and low/high range are reported separately. Each deployment's
  always-on floor counts by the deployment rule: its part above the active time of its
  predictions is in the totals (`uptime_estimates` lists the floors).
* Dates are inclusive calendar days in the report's time zone (UTC unless told otherwise): `until`
  means "before midnight that ends the day", so 23:59:59.999999 on the last day is in.

The JSON contract of `SpendReport.to_dict()` (what `report spend --format json` prints, with
`"schema_version"` first) is the JSON Schema `replicost/schemas/spend.json`; `summary.json` and
`budget.json` are the summary's and the budget check's. The schemas, not this docstring, are the
reference (tests/test_json_schemas.py validates every output against them).
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
from .spend import (
    SpendReport,
    Totals,
    spend,
    spend_notes,
    unknown_floor_note,
    unpriced_note,
    unpriced_records,
)
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
    "unknown_floor_note",
    "unpriced_note",
    "unpriced_records",
    "usd",
    "zone",
]
