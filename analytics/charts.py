"""Charts of a spend report, with no plotting library: one layout, drawn as SVG or as PNG.

Why not matplotlib: with numpy, fontTools and kiwisolver it is about 120 MB installed, for bar
charts. A spend chart is rectangles, lines and text, so `chart_layout` lays it out once as a
list of shapes and two small backends draw the shapes: SVG text (for the HTML report and
`--chart x.svg`), and PNG through Pillow (7 MB, a core dependency: `--chart x.png` works from
the README's install). The same shapes give the same chart in both.

What the chart shows (issue #14):
* A time dimension (`day`, `week`, `month`) is a date axis: every period in the range has its
  slot (a day without spend is an empty slot, not a missing one) and ticks fall on calendar
  boundaries, not on every bar.
* Time x another dimension draws stacked bars: one stack per period, one colour per value of the
  other dimension (the largest few; the rest is one grey "(other)" series).
* Other dimensions draw horizontal bars, largest first, stacked by a second dimension if any.
* Money is in dollars and cents. Unpriced records (no known price, not in the bars) are drawn
  as their own grey strip of counts under the time axis, or as "+ N unpriced" after a bar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from replicost.errors import InputError

from . import chart_draw
from .chart_layout import SINGLE, layout, money
from .reports import OTHER, TIME_DIMENSIONS, SpendReport, spend_notes

FORMATS = (".png", ".svg", ".html", ".htm")
MAX_SERIES = 8  # coloured series in a stack; the rest is "(other)"
MAX_CATEGORIES = 30  # bars of a non-time chart; the rest is "(other)"


@dataclass
class Chart:
    """What to draw, independent of the drawing: categories x series of exact amounts."""

    title: str
    categories: list[str]  # x periods (ISO text) or bar labels, in drawing order
    series: list[str]  # stack order, bottom to top
    values: list[list[Decimal]]  # values[category][series], USD
    unpriced: list[int]  # unpriced records per category
    time_unit: str | None = None  # "day", "week", "month", or None for a category chart
    notes: list[str] = field(default_factory=list)
    # what the unpriced records could cost per category (low, high), when the report says
    unpriced_range: list[tuple[Decimal, Decimal]] | None = None

    def total(self) -> Decimal:
        return sum((sum(row, Decimal(0)) for row in self.values), Decimal(0))

    def category_totals(self) -> list[Decimal]:
        return [sum(row, Decimal(0)) for row in self.values]


def _text(value: object) -> str:
    return "(none)" if value is None else str(value)


def _periods(unit: str, first: str, last: str) -> list[str]:
    """Every period from `first` to `last` (ISO text as the reports write it), in order."""
    if unit == "month":
        year, month = (int(p) for p in first.split("-"))
        end = tuple(int(p) for p in last.split("-"))
        out = []
        while (year, month) <= end:
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out
    step = dt.timedelta(days=7 if unit == "week" else 1)
    day, end_day = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    out = []
    while day <= end_day:
        out.append(day.isoformat())
        day += step
    return out


def _fold(totals: dict[str, Decimal], keep: int) -> list[str]:
    """The `keep` largest keys (cost descending, then name); the others fold into OTHER."""
    ranked = sorted(totals, key=lambda k: (-totals[k], k))
    return ranked if len(ranked) <= keep + 1 else ranked[:keep]


def chart_from_report(report: SpendReport, *, top: int | None = None) -> Chart:
    """Arrange a spend report for drawing (see the module docstring for the rules).

    Pass a report computed without `--top`: a time axis cannot place a folded "(other)" period;
    `top` here limits the series (time charts) or bars (other charts) instead.
    """
    by = report.by
    time_dim = next((d for d in by if d in TIME_DIMENSIONS), None)
    x_dim = time_dim or by[0]
    stack_dims = [d for d in by if d != x_dim]
    cells: dict[tuple[str, str], Decimal] = {}
    unpriced: dict[str, list] = {}  # x -> [count, low, high]
    folded, undated = Decimal(0), 0
    for row in report.groups:
        x = _text(row[x_dim])
        cost = row["cost_usd"] or Decimal(0)
        if time_dim and x == OTHER:
            folded += cost
            continue
        if time_dim and row[x_dim] is None:
            # no created_at: unpriced (no price can be said to be in effect), and no period
            undated += row["count"]
            continue
        key = " / ".join(_text(row[d]) for d in stack_dims) or SINGLE
        cells[(x, key)] = cells.get((x, key), Decimal(0)) + cost
        group = unpriced.setdefault(x, [0, Decimal(0), Decimal(0)])
        group[0] += row["unpriced_count"]
        group[1] += row["unpriced_low"] or Decimal(0)
        group[2] += row["unpriced_high"] or Decimal(0)
    series_totals: dict[str, Decimal] = {}
    x_totals: dict[str, Decimal] = {}
    for (x, key), value in cells.items():
        series_totals[key] = series_totals.get(key, Decimal(0)) + value
        x_totals[x] = x_totals.get(x, Decimal(0)) + value
    series = _fold(series_totals, min(top or MAX_SERIES, MAX_SERIES))
    if len(series) < len(series_totals):
        series.append(OTHER)
    if time_dim:
        categories = _periods(time_dim, min(x_totals), max(x_totals)) if x_totals else []
    else:
        categories = _fold(x_totals, top or MAX_CATEGORIES)
        if len(categories) < len(x_totals):
            categories.append(OTHER)
    chart = _fill(report, categories, series, cells, unpriced, time_dim)
    chart.unpriced_range = _ranges(categories, unpriced)
    if folded:
        chart.notes.append(f"{money(folded)} folded into (other) by --top is not on the time axis")
    if undated:
        chart.notes.append(
            f"{undated:,} unpriced records with no created_at are not on the time axis"
        )
    return chart


def _fill(
    report: SpendReport,
    categories: list[str],
    series: list[str],
    cells: dict[tuple[str, str], Decimal],
    unpriced: dict[str, list],
    time_dim: str | None,
) -> Chart:
    index_x = {x: i for i, x in enumerate(categories)}
    index_s = {s: i for i, s in enumerate(series)}
    values = [[Decimal(0)] * len(series) for _ in categories]
    counts = [0] * len(categories)
    for (x, key), value in cells.items():
        i = index_x.get(x, index_x.get(OTHER))
        j = index_s.get(key, index_s.get(OTHER))
        if i is not None and j is not None:
            values[i][j] += value
    for x, (n, _, _) in unpriced.items():
        i = index_x.get(x, index_x.get(OTHER))
        if i is not None:
            counts[i] += n
    # a stack reads bottom-up from the largest series; "(other)" stays on top
    order = sorted(
        range(len(series)),
        key=lambda j: (series[j] == OTHER, -sum(row[j] for row in values), series[j]),
    )
    title = f"Spend by {', '.join(report.by)} (USD), total {money(report.totals.cost_usd)}"
    notes = []
    if report.totals.unpriced_count:
        note = (
            f"{report.totals.unpriced_count:,} records have no known price and are not in the bars"
        )
        high = getattr(report.totals, "unpriced_high", None)
        if high:
            low = getattr(report.totals, "unpriced_low", Decimal(0))
            note += f" (they could cost {money(low)} to {money(high)})"
        notes.append(note)
    return Chart(
        title=title,
        categories=list(categories),
        series=[series[j] for j in order],
        values=[[row[j] for j in order] for row in values],
        unpriced=counts,
        time_unit=time_dim,
        notes=notes,
    )


def _ranges(categories: list[str], unpriced: dict[str, list]) -> list[tuple[Decimal, Decimal]]:
    """(low, high) of what each category's unpriced records could cost; (other) takes the rest."""
    out = {x: [Decimal(0), Decimal(0)] for x in categories}
    for x, (_, low, high) in unpriced.items():
        target = out.get(x, out.get(OTHER))
        if target is not None:
            target[0] += low
            target[1] += high
    return [(low, high) for low, high in out.values()]


