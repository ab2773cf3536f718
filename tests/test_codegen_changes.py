"""The change report: checked against an independent reading of consecutive history specs, and
breaking/non-breaking rules on small hand-written specs."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from cli_helpers import run_cli

from replicost.codegen.changes import ChangeReport, compare
from replicost.codegen.surface import build_surface

HISTORY = Path(__file__).resolve().parents[1] / "specs" / "replicate-openapi" / "history"
HISTORY_FILES = sorted(HISTORY.glob("*.json"))
PAIRS = list(zip(HISTORY_FILES, HISTORY_FILES[1:], strict=False))
assert len(HISTORY_FILES) >= 28, f"the vendored spec history is missing from {HISTORY}"


def operation_ids(document: dict) -> set[str]:
    return {
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }


def schema_properties(document: dict) -> dict[str, set[str]]:
    return {
        name: set(schema.get("properties", {}))
        for name, schema in document.get("components", {}).get("schemas", {}).items()
    }


def names(report: ChangeReport, kind: str, action: str, where: str | None = None) -> set[str]:
    return {
        c.name
        for c in report.changes
        if c.kind == kind and c.action == action and (where is None or c.where == where)
    }


@pytest.mark.parametrize(
    ("old_path", "new_path"), PAIRS, ids=[f"{a.stem[:10]}..{b.stem[:10]}" for a, b in PAIRS]
)
def test_report_between_consecutive_history_specs_matches_independent_diff(old_path, new_path):
    old, new = json.loads(old_path.read_text()), json.loads(new_path.read_text())
    report = compare(build_surface(old), build_surface(new))

    assert names(report, "operation", "added") == operation_ids(new) - operation_ids(old)
    assert names(report, "operation", "removed") == operation_ids(old) - operation_ids(new)

    old_props, new_props = schema_properties(old), schema_properties(new)
    renamed = {tuple(n.split(" -> ")) for n in names(report, "schema", "renamed")}
    for old_name, new_name in renamed:  # a rename is claimed only for identical structure
        assert old["components"]["schemas"][old_name] == new["components"]["schemas"][new_name]
    assert names(report, "schema", "removed") | {o for o, _ in renamed} == set(old_props) - set(
        new_props
    )
    assert names(report, "schema", "added") | {n for _, n in renamed} == set(new_props) - set(
        old_props
    )

    for schema in set(old_props) & set(new_props):
        where = f"schema {schema}"
        top_level = {
            n for n in names(report, "field", "added", where) if "." not in n and "[" not in n
        }
        assert top_level == new_props[schema] - old_props[schema], schema
        top_level = {
            n for n in names(report, "field", "removed", where) if "." not in n and "[" not in n
        }
        assert top_level == old_props[schema] - new_props[schema], schema


def test_december_2024_request_schema_renames_are_renames():
    old = json.loads((HISTORY / "2024-10-10_ef1cb8b6ffdf.json").read_text())
    new = json.loads((HISTORY / "2024-12-02_c3afe821e759.json").read_text())
    report = compare(build_surface(old), build_surface(new))
    assert names(report, "schema", "renamed") == {
        "prediction_request -> schemas_prediction_request",
        "training_request -> schemas_training_request",
        "version_prediction_request -> schemas_version_prediction_request",
    }
    assert not report.breaking
    # the operations now reference the new names: compared through the rename, nothing else changed
    assert len(report.changes) == 3


def test_october_2025_header_rename_under_a_renamed_component():
    old = json.loads((HISTORY / "2025-10-07_9ebe87e8e48f.json").read_text())
    new = json.loads((HISTORY / "2025-10-22_edf2c237ea9e.json").read_text())
    renamed = [
        c for c in compare(build_surface(old), build_surface(new)).changes if c.action == "renamed"
    ]
    assert {(c.where, c.name, c.breaking) for c in renamed} == {
        (op, "header:Replicate-Max-Lifetime -> header:Cancel-After", True)
        for op in (
            "predictions.create",
            "models.predictions.create",
            "deployments.predictions.create",
        )
    }


# -- breaking rules on a small spec ----------------------------------------------------------

BASE = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/things": {
            "get": {
                "operationId": "things.list",
                "parameters": [{"name": "cursor", "in": "query", "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/thing"}}
                        },
                    }
                },
            },
            "post": {
                "operationId": "things.create",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "size": {"type": "integer"},
                                },
                            }
                        }
                    },
                },
                "responses": {"201": {"description": "created"}},
            },
        }
    },
    "components": {
        "schemas": {
            "thing": {
                "type": "object",
                "required": ["id", "status"],
                "properties": {
                    "id": {"type": "string"},
                    "status": {"type": "string", "enum": ["new", "done"]},
                    "note": {"type": "string"},
                },
            }
        }
    },
}


def changed(mutate) -> list[tuple[str, str, str, bool]]:
    new = copy.deepcopy(BASE)
    mutate(new)
    report = compare(build_surface(BASE), build_surface(new))
    return [(c.kind, c.action, c.name, c.breaking) for c in report.changes]


def test_rules_for_operations_and_parameters():
    assert changed(lambda d: d["paths"]["/things"].pop("post")) == [
        ("operation", "removed", "things.create", True)
    ]
    assert changed(
        lambda d: d["paths"]["/things"]["get"]["parameters"].append(
            {"name": "limit", "in": "query", "schema": {"type": "integer"}}
        )
    ) == [("parameter", "added", "query:limit", False)]
    assert changed(
        lambda d: d["paths"]["/things"]["get"]["parameters"][0].update(required=True)
    ) == [("parameter", "changed", "query:cursor", True)]
    assert changed(lambda d: d["paths"]["/things"]["get"]["parameters"][0].update(name="page")) == [
        ("parameter", "renamed", "query:cursor -> query:page", True)
    ]


def request_schema(d):
    return d["paths"]["/things"]["post"]["requestBody"]["content"]["application/json"]["schema"]


def test_rules_for_request_fields():
    assert changed(lambda d: request_schema(d)["required"].append("size")) == [
        ("field", "changed", "size", True)
    ]
    assert changed(lambda d: request_schema(d)["required"].remove("name")) == [
        ("field", "changed", "name", False)
    ]
    assert changed(lambda d: request_schema(d)["properties"].update(color={"type": "string"})) == [
        ("field", "added", "color", False)
    ]

    def add_required(d):
        request_schema(d)["properties"]["color"] = {"type": "string"}
        request_schema(d)["required"].append("color")

    assert changed(add_required) == [("field", "added", "color", True)]

    def request_enum(d):
        request_schema(d)["properties"]["kind"] = {"type": "string", "enum": ["a"]}

    def request_enum_grows(d):
        request_enum(d)
        request_schema(d)["properties"]["kind"]["enum"].append("b")

    # a value a request may now send breaks nobody
    base = copy.deepcopy(BASE)
    request_enum(base)
    grown = copy.deepcopy(BASE)
    request_enum_grows(grown)
    report = compare(build_surface(base), build_surface(grown))
    assert [(c.name, c.breaking) for c in report.changes] == [("kind", False)]


def thing(d):
    return d["components"]["schemas"]["thing"]


def test_rules_for_response_fields():
    assert changed(lambda d: thing(d)["properties"].pop("note")) == [
        ("field", "removed", "note", True)
    ]
    assert changed(lambda d: thing(d)["properties"].update(size={"type": "integer"})) == [
        ("field", "added", "size", False)
    ]
    assert changed(lambda d: thing(d)["properties"]["id"].update(type="integer")) == [
        ("field", "changed", "id", True)
    ]
    # a value the API may now send: strict clients (replicate 1.0.7's pydantic models) raise
    assert changed(lambda d: thing(d)["properties"]["status"]["enum"].append("aborted")) == [
        ("field", "changed", "status", True)
    ]
    assert changed(lambda d: thing(d)["required"].remove("id")) == [
        ("field", "changed", "id", True)
    ]
    assert changed(lambda d: thing(d)["properties"]["note"].update(nullable=True)) == [
        ("field", "changed", "note", True)
    ]


def test_inline_response_moved_to_a_component_is_no_change():
    def inline(d):
        d["paths"]["/things"]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ] = copy.deepcopy(thing(d))

    def to_other_component(d):
        d["components"]["schemas"]["thing_v2"] = copy.deepcopy(thing(d))
        ref = "#/components/schemas/thing_v2"
        d["paths"]["/things"]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ] = {"$ref": ref}

    inlined = copy.deepcopy(BASE)
    inline(inlined)
    assert compare(build_surface(BASE), build_surface(inlined)).changes == []
    # a copy under a new name while the old one stays: only the new schema is reported
    assert changed(to_other_component) == [("schema", "added", "thing_v2", False)]


# -- the October 2025 `aborted` status and --fail-on ------------------------------------------

BEFORE_ABORTED = HISTORY / "2025-10-22_edf2c237ea9e.json"
WITH_ABORTED = HISTORY / "2025-10-23_988ee7851fe9.json"


def test_the_aborted_status_is_breaking_for_strict_clients_and_says_why():
    old, new = (json.loads(p.read_text()) for p in (BEFORE_ABORTED, WITH_ABORTED))
    report = compare(build_surface(old), build_surface(new))
    # read independently: the only difference is `aborted` in the two response status enums
    assert [(c.kind, c.action, c.name, c.breaking) for c in report.changes] == [
        ("field", "changed", "status", True),
        ("field", "changed", "status", True),
    ]
    lines = report.render().splitlines()
    assert lines[0] == "API surface: 2 breaking, 0 non-breaking change(s)"
    for line in lines[1:]:
        assert line.strip().startswith("BREAKING")
        assert "enum values added: aborted; breaking for strict clients" in line
        assert "replicate 1.0.7's pydantic models" in line


def test_fail_on_levels():
    empty = ChangeReport()
    only_additions = compare(BASE_SURFACE(), build_surface(with_new_field()))
    assert only_additions.changes and not only_additions.breaking
    breaking = compare(BASE_SURFACE(), build_surface(without_note()))
    assert breaking.breaking
    table = {
        "breaking": (False, False, True),
        "any": (False, True, True),
        "none": (False, False, False),
    }
    for level, expected in table.items():
        assert tuple(r.fails(level) for r in (empty, only_additions, breaking)) == expected
    with pytest.raises(ValueError):
        empty.fails("sometimes")


def BASE_SURFACE():  # noqa: N802 - reads as a constant
    return build_surface(BASE)


def with_new_field():
    new = copy.deepcopy(BASE)
    thing(new)["properties"]["size"] = {"type": "integer"}
    return new


def without_note():
    new = copy.deepcopy(BASE)
    thing(new)["properties"].pop("note")
    return new


@pytest.mark.parametrize(
    ("flags", "code"),
    [
        ([], 1),
        (["--fail-on", "breaking"], 1),
        (["--fail-on", "any"], 1),
        (["--fail-on", "none"], 0),
    ],
)
def test_codegen_diff_exit_codes_follow_fail_on(flags, code):
    status, out, err = run_cli("codegen", "diff", str(BEFORE_ABORTED), str(WITH_ABORTED), *flags)
    assert status == code, err
    assert "2 breaking" in out
    if code:
        assert err.strip().splitlines()[-1].endswith(
            "2 breaking change(s) (--fail-on breaking)"
        ) or (err.strip().endswith("2 change(s) (--fail-on any)"))
        assert "Traceback" not in err


def test_codegen_diff_of_additions_only_passes_breaking_and_fails_any(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    document = json.loads(WITH_ABORTED.read_text())
    old.write_text(json.dumps(document))
    schemas = document["components"]["schemas"]
    schemas["schemas_prediction_response"]["properties"]["deadline_hint"] = {"type": "string"}
    new.write_text(json.dumps(document))
    assert run_cli("codegen", "diff", str(old), str(new))[0] == 0
    status, _, err = run_cli("codegen", "diff", str(old), str(new), "--fail-on", "any")
    assert status == 1 and err.strip().endswith("1 change(s) (--fail-on any)")
    assert run_cli("codegen", "diff", str(old), str(old), "--fail-on", "any")[0] == 0


def test_fail_on_without_check_is_bad_input():
    status, _, err = run_cli("codegen", "--fail-on", "any")
    assert status == 2 and "--fail-on applies to --check" in err
