"""`spend`: records grouped by dimensions, exact totals, unpriced reasons, uptime estimates."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from replicost.billing.money import money_str, usd
from replicost.billing.reasons import (
    FIX_COMMAND,
    ITEM_SUBJECT_SOURCES,
    LOWER_BOUND_NOTE,
    SKU_PLACEHOLDER,
    UPTIME_RULE,
    ReasonCount,
    counted,
    item_subject_sql,
    subject_key,
)
from replicost.errors import InputError
from replicost.store.query import one_row

from .connection import ConfigLike, Database, _has_view, load_config, priced_connection
from .filters import (
    _DIMENSION_SQL,
    _RECORD_ONLY_FILTERS,
    _TIME_SQL,
    OTHER,
    TIME_DIMENSIONS,
    Filters,
    _where,
    bucket_seconds,
    floor_div,
    named_sql,
    parse_dimensions,
)
from .frames import frame
from .measured import measured

if TYPE_CHECKING:
    import polars as pl


# The money a group adds up (Decimal) and its counts (int), besides its dimensions' values.
_MONEY_FIELDS = ("predict_seconds", "cost_usd", "estimated_usd", "unpriced_low", "unpriced_high")
_COUNT_FIELDS = (
    "count",
    "unpriced_count",
    "priced_count",
    "unbounded_count",
    "quarantined_count",
    "unknown_floor_count",
)


# A group's columns after its dimensions, and the uptime rows' columns (frames.frame's kinds).
_GROUP_COLUMNS = {
    "count": "int",
    "predict_seconds": "money",
    "cost_usd": "money",
    "unpriced_count": "int",
    "estimated_usd": "money",
    "unpriced_low": "money",
    "unpriced_high": "money",
    **dict.fromkeys(("priced_count", "unbounded_count", "quarantined_count"), "int"),
    "unknown_floor_count": "int",
}
_UPTIME_COLUMNS = {
    "deployment": "text",
    "hardware": "text",
    "days": "int",
    "uptime_seconds": "float",
    "cost_usd": "money",
}


def _empty_group() -> dict[str, Any]:
    return {**dict.fromkeys(_MONEY_FIELDS, Decimal(0)), **dict.fromkeys(_COUNT_FIELDS, 0)}


def _cost_or_null(cost: Decimal | None, priced_count: int, unpriced_count: int) -> str | None:
    """`cost_usd` in JSON: null when every item of the group is unpriced (never a silent $0)."""
    return None if priced_count == 0 and unpriced_count else money_str(cost)


def _bill_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The bill estimate's JSON fields of a row or of the totals (issue 6's keys, then the new)."""
    return {
        "count": values["count"],
        "predict_seconds": float(values["predict_seconds"]),
        "cost_usd": _cost_or_null(
            values["cost_usd"],
            values["priced_count"],
            values["unpriced_count"] + values.get("unknown_floor_count", 0),
        ),
        "unpriced_count": values["unpriced_count"],
        "estimated_usd": money_str(values["estimated_usd"]),
        "unpriced_cost_usd": _unpriced_range(values),
    }


def _unpriced_range(values: dict[str, Any]) -> dict[str, str | None]:
    """What the unpriced items could cost: low and high, or high null (no upper bound) when an
    unknown always-on floor lies among them."""
    unbounded = values.get("unknown_floor_count", 0) > 0
    return {
        "low": money_str(values["unpriced_low"]),
        "high": None if unbounded else money_str(values["unpriced_high"]),
    }


@dataclass(frozen=True)
class Totals:
    """Grand totals of a report: the bill estimate (exact + estimated), its estimated part, the
    unpriced records' count and range (never in `cost_usd`), quarantined records."""

    count: int = 0
    predict_seconds: Decimal = Decimal(0)
    cost_usd: Decimal = Decimal(0)
    unpriced_count: int = 0
    estimated_usd: Decimal = Decimal(0)
    unpriced_low: Decimal = Decimal(0)
    unpriced_high: Decimal = Decimal(0)
    priced_count: int = 0
    unbounded_count: int = 0
    quarantined_count: int = 0
    unknown_floor_count: int = 0  # deployment-days whose always-on floor is unknown

    @property
    def unbounded(self) -> bool:
        """No upper bound: an always-on floor no observed release states lies in the period."""
        return self.unknown_floor_count > 0

    @classmethod
    def of(cls, rows: Sequence[dict[str, Any]]) -> Totals:
        """The totals of `rows`, added up exactly."""
        sums: dict[str, Any] = _empty_group()
        for row in rows:
            for name in (*_MONEY_FIELDS, *_COUNT_FIELDS):
                sums[name] += row[name] or 0
        return cls(**sums)

    @property
    def exact_usd(self) -> Decimal:
        return self.cost_usd - self.estimated_usd

    def to_dict(self) -> dict[str, Any]:
        return _bill_fields(self.__dict__)