def render_svg(report: SpendReport | Chart, *, top: int | None = None) -> str:
    """The chart as a standalone SVG document (text)."""
    chart = report if isinstance(report, Chart) else chart_from_report(report, top=top)
    return chart_draw.svg(layout(chart))


def render_png(report: SpendReport | Chart, *, top: int | None = None) -> bytes:
    """The chart as PNG bytes (drawn with Pillow at twice the SVG's pixel size)."""
    chart = report if isinstance(report, Chart) else chart_from_report(report, top=top)
    return chart_draw.png(layout(chart))


def render_html(report: SpendReport, *, top: int | None = None) -> str:
    """A self-contained page: the SVG chart, then the table and notes it is drawn from."""
    from .html_report import chart_page

    return chart_page(report, render_svg(report, top=top), spend_notes(report))


def write_chart(report: SpendReport, path: str | Path, *, top: int | None = None) -> Path:
    """Write the chart to `path`: PNG, SVG or a self-contained HTML page, by its extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"--chart {path}: use a .png, .svg or .html file name")
    if suffix == ".png":
        data: bytes | str = render_png(report, top=top)
    elif suffix == ".svg":
        data = render_svg(report, top=top)
    else:
        data = render_html(report, top=top)
    try:
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write chart {path}: {exc.strerror}") from None
    return path
