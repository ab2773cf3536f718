"""Every command's JSON output carries `schema_version` and validates against the JSON Schema the
package ships for it (replicost/schemas/), on a synced demo account: the schemas are the contract
the README points to, so an output that drifts from its schema fails here."""

from __future__ import annotations

import copy
import json

import duckdb
import jsonschema
import pytest
from cli_helpers import run_cli

from replicost import schemas

NOW = "2026-10-20T12:00:00Z"


def _ids(db):
    """Record ids of the demo account: priced, unpriced, per-unit, a training."""
    with duckdb.connect(str(db), read_only=True) as con:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "a prediction": one("SELECT min(id) FROM predictions WHERE status = 'succeeded'"),
            "an unpriced one": one(
                "SELECT min(id) FROM predictions WHERE model = 'acme-ai/embeddings-worker'"
            ),
            "one still running": one(
                "SELECT min(id) FROM predictions WHERE status IN ('processing', 'starting')"
            ),
            "a per-unit one": one(
                "SELECT min(id) FROM predictions WHERE model LIKE 'black-forest-labs/%'"
            ),
            "a training": one("SELECT min(id) FROM trainings"),
        }


def _commands(db, prices):
    common = ["--db", db, "--pricing", prices]
    runs = {
        "spend by model": ("spend", ["report", "spend", "--by", "model", "--top", "3"]),
        "spend by day, deployment": ("spend", ["report", "spend", "--by", "day,deployment"]),
        "spend filtered (no uptime)": ("spend", ["report", "spend", "--by", "hardware", "--model", "acme-ai/*"]),
        "spend of an empty period": ("spend", ["report", "spend", "--since", "2030-01-01"]),
        "summary": ("summary", ["report", "summary", "--now", NOW]),
        "insights": ("insights", ["report", "insights", "--top", "20"]),
        "diff": ("diff", ["report", "diff", "--by", "model", "--base", "2026-09", "--head", "2026-10"]),
        "budget ok": ("budget", ["budget", "check", "--monthly", "1000000", "--now", NOW]),
        "budget over": ("budget", ["budget", "check", "--monthly", "5", "--now", NOW]),
        "pricing": ("pricing", ["pricing", "show", "--pricing", prices]),
    }  # fmt: skip
    for what, record in _ids(db).items():
        runs[f"explain {what}"] = ("explain", ["explain", record])
    return {
        label: (name, [*args, "--format", "json", *([] if name == "pricing" else common)])
        for label, (name, args) in runs.items()
    }


CASES = [
    "spend by model",
    "spend by day, deployment",
    "spend filtered (no uptime)",
    "spend of an empty period",
    "summary",
    "insights",
    "diff",
    "budget ok",
    "budget over",
    "pricing",
    "explain a prediction",
    "explain an unpriced one",
    "explain one still running",
    "explain a per-unit one",
    "explain a training",
]


CASE_SCHEMAS = {
    case: "explain" if case.startswith("explain") else case.split()[0] for case in CASES
}


def _validator(name):
    schema = schemas.load(name)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("case", CASES)
def test_every_json_output_carries_its_version_and_matches_its_schema(demo_db, case):
    db, prices = demo_db
    name, args = _commands(db, prices)[case]
    code, out, err = run_cli(*args)
    assert code in ((0, 1, 2) if name == "budget" else (0,)), err
    document = json.loads(out)
    assert next(iter(document)) == "schema_version" and document["schema_version"] == "1"
    errors = sorted(_validator(name).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def _json_commands():
    """`replicost ...` of every command whose --format offers json."""
    import click

    from replicost.cli.main import cli

    def walk(command, path):
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                yield from walk(command.get_command(ctx, name), (*path, name))
        for param in command.params:
            if param.name == "fmt" and "json" in getattr(param.type, "choices", ()):
                yield " ".join(("replicost", *path))

    return set(walk(cli, ()))


def test_every_command_with_json_output_has_a_schema_and_each_schema_is_valid():
    described = {
        title.split(" --format")[0].replace(" ID", "") for title in schemas.SCHEMAS.values()
    }
    assert _json_commands() == described
    assert set(CASE_SCHEMAS.values()) == set(schemas.SCHEMAS)  # each schema is tested above
    for name in schemas.SCHEMAS:
        schema = schemas.load(name)
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["properties"]["schema_version"]["const"] == schemas.SCHEMA_VERSION
        assert schema["title"] == schemas.SCHEMAS[name]


def test_the_schemas_refuse_what_the_contract_rules_out(demo_db):
    """The schemas can fail: a missing key, a float for money, an unknown key, a silent $0 range."""
    db, prices = demo_db
    code, out, _ = run_cli(
        "report", "spend", "--by", "model", "--format", "json", "--db", db, "--pricing", prices
    )
    good = json.loads(out)
    validator = _validator("spend")
    assert validator.is_valid(good)
    broken = []
    for change in (
        lambda d: d.pop("schema_version"),
        lambda d: d["totals"].__setitem__("cost_usd", 12.5),
        lambda d: d["totals"].__setitem__("cost_usd", "12.5"),
        lambda d: d.__setitem__("surprise", 1),
        lambda d: d["unpriced"]["cost_usd"].pop("high"),
        lambda d: d["uptime_estimates"].__setitem__("included_in_totals", False),
    ):
        document = copy.deepcopy(good)
        change(document)
        broken.append(validator.is_valid(document))
    assert broken == [False] * 6


def test_unpriced_reasons_carry_their_code_subject_and_fix():
    """The billing layer's reason codes (issue 21): `code`, `subject` (an object) and `fix` (the
    pricing-file lines, or null) beside `reason` and `count`, and nothing else."""
    reason_schema = schemas.load("spend")["properties"]["unpriced"]["properties"]["reasons"][
        "items"
    ]
    validator = jsonschema.Draft202012Validator(reason_schema)
    coded = {
        "reason": "no hardware known for model acme/foo; add it under [models] in your pricing file",
        "count": 3,
        "code": "no_hardware",
        "subject": {"model": "acme/foo"},
        "fix": '[models] "acme/foo" = "gpu-..."',
    }
    assert validator.is_valid(coded)
    assert not validator.is_valid({"reason": coded["reason"], "count": 3})
    assert validator.is_valid({**coded, "fix": None})
    assert not validator.is_valid({**coded, "subject": "acme/foo"})
    assert not validator.is_valid({**coded, "colour": "red"})


def test_the_insight_kinds_of_the_schemas_are_the_library_s():
    from replicost.analytics.insights.base import KINDS

    for name, path in (("insights", ("insights",)), ("summary", ("top_insights",))):
        kind = schemas.load(name)["properties"][path[0]]["items"]["properties"]["kind"]
        assert kind["enum"] == list(KINDS), name


def test_an_unbounded_bill_matches_the_schemas_too(tmp_path):
    """Unknown always-on floors: `unbounded`, the `unknown_floors` list and a null high bound."""
    from test_bill_bounds import gap_db

    db = gap_db(tmp_path)
    now = ["--now", "2026-03-12T00:00:00Z"]
    for name, args in (
        ("spend", ["report", "spend", "--by", "deployment"]),
        ("summary", ["report", "summary", *now]),
        ("budget", ["budget", "check", "--monthly", "1000", *now]),
    ):
        code, out, err = run_cli(*args, "--format", "json", "--db", db)
        document = json.loads(out)
        assert document["unbounded"] is True and document["unknown_floors"], name
        errors = list(_validator(name).iter_errors(document))
        assert not errors, [f"{name} {list(e.path)}: {e.message}" for e in errors[:5]]
