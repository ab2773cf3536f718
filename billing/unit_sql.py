"""Per-output pricing: what counts each unit in a record, price variants by input, and their SQL.

An official model bills one or more units (`pricing.UNITS`), each at a price that may depend on
the prediction's input (`when` conditions). The cost views (cost_sql.py) read the SQL written here:

Counting. Each unit is counted from what the record carries, first Replicate's billing metrics
(typed columns of migration m004, and the older metric names), then, where a metric is absent, an
input field the count follows (`input.duration` for seconds of output video or audio,
`input.num_outputs` for images, `input.width` x `input.height` for megapixels). A count from the
input is what was asked for, not what Replicate measured: the record's cost is then `estimated` and
its note names the field. A unit that has neither leaves a finished record unpriced with the reason
"no unit count: missing field ..." (a failed, canceled or aborted record made no output: 0).

Variants. The distinct `when` tables of a model's rows are its variants, numbered from 1, the most
specific (most conditions) first; variant 0 is "no condition matched". A record's variant is decided
once per distinct input (`VARIANTS`), by a CASE written from the catalog (`variant_sql`) over
its `price_inputs` (the short inputs the sync keeps for official records); it then looks its prices
up like any other key. In a variant
each unit takes the rows with exactly the variant's conditions, else the rows without conditions. A
variant that does not price every unit the model bills at that time is incomplete: its records are
unpriced ("no price of ... matches this record's input"), never priced in part.

Money. Counts are whole micro-units (seconds to the microsecond, like predict_time) and prices whole
pico-dollars (12 decimals), so count x price is exact in a 128-bit integer (10^-18 USD), summed over
units and rounded once, half up, to micro-dollars.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from replicost.billing.pricing import UNITS, Catalog, UnitPrice
from replicost.billing.pricing.catalog import Condition

PICO = Decimal(10) ** 12


@dataclass(frozen=True)
class UnitCount:
    """Where a unit's count comes from: SQL over a record's columns, and the field each names."""

    exact: str | None  # from the metrics (NULL when absent)
    exact_field: str
    fallback: str | None = None  # from the input: an estimate
    fallback_field: str = ""

    def missing(self) -> str:
        """The field(s) a record lacks when this unit cannot be counted."""
        if self.fallback_field:
            return f"{self.exact_field} (and {self.fallback_field})"
        return self.exact_field


def _input_number(field: str) -> str:
    """A number in the record's short inputs (JSON number, or a string that is one)."""
    path = f"'$.{field}'"
    return (
        f"CASE WHEN json_type(price_inputs, {path}) IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'VARCHAR') "
        f"THEN TRY_CAST(json_extract_string(price_inputs, {path}) AS DOUBLE) END"
    )


_IMAGES = "coalesce(image_output_count, image_count)"
UNIT_COUNTS: dict[str, UnitCount] = {
    "image": UnitCount(
        _IMAGES,
        "metrics.image_output_count/image_count",
        _input_number("num_outputs"),
        "input.num_outputs",
    ),
    "input_token": UnitCount(
        "coalesce(token_input_count, input_token_count)",
        "metrics.token_input_count/input_token_count",
    ),
    "output_token": UnitCount(
        "coalesce(token_output_count, output_token_count)",
        "metrics.token_output_count/output_token_count",
    ),
    "output_video_second": UnitCount(
        "video_output_seconds",
        "metrics.video_output_duration_seconds",
        _input_number("duration"),
        "input.duration",
    ),
    "output_audio_second": UnitCount(
        "audio_output_seconds",
        "metrics.audio_output_duration_seconds",
        _input_number("duration"),
        "input.duration",
    ),
    "input_character": UnitCount("character_input_count", "metrics.character_input_count"),
    "megapixel": UnitCount(
        None,
        "a megapixel count",
        f"coalesce({_IMAGES}, 1) * {_input_number('width')} * {_input_number('height')} / 1000000.0",
        "input.width x input.height",
    ),
    "run": UnitCount("CASE WHEN status_class = 2 THEN 0 ELSE 1 END", "the run"),
    "input_image": UnitCount(
        None,
        "an input image count",
        "coalesce(json_array_length(price_inputs, '$.image_input'), "
        "json_array_length(price_inputs, '$.input_images'), "
        "CASE WHEN json_type(price_inputs, '$.image') = 'VARCHAR' "
        "OR json_type(price_inputs, '$.input_image') = 'VARCHAR' THEN 1 END)",
        "input.image_input",
    ),
    "input_audio_second": UnitCount(None, "a count of input audio seconds"),
    "input_video_second": UnitCount(None, "a count of input video seconds"),
}
assert set(UNIT_COUNTS) == set(UNITS)


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# ---------------------------------------------------------------- the price table, from the catalog


