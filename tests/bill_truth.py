"""The bill's deployment rule computed independently of the cost views, for tests.

Per deployment and UTC day: floor = sum over the stretches of that day covered by a release with
min_instances > 0 of min_instances x seconds x the price in effect (each stretch rounded half up to
micro-dollars, as a bill line would be); the bill counts max(floor, active) where active is the
cost of that deployment's predictions created that day. The part above active is the top-up,
attributed to the model of the release in effect at the end of the day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal

MICRO = Decimal("0.000001")
DAY = dt.timedelta(days=1)


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def floors(
    history: Iterable[dict],
    until: dict[str, dt.datetime],
    price_at: Callable[[str, dt.datetime], Decimal],
    price_changes: Iterable[dt.datetime] = (),
) -> dict[tuple[str, dt.date], Decimal]:
    """(deployment, day) -> always-on floor, from the releases' truth (deployment_history())."""
    by_deployment: dict[str, list[dict]] = defaultdict(list)
    for release in history:
        by_deployment[f"{release['owner']}/{release['name']}"].append(release)
    out: dict[tuple[str, dt.date], Decimal] = defaultdict(Decimal)
    cuts = sorted(set(price_changes))
    for name, releases in by_deployment.items():
        releases.sort(key=lambda r: r["number"])
        for release, after in zip(releases, [*releases[1:], None], strict=True):
            if not release["min_instances"]:
                continue
            start = _instant(release["created_at"])
            end = min(_instant(after["created_at"]) if after else until[name], until[name])
            points = sorted({start, end, *(c for c in cuts if start < c < end)})
            day = dt.datetime.combine(start.date(), dt.time(), dt.UTC)
            while day < end:
                points.append(day)
                day += DAY
            points = sorted(p for p in set(points) if start <= p <= end)
            for a, b in zip(points, points[1:], strict=False):
                seconds = Decimal(int((b - a) / dt.timedelta(microseconds=1))).scaleb(-6)
                cost = release["min_instances"] * seconds * price_at(release["hardware"], a)
                out[(name, a.date())] += cost.quantize(MICRO, ROUND_HALF_UP)
    return dict(out)


def topups(
    floor: dict[tuple[str, dt.date], Decimal],
    active: dict[tuple[str, dt.date], Decimal],
    history: Iterable[dict],
) -> dict[str | None, Decimal]:
    """model -> the sum of max(floor - active, 0) over its deployment-days."""
    releases = sorted(history, key=lambda r: _instant(r["created_at"]))
    out: dict[str | None, Decimal] = defaultdict(Decimal)
    for (name, day), amount in floor.items():
        extra = amount - active.get((name, day), Decimal(0))
        if extra <= 0:
            continue
        day_end = dt.datetime.combine(day + DAY, dt.time(), dt.UTC)
        in_effect = [
            r
            for r in releases
            if f"{r['owner']}/{r['name']}" == name and _instant(r["created_at"]) <= day_end
        ]
        out[in_effect[-1]["model"] if in_effect else None] += extra
    return dict(out)


# ---------------------------------------------------------------- official models, per output
# What the simulated account's official models cost per unit, written by hand from each price's
# source (the same figures the shipped catalog cites; this table never reads it): model ->
# [(unit, USD per unit, the inputs the row needs)]. Tokens are per million, characters per one.
M = Decimal(10) ** 6
OFFICIAL_USD: dict[str, list[tuple[str, Decimal, dict]]] = {
    "black-forest-labs/flux-schnell": [("image", Decimal("0.003"), {})],
    "black-forest-labs/flux-dev": [("image", Decimal("0.025"), {})],
    "black-forest-labs/flux-1.1-pro": [("image", Decimal("0.04"), {})],
    "meta/meta-llama-3-8b-instruct": [
        ("input_token", Decimal("0.05") / M, {}),
        ("output_token", Decimal("0.25") / M, {}),
    ],
    "meta/meta-llama-3-70b-instruct": [
        ("input_token", Decimal("0.65") / M, {}),
        ("output_token", Decimal("2.75") / M, {}),
    ],
    "anthropic/claude-3.7-sonnet": [
        ("input_token", Decimal("3") / M, {}),
        ("output_token", Decimal("15") / M, {}),
    ],
    "google/veo-3.1-fast": [
        ("output_video_second", Decimal("0.15"), {"generate_audio": True}),
        ("output_video_second", Decimal("0.10"), {"generate_audio": False}),
    ],
    "bytedance/seedance-1-lite": [
        ("output_video_second", Decimal("0.018"), {"resolution": "480p"}),
        ("output_video_second", Decimal("0.036"), {"resolution": "720p"}),
        ("output_video_second", Decimal("0.072"), {"resolution": "1080p"}),
    ],
    "kwaivgi/kling-v2.6": [
        ("output_video_second", Decimal("0.07"), {"generate_audio": False}),
        ("output_video_second", Decimal("0.14"), {"generate_audio": True}),
    ],
    "google/nano-banana-pro": [
        ("image", Decimal("0.30"), {"resolution": "4K"}),
        ("image", Decimal("0.15"), {"resolution": "1K"}),
        ("image", Decimal("0.15"), {"resolution": "2K"}),
    ],
    "resemble-ai/chatterbox-turbo": [("input_character", Decimal("0.000025"), {})],
    "google/lyria-3": [("run", Decimal("0.04"), {})],
}
# models whose every price above comes from a third party: their records are `estimated`
THIRD_PARTY = {
    "anthropic/claude-3.7-sonnet",
    "google/veo-3.1-fast",
    "bytedance/seedance-1-lite",
    "kwaivgi/kling-v2.6",
    "resemble-ai/chatterbox-turbo",
    "google/lyria-3",
}
NO_OUTPUT = {"failed", "canceled", "aborted"}


def official_cost(row: dict) -> Decimal | None:
    """A per-output ground-truth row priced by the table above, rounded once half up to
    micro-dollars; None when a unit its price needs was not counted (unpriced)."""
    prices = [
        (unit, usd)
        for unit, usd, needs in OFFICIAL_USD[row["model"]]
        if all(
            row.get("input", {}).get(k) == v and type(row["input"][k]) is type(v)
            for k, v in needs.items()
        )
    ]
    total = Decimal(0)
    for unit, usd in prices:
        if unit == "run":
            count = Decimal(0) if row["status"] in NO_OUTPUT else Decimal(1)
        elif unit in row["units"]:
            count = Decimal(str(row["units"][unit]))
        elif row["status"] in NO_OUTPUT:
            count = Decimal(0)
        else:
            return None
        total += count * usd
    return total.quantize(MICRO, ROUND_HALF_UP)


def official_rows(models: dict[str, list[tuple[str, Decimal, dict]]] = OFFICIAL_USD) -> str:
    """The table above as a pricing file's [units] sections."""
    lines = []
    for model, rows in models.items():
        lines.append(f'[units."{model}"]')
        by_unit: dict[str, list[str]] = {}
        for unit, usd, needs in rows:
            when = ", ".join(f"{k} = {_toml(v)}" for k, v in needs.items())
            entry = f"usd_per_unit = {format(usd.normalize(), 'f')}" + (
                f", when = {{ {when} }}" if when else ""
            )
            by_unit.setdefault(unit, []).append(f"{{ {entry} }}")
        lines += [f"{unit} = [{', '.join(entries)}]" for unit, entries in by_unit.items()]
    return "\n".join(lines) + "\n"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else str(value)
