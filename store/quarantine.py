"""The quarantine rules as SQL: which stored values are impossible (see sync/door.py for why).

They live in the store because both the sync's INSERT and the migration that added the
`quarantine_reason` column (checking rows stored before it) apply them.
"""

from __future__ import annotations

from typing import Any

from replicost.limits import (
    MAX_DEPLOYMENT_INSTANCES,
    MAX_SECONDS,
    MAX_UNITS,
    SOLD_GPU_MULTIPLES,
    WALL_TOLERANCE,
)
from replicost.skus import split_sku

TIMESTAMP_FIELDS = ("created_at", "started_at", "completed_at")
SECONDS_FIELDS = ("predict_time", "total_time")
UNIT_FIELDS = ("input_token_count", "output_token_count", "image_count")
MAX_SKU_LENGTH = 200  # the longest real SKU is about 30 characters


def reason_sql(column: dict[str, str], limit: str) -> str:
    """The same rules as one SQL CASE: `column[name]` is a SQL expression for each field (the
    timestamps as TIMESTAMPTZ, the numbers as DOUBLE, NULL when absent or not a number);
    `limit` a TIMESTAMPTZ expression."""
    wall = f"epoch({column['completed_at']}) - epoch({column['created_at']})"
    cases = [
        f"WHEN {column[name]} > {limit} THEN '{name} in the future'" for name in TIMESTAMP_FIELDS
    ]
    for name in SECONDS_FIELDS:
        value = column[name]
        cases += [
            f"WHEN isinf({value}) OR isnan({value}) THEN '{name} not finite'",
            f"WHEN {value} < 0 THEN '{name} negative'",
            f"WHEN {value} > {MAX_SECONDS} THEN '{name} beyond {MAX_SECONDS:.0f} s'",
            f"WHEN {value} > {wall} + {WALL_TOLERANCE} "
            f"THEN '{name} longer than the record''s wall time'",
        ]
    for name in UNIT_FIELDS:
        value = column[name]
        cases += [
            f"WHEN isinf({value}) OR {value} > {MAX_UNITS} THEN '{name} beyond {MAX_UNITS:,}'",
            f"WHEN {value} < 0 THEN '{name} negative'",
        ]
    return "CASE " + " ".join(cases) + " END"


def backfill_sql(table: str) -> str:
    """UPDATE `table` setting `quarantine_reason` by the rules, for rows stored without it (the
    local clock is the reference: a stored row has no `Date` header left).

    It reads the typed columns, not `raw`: parsing every stored record's JSON again made this
    migration take minutes and over 1 GB on a 10M-record database, and touching only the rows
    that break a rule keeps the UPDATE as small as the damage. What the typed columns cannot
    hold (a unit count beyond BIGINT was stored as NULL) is no cost either: such a record has
    no units to price.
    """
    column = {name: name for name in (*TIMESTAMP_FIELDS, *SECONDS_FIELDS, *UNIT_FIELDS)}
    reason = reason_sql(column, "(now() + INTERVAL 1 HOUR)")
    return (
        f"UPDATE {table} SET quarantine_reason = {reason} "
        f"WHERE quarantine_reason IS NULL AND ({reason}) IS NOT NULL"
    )


# ---------------------------------------------------------------- deployment releases

RELEASE_COUNT_FIELDS = ("min_instances", "max_instances")


def release_quarantine_reason(configuration: dict[str, Any]) -> str | None:
    """Why a deployment release's configuration cannot be believed (naming the field), or None.

    A release prices every second of its deployment's always-on floor (min_instances x time x the
    hardware's price), so one lie (2147483647 instances, `gpu-l40s-1000000x`) would be a bill of
    trillions, or a number no column can hold. The rules: instance counts whole numbers from 0 to
    `MAX_DEPLOYMENT_INSTANCES`; the hardware's GPU multiple one that Replicate sells
    (`SOLD_GPU_MULTIPLES`). A missing field is no lie (the bill says what it lacks).
    """
    for name in RELEASE_COUNT_FIELDS:
        value = configuration.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{name} not a whole number"
        if not 0 <= value <= MAX_DEPLOYMENT_INSTANCES:
            return f"{name} {value} outside 0..{MAX_DEPLOYMENT_INSTANCES:,}"
    hardware = configuration.get("hardware")
    if hardware is None:
        return None
    if not isinstance(hardware, str) or len(hardware) > MAX_SKU_LENGTH:
        return "hardware not a SKU"
    multiple = split_sku(hardware)[1]
    if multiple not in SOLD_GPU_MULTIPLES:
        digits = str(multiple)
        shown = digits if len(digits) <= 12 else f"{digits[:6]}... ({len(digits)} digits)"
        sold = ", ".join(f"{n}x" for n in SOLD_GPU_MULTIPLES)
        return f"hardware multiple {shown}x not sold (only {sold})"
    return None