def variants(rows: Iterable[UnitPrice]) -> list[tuple[Condition, ...]]:
    """A model's variants (distinct `when` tables), most specific first; index + 1 is the number."""
    distinct = {row.when for row in rows if row.when}
    return sorted(distinct, key=lambda when: (-len(when), when))


def _in_effect(rows: list[UnitPrice], when: tuple, start: datetime) -> UnitPrice | None:
    candidates = [row for row in rows if row.when == when and row.effective_from <= start]
    return max(candidates, key=lambda row: row.effective_from) if candidates else None


def unit_price_rows(catalog: Catalog, moment) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Rows of `replicost_unit_price`: per model, variant and stretch of time over which its prices
    are constant: (model, variant, from, to, *prices, *picos, estimated, complete, fields).
    `moment` turns a catalog moment into what the table stores (BEGINNING -> -infinity)."""
    by_model: dict[str, dict[str, list[UnitPrice]]] = {}
    for (model, unit), history in catalog.units.items():
        by_model.setdefault(model, {})[unit] = history
    out = []
    for model, histories in sorted(by_model.items()):
        every = [row for history in histories.values() for row in history]
        numbered = [(), *variants(every)]
        fields = ", ".join(sorted({name for when in numbered for name, _ in when}))
        starts = sorted({row.effective_from for row in every})
        for start, end in zip(starts, [*starts[1:], None], strict=True):
            out += _segment_rows(model, histories, numbered, start, end, fields, moment)
    return out


def _segment_rows(model, histories, numbered, start, end, fields, moment) -> list[tuple]:  # type: ignore[no-untyped-def]
    chosen = []
    for when in numbered:
        prices: dict[str, UnitPrice] = {}
        for unit, rows in histories.items():
            row = _in_effect(rows, when, start) or _in_effect(rows, (), start)
            if row is not None:
                prices[unit] = row
        chosen.append(prices)
    billed = set().union(*(set(prices) for prices in chosen))
    rows = []
    for number, prices in enumerate(chosen):
        if not billed:
            continue
        values = [prices[unit].usd_per_unit if unit in prices else None for unit in UNITS]
        picos = [None if value is None else int(value * PICO) for value in values]
        estimated = any(row.estimated for row in prices.values())
        complete = set(prices) == billed
        rows.append(
            (model, number, moment(start), "infinity" if end is None else moment(end))
            + (*values, *picos, estimated, complete, fields)
        )
    return rows


UNIT_PRICE_TABLE = (
    "CREATE OR REPLACE TEMP TABLE replicost_unit_price (model VARCHAR, variant INTEGER, "
    "effective_from TIMESTAMPTZ, effective_to TIMESTAMPTZ, "
    + ", ".join(f"{unit}_price DECIMAL(38,12)" for unit in UNITS)
    + ", "
    + ", ".join(f"{unit}_pico BIGINT" for unit in UNITS)
    + ", unit_estimated BOOLEAN, unit_complete BOOLEAN, condition_fields VARCHAR);"
)


# ---------------------------------------------------------------- a record's variant


def _typed_sql(field: str) -> str:
    """The record's input `field` as typed text ('s:720p', 'b:true', 'n:60.0'), NULL if absent."""
    path = f"'$.{field}'"
    value = f"json_extract_string(price_inputs, {path})"
    return (
        f"CASE json_type(price_inputs, {path}) WHEN 'VARCHAR' THEN 's:' || {value} "
        f"WHEN 'BOOLEAN' THEN 'b:' || {value} "
        f"WHEN 'BIGINT' THEN 'n:' || CAST(CAST({value} AS DOUBLE) AS VARCHAR) "
        f"WHEN 'UBIGINT' THEN 'n:' || CAST(CAST({value} AS DOUBLE) AS VARCHAR) "
        f"WHEN 'DOUBLE' THEN 'n:' || CAST(CAST({value} AS DOUBLE) AS VARCHAR) END"
    )


