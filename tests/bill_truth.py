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