@dataclass(frozen=True)
class SpendReport:
    """Spend grouped by dimensions: `groups` (one dict per row), exact `totals`, unpriced reasons,
    uptime (`uptime_rows`). `rows` and `uptime_estimates` are the same as polars frames."""

    by: tuple[str, ...]
    filters: Filters
    groups: list[dict[str, Any]]
    totals: Totals
    unpriced_reasons: list[ReasonCount] = field(default_factory=list)
    # None when a filter makes deployment uptime meaningless (e.g. --model); else per deployment.
    uptime_rows: list[dict[str, Any]] | None = None
    # Records whose cost counts active time only (private models, deployments): see costs.py.
    lower_bound_count: int = 0
    lower_bound_cost: Decimal = Decimal(0)
    # Deployment releases held out of every price at the sync (impossible instances or hardware).
    quarantined_releases: int = 0
    # per deployment, the time of the report whose always-on floor is unknown (unknown_floors())
    unknown_floors: list[dict[str, Any]] = field(default_factory=list)

    @cached_property
    def rows(self) -> pl.DataFrame:
        """`groups` as polars (`cost_usd` 0 where every item is unpriced: `priced_count` tells;
        JSON and the renderers show null / "unpriced" there, never $0)."""
        return frame(self.groups, {**dict.fromkeys(self.by, "text"), **_GROUP_COLUMNS})

    @cached_property
    def uptime_estimates(self) -> pl.DataFrame | None:
        return None if self.uptime_rows is None else frame(self.uptime_rows, _UPTIME_COLUMNS)

    @property
    def uptime_total(self) -> Decimal:
        """The deployments' always-on floors (their part above active time is in the totals)."""
        return sum((r["cost_usd"] for r in self.uptime_rows or ()), Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON object (see the package docstring)."""
        rows = []
        for row in self.groups:
            out = {dim: row[dim] for dim in self.by}
            out.update(_bill_fields(row))
            rows.append(out)
        uptime = None
        if self.uptime_rows is not None:
            uptime = {
                "included_in_totals": True,
                "rule": UPTIME_RULE,
                "cost_usd": money_str(self.uptime_total),
                "rows": [
                    {
                        "deployment": r["deployment"],
                        "hardware": r["hardware"],
                        "days": r["days"],
                        "uptime_seconds": r["uptime_seconds"],
                        "cost_usd": money_str(r["cost_usd"]),
                    }
                    for r in self.uptime_rows
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
                "reasons": [r.to_dict() for r in self.unpriced_reasons],
                "cost_usd": _unpriced_range(self.totals.__dict__),
                "without_range": self.totals.unbounded_count,
                "quarantined": self.totals.quarantined_count,
                "quarantined_releases": self.quarantined_releases,
                "fix": FIX_COMMAND,
            },
            "unbounded": self.totals.unbounded,
            "unknown_floors": self.unknown_floors,
            "uptime_estimates": uptime,
            "lower_bound": {
                "count": self.lower_bound_count,
                "cost_usd": money_str(self.lower_bound_cost),
                "note": LOWER_BOUND_NOTE,
            },
        }


# The deployment releases quarantined at the sync (store/quarantine.py), in the whole database:
# a release is no record, so the period filters do not apply. Shape: one row, one count.
QUARANTINED_RELEASES = (
    "SELECT count(*) FROM deployment_releases WHERE quarantine_reason IS NOT NULL"
)


def spend(
    db: Database,
    by: str | Sequence[str] = ("model",),
    *,
    filters: Filters | None = None,
    top: int | None = None,
    pricing_file: str | Path | None = None,
    config: ConfigLike = None,
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
    with priced_connection(db, pricing_file=pricing_file, config=config) as con:
        span = _span(con, filters)
        query, params = _spend_query(
            dims, filters, config, tag_rules, span, measured(con, filters, span)
        )
        result = con.execute(query, params).fetchall()
        uptime = _uptime(con, filters)
        releases = one_row(con.execute(QUARANTINED_RELEASES))[0]
        floors = unknown_floors(con, filters)
    groups, reasons, lower_count, lower_cost = _add_up(result, len(dims))
    rows = [{**dict(zip(dims, key, strict=True)), **values} for key, values in groups.items()]
    totals = Totals.of(rows)
    return SpendReport(
        dims,
        filters,
        _order(rows, dims, top),
        totals,
        reasons,
        uptime,
        lower_count,
        lower_cost,
        int(releases),
        floors,
    )


def _span(
    con: duckdb.DuckDBPyConnection, filters: Filters
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The instants a report can meet: its filters' bounds, else the records' and releases'
    first and last (a floor runs up to now). Years Python cannot hold are left open."""
    start, end = filters.utc_bounds()
    if start is not None and end is not None or filters.tz == "UTC":
        return start, end
    first, last = con.execute(
        "SELECT least(min(created_at), now()), greatest(max(created_at), now()) FROM ("
        " SELECT created_at FROM predictions UNION ALL SELECT created_at FROM trainings"
        " UNION ALL SELECT coalesce(created_at, first_observed_at) FROM deployment_releases)"
    ).fetchone() or (None, None)
    return (
        start or (first if isinstance(first, dt.datetime) else None),
        end or (last if isinstance(last, dt.datetime) else None),
    )


def _spend_query(
    dims: tuple[str, ...],
    filters: Filters,
    config: ConfigLike,
    tag_rules: Sequence[Any] | None,
    span: tuple[dt.datetime | None, dt.datetime | None],
    source: tuple[str, dict[str, Any]],
) -> tuple[str, dict[str, Any]]:
    """The `spend_by` query for `dims` and its bound parameters (see sql/spend_by.sql), over the
    rows `source` gives (`measured`)."""
    params: dict[str, Any] = dict(source[1])
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
        # the first aggregation ~100x smaller than quarter hours (elsewhere: bucket_seconds).
        seconds = bucket_seconds(filters.tz, *span)
        inner.append(f"{floor_div('epoch_us(created_at)', '$bucket_us')} AS bucket")
        params.update(tz=filters.tz, bucket_seconds=seconds, bucket_us=seconds * 1_000_000)
    query = named_sql("spend_by").format(
        inner_columns=",\n           ".join(inner),
        inner_names=", ".join(c.rsplit(" AS ", 1)[-1] for c in inner),
        outer_columns=", ".join(outer),
        where=_where(filters, params),
        measured=source[0],
        unpriced_columns=", ".join(
            f"CASE WHEN reason_code IS NOT NULL THEN {c} END AS unpriced_{c}"
            for c in ITEM_SUBJECT_SOURCES
        ),
        unpriced_names=", ".join(f"unpriced_{c}" for c in ITEM_SUBJECT_SOURCES),
        unpriced_subject=item_subject_sql("unpriced_code", "unpriced_"),
    )
    return query, params


def _add_up(
    result: list[tuple], width: int
) -> tuple[dict[tuple, dict[str, Any]], list[ReasonCount], int, Decimal]:
    """Add the query's rows up in Python, exactly: per group, per reason, and the lower bounds."""
    groups: dict[tuple, dict[str, Any]] = {}
    reason_counts: dict[tuple[str, tuple], int] = {}
    lower_count, lower_cost = 0, Decimal(0)
    for record in result:
        key = tuple(record[:width])
        (code, subject, count, predict_micro, cost, unpriced, lower_n, lower_usd, priced,
         estimated, low, high, unbounded, quarantined, unknown_floor) = record[width:]  # fmt: skip
        lower_count += lower_n or 0
        lower_cost += Decimal(lower_usd or 0)
        group = groups.setdefault(key, _empty_group())
        group["count"] += count or 0
        group["predict_seconds"] += Decimal(predict_micro or 0).scaleb(-6)
        group["cost_usd"] += Decimal(cost or 0)
        group["unpriced_count"] += unpriced or 0
        group["priced_count"] += priced or 0
        group["estimated_usd"] += Decimal(estimated or 0)
        group["unpriced_low"] += Decimal(low or 0)
        group["unpriced_high"] += Decimal(high or 0)
        group["unbounded_count"] += unbounded or 0
        group["quarantined_count"] += quarantined or 0
        group["unknown_floor_count"] += unknown_floor or 0
        if code is not None and unpriced:
            key = (code, subject_key(subject))
            reason_counts[key] = reason_counts.get(key, 0) + (unpriced or 0)
    return groups, counted(reason_counts), lower_count, lower_cost


def _order(rows: list[dict[str, Any]], dims: tuple[str, ...], top: int | None) -> list[dict]:
    """Cost descending (ties by dimension values); then fold past `top` into one "(other)" row."""
    rows.sort(key=lambda r: tuple(r[d] or "" for d in dims))
    rows.sort(key=lambda r: r["cost_usd"] or 0, reverse=True)
    if top is not None and len(rows) > top:
        rest = rows[top:]
        folded: dict[str, Any] = {dim: OTHER for dim in dims}
        folded.update(_empty_group())
        for row in rest:
            for name in (*_MONEY_FIELDS, *_COUNT_FIELDS):
                folded[name] += row[name] or 0
        other: dict[str, Any] | None = folded
        rows = rows[:top]
    else:
        other = None
    time_dims = [d for d in dims if d in TIME_DIMENSIONS]
    if time_dims:
        # Time reads left to right: ascending by time, cost descending within one period.
        rows.sort(key=lambda r: tuple(r[d] or "" for d in time_dims))
    return rows + ([other] if other else [])


def _uptime(con: duckdb.DuckDBPyConnection, filters: Filters) -> list[dict[str, Any]] | None:
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
        named_sql("uptime_estimates").format(where=" AND ".join(clauses)), params
    ).fetchall()
    return [
        dict(zip(_UPTIME_COLUMNS, (d, h, int(n), float(secs or 0), Decimal(cost)), strict=True))
        for d, h, n, secs, cost in rows
    ]