def _wanted_sql(kind: str, text: str) -> str:
    if kind == "n":
        return f"'n:' || CAST(CAST({_sql_text(text)} AS DOUBLE) AS VARCHAR)"
    return _sql_text(f"{kind}:{text}")


def variant_sql(catalog: Catalog) -> str:
    """SQL giving a record its variant number (0: no condition matched, or no conditions)."""
    by_model: dict[str, list[UnitPrice]] = {}
    for (model, _), history in catalog.units.items():
        by_model.setdefault(model, []).extend(history)
    branches = []
    for model, rows in sorted(by_model.items()):
        numbered = variants(rows)
        if not numbered:
            continue
        tests = []
        for number, when in enumerate(numbered, start=1):
            conditions = " AND ".join(
                f"coalesce({_typed_sql(name)} IN ({', '.join(_wanted_sql(*v) for v in values)}), FALSE)"
                for name, values in when
            )
            tests.append(f"WHEN {conditions} THEN {number}")
        branches.append(f"WHEN {_sql_text(model)} THEN CASE {' '.join(tests)} ELSE 0 END")
    if not branches:
        return "0"
    return f"CASE model {' '.join(branches)} ELSE 0 END"


def conditional_models(catalog: Catalog) -> str:
    """SQL list of the models whose prices depend on inputs."""
    models = sorted(
        {model for (model, _), rows in catalog.units.items() if any(r.when for r in rows)}
    )
    return "[" + ", ".join(_sql_text(model) for model in models) + "]::VARCHAR[]"


# Shape: one row per distinct (model, price_inputs) of {table} among the models whose prices depend
# on inputs, with the variant its input selects (unit_sql.variant_sql). The conditions run once per
# distinct input here, not per record: written into the records' view, DuckDB's common
# subexpression elimination hoisted their JSON calls out of the CASE onto every record (1.3 s more
# per 2M records, measured).
VARIANTS = """
SELECT model, price_inputs, {variant} AS variant
FROM (SELECT DISTINCT model, {inputs} AS price_inputs FROM {table} WHERE {varied})
"""
# The records of {table} that have a variant (VARIANTS: the condition, without the conditions'
# CASE, a few hundred lines of SQL to bind)
VARIED = "{inputs} IS NOT NULL AND list_contains({conditional}, model)"


# ---------------------------------------------------------------- per-record SQL fragments


def used_units(catalog: Catalog) -> tuple[str, ...]:
    """The units the catalog prices (the per-record SQL is written for these only: each unit
    costs every record a few expressions)."""
    used = {unit for _, unit in catalog.units}
    return tuple(unit for unit in UNITS if unit in used) or ("image",)


def count_columns(used: tuple[str, ...]) -> str:
    """SELECT items: each unit's count where the record's variant prices the unit (DOUBLE).
    Each expression appears once: DuckDB hoists a repeated one out of its CASE onto every record."""
    items = []
    for unit in used:
        source = UNIT_COUNTS[unit]
        exact = f"CAST({source.exact} AS DOUBLE)" if source.exact else "NULL::DOUBLE"
        fallback = f"CAST({source.fallback} AS DOUBLE)" if source.fallback else "NULL::DOUBLE"
        # a record that made no output counts 0 where Replicate counted nothing: what it asked
        # for in its input was never made
        items.append(
            f"CASE WHEN has_unit_prices AND {unit}_pico IS NOT NULL THEN coalesce({exact}, "
            f"CASE WHEN status_class = 2 THEN 0.0 ELSE {fallback} END) END AS {unit}_units"
        )
    return ",\n        ".join(items)


