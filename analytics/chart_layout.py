"""Lay a `charts.Chart` out as shapes: stacked columns on a date axis, or horizontal bars.

Pixel sizes are the SVG's; the PNG draws the same shapes at twice the size. Widths of labels are
measured (chart_draw.measure), so long model names get the room they need rather than an
ellipsis, and date ticks are thinned until their labels no longer touch.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import TYPE_CHECKING

from .chart_draw import (
    INK,
    MUTED,
    OTHER_COLOR,
    PALETTE,
    UNPRICED_COLOR,
    Drawing,
    Line,
    Rect,
    measure,
)
from .chart_draw import Text as Label

if TYPE_CHECKING:
    from .charts import Chart

WIDTH = 960
PLOT_HEIGHT = 300
STRIP_HEIGHT = 34  # the unpriced-records strip under a time axis
ROW_HEIGHT, BAR_HEIGHT = 24, 16  # horizontal bars
OTHER = "(other)"
SINGLE = "spend"


def money(value: Decimal | float | int) -> str:
    """Dollars and cents, with thousands separators; "<$0.01" for a non-zero amount below a cent."""
    value = value if isinstance(value, Decimal) else Decimal(str(value))
    if value and abs(value) < Decimal("0.005"):
        return "<$0.01" if value > 0 else "-<$0.01"
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def nice_ticks(peak: float, count: int = 5) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 x 10^k) up to at least `peak`."""
    if peak <= 0:
        return [0.0, 1.0]
    raw = peak / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    steps = math.ceil(peak / step - 1e-9)
    return [i * step for i in range(steps + 1)]


def tick_label(value: float, step: float) -> str:
    """Whole dollars when the step is whole (the cents would all be .00), else cents."""
    return f"${value:,.0f}" if float(step).is_integer() else f"${value:,.2f}"


def series_colors(series: list[str]) -> list[str]:
    """One colour per series, in order; "(other)" is always grey."""
    colors, i = [], 0
    for name in series:
        if name == OTHER:
            colors.append(OTHER_COLOR)
        else:
            colors.append(PALETTE[i % len(PALETTE)])
            i += 1
    return colors


def layout(chart: Chart) -> Drawing:
    """The chart's shapes: a date axis for time charts, horizontal bars otherwise."""
    return _time_layout(chart) if chart.time_unit else _bar_layout(chart)


def _header(drawing: Drawing, chart: Chart) -> float:
    """Title and notes; returns the y where the plot may start."""
    drawing.add(Label(16, 24, chart.title, size=15))
    y = 24
    for note in chart.notes:
        y += 17
        drawing.add(Label(16, y, note, size=11.5, fill=MUTED))
    return y + 22


def _legend(drawing: Drawing, chart: Chart, x: float, y: float) -> None:
    if chart.series == [SINGLE]:
        return
    for name, color in zip(chart.series, series_colors(chart.series), strict=True):
        drawing.add(Rect(x, y - 10, 11, 11, color))
        drawing.add(Label(x + 16, y, name, size=11.5))
        y += 18


def _legend_width(chart: Chart) -> float:
    if chart.series in ([SINGLE], []):
        return 0
    return max(measure(name, 11.5) for name in chart.series) + 40


# ----- time charts ----------------------------------------------------------------------------


def _period_date(unit: str, text: str) -> dt.date:
    return dt.date.fromisoformat(text + "-01" if unit == "month" else text)


def _tick_candidates(unit: str, days: list[dt.date]) -> list[int]:
    """Indices worth a tick: every period when there are few; else weeks or months."""
    n = len(days)
    if n <= 16:
        return list(range(n))
    if unit == "day" and n <= 120:
        return [i for i, d in enumerate(days) if d.weekday() == 0]
    if unit == "month":
        return list(range(n)) if n <= 36 else [i for i, d in enumerate(days) if d.month % 3 == 1]
    # long day ranges and weeks: the first period of each month
    return [i for i in range(1, n) if days[i].month != days[i - 1].month]


