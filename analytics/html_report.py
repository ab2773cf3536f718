"""`replicost report html`: one self-contained page to pass around, and `--chart x.html`.

The page is one file with nothing to fetch (no CDN, font or image file): charts are inline SVG
drawn by `charts` (hover a bar for its figure), styles are inline, and the one script, a few
lines that sort the table, is inline too; without it the page still reads in full.

It reads for a manager: every headline figure says the period it covers, figures and columns
have plain labels, the largest leaks come with what to do about them, deployment uptime rows say
what they are, and a range that is empty is left out. Every figure still carries the name the
JSON reports give it (`spend.totals.cost_usd` is `totals.cost_usd` of `replicost report spend
--format json`, `summary.forecast.month_end_usd` the same key of `replicost report summary
--format json`, `insights.insights.0.usd` of `replicost report insights --format json`) as
`data-key` and as a tooltip, with the exact value in `data-value`: money shows in cents, the exact
micro-dollars are a hover away. The JSON objects themselves are embedded (`<script
type="application/json" id="replicost-data">`), so a script can read the figures back out of a
shared report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from replicost.escape import json_for_script, xml_text

from . import chart_draw
from .chart_layout import layout, money
from .charts import chart_from_report
from .insights import insights
from .reports import Filters, SpendReport, priced_connection, spend, summary

TABLE_DIMENSIONS = ("model", "deployment", "hardware", "source")
CHART_DIMENSIONS = ("model", "deployment", "hardware", "source")
LEAKS = 5  # insights shown in "Where the money leaks"
# column labels for people; the JSON key is the column's tooltip and `data-column`
LABELS = {
    "count": "Records",
    "predict_seconds": "Predict time (s)",
    "cost_usd": "Cost",
    "unpriced_count": "Unpriced records",
    "estimated_usd": "Of which estimated",
    "unpriced_cost_usd": "Unpriced could cost",
    "quarantined_count": "Quarantined",
}
USD_KIND_LABELS = {"exact": "exact", "estimated": "estimated", "what-if": "what-if, a bound"}
UPTIME_TIP = (
    "deployment uptime: the always-on floor (min_instances x time x price) above the cost of the "
    "deployment's own predictions that day; it has no records"
)

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
.card .p{font-size:.78em;color:#0b5394}h3{font-size:1em;margin:1.2em 0 .5em}
tr.uptime td{background:#f7f7fb}em.tag{color:#0b5394;font-style:normal;font-size:.92em}
table.leaks td{padding:6px 10px}table.leaks td.act{color:#333;max-width:560px}
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
        if _empty_range(value):  # nothing unpriced: no range to show
            return "", str(value["low"])
        high = "no upper bound" if value["high"] is None else _display(key, value["high"])[0]
        return f"{_display(key, value['low'])[0]} – {high}", str(value["low"])
    if key.endswith("_usd") or key == "usd":
        return money(Decimal(str(value))), str(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value), str(value)
    if isinstance(value, int):
        return f"{value:,}", str(value)
    return f"{value:,.1f}", repr(value)


def _empty_range(value: dict) -> bool:
    # (high null: no upper bound, never an empty range)
    return (
        value["high"] is not None
        and not Decimal(str(value["low"] or 0))
        and not Decimal(str(value["high"]))
    )


def _span(key: str, value: Any, path: str) -> str:
    text, exact = _display(key, value)
    return f'<span data-key="{esc(path)}" data-value="{esc(exact)}" title="{esc(exact)}">{esc(text)}</span>'


def figure_cell(key: str, value: Any, path: str | None = None) -> str:
    """A table cell of one JSON figure; a `{low, high}` range labels each end with its own key."""
    text, exact = _display(key, value)
    if path and isinstance(value, dict) and {"low", "high"} <= set(value) and text:
        inner = f"{_span(key, value['low'], path + '.low')} – {_span(key, value['high'], path + '.high')}"
        return f'<td class=n data-value="{esc(exact)}">{inner}</td>'
    attrs = f' data-key="{esc(path)}"' if path else ""
    tip = f' title="{esc(exact)}"' if key.endswith("_usd") and exact else ""
    return f'<td class=n{attrs} data-value="{esc(exact)}"{tip}>{esc(text)}</td>'


def spend_table(
    report: dict[str, Any], *, table_id: str = "spend", key_prefix: str = "spend"
) -> str:
    """A spend report's JSON (`SpendReport.to_dict()`) as a sortable table with a totals footer.

    Columns are the JSON's, in its order, labelled for people; each column's JSON key is its
    tooltip and `data-column`. A deployment's uptime row says so where it has no dimension value.
    """
    by, rows, totals = report["by"], report["rows"], report["totals"]
    keys = list(totals)
    head = "".join(_head(d, "text", "") for d in by)
    head += "".join(_head(k, "num", "n") for k in keys)
    body = "".join(
        _row_open(row)
        + _dimension_cells(row, by)
        + "".join(figure_cell(k, row.get(k)) for k in keys)
        + "</tr>"
        for row in rows
    )
    foot = f"<tr><td colspan={len(by)}>Total</td>" + "".join(
        figure_cell(k, totals[k], f"{key_prefix}.totals.{k}") for k in keys
    )
    return (
        f'<table id="{table_id}" class="sortable"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody><tfoot>{foot}</tr></tfoot></table>"
    )


def _head(key: str, sort: str, cls: str) -> str:
    label = LABELS.get(key) or key.replace("_", " ").capitalize()
    return (
        f'<th{" class=" + cls if cls else ""} data-sort="{sort}" data-column="{esc(key)}" '
        f'title="{esc(key)} in the JSON report">{esc(label)}</th>'
    )


def _is_uptime(row: dict) -> bool:
    """A row made only of deployment uptime items: no records, yet a cost."""
    return row.get("count") == 0 and row.get("cost_usd") is not None


def _row_open(row: dict) -> str:
    return f'<tr class=uptime title="{esc(UPTIME_TIP)}">' if _is_uptime(row) else "<tr>"


def _dimension_cells(row: dict, by: Sequence[str]) -> str:
    """The row's dimension values; an uptime row names itself in its first empty one."""
    cells = [esc(row.get(d)) for d in by]
    if _is_uptime(row):
        empty = [i for i, d in enumerate(by) if row.get(d) is None]
        where = empty[0] if empty else 0
        tag = "<em class=tag>deployment uptime</em>"
        cells[where] = tag if empty else f"{cells[where]} · {tag}"
    return "".join(f"<td>{cell}</td>" for cell in cells)


