"""`diff`: what changed between two periods, or two pricing files, group by group.

Each side is the bill of one period (the `bill_items` of `report spend` for the same days, added
up the same way, so `base_usd` and `head_usd` equal `report spend`'s totals to the micro-dollar);
`--pricing-base FILE` prices the base side with another pricing file, so the same period on both
sides shows what a price change does. A group on one side only is `new` or `gone`.

The delta of a group is split three ways, in whole micro-dollars, and the three add up to it
exactly. Inside a group, priced items are counted in *families* of one unit (seconds of billed
time on any hardware; images; tokens; deployment top-up days) and priced on *meters* (the
hardware SKU for seconds and top-ups, the model for per-output prices). For a family f with base
quantity Qb and cost Cb (average base price Pb = Cb / Qb), head quantity Qh and cost Ch, and on
each meter m the head quantity qh(m) and the base unit price pb(m) = cb(m) / qb(m):

* volume(f) = (Qh - Qb) x Pb: more or less of the family at the base's average price;
* mix(f)    = sum over m of qh(m) x pb(m), minus Qh x Pb: the head's quantity moved between
  meters (e.g. from gpu-t4 to gpu-a100) at base prices. A meter the base did not use has no
  base price: its head price stands in for it, so moving onto new hardware is mix, not price;
* price(f)  = Ch - sum over m of qh(m) x pb(m): the head's quantity at the head's prices
  against the same quantity at the base's.
  A family the base did not have (Qb = 0) is all volume (its whole head cost).

volume + mix + price = Ch - Qb x Pb = Ch - Cb for every family, in exact fractions. The group's
volume and mix are the sums over its families, rounded once to the micro-dollar (half to even);
its price is the exact remainder, delta - volume - mix, so it carries those two roundings (at most
one micro-dollar). Each record's cost is rounded to the micro-dollar before it is added up, so a
meter's average price per second moves a little with the records' lengths: over thousands of
records that rounding shows as a small price effect even when no price changed Tokens are
counted input and output together (each has its own price), so a change in their ratio shows as
price too. Unpriced items have no quantity or cost on either side: they are counted and
their reasons listed per side, never summed as $0. A group with items but none priced on a side
has no delta (null in JSON, "unpriced" in tables): its change is unknown. The totals are the
priced bill's (each side's equals `report spend`), so they include such a group's priced side.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import duckdb

from replicost.billing.money import money_str
from replicost.billing.reasons import ReasonCount, counted, subject_key
from replicost.errors import InputError

from .connection import ConfigLike, Database, load_config, priced_connection
from .filters import _DIMENSION_SQL, TIME_DIMENSIONS, Filters, _where, named_sql, parse_dimensions

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
Key = tuple[str | None, ...]
# (family, meter) -> [quantity, cost in micro-dollars]
Meters = dict[tuple[str, str | None], list[int]]


@dataclass(frozen=True)
class Period:
    """Inclusive calendar days, from `since` to `until`, as the user wrote them (`text`)."""

    text: str
    since: dt.date
    until: dt.date

    def to_dict(self) -> dict[str, str]:
        return {
            "period": self.text,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
        }


def parse_period(text: str, flag: str = "--base") -> Period:
    """`YYYY-MM` (that month), `YYYY-MM-DD` (that day) or `A..B` (from A's first day to B's last)."""
    first, sep, last = text.strip().partition("..")
    if sep and not (first and last):
        raise InputError(f"{flag} {text!r}: a range needs both ends, e.g. 2026-09..2026-10")
    since = _bounds(first, flag, text)[0]
    until = _bounds(last if sep else first, flag, text)[1]
    if since > until:
        raise InputError(f"{flag} {text!r} ends before it starts")
    return Period(text.strip(), since, until)


def _bounds(part: str, flag: str, text: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a month `YYYY-MM` or of a day `YYYY-MM-DD`."""
    part = part.strip()
    try:
        if _DAY.fullmatch(part):
            day = dt.date.fromisoformat(part)
            return day, day
        if match := _MONTH.fullmatch(part):
            start = dt.date(int(match[1]), int(match[2]), 1)
            following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
            return start, following - dt.timedelta(days=1)
    except ValueError:
        pass
    raise InputError(f"{flag} {text!r}: use YYYY-MM, YYYY-MM-DD or A..B (e.g. 2026-09..2026-10)")


