"""`pricing suggest`: a pricing file for everything the bill leaves unpriced, ranked by seconds.

What each unpriced record needs decides the section it lands in: a per-second model needs its
hardware under `[models]`, an official model its per-unit prices under `[units."owner/name"]`, a
deployment its hardware before its earliest observed release under `[deployments]`, a SKU its
price under `[hardware]`. Entries are live where something known supports them (the shipped
public-model map) and written as comments otherwise, with the reason: a deployment's history before
its earliest observed release is only inferred (that release's hardware stretched back), so its
line stays commented and the file as written leaves that history, and the bill's upper bound,
unknown. The file is valid for `pricing validate` as written and prices nothing on a guess the
user has not made.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from replicost.billing import reasons
from replicost.billing.pricing import Catalog, load_catalog
from replicost.escape import toml_string

from .reports import ConfigLike, Database, load_config, priced_connection

# What each pricing-file section prices, and the subject of a reason that names its key.
_NEED = {"models": "model", "units": "units", "deployments": "deployment", "hardware": "hardware"}
_KEY_SUBJECT = {"model": "model", "units": "model", "deployment": "deployment", "hardware": "sku"}


def _needs_sql() -> str:
    """Shape: one row per (need, key): need is 'model', 'units', 'deployment' or 'hardware' (the
    section whose line fixes the reason, from billing.reasons); records, predict seconds (NULL when
    none known), earliest created_at (UTC date text)."""
    need_cases, key_cases = [], []
    for code in reasons.REASONS:
        section = reasons.fix_section(code)
        if section in _NEED:
            need = _NEED[section]
            need_cases.append(f"WHEN '{code}' THEN '{need}'")
            key_cases.append(
                f"WHEN '{code}' THEN struct_extract(reason_subject, '{_KEY_SUBJECT[need]}')"
            )
    return f"""
SELECT CASE reason_code {" ".join(need_cases)} END AS need,
       CASE reason_code {" ".join(key_cases)} END AS key,
       count(*) AS records, sum(seconds) AS seconds,
       strftime(min(timezone('UTC', created_at)), '%Y-%m-%d') AS first_day