def check_columns(max_count: int, used: tuple[str, ...]) -> str:
    """SELECT items over the counts: the first implausible one (`unit_problem_field`, its
    `unit_problem_value`), the first missing
    one (`unit_missing`), the fields a count was taken from the input (`unit_fallback`)."""
    bad = {unit: f"NOT coalesce({unit}_units BETWEEN 0 AND {max_count}, TRUE)" for unit in used}
    problem_field = " ".join(
        f"WHEN {bad[unit]} THEN {_sql_text(UNIT_COUNTS[unit].exact_field)}" for unit in used
    )
    problem_value = " ".join(
        f"WHEN {bad[unit]} THEN CAST({unit}_units AS VARCHAR)" for unit in used
    )
    missing = " ".join(
        f"WHEN {unit}_pico IS NOT NULL AND {unit}_units IS NULL "
        f"THEN {_sql_text(UNIT_COUNTS[unit].missing())}"
        for unit in used
    )
    fallback = [
        f"CASE WHEN {unit}_units IS NOT NULL AND status_class <> 2"
        + (f" AND ({UNIT_COUNTS[unit].exact}) IS NULL" if UNIT_COUNTS[unit].exact else "")
        + f" THEN {_sql_text(UNIT_COUNTS[unit].fallback_field)} END"
        for unit in used
        if UNIT_COUNTS[unit].fallback
    ]
    fallback_sql = (
        f"CASE WHEN has_unit_prices THEN nullif(concat_ws(', ', {', '.join(fallback)}), '') END"
        if fallback
        else "NULL::VARCHAR"
    )
    return (
        f"CASE WHEN has_unit_prices THEN CASE {problem_field} END END AS unit_problem_field,\n"
        f"        CASE WHEN has_unit_prices THEN CASE {problem_value} END END AS unit_problem_value,\n"
        f"        CASE WHEN has_unit_prices THEN CASE {missing} END END AS unit_missing,\n"
        f"        {fallback_sql} AS unit_fallback"
    )


def cost_sql(used: tuple[str, ...]) -> str:
    """The record's per-unit cost in 10^-18 USD (HUGEINT): micro-units x pico-dollars, summed."""
    return " + ".join(
        f"CASE WHEN {unit}_pico IS NULL THEN 0::HUGEINT ELSE "
        f"CAST(CAST(round(coalesce({unit}_units, 0) * 1000000) AS BIGINT) AS HUGEINT) * {unit}_pico END"
        for unit in used
    )


def label_columns(used: tuple[str, ...]) -> str:
    """SELECT items of the priced view: `unit` (the units billed, joined by '+'), `units` (its
    count when one unit, or tokens in + out), `unit_price` (one unit's price), and
    `unit_combo_detail`: the `unit_detail` of a record billed in units no other column details
    (more than one, tokens aside), else NULL (`DETAIL` builds the others' from their columns)."""
    tokens = [unit for unit in used if unit in ("input_token", "output_token")]
    others = [unit for unit in used if unit not in tokens]
    names = [f"CASE WHEN {unit}_pico IS NOT NULL THEN '{unit}' END" for unit in others]
    if tokens:
        either = " OR ".join(f"{unit}_pico IS NOT NULL" for unit in tokens)
        names.insert(1 if others[:1] == ["image"] else 0, f"CASE WHEN {either} THEN 'token' END")
    billed = f"concat_ws('+', {', '.join(names)})"
    single = " ".join(f"WHEN '{unit}' THEN {unit}_units" for unit in others)
    token_sum = " + ".join(f"coalesce({unit}_units, 0)" for unit in tokens) or "NULL"
    price = " ".join(f"WHEN '{unit}' THEN {_price(unit)}" for unit in others)
    detail = ", ".join(
        f"CASE WHEN {unit}_pico IS NOT NULL THEN "
        f"{_detail_part(repr(unit), f'{unit}_units', _price(unit))} END"
        for unit in used
    )
    # how many of the unit columns price the record (tokens in and out count once)
    kinds = " + ".join(
        [f"CASE WHEN {unit}_pico IS NOT NULL THEN 1 ELSE 0 END" for unit in others]
        + ([f"CASE WHEN {either} THEN 1 ELSE 0 END"] if tokens else [])
    )
    return (
        f"CASE WHEN per_second THEN 'second' WHEN per_unit THEN {billed} END AS unit,\n"
        f"    CASE WHEN per_second THEN seconds_micro * 0.000001 WHEN per_unit THEN CASE {billed} "
        f"{single} WHEN 'token' THEN {token_sum} END END::DOUBLE AS units,\n"
        f"    CASE WHEN per_second THEN usd_per_second WHEN per_unit THEN CASE {billed} {price} "
        f"ELSE NULL END END AS unit_price,\n"
        f"    CASE WHEN per_unit AND {kinds} <> 1 THEN concat_ws('; ', {detail}) END "
        "AS unit_combo_detail"
    )