@dataclass
class Side:
    """One group's items on one side: records, priced items, unpriced count, cost per meter."""

    count: int = 0
    priced: int = 0
    unpriced: int = 0
    meters: Meters = field(default_factory=dict)

    @property
    def cost_micro(self) -> int:
        return sum(cost for _, cost in self.meters.values())


def decompose(base: Mapping[tuple[str, str | None], Sequence[int]],
              head: Mapping[tuple[str, str | None], Sequence[int]]) -> tuple[int, int, int]:  # fmt: skip
    """(volume, price, mix) of a group in micro-dollars, from its meters on each side
    ({(family, meter): (quantity, cost_micro)}); they add up to head cost - base cost exactly.
    The rule is the module docstring's."""
    volume, mix = Fraction(0), Fraction(0)
    for family in {f for f, _ in base} | {f for f, _ in head}:
        b = {m: (q, c) for (f, m), (q, c) in base.items() if f == family}
        h = {m: (q, c) for (f, m), (q, c) in head.items() if f == family}
        base_quantity, base_cost = sum(q for q, _ in b.values()), sum(c for _, c in b.values())
        head_quantity, head_cost = sum(q for q, _ in h.values()), sum(c for _, c in h.values())
        if base_quantity == 0:
            volume += head_cost - base_cost
            continue
        average = Fraction(base_cost, base_quantity)
        volume += (head_quantity - base_quantity) * average
        at_base_prices = Fraction(0)
        for meter, (quantity, cost) in h.items():
            known = b.get(meter)
            if known and known[0]:
                at_base_prices += quantity * Fraction(known[1], known[0])
            else:  # no base price for this meter: its head price stands in (mix, not price)
                at_base_prices += cost
        mix += at_base_prices - head_quantity * average
    delta = sum(c for _, c in head.values()) - sum(c for _, c in base.values())
    volume_micro, mix_micro = round(volume), round(mix)
    return volume_micro, delta - volume_micro - mix_micro, mix_micro


@dataclass(frozen=True)
class DiffRow:
    """One group: both sides, the delta and its three parts (micro-dollars), `status` new, gone
    or both."""

    key: Key
    status: str
    base: Side
    head: Side
    volume_micro: int
    price_micro: int
    mix_micro: int

    @property
    def delta_micro(self) -> int:
        return self.head.cost_micro - self.base.cost_micro

    @property
    def known(self) -> bool:
        """False when a side has items and none priced: its change is unknown, not $0."""
        return not any(side.priced == 0 and side.unpriced for side in (self.base, self.head))


@dataclass(frozen=True)
class DiffReport:
    """Two sides of the bill grouped the same way, their deltas, and what neither could price."""

    by: tuple[str, ...]
    base: Period
    head: Period
    base_pricing: str | None
    head_pricing: str | None
    rows: list[DiffRow]
    base_reasons: list[ReasonCount]
    head_reasons: list[ReasonCount]

    def total(self, name: str) -> int:
        """The sum over rows of a micro-dollar figure: base, head, delta, volume, price, mix."""
        if name in ("base", "head"):
            return sum(getattr(r, name).cost_micro for r in self.rows)
        return sum(getattr(r, f"{name}_micro") for r in self.rows)

    def unpriced_count(self, side: str) -> int:
        return sum(getattr(r, side).unpriced for r in self.rows)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of `report diff --format json` (see the README)."""
        rows = [
            {
                **dict(zip(self.by, row.key, strict=True)),
                "status": row.status,
                "base_usd": _usd_or_null(row.base),
                "head_usd": _usd_or_null(row.head),
                **{
                    f"{name}_usd": _usd(getattr(row, f"{name}_micro")) if row.known else None
                    for name in ("delta", "volume", "price", "mix")
                },
                "base_count": row.base.count,
                "head_count": row.head.count,
                "base_unpriced_count": row.base.unpriced,
                "head_unpriced_count": row.head.unpriced,
            }
            for row in self.rows
        ]
        return {
            "currency": "USD",
            "by": list(self.by),
            "base": {**self.base.to_dict(), "pricing": self.base_pricing},
            "head": {**self.head.to_dict(), "pricing": self.head_pricing},
            "rows": rows,
            "new": [dict(zip(self.by, r.key, strict=True)) for r in self.rows if r.status == "new"],
            "gone": [
                dict(zip(self.by, r.key, strict=True)) for r in self.rows if r.status == "gone"
            ],
            "totals": {
                f"{name}_usd": _usd(self.total(name))
                for name in ("base", "head", "delta", "volume", "price", "mix")
            },
            "unpriced": {
                side: {
                    "count": self.unpriced_count(side),
                    "reasons": [r.to_dict() for r in reasons],
                    "in_totals": False,
                }
                for side, reasons in (("base", self.base_reasons), ("head", self.head_reasons))
            },
        }


def _usd(micro: int) -> str:
    return money_str(Decimal(micro).scaleb(-6))


def _usd_or_null(side: Side) -> str | None:
    """A side's cost in JSON: null when it has items and none priced (never a silent $0)."""
    return None if side.priced == 0 and side.unpriced else _usd(side.cost_micro)


