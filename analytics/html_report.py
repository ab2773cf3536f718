"""HTML pages of spend: `--chart x.html` (one chart and its table) and `report html` (the report).

Both pages are one file with nothing to fetch (no CDN, no font, no image file): charts are inline
SVG drawn by `charts`, styles are inline, and the only script (sorting the table) is a few lines
inline that the page works without.
"""

from __future__ import annotations

import html
from decimal import Decimal

from .chart_layout import money
from .reports import SpendReport, money_str

STYLE = """
body{font-family:Helvetica,Arial,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:2em}
.muted{color:#666}code{font-size:.85em;color:#555;background:#f3f3f3;padding:0 .3em;border-radius:3px}
table{border-collapse:collapse;font-size:.9em}td,th{padding:3px 10px;border-bottom:1px solid #e3e3e3;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tfoot td{font-weight:bold;border-top:2px solid #999}
th[data-sort]{cursor:pointer;user-select:none}th[data-sort]:after{content:" \\2195";color:#aaa}
th[aria-sort=ascending]:after{content:" \\2191";color:#222}th[aria-sort=descending]:after{content:" \\2193";color:#222}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:170px}
.card .v{font-size:1.5em;font-weight:bold}.card .k{font-size:.8em;color:#666}
pre{background:#f6f6f6;padding:8px 12px;border-radius:4px;overflow-x:auto}
svg{max-width:100%;height:auto}
"""


def esc(value: object) -> str:
    return html.escape("(none)" if value is None else str(value))


def money_cell(value: Decimal | None, key: str) -> str:
    """A money figure for people (cents), with the exact JSON value in `data-value` and a tooltip."""
    exact = money_str(value)
    return (
        f'<td class=n data-key="{key}" data-value="{exact}" title="{exact} USD">'
        f"{money(Decimal(exact))}</td>"
    )


def spend_table(report: SpendReport, *, table_id: str = "spend") -> str:
    """The report's rows as a table (sortable when scripts run) with the totals as its footer.

    Column headers are the JSON report's keys, so a figure here reads the same as in
    `report spend --format json`.
    """
    head = "".join(f'<th data-sort="text">{esc(d)}</th>' for d in report.by)
    head += "".join(
        f'<th class=n data-sort="num">{key}</th>'
        for key in ("count", "predict_seconds", "cost_usd", "unpriced_count")
    )
    body = []
    for row in report.rows.iter_rows(named=True):
        cells = "".join(f"<td>{esc(row[d])}</td>" for d in report.by)
        seconds = float(row["predict_seconds"])
        body.append(
            f'<tr>{cells}<td class=n data-value="{row["count"]}">{row["count"]:,}</td>'
            f'<td class=n data-value="{seconds}">{seconds:,.1f}</td>'
            f"{money_cell(row['cost_usd'], 'cost_usd')}"
            f'<td class=n data-value="{row["unpriced_count"]}">{row["unpriced_count"]:,}</td></tr>'
        )
    totals = report.totals.to_dict()
    foot = (
        f'<tr data-key="totals"><td colspan={len(report.by)}>totals</td>'
        f'<td class=n data-key="count" data-value="{totals["count"]}">{totals["count"]:,}</td>'
        f'<td class=n data-key="predict_seconds" data-value="{totals["predict_seconds"]}">'
        f"{totals['predict_seconds']:,.1f}</td>"
        f"{money_cell(report.totals.cost_usd, 'cost_usd')}"
        f'<td class=n data-key="unpriced_count" data-value="{totals["unpriced_count"]}">'
        f"{totals['unpriced_count']:,}</td></tr>"
    )
    return (
        f'<table id="{table_id}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody><tfoot>{foot}</tfoot></table>"
    )


def chart_page(report: SpendReport, svg: str) -> str:
    """`--chart x.html`: the SVG chart, the table it is drawn from, and the labelled notes."""
    notes = "".join(f"<p>{esc(note)}</p>" for note in _notes(report))
    filters = ", ".join(f"{k}={v}" for k, v in report.filters.to_dict().items()) or "none"
    title = f"Spend by {', '.join(report.by)}"
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>replicost: {esc(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{esc(title)}</h1><p class=muted>Currency USD. Filters: {esc(filters)}.</p>"
        f"{svg}{spend_table(report)}{notes}</body></html>\n"
    )


def _notes(report: SpendReport) -> list[str]:
    totals, notes = report.totals, []
    if totals.unpriced_count:
        reasons = "; ".join(f"{r} ({n:,})" for r, n in report.unpriced_reasons[:5])
        notes.append(
            f"Unpriced: {totals.unpriced_count:,} records have no known price and add $0 to the "
            f"totals. Reasons: {reasons}."
        )
    if report.uptime_total:
        notes.append(
            f"Deployment always-on estimate (NOT in the totals): {money(report.uptime_total)}."
        )
    return notes
