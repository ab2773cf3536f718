"""Charts of a spend report: a PNG for slides and chat, a self-contained HTML page for sharing.

matplotlib draws both (the Agg backend, so no display is ever needed); the HTML page embeds the
chart as inline SVG plus the same table the terminal shows, with no script and no external file,
so it can be mailed or attached to a ticket as is. Time dimensions draw as bars in time order;
other dimensions as horizontal bars, largest first.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

from replicost.errors import InputError

from .reports import SpendReport, money_str

FORMATS = (".png", ".html", ".htm")


def _label(row: dict, by: tuple[str, ...]) -> str:
    return " / ".join("(none)" if row[d] is None else str(row[d]) for d in by)


def _figure(report: SpendReport):
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    rows = list(report.rows.iter_rows(named=True))
    labels = [_label(r, report.by) for r in rows]
    values = [float(r["cost_usd"]) for r in rows]
    is_time = report.by[0] in ("day", "week", "month")
    title = f"Spend by {', '.join(report.by)} (USD, total ${money_str(report.totals.cost_usd)})"
    if is_time:
        fig = Figure(figsize=(max(6.0, min(16.0, 0.35 * len(rows) + 3)), 4.5))
        ax = fig.add_subplot()
        ax.bar(range(len(values)), values, color="#3b6ea8")
        ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8)
        ax.set_ylabel("USD")
    else:
        fig = Figure(figsize=(9.0, max(3.0, 0.4 * len(rows) + 1.5)))
        ax = fig.add_subplot()
        ax.barh(range(len(values)), values, color="#3b6ea8")
        ax.set_yticks(range(len(labels)), labels, fontsize=8)
        ax.invert_yaxis()  # largest first, at the top
        ax.set_xlabel("USD")
    if not rows:
        ax.text(0.5, 0.5, "no records in range", ha="center", va="center", transform=ax.transAxes)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x" if not is_time else "y", alpha=0.3)
    fig.tight_layout()
    return fig


def render_png(report: SpendReport) -> bytes:
    """The report's chart as PNG bytes."""
    buffer = io.BytesIO()
    _figure(report).savefig(buffer, format="png", dpi=120)
    return buffer.getvalue()


def render_svg(report: SpendReport) -> str:
    """The report's chart as an SVG document (text)."""
    buffer = io.StringIO()
    _figure(report).savefig(buffer, format="svg")
    return buffer.getvalue()


def render_html(report: SpendReport) -> str:
    """A self-contained HTML page: the SVG chart, the table with totals, and the labelled notes."""
    svg = render_svg(report)
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype: inline SVG needs neither
    esc = html.escape
    head = "".join(f"<th>{esc(d)}</th>" for d in report.by)
    body = []
    for row in report.rows.iter_rows(named=True):
        cells = "".join(f"<td>{esc(_label(row, (d,)))}</td>" for d in report.by)
        body.append(
            f"<tr>{cells}<td class=n>{row['count']}</td>"
            f"<td class=n>{money_str(row['cost_usd'])}</td><td class=n>{row['unpriced_count']}</td></tr>"
        )
    totals = report.totals
    notes = []
    if totals.unpriced_count:
        reasons = ", ".join(f"{esc(r)} ({n})" for r, n in report.unpriced_reasons[:5])
        notes.append(
            f"<p><b>Unpriced:</b> {totals.unpriced_count} records have no price and add $0 "
            f"to the totals: {reasons}</p>"
        )
    if report.uptime_total:
        notes.append(
            f"<p><b>Deployment always-on estimate (not in the totals):</b> "
            f"${money_str(report.uptime_total)}</p>"
        )
    filters = ", ".join(f"{k}={v}" for k, v in report.filters.to_dict().items()) or "none"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>replicost: spend by {esc(", ".join(report.by))}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{padding:2px 10px;border-bottom:1px solid #ddd}}.n{{text-align:right}}
tfoot td{{font-weight:bold}}</style></head><body>
<h1>Spend by {esc(", ".join(report.by))}</h1>
<p>Currency USD. Filters: {esc(filters)}.</p>
{svg}
<table><thead><tr>{head}<th>count</th><th>cost_usd</th><th>unpriced</th></tr></thead>
<tbody>{"".join(body)}</tbody>
<tfoot><tr><td colspan={len(report.by)}>Total</td><td class=n>{totals.count}</td>
<td class=n>{money_str(totals.cost_usd)}</td><td class=n>{totals.unpriced_count}</td></tr></tfoot>
</table>
{"".join(notes)}
</body></html>
"""


def write_chart(report: SpendReport, path: str | Path) -> Path:
    """Write the chart to `path`, choosing PNG or HTML by its extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"--chart {path}: use a .png or .html file name")
    try:
        if suffix == ".png":
            path.write_bytes(render_png(report))
        else:
            path.write_text(render_html(report), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write chart {path}: {exc.strerror}") from None
    return path
