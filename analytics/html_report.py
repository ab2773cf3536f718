"""`replicost report html`: one self-contained page to pass around, and `--chart x.html`.

The page is one file with nothing to fetch (no CDN, font or image file): charts are inline SVG
drawn by `charts` (hover a bar for its figure), styles are inline, and the one script, a few
lines that sort the table, is inline too; without it the page still reads in full.

Every figure carries the name the JSON reports give it (`spend.totals.cost_usd` is `totals.cost_usd`
of `replicost report spend --format json`, `summary.forecast.month_end_usd` the same key of
`replicost report summary --format json`), both as a visible label and as `data-key`, with the
exact value in `data-value`: money shows in cents, the exact micro-dollars are a hover away. The
JSON objects themselves are embedded (`<script type="application/json" id="replicost-data">`),
so a script can read the figures back out of a shared report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from replicost.billing.reasons import pricing_fix
from replicost.escape import json_for_script, xml_text

from . import chart_draw
from .chart_layout import layout, money
from .charts import chart_from_report
from .reports import Filters, SpendReport, priced_connection, spend, summary

TABLE_DIMENSIONS = ("model", "deployment", "hardware", "source")
CHART_DIMENSIONS = ("model", "deployment", "hardware", "source")

STYLE = """
body{font-family:Helvetica,Arial,sans-serif;margin:2em auto;max-width:1240px;color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2.2em}
.muted{color:#666}code{font-size:.8em;color:#555;background:#f3f3f3;padding:0 .3em;border-radius:3px}
table{border-collapse:collapse;font-size:.88em}td,th{padding:3px 10px;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tfoot td{font-weight:bold;border-top:2px solid #999}
th[data-sort]{cursor:pointer;user-select:none;white-space:nowrap}th[data-sort]:after{content:" \\2195";color:#aaa}
th[aria-sort=ascending]:after{content:" \\2191";color:#222}th[aria-sort=descending]:after{content:" \\2193";color:#222}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:180px}
.card .v{font-size:1.55em;font-weight:bold;margin:.15em 0}.card .k{font-size:.85em}.card .s{font-size:.8em;color:#666}
pre{background:#f6f6f6;padding:6px 10px;border-radius:4px;margin:0;font-size:.85em;white-space:pre-wrap}
figure{margin:1.5em 0}svg{max-width:100%;height:auto}
"""

SORT_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  var heads = table.querySelectorAll("thead th");
  heads.forEach(function (th, column) {
    th.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var numeric = th.dataset.sort === "num", body = table.tBodies[0];
      var value = function (row) {
        var cell = row.cells[column];
        return cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent;
      };
      Array.prototype.slice.call(body.rows).sort(function (a, b) {
        var x = value(a), y = value(b);
        var order = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
        return ascending ? order : -order;
      }).forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""


def esc(value: object) -> str:
    return xml_text("(none)" if value is None else value)


# ----- cells and tables ------------------------------------------------------------------------


def _display(key: str, value: Any) -> tuple[str, str]:
    """(text for people, exact value for data-value) of one JSON figure."""
    if value is None:
        return "—", ""
    if isinstance(value, dict) and {"low", "high"} <= set(value):
        return f"{_display(key, value['low'])[0]} – {_display(key, value['high'])[0]}", str(
            value["low"]
        )
    if key.endswith("_usd") or key == "cost_usd":
        return money(Decimal(str(value))), str(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value), str(value)
    if isinstance(value, int):
        return f"{value:,}", str(value)
    return f"{value:,.1f}", repr(value)


def _span(key: str, value: Any, path: str) -> str:
    text, exact = _display(key, value)
    return f'<span data-key="{esc(path)}" data-value="{esc(exact)}" title="{esc(exact)}">{esc(text)}</span>'


def figure_cell(key: str, value: Any, path: str | None = None) -> str:
    """A table cell of one JSON figure; a `{low, high}` range labels each end with its own key."""
    text, exact = _display(key, value)
    if path and isinstance(value, dict) and {"low", "high"} <= set(value):
        inner = f"{_span(key, value['low'], path + '.low')} – {_span(key, value['high'], path + '.high')}"
        return f'<td class=n data-value="{esc(exact)}">{inner}</td>'
    attrs = f' data-key="{esc(path)}"' if path else ""
    tip = f' title="{esc(exact)}"' if key.endswith("_usd") and exact else ""
    return f'<td class=n{attrs} data-value="{esc(exact)}"{tip}>{esc(text)}</td>'


def spend_table(
    report: dict[str, Any], *, table_id: str = "spend", key_prefix: str = "spend"
) -> str:
    """A spend report's JSON (`SpendReport.to_dict()`) as a sortable table with a totals footer.

    Columns are the JSON keys, in the JSON's order, so a figure reads the same in both.
    """
    by, rows, totals = report["by"], report["rows"], report["totals"]
    keys = list(totals)
    head = "".join(f'<th data-sort="text">{esc(d)}</th>' for d in by)
    head += "".join(f'<th class=n data-sort="num">{esc(k)}</th>' for k in keys)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{esc(row.get(d))}</td>" for d in by)
        + "".join(figure_cell(k, row.get(k)) for k in keys)
        + "</tr>"
        for row in rows
    )
    foot = f"<tr><td colspan={len(by)}>totals</td>" + "".join(
        figure_cell(k, totals[k], f"{key_prefix}.totals.{k}") for k in keys
    )
    return (
        f'<table id="{table_id}" class="sortable"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody><tfoot>{foot}</tr></tfoot></table>"
    )


def card(label: str, path: str, value: Any, sub: str = "") -> str:
    """A headline figure: label, value (cents), the JSON key it is, and a line of context."""
    key = path.rsplit(".", 1)[-1]
    if isinstance(value, dict) and {"low", "high"} <= set(value):
        shown = f"{_span(key, value['low'], path + '.low')} – {_span(key, value['high'], path + '.high')}"
    else:
        shown = _span(key, value, path)
    return (
        f"<div class=card><div class=k>{esc(label)}</div><div class=v>{shown}</div>"
        f"<div class=s><code>{esc(path)}</code>{' ' + sub if sub else ''}</div></div>"
    )


# ----- the report --------------------------------------------------------------------------------


def pick_time_unit(first: str | None, last: str | None) -> str:
    """Days for up to three months of history, weeks up to two years, then months."""
    if not first or not last:
        return "day"
    days = (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days + 1
    return "day" if days <= 92 else "week" if days <= 731 else "month"


def build_report(
    db: Any,
    *,
    filters: Filters | None = None,
    now: dt.datetime | None = None,
    top: int = 8,
    time_unit: str | None = None,
    pricing_file: str | Path | None = None,
    config: Any = None,
) -> str:
    """The whole report as one HTML document (text)."""
    filters = filters or Filters()
    with priced_connection(db, pricing_file=pricing_file, config=config) as con:
        table = spend(con, TABLE_DIMENSIONS, filters=filters)
        days = spend(con, ["day"], filters=filters).rows["day"].to_list()
        unit = time_unit or pick_time_unit(min(days, default=None), max(days, default=None))
        charts = {
            dim: chart_from_report(spend(con, [unit, dim], filters=filters), top=top)
            for dim in CHART_DIMENSIONS
        }
        month = summary(con, now=now, tz=filters.tz)
        accounts = [
            row[0] for row in con.execute("SELECT account FROM accounts ORDER BY 1").fetchall()
        ]
    data = {"spend": table.to_dict(), "summary": month.to_dict()}
    context = {
        "accounts": accounts,
        "first_day": min(days, default=None),
        "last_day": max(days, default=None),
        "pricing": Path(pricing_file).name if pricing_file else None,
    }
    return render_page(data, charts, context, unit)


def render_page(data: dict[str, Any], charts: dict, context: dict[str, Any], unit: str) -> str:
    spend_json, summary_json = data["spend"], data["summary"]
    figures = "".join(
        f'<figure id="chart-{dim}">{chart_draw.svg(layout(chart))}</figure>'
        for dim, chart in charts.items()
    )
    embedded = json_for_script(data)  # no name can close the element or open a comment
    title = "Replicate spend: " + (", ".join(context["accounts"]) or "no account synced")
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{esc(title)}</h1>{_context_line(spend_json, summary_json, context)}"
        f"{_summary_section(spend_json, summary_json)}{_unpriced_section(spend_json)}"
        f"<h2>Spend over time, by {unit}</h2><p class=muted>Stacked by model, deployment, "
        f"hardware and source; hover a bar for its figure. Unpriced records are not in the bars: "
        f"their counts are the grey strip under each chart.</p>{figures}"
        f"<h2>Spend by {', '.join(spend_json['by'])}</h2><p class=muted>Click a column to sort. "
        f"Column names are the keys of <code>replicost report spend --format json</code>.</p>"
        f"{spend_table(spend_json)}"
        f'<script type="application/json" id="replicost-data">{embedded}</script>'
        f"<script>{SORT_SCRIPT}</script></body></html>\n"
    )


def _context_line(spend_json: dict, summary_json: dict, context: dict) -> str:
    parts = [f"as of {summary_json['now'][:16].replace('T', ' ')} {summary_json['tz']}"]
    if context["first_day"]:
        parts.append(f"records from {context['first_day']} to {context['last_day']}")
    filters = ", ".join(f"{k}={v}" for k, v in spend_json["filters"].items())
    parts.append(f"filters: {filters or 'none'}")
    parts.append(f"pricing: {context['pricing'] or 'shipped catalog'}")
    parts.append("currency USD")
    return f"<p class=muted>{esc(' · '.join(parts))}</p>"


def _summary_section(spend_json: dict, summary_json: dict) -> str:
    cards = _month_cards(summary_json) + _total_cards(spend_json)
    uptime = spend_json.get("uptime_estimates")
    if uptime is not None:
        inside = uptime.get("included_in_totals", False)
        cards.append(
            card("Deployments kept warm (min_instances)", "spend.uptime_estimates.cost_usd",
                 uptime["cost_usd"], "estimated; " + ("in the totals" if inside else "NOT in the totals"))
        )  # fmt: skip
    lower = spend_json["lower_bound"]
    cards.append(
        card(
            "Counted as active time only",
            "spend.lower_bound.cost_usd",
            lower["cost_usd"],
            f"{lower['count']:,} records: {lower['note']}",
        )
    )
    return f"<h2>Summary</h2><div class=cards>{''.join(cards)}</div>"


def _month_cards(summary_json: dict) -> list[str]:
    forecast, unpriced = summary_json["forecast"], summary_json["unpriced"]
    rate = money(Decimal(forecast["run_rate_daily_usd"]))
    return [
        card(f"Month to date ({summary_json['month']})", "summary.month_to_date_usd",
             summary_json["month_to_date_usd"]),
        card("Forecast for the month", "summary.forecast.month_end_usd", forecast["month_end_usd"],
             f"forecast: {rate}/day x {forecast['days_left']:.1f} days left"),
        card(f"Last month ({summary_json['last_month']})", "summary.last_month_usd",
             summary_json["last_month_usd"]),
        card("Unpriced, last 30 days", "summary.unpriced.unpriced_30d", unpriced["unpriced_30d"],
             f"{unpriced['share']:.1%} of {unpriced['records_30d']:,} records"),
    ]  # fmt: skip


def _total_cards(spend_json: dict) -> list[str]:
    """The report's totals, by kind: exact, estimated (when the report has it), unpriced."""
    totals = spend_json["totals"]
    share = totals["unpriced_count"] / totals["count"] if totals["count"] else 0.0
    cards = []
    if "estimated_usd" in totals:
        exact = Decimal(totals["cost_usd"] or 0) - Decimal(totals["estimated_usd"])
        cards += [
            card("Bill estimate", "spend.totals.cost_usd", totals["cost_usd"], "exact + estimated"),
            f"<div class=card><div class=k>Exact part</div><div class=v>{esc(money(exact))}</div>"
            f"<div class=s><code>cost_usd - estimated_usd</code> priced records</div></div>",
            card("Estimated part", "spend.totals.estimated_usd", totals["estimated_usd"],
                 "estimated"),
        ]  # fmt: skip
    else:
        cards.append(card("Total spend", "spend.totals.cost_usd", totals["cost_usd"], "exact"))
    cards += [
        card("Records", "spend.totals.count", totals["count"]),
        card("Unpriced records", "spend.totals.unpriced_count", totals["unpriced_count"],
             f"{share:.1%} of records; in no total"),
    ]  # fmt: skip
    if "unpriced_cost_usd" in totals:
        cards.append(
            card(
                "Unpriced records could cost",
                "spend.totals.unpriced_cost_usd",
                totals["unpriced_cost_usd"],
                "unpriced: a range, in no total",
            )
        )
    return cards


def _unpriced_section(spend_json: dict) -> str:
    reasons = spend_json["unpriced"]["reasons"]
    if not reasons:
        return "<h2>Unpriced records</h2><p>None: every record has a price.</p>"
    rows = []
    for i, item in enumerate(reasons):
        fix = pricing_fix(item["reason"])
        if fix:
            lines = f"<pre>{esc(fix)}</pre>"
        elif item["reason"].startswith("still "):
            lines = "<span class=muted>none: the next <code>replicost sync</code> prices it</span>"
        else:
            lines = "<span class=muted>no pricing line fixes this</span>"
        rows.append(
            f"<tr><td>{esc(item['reason'])}</td>"
            f"{figure_cell('count', item['count'], f'spend.unpriced.reasons.{i}.count')}"
            f"<td>{lines}</td></tr>"
        )
    return (
        f"<h2>Unpriced records</h2><p>{spend_json['unpriced']['count']:,} records have no known "
        f"price (<code>spend.unpriced.count</code>): they add nothing to any figure above. Add "
        f"these lines to your pricing file (<code>--pricing FILE</code>; check it with "
        f"<code>replicost pricing validate FILE</code>) and run the report again.{_fix_command(spend_json)}</p>"
        f"<table id=unpriced><thead><tr><th>reason</th><th class=n>count</th>"
        f"<th>pricing lines that would fix it</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _fix_command(spend_json: dict) -> str:
    command = spend_json["unpriced"].get("fix")
    return f" Or let replicost draft them all: <code>{esc(command)}</code>." if command else ""


# ----- `--chart x.html` ----------------------------------------------------------------------------


def chart_page(report: SpendReport, svg: str, notes: Sequence[str] = ()) -> str:
    """`--chart x.html`: the SVG chart, the table it is drawn from, the notes; no script at all."""
    data = report.to_dict()
    filters = ", ".join(f"{k}={v}" for k, v in data["filters"].items()) or "none"
    title = f"Spend by {', '.join(report.by)}"
    paragraphs = "".join(f"<p>{esc(note)}</p>".replace("\n", "<br>") for note in notes)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>replicost: {esc(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{esc(title)}</h1><p class=muted>Currency USD. Filters: {esc(filters)}.</p>"
        f"{svg}{spend_table(data)}{paragraphs}</body></html>\n"
    )
