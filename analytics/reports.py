"""Spend reports over the priced records: what the CLI prints, as library results.

Design decisions a reader of the output relies on:

* Aggregation happens in DuckDB over the `priced_records` view installed by
  `replicost.analytics.costs` (one scan with GROUPING SETS gives the rows, the grand total and the
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

import calendar
import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
import polars as pl

from replicost.errors import InputError

MONEY = pl.Decimal(38, 6)
MICRO = Decimal("0.000001")
OTHER = "(other)"
LOWER_BOUND_NOTE = (
    "active time only: Replicate also bills private models' setup and idle time and deployments' "
    "instance uptime"
)

TIME_DIMENSIONS = ("day", "week", "month")
# Dimension name -> SQL expression over `priced_records`. This whitelist is the only way a
# dimension reaches SQL text; every value the user gives is a bound parameter.
_DIMENSION_SQL = {
    "model": "model",
    "version": "version",
    "source": "source",
    "deployment": "deployment",
    "hardware": "hardware",
    "status": "status",
    "kind": "kind",
    "account": "account",
}
# Time dimensions, over the local time of a UTC `bucket` of $bucket_seconds (see spend_by.sql).
_LOCAL_TIME = "timezone($tz, to_timestamp(bucket * $bucket_seconds))"
QUARTER_HOUR, DAY = 900, 86400
_TIME_SQL = {
    "day": f"strftime(CAST({_LOCAL_TIME} AS DATE), '%Y-%m-%d')",
    # ISO week: the Monday it starts on.
    "week": f"strftime(CAST(date_trunc('week', {_LOCAL_TIME}) AS DATE), '%Y-%m-%d')",
    "month": f"strftime({_LOCAL_TIME}, '%Y-%m')",
}
DIMENSIONS = (*_DIMENSION_SQL, "tag", *TIME_DIMENSIONS)

# Filters that narrow records in ways deployment uptime has no equivalent for.
_RECORD_ONLY_FILTERS = ("model", "version", "source", "status")


def _sql(name: str) -> str:
    """A named query from `analytics/sql/`, without its header comment (which names the slots)."""
    text = (resources.files("replicost.analytics") / "sql" / f"{name}.sql").read_text()
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


@dataclass(frozen=True)
class Totals:
    """Grand totals of a report: record count, predict seconds, exact cost, unpriced records."""

    count: int = 0
    predict_seconds: Decimal = Decimal(0)
    cost_usd: Decimal = Decimal(0)
    unpriced_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "predict_seconds": float(self.predict_seconds),
            "cost_usd": money_str(self.cost_usd),
            "unpriced_count": self.unpriced_count,
        }


@dataclass(frozen=True)
class Filters:
    """Which records a report covers. Dates are inclusive days in `tz`; globs use `*` and `?`."""

    since: dt.date | None = None
    until: dt.date | None = None
    tz: str = "UTC"
    model: str | None = None
    version: str | None = None
    deployment: str | None = None
    source: str | None = None
    status: str | None = None
    kind: str | None = None
    account: str | None = None

    def __post_init__(self) -> None:
        zone(self.tz)
        if self.since and self.until and self.since > self.until:
            raise InputError(f"--since {self.since} is after --until {self.until}")
        if self.kind not in (None, "prediction", "training"):
            raise InputError(f"unknown kind {self.kind!r}; use prediction or training")
        if self.source not in (None, "api", "web"):
            raise InputError(f"unknown source {self.source!r}; use api or web")

    def to_dict(self) -> dict[str, str]:
        """The filters that are set, as strings (what the JSON output echoes back)."""
        out = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if value is not None and not (name == "tz" and value == "UTC"):
                out[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        return out

    def utc_bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """Half-open [start, end) instants: local midnight of `since`, midnight after `until`."""
        tzinfo = zone(self.tz)
        start = dt.datetime.combine(self.since, dt.time(), tzinfo) if self.since else None
        end = (
            dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time(), tzinfo)
            if self.until
            else None
        )
        return start, end


@dataclass(frozen=True)
class SpendReport:
    """Spend grouped by dimensions: `rows` (polars), exact `totals`, unpriced reasons, uptime."""

    by: tuple[str, ...]
    filters: Filters
    rows: pl.DataFrame
    totals: Totals
    unpriced_reasons: list[tuple[str, int]] = field(default_factory=list)
    # None when a filter makes deployment uptime meaningless (e.g. --model); else per deployment.
    uptime_estimates: pl.DataFrame | None = None
    # Records whose cost counts active time only (private models, deployments): see costs.py.
    lower_bound_count: int = 0
    lower_bound_cost: Decimal = Decimal(0)

    @property
    def uptime_total(self) -> Decimal:
        if self.uptime_estimates is None or self.uptime_estimates.is_empty():
            return Decimal(0)
        return sum(self.uptime_estimates["cost_usd"].to_list(), Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON object (see the module docstring)."""
        rows = []
        for row in self.rows.iter_rows(named=True):
            out = {dim: row[dim] for dim in self.by}
            out.update(
                count=row["count"],
                predict_seconds=float(row["predict_seconds"]),
                cost_usd=money_str(row["cost_usd"]),
                unpriced_count=row["unpriced_count"],
            )
            rows.append(out)
        uptime = None
        if self.uptime_estimates is not None:
            uptime = {
                "included_in_totals": False,
                "cost_usd": money_str(self.uptime_total),
                "rows": [
                    {
                        "deployment": r["deployment"],
                        "hardware": r["hardware"],
                        "days": r["days"],
                        "uptime_seconds": r["uptime_seconds"],
                        "cost_usd": money_str(r["cost_usd"]),
                    }
                    for r in self.uptime_estimates.iter_rows(named=True)
                ],
            }
        return {
            "currency": "USD",
            "by": list(self.by),
            "filters": self.filters.to_dict(),
            "rows": rows,
            "totals": self.totals.to_dict(),
            "unpriced": {
                "count": self.totals.unpriced_count,
                "reasons": [{"reason": r, "count": n} for r, n in self.unpriced_reasons],
            },
            "uptime_estimates": uptime,
            "lower_bound": {
                "count": self.lower_bound_count,
                "cost_usd": money_str(self.lower_bound_cost),
                "note": LOWER_BOUND_NOTE,
            },
        }