def unknown_floors(con: duckdb.DuckDBPyConnection, filters: Filters) -> list[dict[str, Any]]:
    """Per deployment, the time of the report whose always-on floor is unknown: `from` and `to`
    (ISO instants, cut to the report's days) and `days` (its length), with the reason and the
    `[deployments]` line that would close it (`closed_by`, to fill in). Empty when none."""
    if not _has_view(con, "replicost_unknown_floor_days"):
        return []
    params: dict[str, Any] = {}
    where = _where(filters, params)
    start, end = filters.utc_bounds()
    params["cut_from"] = start.astimezone(dt.UTC) if start else None
    if filters.before is not None:
        end = min(end, filters.before) if end else filters.before
    params["cut_to"] = end.astimezone(dt.UTC) if end else None
    rows = con.execute(named_sql("unknown_floors").format(where=where), params).fetchall()
    return [
        {
            "deployment": deployment,
            "from": _iso(first),
            "to": _iso(last),
            "days": round(seconds / 86400, 4),
            "counted_from": counted_from,
            "reason": reason,
            "closed_by": closing_line(deployment, since),
        }
        for deployment, first, last, seconds, counted_from, reason, since in rows
    ]


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def closing_line(deployment: str, since: dt.datetime) -> str:
    """The `[deployments]` line that states a deployment's history from `since` (its hardware and
    min_instances left for the user to fill in: the placeholder fails validation until then)."""
    return (
        f'[deployments] {json.dumps(deployment)} = [{{ hardware = "{SKU_PLACEHOLDER}", '
        f'effective_from = "{since.astimezone(dt.UTC):%Y-%m-%d}", min_instances = N }}]'
    )