def _tick_text(unit: str, day: dt.date, previous: dt.date | None) -> tuple[str, str]:
    """(label, year line): the year is written under the first tick and where it changes."""
    label = day.strftime("%b") if unit == "month" else day.strftime("%b %d")
    year = str(day.year) if previous is None or previous.year != day.year else ""
    return label, year


def _time_axis(drawing: Drawing, chart: Chart, x0: float, slot: float, y: float) -> None:
    unit = chart.time_unit or "day"
    days = [_period_date(unit, c) for c in chart.categories]
    candidates = _tick_candidates(unit, days)
    if len(candidates) > 1:
        # a uniform stride (every 2nd month, ...) reads better than dropping whichever label touches
        widest = max(measure(_tick_text(unit, days[i], None)[0], 11) for i in candidates)
        spacing = min(b - a for a, b in zip(candidates, candidates[1:], strict=False)) * slot
        candidates = candidates[:: max(1, math.ceil((widest + 10) / spacing))]
    last_end, previous = -1e9, None
    for i in candidates:
        label, year = _tick_text(unit, days[i], previous)
        center = x0 + (i + 0.5) * slot
        half = max(measure(label, 11), measure(year, 10)) / 2
        if center - half < last_end + 8:
            continue  # would touch the previous label
        drawing.add(Line(center, y, center, y + 4, stroke=MUTED))
        drawing.add(Label(center, y + 16, label, size=11, anchor="middle", fill=INK))
        if year:
            drawing.add(Label(center, y + 29, year, size=10, anchor="middle", fill=MUTED))
        last_end, previous = center + half, days[i]


def _y_axis(
    drawing: Drawing, ticks: list[float], x0: float, x1: float, y0: float, y1: float
) -> None:
    step = ticks[1] - ticks[0]
    for value in ticks:
        y = y1 - (y1 - y0) * value / ticks[-1]
        drawing.add(Line(x0, y, x1, y))
        drawing.add(Label(x0 - 6, y + 4, tick_label(value, step), size=11, anchor="end"))


def _time_layout(chart: Chart) -> Drawing:
    totals = chart.category_totals()
    ticks = nice_ticks(float(max(totals, default=0)))
    step = ticks[1] - ticks[0]
    left = max(measure(tick_label(v, step), 11) for v in ticks) + 24
    legend_w = _legend_width(chart)
    has_strip = any(chart.unpriced)
    drawing = Drawing(WIDTH, 0, chart.title)
    y0 = _header(drawing, chart)
    y1 = y0 + PLOT_HEIGHT
    x0, x1 = left, WIDTH - legend_w - 16
    _y_axis(drawing, ticks, x0, x1, y0, y1)
    n = max(1, len(chart.categories))
    slot = (x1 - x0) / n
    bar = max(0.8, slot * 0.8)
    scale = (y1 - y0) / ticks[-1]
    colors = series_colors(chart.series)
    for i, period in enumerate(chart.categories):
        x, top = x0 + i * slot + (slot - bar) / 2, y1
        for j, value in enumerate(chart.values[i]):
            if value <= 0:
                continue
            h = float(value) * scale
            who = "" if chart.series == [SINGLE] else f" {chart.series[j]}"
            tip = f"{period}{who}: {money(value)}"
            drawing.add(Rect(x, top - h, bar, h, colors[j], tip))
            top -= h
    drawing.add(Line(x0, y1, x1, y1, stroke=INK))
    _time_axis(drawing, chart, x0, slot, y1)
    bottom = y1 + 40
    if has_strip:
        bottom = _unpriced_strip(drawing, chart, x0, x1, slot, bar, bottom)
    if not chart.categories:
        drawing.add(Label((x0 + x1) / 2, (y0 + y1) / 2, "no records in range", anchor="middle"))
    _legend(drawing, chart, x1 + 24, y0 + 10)
    drawing.height = int(bottom + 12)
    return drawing