def money_str(value: Decimal | None) -> str:
    """A cost as the decimal string the JSON contract uses: six decimals, no exponent."""
    return str(Decimal(value or 0).quantize(MICRO))


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"unknown time zone {name!r}; use an IANA name such as Europe/Paris"
        ) from None


def parse_dimensions(by: str | Sequence[str]) -> tuple[str, ...]:
    """Validate `--by` (a comma list or a sequence) against the known dimensions."""
    names = (
        [p.strip() for p in by.split(",")] if isinstance(by, str) else [str(p).strip() for p in by]
    )
    names = [n for n in names if n]
    if not names:
        raise InputError("--by needs at least one dimension")
    unknown = [n for n in names if n not in DIMENSIONS]
    if unknown:
        raise InputError(f"unknown dimension {unknown[0]!r}; choose from {', '.join(DIMENSIONS)}")
    if len(set(names)) != len(names):
        raise InputError("--by lists a dimension twice")
    return tuple(names)


# ---------------------------------------------------------------------------------------------
# Opening a database with its cost views


@contextlib.contextmanager
def priced_connection(
    db: str | Path | duckdb.DuckDBPyConnection,
    *,
    pricing_file: str | Path | None = None,
    config: Any = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection with the cost views installed; open (and close) it if given a path.

    A connection passed in is used as is, installing the cost views only if they are missing, so a
    notebook can keep one connection across many reports.
    """
    if isinstance(db, duckdb.DuckDBPyConnection):
        if not _has_view(db, "priced_records"):
            _install_costs(db, pricing_file, config)
        yield db
        return
    from replicost.store import open_readonly

    con = open_readonly(db)
    try:
        _install_costs(con, pricing_file, config)
        yield con
    finally:
        con.close()


def _has_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [name]).fetchone()[0]
        or con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]
        ).fetchone()[0]
    )


def load_config(config: Any = None) -> Any:
    """A `replicost.config.Config` from a Config, a path, or None (the default config file)."""
    from replicost.config import Config
    from replicost.config import load_config as read_config

    return config if isinstance(config, Config) else read_config(config)


def _install_costs(con, pricing_file, config) -> None:
    from replicost.analytics import costs, pricing

    catalog = pricing.load_catalog(pricing_file=pricing_file, config=load_config(config))
    costs.install(con, catalog)


# ---------------------------------------------------------------------------------------------
# spend


def spend(
    db: str | Path | duckdb.DuckDBPyConnection,
    by: str | Sequence[str] = ("model",),
    *,
    filters: Filters | None = None,
    top: int | None = None,
    pricing_file: str | Path | None = None,
    config: Any = None,
    tag_rules: Sequence[Any] | None = None,
    **filter_values: Any,
) -> SpendReport:
    """Spend grouped by dimensions, e.g. `spend(db, by=["model"], since=date(2025, 3, 1))`.

    Filters come either as a `Filters` object or as keyword arguments (since, until, tz, model,
    version, deployment, source, status, kind, account). `--by tag` uses `tag_rules`, or the
    `[tags]` section of `config` when none are given.
    """
    dims = parse_dimensions(by)
    if filters is None:
        filters = Filters(**filter_values)
    elif filter_values:
        raise TypeError("pass filters either as Filters or as keywords, not both")
    if top is not None and top < 1:
        raise InputError("--top must be at least 1")
    params: dict[str, Any] = {}
    inner, outer = [], []
    for i, dim in enumerate(dims):
        if dim in TIME_DIMENSIONS:
            outer.append(f"CAST({_TIME_SQL[dim]} AS VARCHAR) AS d{i}")
            continue
        if dim == "tag":
            from replicost.analytics import tags

            rules = tags.load_rules(load_config(config)) if tag_rules is None else list(tag_rules)
            expression = tags.case_expression(rules, params)
        else:
            expression = _DIMENSION_SQL[dim]
        inner.append(f"CAST({expression} AS VARCHAR) AS d{i}")
        outer.append(f"d{i}")
    if any(d in TIME_DIMENSIONS for d in dims):
        # In UTC a day, ISO week or month starts at a UTC midnight: day buckets are exact and make
        # the first aggregation ~100x smaller than quarter hours.
        bucket_seconds = DAY if filters.tz == "UTC" else QUARTER_HOUR
        inner.append("epoch_us(created_at) // $bucket_us AS bucket")
        params.update(
            tz=filters.tz, bucket_seconds=bucket_seconds, bucket_us=bucket_seconds * 1_000_000
        )
    query = _sql("spend_by").format(
        inner_columns=",\n           ".join(inner),
        inner_names=", ".join(c.rsplit(" AS ", 1)[-1] for c in inner),
        outer_columns=", ".join(outer),
        where=_where(filters, params),
    )
    with priced_connection(db, pricing_file=pricing_file, config=config) as con:
        result = con.execute(query, params).fetchall()
        uptime = _uptime(con, filters)

    # Add up in Python, exactly: per group, per reason, and the grand total from the same numbers.
    groups: dict[tuple, dict[str, Any]] = {}
    reason_counts: dict[str, int] = {}
    lower_bound = [0, Decimal(0)]
    for record in result:
        key = tuple(record[: len(dims)])
        reason, count, predict_micro, cost, unpriced, lower_count, lower_cost = record[len(dims) :]
        lower_bound[0] += lower_count or 0
        lower_bound[1] += Decimal(lower_cost or 0)
        group = groups.setdefault(
            key,
            {
                "count": 0,
                "predict_seconds": Decimal(0),
                "cost_usd": Decimal(0),
                "unpriced_count": 0,
            },
        )
        group["count"] += count
        group["predict_seconds"] += Decimal(predict_micro or 0).scaleb(-6)
        group["cost_usd"] += Decimal(cost or 0)
        group["unpriced_count"] += unpriced
        if reason is not None:
            reason_counts[reason] = reason_counts.get(reason, 0) + count
    rows = [{**dict(zip(dims, key, strict=True)), **values} for key, values in groups.items()]
    totals = Totals(
        count=sum(r["count"] for r in rows),
        predict_seconds=sum((r["predict_seconds"] for r in rows), Decimal(0)),
        cost_usd=sum((r["cost_usd"] for r in rows), Decimal(0)),
        unpriced_count=sum(r["unpriced_count"] for r in rows),
    )
    reasons = sorted(reason_counts.items(), key=lambda item: (-item[1], item[0]))
    rows = _order(rows, dims, top)
    schema = {dim: pl.Utf8 for dim in dims}
    schema.update(count=pl.Int64, predict_seconds=MONEY, cost_usd=MONEY, unpriced_count=pl.Int64)
    frame = pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)
    return SpendReport(
        dims, filters, frame, totals, reasons, uptime, lower_bound[0], lower_bound[1]
    )


def _where(filters: Filters, params: dict[str, Any]) -> str:
    clauses = ["TRUE"]
    start, end = filters.utc_bounds()
    if start is not None:
        clauses.append("created_at >= $since_utc")
        params["since_utc"] = start.astimezone(dt.UTC)
    if end is not None:
        clauses.append("created_at < $until_utc")
        params["until_utc"] = end.astimezone(dt.UTC)
    for name in ("model", "version", "deployment"):
        value = getattr(filters, name)
        if value is not None:
            clauses.append(f"{name} GLOB ${name}")
            params[name] = value
    for name in ("source", "status", "kind", "account"):
        value = getattr(filters, name)
        if value is not None:
            clauses.append(f"{name} = ${name}")
            params[name] = value
    return " AND ".join(clauses)


def _order(rows: list[dict[str, Any]], dims: tuple[str, ...], top: int | None) -> list[dict]:
    """Cost descending (ties by dimension values); then fold past `top` into one "(other)" row."""
    rows.sort(key=lambda r: tuple(r[d] or "" for d in dims))
    rows.sort(key=lambda r: r["cost_usd"], reverse=True)
    if top is not None and len(rows) > top:
        rest = rows[top:]
        other = {dim: OTHER for dim in dims}
        other.update(
            count=sum(r["count"] for r in rest),
            predict_seconds=sum((r["predict_seconds"] for r in rest), Decimal(0)),
            cost_usd=sum((r["cost_usd"] for r in rest), Decimal(0)),
            unpriced_count=sum(r["unpriced_count"] for r in rest),
        )
        rows = rows[:top]
    else:
        other = None
    time_dims = [d for d in dims if d in TIME_DIMENSIONS]
    if time_dims:
        # Time reads left to right: ascending by time, cost descending within one period.
        rows.sort(key=lambda r: tuple(r[d] or "" for d in time_dims))
    return rows + ([other] if other else [])


def _uptime(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame | None:
    schema = {
        "deployment": pl.Utf8,
        "hardware": pl.Utf8,
        "days": pl.Int64,
        "uptime_seconds": pl.Float64,
        "cost_usd": MONEY,
    }
    if any(getattr(filters, name) is not None for name in _RECORD_ONLY_FILTERS):
        return None
    if filters.kind == "training" or not _has_view(con, "deployment_uptime_costs"):
        return None
    params: dict[str, Any] = {}
    clauses = ["TRUE"]
    # Uptime is kept per UTC day by the cost views; the report's days select them as dates.
    if filters.since:
        clauses.append("day >= $since_day")
        params["since_day"] = filters.since
    if filters.until:
        clauses.append("day <= $until_day")
        params["until_day"] = filters.until
    if filters.deployment:
        clauses.append("deployment GLOB $deployment")
        params["deployment"] = filters.deployment
    if filters.account:
        clauses.append("account = $account")
        params["account"] = filters.account
    rows = con.execute(
        _sql("uptime_estimates").format(where=" AND ".join(clauses)), params
    ).fetchall()
    data = [(d, h, int(days), float(secs or 0), Decimal(cost)) for d, h, days, secs, cost in rows]
    return pl.DataFrame(data, schema=schema, orient="row") if data else pl.DataFrame(schema=schema)


def open_priced(
    db: str | Path, *, pricing_file: str | Path | None = None, config: Any = None
) -> duckdb.DuckDBPyConnection:
    """Open a database read-only with the cost views installed, for many reports in a row.

    Every function here accepts the returned connection in place of a path (a notebook keeps one
    open); close it when done.
    """
    from replicost.store import open_readonly

    con = open_readonly(db)
    try:
        _install_costs(con, pricing_file, config)
    except Exception:
        con.close()
        raise
    return con


def unpriced_records(
    db: str | Path | duckdb.DuckDBPyConnection,
    *,
    limit: int = 100,
    filters: Filters | None = None,
    pricing_file: str | Path | None = None,
    config: Any = None,
    **filter_values: Any,
) -> pl.DataFrame:
    """The records without a price (newest first, at most `limit`), each with its reason."""
    filters = filters or Filters(**filter_values)
    params: dict[str, Any] = {"limit": limit}
    query = _sql("unpriced_records").format(where=_where(filters, params))
    schema = {
        "kind": pl.Utf8,
        "id": pl.Utf8,
        "model": pl.Utf8,
        "version": pl.Utf8,
        "deployment": pl.Utf8,
        "status": pl.Utf8,
        "created_at": pl.Utf8,
        "predict_time": pl.Float64,
        "reason": pl.Utf8,
    }
    with priced_connection(db, pricing_file=pricing_file, config=config) as con:
        rows = con.execute(query, params).fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


# ---------------------------------------------------------------------------------------------
# summary

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
    db: str | Path | duckdb.DuckDBPyConnection,
    *,
    now: dt.datetime | None = None,
    tz: str = "UTC",
    top: int = 5,
    pricing_file: str | Path | None = None,
    config: Any = None,
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
