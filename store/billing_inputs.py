"""What an official model's record is billed on, kept in typed columns (migration m006).

Official models bill per output: images, tokens, seconds of video or audio, characters. Replicate's
billing metrics for them (`image_output_count`, `token_input_count`, `video_output_duration_seconds`
...: docs/official-models.md) arrive in a record's `metrics` beside the older names the store already
types (`image_count`, `input_token_count`, `output_token_count`), and some prices depend on the
record's input (resolution, audio on or off). Reading them from `raw` at report time would parse
every record's whole JSON (over 1 s per million records, measured); so the sync extracts them once
into narrow columns, NULL for every record that has none, which the cost views read for almost
nothing.

`price_inputs` is the record's input object, kept only for records of official models (version
`hidden`, as Replicate serves them, or any billing metric present) and with every string longer than
`LONG_TEXT` characters (prompts, texts to speak, file URLs) replaced by null: the conditions of a
price compare short values (resolution, mode, a flag, a number), and a list keeps its length (the
number of input images).
"""

from __future__ import annotations

LONG_TEXT = 64  # characters; a longer string in an input is never a price condition

# column -> (SQL type, JSON path in a record as served)
METRIC_COLUMNS: dict[str, tuple[str, str]] = {
    "image_output_count": ("BIGINT", "$.metrics.image_output_count"),
    "token_input_count": ("BIGINT", "$.metrics.token_input_count"),
    "token_output_count": ("BIGINT", "$.metrics.token_output_count"),
    "character_input_count": ("BIGINT", "$.metrics.character_input_count"),
    "video_output_seconds": ("DOUBLE", "$.metrics.video_output_duration_seconds"),
    "audio_output_seconds": ("DOUBLE", "$.metrics.audio_output_duration_seconds"),
}
PRICE_INPUTS = "price_inputs"
COLUMNS = (*METRIC_COLUMNS, PRICE_INPUTS)
TYPES = {**{name: kind for name, (kind, _) in METRIC_COLUMNS.items()}, PRICE_INPUTS: "VARCHAR"}

# a JSON string longer than LONG_TEXT characters (escapes count as written)
_LONG_STRING = '"(?:[^"\\\\]|\\\\.){' + str(LONG_TEXT + 1) + ',}"'


def price_inputs_sql(input_json: str, version: str, metrics: list[str]) -> str:
    """SQL for `price_inputs` from the record's `input` (a JSON value), its version (text) and the
    SQL of its billing metrics (any non-null one marks a record billed per output)."""
    official = " OR ".join([f"{version} = 'hidden'", *(f"{m} IS NOT NULL" for m in metrics)])
    stripped = f"regexp_replace(CAST({input_json} AS VARCHAR), '{_LONG_STRING}', 'null', 'g')"
    return (
        f"CASE WHEN json_type({input_json}) = 'OBJECT' AND ({official}) THEN "
        f"CASE WHEN json_valid({stripped}) THEN {stripped} END END"
    )


def backfill_sql(table: str) -> str:
    """UPDATE `table` filling the columns from `raw`, for the rows stored before them (only the
    rows whose raw text can hold one: a LIKE scan instead of parsing every record)."""
    sets = [
        f"{name} = {_typed(kind, f'json_extract(raw, {path!r})')}"
        for name, (kind, path) in METRIC_COLUMNS.items()
    ]
    metrics = [
        _typed(kind, f"json_extract(raw, {path!r})") for kind, path in METRIC_COLUMNS.values()
    ]
    sets.append(
        f"{PRICE_INPUTS} = "
        + price_inputs_sql("json_extract(raw, '$.input')", "(raw ->> '$.version')", metrics)
    )
    return (
        f"UPDATE {table} SET {', '.join(sets)} WHERE raw LIKE '%\"hidden\"%' "
        "OR raw LIKE '%_output_%' OR raw LIKE '%_input_count%'"
    )


def _typed(kind: str, value: str) -> str:
    """A JSON number as the column's type (NULL for anything else, as the sync's counts are)."""
    if kind == "DOUBLE":
        return f"CASE WHEN json_type({value}) IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN {value}::DOUBLE END"
    return (
        f"CASE json_type({value}) WHEN 'BIGINT' THEN {value}::BIGINT "
        f"WHEN 'UBIGINT' THEN TRY_CAST({value}::UBIGINT AS BIGINT) "
        f"WHEN 'DOUBLE' THEN CASE WHEN {value}::DOUBLE = floor({value}::DOUBLE) "
        f"THEN TRY_CAST({value}::DOUBLE AS BIGINT) END END"
    )