def card(label: str, path: str, value: Any, sub: str = "", period: str = "") -> str:
    """A headline figure: label, the period it covers, value (cents), a line of context; its JSON
    key is the card's tooltip (the value's tooltip is its exact amount)."""
    key = path.rsplit(".", 1)[-1]
    if isinstance(value, dict) and {"low", "high"} <= set(value):
        shown = (
            "none"
            if _empty_range(value)
            else f"{_span(key, value['low'], path + '.low')} – {_span(key, value['high'], path + '.high')}"
        )
    else:
        shown = _span(key, value, path)
    return (
        f'<div class=card title="{esc(path)} in the JSON report"><div class=k>{esc(label)}</div>'
        f"<div class=p>{esc(period)}</div><div class=v>{shown}</div>"
        f"<div class=s>{esc(sub)}</div></div>"
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
        days = [row["day"] for row in spend(con, ["day"], filters=filters).groups]
        unit = time_unit or pick_time_unit(min(days, default=None), max(days, default=None))
        charts = {
            dim: chart_from_report(spend(con, [unit, dim], filters=filters), top=top)
            for dim in CHART_DIMENSIONS
        }
        month = summary(con, now=now, tz=filters.tz)
        accounts = [
            row[0] for row in con.execute("SELECT account FROM accounts ORDER BY 1").fetchall()
        ]
    leaks = insights(
        db,
        since=filters.since,
        until=filters.until,
        top=LEAKS,
        pricing_file=pricing_file,
        config=config,
    )
    data = {"spend": table.to_dict(), "summary": month.to_dict(), "insights": leaks.to_dict()}
    context = {
        "accounts": accounts,
        "first_day": min(days, default=None),
        "last_day": max(days, default=None),
        "pricing": Path(pricing_file).name if pricing_file else None,
        "period": _period(filters, min(days, default=None), max(days, default=None)),
        "leaks_found": leaks.found,
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
        f"{_summary_section(spend_json, summary_json, context['period'])}"
        f"{_leaks_section(data['insights'], context)}{_unpriced_section(spend_json)}"
        f"<h2>Spend over time, by {unit}</h2><p class=muted>Stacked by model, deployment, "
        f"hardware and source; hover a bar for its figure. Unpriced records are not in the bars: "
        f"their counts are the grey strip under each chart.</p>{figures}"
        f"<h2>Spend by {', '.join(spend_json['by'])}, {esc(context['period'])}</h2><p class=muted>"
        f"Click a column to sort; hover its name for its key in <code>replicost report spend "
        f"--format json</code>. Rows marked <em class=tag>deployment uptime</em> are what an "
        f"always-on deployment costs above its own predictions.</p>"
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


def _period(filters: Filters, first: str | None, last: str | None) -> str:
    """The days the report's totals cover: the filters' bounds, else the records' first and last."""
    start = filters.since.isoformat() if filters.since else first
    end = filters.until.isoformat() if filters.until else last
    if not start or not end:
        return "no records in range"
    return f"{start} to {end}" + ("" if filters.tz == "UTC" else f" ({filters.tz})")


def _summary_section(spend_json: dict, summary_json: dict, period: str) -> str:
    whole = _total_cards(spend_json, period)
    uptime = spend_json.get("uptime_estimates")
    if uptime is not None:
        inside = uptime.get("included_in_totals", False)
        whole.append(
            card("Deployment uptime (always-on instances)", "spend.uptime_estimates.cost_usd",
                 uptime["cost_usd"], "estimated; " + ("in the bill estimate" if inside
                                                      else "NOT in the bill estimate"), period)
        )  # fmt: skip
    lower = spend_json["lower_bound"]
    whole.append(
        card("Lower bound: active time only", "spend.lower_bound.cost_usd", lower["cost_usd"],
             f"{lower['count']:,} records: {lower['note']}", period)
    )  # fmt: skip
    return (
        f"<h2>Summary</h2><h3>This month, last month, the last 30 days</h3>"
        f"<div class=cards>{''.join(_month_cards(summary_json))}</div>"
        f"<h3>The whole report: {esc(period)}</h3><div class=cards>{''.join(whole)}</div>"
    )


def _unbounded_card(floors: list[dict], path: str) -> list[str]:
    """Beside a headline figure: the deployments whose always-on floor is unknown in its period
    (no upper bound), and the `[deployments]` lines that close it."""
    if not floors:
        return []
    spans = "; ".join(
        f"{f['deployment']} {f['from'][:10]} to {f['to'][:10]} ({f['days']:g} days)" for f in floors
    )
    lines = "".join(f"<br><code>{esc(f['closed_by'])}</code>" for f in floors)
    return [
        f"<div class='card unbounded'><div class=k>No upper bound: unknown always-on floors</div>"
        f'<div class=v data-key="{esc(path)}" data-value="true">unbounded</div>'
        f"<div class=s>no sync saw the releases that set {esc(spans)}; state that history in "
        f"your pricing file:{lines}</div></div>"
    ]


def _month_cards(summary_json: dict) -> list[str]:
    forecast, unpriced = summary_json["forecast"], summary_json["unpriced"]
    rate = money(Decimal(forecast["run_rate_daily_usd"]))
    today = dt.datetime.fromisoformat(summary_json["now"]).astimezone(ZoneInfo(summary_json["tz"]))
    month, last = summary_json["month"], summary_json["last_month"]
    last_end = dt.date.fromisoformat(month + "-01") - dt.timedelta(days=1)
    window = f"{today.date() - dt.timedelta(days=29)} to {today.date()}"
    return [
        card("Month to date", "summary.month_to_date_usd", summary_json["month_to_date_usd"],
             "exact + estimated", f"{month}-01 to {today.date()}"),
        *_unbounded_card(summary_json.get("unknown_floors", []), "summary.unbounded"),
        card("Forecast for the month", "summary.forecast.month_end_usd", forecast["month_end_usd"],
             f"{rate}/day x {forecast['days_left']:.1f} days left", f"all of {month}"),
        card("Last month", "summary.last_month_usd", summary_json["last_month_usd"],
             "exact + estimated", f"{last}-01 to {last_end}"),
        card("Unpriced records", "summary.unpriced.unpriced_30d", unpriced["unpriced_30d"],
             f"{unpriced['share']:.1%} of {unpriced['records_30d']:,} records", window),
    ]  # fmt: skip


def _total_cards(spend_json: dict, period: str) -> list[str]:
    """The report's totals, by kind: exact, estimated (when the report has it), unpriced."""
    totals = spend_json["totals"]
    share = totals["unpriced_count"] / totals["count"] if totals["count"] else 0.0
    cards = []
    if "estimated_usd" in totals:
        exact = Decimal(totals["cost_usd"] or 0) - Decimal(totals["estimated_usd"])
        cards += [
            card("Bill estimate", "spend.totals.cost_usd", totals["cost_usd"],
                 "exact + estimated", period),
            *_unbounded_card(spend_json.get("unknown_floors", []), "spend.unbounded"),
            f'<div class=card title="cost_usd - estimated_usd in the JSON report"><div class=k>'
            f"Exact part</div><div class=p>{esc(period)}</div><div class=v>{esc(money(exact))}"
            f"</div><div class=s>priced from known prices</div></div>",
            card("Estimated part", "spend.totals.estimated_usd", totals["estimated_usd"],
                 "deployments, private models, mapped hardware", period),
        ]  # fmt: skip
    else:
        cards.append(
            card("Total spend", "spend.totals.cost_usd", totals["cost_usd"], "exact", period)
        )
    cards += [
        card("Records", "spend.totals.count", totals["count"], "predictions and trainings", period),
        card("Unpriced records", "spend.totals.unpriced_count", totals["unpriced_count"],
             f"{share:.1%} of records; in no total", period),
    ]  # fmt: skip
    if "unpriced_cost_usd" in totals:
        cards.append(
            card("Unpriced records could cost", "spend.totals.unpriced_cost_usd",
                 totals["unpriced_cost_usd"], "a range, in no total", period)
        )  # fmt: skip
    return cards


def _leaks_section(report: dict, context: dict) -> str:
    """The largest insights of the report's period, each with what to do about it."""
    found, items = context["leaks_found"], report["insights"]
    intro = (
        f"The {len(items)} largest of {found:,} findings in {esc(context['period'])}, largest "
        f"dollars first. <code>replicost report insights</code> lists them all with their evidence."
    )
    if not items:
        return f"<h2>Where the money leaks</h2><p>No finding in {esc(context['period'])}.</p>"
    rows = "".join(
        f"<tr><td>{esc(item['title'])}</td>"
        f"<td class=n>{_span('usd', item['usd'], f'insights.insights.{i}.usd')}<br>"
        f"<span class=muted>{esc(USD_KIND_LABELS.get(item['usd_kind'], item['usd_kind']))}</span></td>"
        f"<td class=act>{esc(item['action'])}</td></tr>"
        for i, item in enumerate(items)
    )
    return (
        f"<h2>Where the money leaks</h2><p class=muted>{intro}</p><table id=leaks class=leaks>"
        f"<thead><tr><th>Finding</th><th class=n>Amount</th><th>What to do</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _unpriced_section(spend_json: dict) -> str:
    reasons = spend_json["unpriced"]["reasons"]
    if not reasons:
        return "<h2>Unpriced records</h2><p>None: every record has a price.</p>"
    rows = []
    for i, item in enumerate(reasons):
        fix = item.get("fix")
        if fix:
            lines = f"<pre>{esc(fix)}</pre>"
        elif item.get("code") == "in_flight":
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
        f"price: they add nothing to any figure above. Add "
        f"these lines to your pricing file (<code>--pricing FILE</code>; check it with "
        f"<code>replicost pricing validate FILE</code>) and run the report again.{_fix_command(spend_json)}</p>"
        f"<table id=unpriced><thead><tr><th>Why it has no price</th><th class=n>Records</th>"
        f"<th>Pricing lines that would fix it</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
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
