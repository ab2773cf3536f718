"""Rendering `report diff` (a `DiffReport`): rich table, JSON, CSV, Markdown.

Presentation only: every figure is the library's. Group names and reasons come from the server
(model and deployment names, versions, tags): each output escapes them with `replicost.escape`'s
function for its kind (terminal, Markdown, CSV).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from replicost.billing.money import usd
from replicost.escape import csv_cell, markdown, terminal

if TYPE_CHECKING:
    from rich.console import Console

    from replicost.analytics.reports.diff import DiffReport, DiffRow, Side

PARTS = ("volume", "price", "mix")


def _dollars(micro: int) -> Decimal:
    return Decimal(micro).scaleb(-6)


def _signed(micro: int) -> str:
    text = usd(abs(_dollars(micro)))
    return f"+{text}" if micro > 0 else f"-{text}" if micro < 0 else text


def _side_cost(side: Side) -> str:
    """A side's cost for people: "unpriced" where it has items and none priced, never $0."""
    if side.priced == 0 and side.unpriced:
        return "unpriced"
    return usd(_dollars(side.cost_micro)) if side.priced else "-"


def _changes(row: DiffRow) -> list[str]:
    """Delta, volume, price, mix of a row; "unpriced" where a side has no priced item."""
    if not row.known:
        return ["unpriced"] * 4
    return [_signed(getattr(row, f"{name}_micro")) for name in ("delta", *PARTS)]


def _name(value: str | None) -> str:
    return "(none)" if value is None else terminal(value)


def _header(result: DiffReport, escape: Callable[[str | None], str] | None = None) -> str:
    escape = escape or _name

    def side(name: str, period: str, pricing: str | None) -> str:
        return f"{name} {escape(period)}" + (f" (prices: {escape(pricing)})" if pricing else "")

    return (
        f"{side('head', result.head.text, result.head_pricing)} against "
        f"{side('base', result.base.text, result.base_pricing)}"
    )


def notes(result: DiffReport, escape: Callable[[str | None], str] | None = None) -> list[str]:
    """What the figures mean, and the unpriced items of each side (never in the totals); the
    reasons, which name models and deployments, pass through `escape`."""
    escape = escape or _name
    lines = [
        "delta = volume + price + mix, exactly: volume is more or less usage at the base's "
        "average price, mix is usage moved between hardware (or models' unit prices), price is "
        "the same usage at new prices (see README, report diff)."
    ]
    for side, reasons in (("base", result.base_reasons), ("head", result.head_reasons)):
        count = result.unpriced_count(side)
        if count:
            shown = "; ".join(f"{escape(r.reason)} ({r.count})" for r in reasons[:3])
            lines.append(
                f"Unpriced ({side}): {count:,} records NOT in the figures. Reasons: {shown}."
            )
    return lines


def render_diff_table(result: DiffReport, console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    from .render import print_note, print_table

    table = Table(title=f"Spend diff by {', '.join(result.by)} (USD): {_header(result)}")
    for dim in result.by:
        table.add_column(dim, overflow="fold")
    for column in ("status", "base", "head", "delta", *PARTS, "unpriced b/h"):
        table.add_column(column, justify="left" if column == "status" else "right")
    last = len(result.rows) - 1
    for i, row in enumerate(result.rows):
        table.add_row(
            *(Text(_name(value)) for value in row.key),
            row.status,
            _side_cost(row.base),
            _side_cost(row.head),
            *_changes(row),
            f"{row.base.unpriced:,}/{row.head.unpriced:,}",
            end_section=i == last,
        )
    table.add_row(
        "Total",
        *([""] * len(result.by)),
        usd(_dollars(result.total("base"))),
        usd(_dollars(result.total("head"))),
        *(_signed(result.total(name)) for name in ("delta", *PARTS)),
        f"{result.unpriced_count('base'):,}/{result.unpriced_count('head'):,}",
        style="bold",
    )
    print_table(console, table)
    for line in notes(result):
        print_note(console, line)


def diff_json(result: DiffReport) -> str:
    from .render import json_text

    return json_text(result.to_dict()) + "\n"


def diff_csv(result: DiffReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    fields = ["status", "base_usd", "head_usd", "delta_usd", "volume_usd", "price_usd", "mix_usd",
              "base_count", "head_count", "base_unpriced_count", "head_unpriced_count"]  # fmt: skip
    writer.writerow([*result.by, *fields])
    for row in result.to_dict()["rows"]:
        writer.writerow([csv_cell(row[d]) for d in result.by] + [row[f] for f in fields])
    return buffer.getvalue()


def _md(value: str | None) -> str:
    return "(none)" if value is None else markdown(value)


def diff_markdown(result: DiffReport) -> str:
    head = [*result.by, "status", "base", "head", "delta", *PARTS, "unpriced (base/head)"]
    align = ["---"] * (len(result.by) + 1) + ["---:"] * 7
    lines = [
        f"**Spend diff** by {', '.join(result.by)} (USD): {_header(result, _md)}",
        "",
        "| " + " | ".join(head) + " |",
        "| " + " | ".join(align) + " |",
    ]
    for row in result.rows:
        cells = [_md(v) for v in row.key] + [row.status, _side_cost(row.base), _side_cost(row.head)]
        cells += _changes(row)
        cells.append(f"{row.base.unpriced}/{row.head.unpriced}")
        lines.append("| " + " | ".join(cells) + " |")
    total = ["**Total**"] + [""] * len(result.by)
    total += [f"**{usd(_dollars(result.total(name)))}**" for name in ("base", "head")]
    total += [f"**{_signed(result.total(name))}**" for name in ("delta", *PARTS)]
    total.append(f"**{result.unpriced_count('base')}/{result.unpriced_count('head')}**")
    lines.append("| " + " | ".join(total) + " |")
    return "\n".join(lines) + "\n\n" + "\n\n".join(notes(result, _md)) + "\n"
