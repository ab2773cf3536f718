"""The change report: checked against an independent reading of consecutive history specs, and
breaking/non-breaking rules on small hand-written specs."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from replicost.codegen.changes import ChangeReport, compare
from replicost.codegen.surface import build_surface

HISTORY = Path(__file__).resolve().parents[1].parent / "shared" / "replicate-openapi" / "history"
HISTORY_FILES = sorted(HISTORY.glob("*.json")) if HISTORY.is_dir() else []
PAIRS = list(zip(HISTORY_FILES, HISTORY_FILES[1:], strict=False))


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


@pytest.mark.skipif(not HISTORY_FILES, reason="history specs not available")
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


@pytest.mark.skipif(not HISTORY_FILES, reason="history specs not available")
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
    assert changed(lambda d: thing(d)["properties"]["status"]["enum"].append("aborted")) == [
        ("field", "changed", "status", False)
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
