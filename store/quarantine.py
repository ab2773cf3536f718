"""The quarantine rules as SQL: which stored values are impossible (see sync/door.py for why).

They live in the store because both the sync's INSERT and the migration that added the
`quarantine_reason` column (checking rows stored before it) apply them.
"""

from __future__ import annotations

from replicost.limits import MAX_SECONDS, MAX_UNITS, WALL_TOLERANCE

TIMESTAMP_FIELDS = ("created_at", "started_at", "completed_at")
SECONDS_FIELDS = ("predict_time", "total_time")
UNIT_FIELDS = ("input_token_count", "output_token_count", "image_count")


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