def _detail_part(name: str, count: str, price: str) -> str:
    """SQL for one unit of `unit_detail` ("image 2.0 x 0.003000000000"): the unit's name, its count
    (DOUBLE, 0 when NULL) and its price, each a SQL expression. Both the text a record keeps and
    the one built from its columns (`DETAIL`) are written with it, so they read the same."""
    return (
        f"{name} || ' ' || CAST(coalesce({count}, 0) AS VARCHAR) || ' x ' || "
        f"CAST({price} AS VARCHAR)"
    )


def _token_detail(unit: str) -> str:
    part = _detail_part(repr(unit), f"CAST({unit}_count AS DOUBLE)", f"{unit}_price")
    return f"CASE WHEN {unit}_price IS NOT NULL THEN {part} END"


# A record's `unit_detail` from its columns (the cost views and the ledger's views compute it
# the same way): each unit billed with its count and price, as `label_columns` writes it for
# the records whose units no other column details (`unit_combo_detail`). Built from the columns
# for the rest: 580,000 distinct texts among ten million records, a tenth of a first build.
DETAIL = (
    "CASE WHEN basis = 'per_unit' THEN coalesce(unit_combo_detail, CASE WHEN unit = 'token' THEN "
    f"concat_ws('; ', {_token_detail('input_token')}, {_token_detail('output_token')}) "
    f"ELSE {_detail_part('unit', 'units', 'unit_price')} END) END"
)


# the units whose DECIMAL price the priced views show in a column of its own
PRICE_COLUMNS = ("image", "input_token", "output_token")


def _price(unit: str) -> str:
    """SQL for a unit's USD price of the record's variant (DECIMAL)."""
    if unit in PRICE_COLUMNS:
        return f"{unit}_price"
    return f"(CAST({unit}_pico AS DECIMAL(18,0)) * CAST(0.000000000001 AS DECIMAL(13,12)))"


def price_columns(prefix: str = "") -> str:
    """Every unit's pico-dollar column (BIGINT: the narrow form every record carries through the
    lookup) and the shown DECIMAL prices (`prefix` qualifies them)."""
    picos = [f"{prefix}{unit}_pico" for unit in UNITS]
    return ", ".join(picos + [f"{prefix}{unit}_price" for unit in PRICE_COLUMNS])


NULL_PRICES = ", ".join(["NULL"] * (len(UNITS) + len(PRICE_COLUMNS)))


def range_sql(prices: dict[str, str | None]) -> str:
    """SQL for a record's whole micro-dollars at one price per unit counted (`prices`: count
    column -> USD per unit as text, None when the catalog prices no such unit): each count times
    its price, summed exactly and rounded once; a count the catalog has no price for adds nothing,
    a record with no output (failed, canceled, aborted) costs 0."""
    terms = [
        f"coalesce({column}, 0) * CAST('{price}' AS DECIMAL(38,12))"
        for column, price in prices.items()
        if price is not None
    ]
    total = " + ".join(terms) or "0"
    return (
        "CASE WHEN status_class = 2 AND image_count IS NULL AND input_token_count IS NULL"
        " AND output_token_count IS NULL THEN 0"
        f" ELSE replicost_micro(CAST(round({total}, 6) AS DECIMAL(18,6))) END"
    )