FROM priced_records
WHERE basis = 'unpriced' AND NOT quarantined
GROUP BY ALL
HAVING need IS NOT NULL AND key IS NOT NULL
ORDER BY coalesce(sum(seconds), 0) DESC, records DESC, key
"""


@dataclass(frozen=True)
class Need:
    """One key the bill needs a price for, with how much of the account waits on it."""

    need: str
    key: str
    records: int
    seconds: float
    first_day: str


def needs(con: duckdb.DuckDBPyConnection) -> list[Need]:
    return [
        Need(n, k, int(r), float(s or 0), d)
        for n, k, r, s, d in con.execute(_needs_sql()).fetchall()
    ]


def suggest(
    db: Database, *, pricing_file: str | Path | None = None, config: ConfigLike = None
) -> str:
    """The text of a pricing file covering every unpriced record (see the module docstring)."""
    config = load_config(config)
    catalog = load_catalog(pricing_file, config=config)
    with priced_connection(db, pricing_file=pricing_file, config=config) as con:
        found = needs(con)
        first_release = dict(
            con.execute(
                "SELECT deployment, arg_min(hardware, number) FROM replicost_deployment_releases"
                " GROUP BY deployment"
            ).fetchall()
        )
        floors = dict(con.execute(_UNKNOWN_SINCE).fetchall())
    return _render(_with_floors(found, floors), catalog, first_release)


# Shape: one row per deployment with an unknown always-on floor: since (the first day of it).
_UNKNOWN_SINCE = """
SELECT deployment, strftime(timezone('UTC', min(stretch_from)), '%Y-%m-%d')
FROM replicost_unknown_floor_days GROUP BY deployment
"""


def _with_floors(found: list[Need], floors: dict[str, str]) -> list[Need]:
    """The needs, with each deployment whose always-on floor is unknown needing its history from
    the first day of it (a deployment with unpriced records too: from the earlier of the two)."""
    out = []
    for item in found:
        if item.need == "deployment" and item.key in floors:
            item = Need(item.need, item.key, item.records, item.seconds,
                        min(item.first_day, floors.pop(item.key)))  # fmt: skip
        out.append(item)
    return out + [Need("deployment", name, 0, 0.0, day) for name, day in sorted(floors.items())]


def _q(text: str) -> str:
    return toml_string(text)  # names from the server: they cannot add lines to the draft


def _why(item: Need) -> str:
    seconds = f", {item.seconds:,.1f} predict seconds" if item.seconds else ""
    if item.need == "deployment":
        records = f"{item.records:,} unpriced records{seconds}; " if item.records else ""
        return f"{records}its always-on floor unknown from {item.first_day}"
    return f"{item.records:,} unpriced records{seconds}"


def _render(found: list[Need], catalog: Catalog, first_release: dict[str, str]) -> str:
    out = [
        "# Written by `replicost pricing suggest`: everything the bill estimate leaves unpriced,",
        "# ranked by predict seconds. Uncomment and fill in what is commented; check what is",
        "# prefilled. Then: replicost report spend --pricing THIS_FILE",
        "",
    ]
    sections = {"model": "[models]", "deployment": "[deployments]", "hardware": "[hardware]"}
    for need, header in sections.items():
        items = [item for item in found if item.need == need]
        if not items:
            continue
        out.append(header)
        for item in items:
            out.extend(_entry(item, catalog, first_release))
        out.append("")
    for item in (item for item in found if item.need == "units"):
        out += [
            f"# {item.key}: official model billed per output; {_why(item)}. Prices: its Replicate page.",
            f"# [units.{_q(item.key)}]",
            "# image = 0.0                      # USD per image",
            "# input_token_per_million = 0.0    # USD per million input tokens",
            "# output_token_per_million = 0.0   # USD per million output tokens",
            "",
        ]
    if len(out) == 4:
        out.append("# Nothing is unpriced: every record has a price.")
    return "\n".join(out).rstrip("\n") + "\n"


def _entry(item: Need, catalog: Catalog, first_release: dict[str, str]) -> list[str]:
    if item.need == "model":
        known = catalog.public_models.get(item.key)
        if known:
            return [
                f"{_q(item.key)} = {_q(known.hardware)}  # {_why(item)}; shipped map: {known.source}"
            ]
        return [f'# {_q(item.key)} = "gpu-..."  # {_why(item)}: the hardware it runs on']
    if item.need == "deployment":
        # Nothing a sync saw says what ran before a deployment's earliest observed release: the
        # line is left commented, so the file as written leaves that history unknown (and the
        # bill unbounded) until someone who knows it uncomments it.
        hardware = first_release.get(item.key)
        if hardware:
            return [
                f"# {item.key}: {_why(item)} (before its earliest observed release).",
                "# Inferred, not known: that release's hardware stretched back, with no always-on",
                "# instance; check both against the deployment's history, then uncomment:",
                f"# {_q(item.key)} = [{{ hardware = {_q(hardware)}, effective_from = {item.first_day},"
                " min_instances = 0 }]",
            ]
        return [
            f"# {item.key}: {_why(item)}; no release of it is known. State its history, then uncomment:",
            f'# {_q(item.key)} = [{{ hardware = "gpu-...", effective_from = {item.first_day},'
            " min_instances = 0 }]",
        ]
    return [f"# {_q(item.key)} = 0.0  # {_why(item)}: USD per second"]


def unknown_names(path: str | Path, db: str | Path) -> list:
    """Warnings (with lines) for `[deployments]` and `[models]` entries of the pricing file at
    `path` that name nothing in the database `db`: such entries price nothing, or (deployments)
    would once have created always-on spend for a deployment the account does not have."""
    from replicost.billing.pricing import LineIndex, Problem
    from replicost.store import open_readonly
    from replicost.tomlfile import parse_toml, read_text

    text = read_text(path)
    data = parse_toml(text, str(path))
    lines = LineIndex(text)
    con = open_readonly(db)
    try:
        deployments = {
            row[0]
            for row in con.execute(
                "SELECT deployment FROM deployments UNION SELECT DISTINCT deployment"
                " FROM predictions WHERE deployment IS NOT NULL"
            ).fetchall()
        }
        models = {
            row[0]
            for row in con.execute(
                "SELECT model FROM models UNION SELECT DISTINCT model FROM predictions"
                " UNION SELECT DISTINCT model FROM trainings"
            ).fetchall()
            if row[0]
        }
    finally:
        con.close()
    warnings = []
    for name in data.get("deployments", {}) if isinstance(data.get("deployments"), dict) else {}:
        if name not in deployments:
            warnings.append(
                Problem(
                    str(path),
                    lines.line_of(("deployments", name)),
                    f"deployments.{name}: no deployment of that name in {db}; it prices nothing",
                    "warning",
                )  # fmt: skip
            )
    for ref in data.get("models", {}) if isinstance(data.get("models"), dict) else {}:
        if ref.partition(":")[0] not in models:
            warnings.append(
                Problem(
                    str(path),
                    lines.line_of(("models", ref)),
                    f"models.{ref}: no model of that name in {db}; it prices nothing",
                    "warning",
                )  # fmt: skip
            )
    return warnings
