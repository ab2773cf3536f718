"""A small hand-priced account shared by the report, budget and export tests (no tests here).

Every record's cost below was computed by hand from the shipped catalog's prices and the pricing
file in `PRICING_TOML`, independently of replicost's cost views:
gpu-a40-large $0.000725/s, gpu-t4 $0.000225/s, gpu-l40s $0.000975/s (since 2025-01-01),
flux-schnell $0.003/image; one rounding per record to micro-dollars, half up.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from replicost.store import connect

PRICING_TOML = """
[models]
"acme/flux-dev" = "gpu-a40-large"
"someone/upscaler" = "gpu-t4"
"""

ACCOUNT = "acme"
NOW = dt.datetime(2025, 3, 20, 12, 0, tzinfo=dt.UTC)

# id, kind, model, source, deployment, status, created_at (UTC), predict_time, image_count, cost
RECORDS = [
    (
        "p1",
        "prediction",
        "acme/flux-dev",
        "api",
        None,
        "succeeded",
        "2025-03-01 00:00:00",
        10.0,
        None,
        "0.007250",
    ),
    (
        "p2",
        "prediction",
        "acme/flux-dev",
        "web",
        None,
        "succeeded",
        "2025-03-10 12:00:00",
        4.0,
        None,
        "0.002900",
    ),
    (
        "p3",
        "prediction",
        "black-forest-labs/flux-schnell",
        "api",
        None,
        "succeeded",
        "2025-03-15 08:00:00",
        1.2,
        2,
        "0.006000",
    ),
    (
        "p4",
        "prediction",
        "acme/private-llm",
        "api",
        "acme/chat",
        "succeeded",
        "2025-03-19 23:59:59.999999",
        30.0,
        None,
        "0.029250",
    ),
    (
        "p5",
        "prediction",
        "acme/mystery",
        "api",
        None,
        "failed",
        "2025-03-20 00:00:00",
        5.0,
        None,
        None,
    ),
    (
        "t1",
        "training",
        "acme/flux-dev",
        "api",
        None,
        "succeeded",
        "2025-02-14 09:30:00",
        600.0,
        None,
        "0.435000",
    ),
    (
        "p6",
        "prediction",
        "acme/flux-dev",
        "api",
        None,
        "succeeded",
        "2025-02-28 23:00:00",
        2.0,
        None,
        "0.001450",
    ),
    (
        "p7",
        "prediction",
        "someone/upscaler",
        "api",
        None,
        "canceled",
        "2025-03-18 10:00:00",
        0.5,
        None,
        "0.000113",
    ),
    (
        "p8",
        "prediction",
        "acme/mystery",
        "api",
        None,
        "succeeded",
        "2025-03-17 10:00:00",
        3.0,
        None,
        None,
    ),
]
UNPRICED_IDS = {"p5", "p8"}

# An always-on deployment (min_instances 1 on gpu-t4) from 2025-03-18 00:00 until its sync at
# 2025-03-20 00:00: two full days x 86,400 s x $0.000225 = $19.44 a day.
UPTIME_DAYS = {
    dt.date(2025, 3, 18): Decimal("19.440000"),
    dt.date(2025, 3, 19): Decimal("19.440000"),
}


def cost(record) -> Decimal:
    return Decimal(record[-1]) if record[-1] else Decimal(0)


def expected(predicate=lambda r: True) -> tuple[int, Decimal, int]:
    """(count, cost, unpriced count) of the records selected by `predicate`, from the table above."""
    chosen = [r for r in RECORDS if predicate(r)]
    return (
        len(chosen),
        sum((cost(r) for r in chosen), Decimal(0)),
        sum(r[0] in UNPRICED_IDS for r in chosen),
    )


def build_db(path: Path, *, uptime: bool = False, records=RECORDS) -> Path:
    """Write the account above into a real replicost database at `path`."""
    con = connect(path)
    con.execute("INSERT INTO accounts (account, type) VALUES (?, 'organization')", [ACCOUNT])
    for rid, kind, model, source, deployment, status, created, predict, images, _ in records:
        table = "predictions" if kind == "prediction" else "trainings"
        con.execute(
            f"INSERT INTO {table} (id, account, model, version, status, source, deployment, created_at,"
            " predict_time, image_count) VALUES (?, ?, ?, 'hidden', ?, ?, ?, ?::TIMESTAMPTZ, ?, ?)",
            [rid, ACCOUNT, model, status, source, deployment, created + "+00", predict, images],
        )
    con.execute(
        "INSERT INTO deployment_releases (deployment, number, account, model, hardware, min_instances,"
        " created_at) VALUES ('acme/chat', 1, 'acme', 'acme/private-llm', 'gpu-l40s', 0,"
        " '2025-01-15 00:00:00+00')"
    )
    if uptime:
        con.execute(
            "INSERT INTO deployments (deployment, account, owner, name, current_release_number, synced_at)"
            " VALUES ('acme/always', 'acme', 'acme', 'always', 1, '2025-03-20 00:00:00+00')"
        )
        con.execute(
            "INSERT INTO deployment_releases (deployment, number, account, model, hardware,"
            " min_instances, created_at) VALUES ('acme/always', 1, 'acme', 'acme/private-llm',"
            " 'gpu-t4', 1, '2025-03-18 00:00:00+00')"
        )
    con.close()
    return path


def write_pricing(directory: Path) -> Path:
    path = directory / "prices.toml"
    path.write_text(PRICING_TOML)
    return path