def diff(
    db: Database,
    by: str | Sequence[str],
    *,
    base: str | Period,
    head: str | Period,
    tz: str = "UTC",
    pricing_file: str | Path | None = None,
    pricing_base: str | Path | None = None,
    config: ConfigLike = None,
) -> DiffReport:
    """The bill of `head` against `base` (periods as `parse_period` reads them), grouped by `by`.

    The head side is priced with `pricing_file` (and the config), the base side with
    `pricing_base` when given, else the same. Time dimensions cannot group a diff (the two sides
    cover different days), so `by` takes the others: model, version, source, deployment,
    hardware, status, kind, account, tag.
    """
    dims = parse_dimensions(by)
    if timed := [d for d in dims if d in TIME_DIMENSIONS]:
        raise InputError(f"report diff cannot group by {timed[0]}: the two sides are other days")
    base_period = base if isinstance(base, Period) else parse_period(base, "--base")
    head_period = head if isinstance(head, Period) else parse_period(head, "--head")
    base_pricing = pricing_base if pricing_base is not None else pricing_file
    if isinstance(db, duckdb.DuckDBPyConnection) and pricing_base is not None:
        # an open connection carries one set of prices (its views): both sides would read them
        raise InputError("a diff of two pricing files needs the database's path, not a connection")
    base_groups, base_reasons = _side(db, dims, base_period, tz, base_pricing, config)
    head_groups, head_reasons = _side(db, dims, head_period, tz, pricing_file, config)
    rows = []
    for key in sorted(base_groups.keys() | head_groups.keys(), key=_sort_key):
        b, h = base_groups.get(key, Side()), head_groups.get(key, Side())
        status = "new" if key not in base_groups else "gone" if key not in head_groups else "both"
        volume, price, mix = decompose(b.meters, h.meters)
        rows.append(DiffRow(key, status, b, h, volume, price, mix))
    rows.sort(key=lambda r: (-abs(r.delta_micro), _sort_key(r.key)))
    return DiffReport(
        dims,
        base_period,
        head_period,
        None if base_pricing is None else str(base_pricing),
        None if pricing_file is None else str(pricing_file),
        rows,
        base_reasons,
        head_reasons,
    )


def _sort_key(key: Key) -> tuple[str, ...]:
    return tuple(value or "" for value in key)


def _side(
    db: Database,
    dims: tuple[str, ...],
    period: Period,
    tz: str,
    pricing_file: str | Path | None,
    config: ConfigLike,
) -> tuple[dict[Key, Side], list[ReasonCount]]:
    """One side's groups (with their meters) and its unpriced reasons, most frequent first."""
    params: dict[str, Any] = {}
    columns = []
    for i, dim in enumerate(dims):
        if dim == "tag":
            from replicost.analytics import tags

            expression = tags.case_expression(tags.load_rules(load_config(config)), params)
        else:
            expression = _DIMENSION_SQL[dim]
        columns.append(f"CAST({expression} AS VARCHAR) AS d{i}")
    filters = Filters(since=period.since, until=period.until, tz=tz)
    query = named_sql("diff_by").format(
        dimension_columns=",\n           ".join(columns), where=_where(filters, params)
    )
    with priced_connection(db, pricing_file=pricing_file, config=config) as con:
        result = con.execute(query, params).fetchall()
    groups: dict[Key, Side] = {}
    reasons: dict[tuple[str, tuple], int] = {}
    width = len(dims)
    for record in result:
        family, meter, code, subject, count, items, cost, quantity = record[width:]
        side = groups.setdefault(tuple(record[:width]), Side())
        side.count += count or 0
        if cost is None:
            side.unpriced += items
            if code is not None:
                key = (code, subject_key(subject))
                reasons[key] = reasons.get(key, 0) + items
            continue
        side.priced += items
        totals = side.meters.setdefault((family, meter), [0, 0])
        totals[0] += int(quantity or 0)
        totals[1] += int(cost)
    return groups, counted(reasons)