def _unpriced_strip(
    drawing: Drawing, chart: Chart, x0: float, x1: float, slot: float, bar: float, y: float
) -> float:
    """Grey columns of unpriced record counts per period, with their own label and scale."""
    peak = max(chart.unpriced)
    drawing.add(
        Label(
            x0,
            y + 4,
            f"unpriced records per {chart.time_unit} (max {peak:,}; not in the bars)",
            size=11,
            fill=MUTED,
        )
    )
    base = y + 12 + STRIP_HEIGHT
    for i, count in enumerate(chart.unpriced):
        if count:
            h = max(1.0, STRIP_HEIGHT * count / peak)
            tip = f"{chart.categories[i]}: {count:,} unpriced records{_range_text(chart, i)}"
            drawing.add(
                Rect(x0 + i * slot + (slot - bar) / 2, base - h, bar, h, UNPRICED_COLOR, tip)
            )
    drawing.add(Line(x0, base, x1, base, stroke=MUTED))
    return base + 8


# ----- category charts ------------------------------------------------------------------------


def _range_text(chart: Chart, i: int) -> str:
    if not chart.unpriced_range:
        return ""
    low, high = chart.unpriced_range[i]
    return f" ({money(low)} to {money(high)})" if high else ""


def _value_text(chart: Chart, i: int, total: Decimal) -> str:
    text = money(total)
    if chart.unpriced[i]:
        text += f"  + {chart.unpriced[i]:,} unpriced{_range_text(chart, i)}"
    return text


def _bar_layout(chart: Chart) -> Drawing:
    totals = chart.category_totals()
    ticks = nice_ticks(float(max(totals, default=0)))
    step = ticks[1] - ticks[0]
    label_w = max((measure(c, 12) for c in chart.categories), default=60) + 24
    value_w = max((measure(_value_text(chart, i, t), 11) for i, t in enumerate(totals)), default=0)
    legend_w = _legend_width(chart)
    width = int(max(WIDTH, label_w + value_w + legend_w + 420))
    drawing = Drawing(width, 0, chart.title)
    y0 = _header(drawing, chart)
    x0, x1 = 16 + label_w, width - legend_w - value_w - 28
    y1 = y0 + max(1, len(chart.categories)) * ROW_HEIGHT
    scale = (x1 - x0) / ticks[-1]
    for tick in ticks:
        x = x0 + tick * scale
        drawing.add(Line(x, y0, x, y1))
        drawing.add(Label(x, y1 + 16, tick_label(tick, step), size=11, anchor="middle"))
    colors = series_colors(chart.series)
    for i, label in enumerate(chart.categories):
        y = y0 + i * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        drawing.add(Label(x0 - 8, y + BAR_HEIGHT - 4, label, size=12, anchor="end"))
        x = x0
        for j, value in enumerate(chart.values[i]):
            if value <= 0:
                continue
            w = float(value) * scale
            who = "" if chart.series == [SINGLE] else f" / {chart.series[j]}"
            drawing.add(Rect(x, y, w, BAR_HEIGHT, colors[j], f"{label}{who}: {money(value)}"))
            x += w
        fill = UNPRICED_COLOR if chart.unpriced[i] and not totals[i] else INK
        drawing.add(
            Label(x + 6, y + BAR_HEIGHT - 4, _value_text(chart, i, totals[i]), 11, "start", fill)
        )
    drawing.add(Line(x0, y0, x0, y1, stroke=INK))
    if not chart.categories:
        drawing.add(Label((x0 + x1) / 2, y0 + 16, "no records in range", anchor="middle"))
    _legend(drawing, chart, width - legend_w + 8, y0 + 10)
    drawing.height = int(max(y1 + 30, y0 + 18 * len(chart.series) + 10) + 8)
    return drawing