def unknown_floor_note(floors: Sequence[dict[str, Any]]) -> str | None:
    """The sentence every text output prints while an unknown always-on floor lies in the
    period, then the `[deployments]` line that closes each (one per line)."""
    if not floors:
        return None
    spans = ", ".join(
        f"{f['deployment']} {f['from'][:10]} to {f['to'][:10]} ({f['days']:g} days)" for f in floors
    )
    return (
        f"Unknown floors: no sync saw the releases that set the always-on instances of "
        f"{len(floors)} deployment(s) for part of this period ({spans}), so the bill has no upper "
        "bound (unpriced high: unbounded) until your pricing file states that history:"
        + "".join(f"\n  {f['closed_by']}" for f in floors)
    )


def unpriced_records(
    db: Database,
    *,
    limit: int = 100,
    filters: Filters | None = None,
    pricing_file: str | Path | None = None,
    config: ConfigLike = None,
    **filter_values: Any,
) -> pl.DataFrame:
    """The records without a price (newest first, at most `limit`), each with its reason."""
    filters = filters or Filters(**filter_values)
    params: dict[str, Any] = {"limit": limit}
    query = named_sql("unpriced_records").format(where=_where(filters, params))
    columns = dict.fromkeys(("kind", "id", "model", "version", "deployment", "status"), "text")
    columns.update(created_at="text", predict_time="float", reason="text")
    with priced_connection(db, pricing_file=pricing_file, config=config) as con:
        rows = con.execute(query, params).fetchall()
    return frame((dict(zip(columns, row, strict=True)) for row in rows), columns)


def unpriced_note(totals: Totals, reasons: Sequence[ReasonCount]) -> str | None:
    """The one line about unpriced records every report prints: count, range, reasons, the fix."""
    if not totals.unpriced_count:
        return None
    shown = "; ".join(f"{r.reason} ({r.count})" for r in list(reasons)[:3])
    no_range = "(still running, no seconds known, or no output counted)"
    if totals.unbounded_count >= totals.unpriced_count:  # "$0.00 to $0.00" would read as free
        could_cost = f"none of them has a range {no_range}"
    else:
        could_cost = f"they could cost {usd(totals.unpriced_low)} to {usd(totals.unpriced_high)}"
        if totals.unbounded_count:
            could_cost += f", {totals.unbounded_count:,} of them with no range {no_range}"
    return (
        f"Unpriced: {totals.unpriced_count:,} records are NOT in the totals; {could_cost}. "
        f"Reasons: {shown}. Fix: {FIX_COMMAND}, then --pricing prices.toml."
    )


def spend_notes(result: SpendReport) -> list[str]:
    """The labelled notes beside the totals: kinds, unpriced records, quarantine, deployments.

    One string per note (a note may span lines), so Markdown keeps each as one paragraph. The
    table, Markdown, HTML and the demo all print these, so the wording is built once, here.
    """
    totals = result.totals
    lines = []
    if totals.count == 0:
        lines.append("No records match (empty database or filters exclude everything).")
    lines.append(
        f"Bill estimate {usd(totals.cost_usd)}: {usd(totals.exact_usd)} exact, "
        f"{usd(totals.estimated_usd)} estimated (deployments: {UPTIME_RULE}; private models' "
        "active time as a lower bound; public models' hardware from the shipped map; durations "
        "used where predict_time is missing)."
    )
    unpriced = unpriced_note(totals, result.unpriced_reasons)
    if unpriced:
        lines.append(unpriced)
    floors = unknown_floor_note(result.unknown_floors)
    if floors:
        lines.append(floors)
    quarantined = f"Quarantined at the sync: {totals.quarantined_count:,} records (unpriced)"
    if result.quarantined_releases:
        quarantined += (
            f"; {result.quarantined_releases:,} deployment release(s) never priced (impossible "
            "instance counts or hardware: the deployment is unpriced until its next sane release)"
        )
    lines.append(quarantined + ".")
    if result.lower_bound_count:
        lines.append(
            f"Lower bounds: {result.lower_bound_count:,} records ({usd(result.lower_bound_cost)} of the "
            f"total) count {LOWER_BOUND_NOTE}."
        )
    if result.uptime_rows:
        lines.append(
            f"Deployment always-on floors: {usd(result.uptime_total)} (min_instances > 0); the "
            "totals count each deployment's larger of floor and active time, day by day:"
        )
        for row in result.uptime_rows:
            lines[-1] += (
                f"\n  {row['deployment']}  {row['hardware'] or '(unknown hardware)'}  "
                f"{row['days']} days  {usd(row['cost_usd'])}"
            )
    return lines
