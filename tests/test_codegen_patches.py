"""The documented spec patches, each on the spec version that needs it."""

from __future__ import annotations

import copy
import json

from replicost.codegen.patches import apply_patches


def load(specs_dir, name: str) -> dict:
    path = specs_dir / name if name == "openapi.json" else specs_dir / "history" / name
    return json.loads(path.read_text())


def test_patches_leave_the_input_alone_and_set_aside_query(specs_dir):
    document = load(specs_dir, "openapi.json")
    original = copy.deepcopy(document)
    result = apply_patches(document)
    assert document == original
    assert result.set_aside == {"models.search": "QUERY /models"}
    assert "query" not in result.document["paths"]["/models"]
    assert set(result.document["paths"]["/models"]) == {"get", "post"}


def test_tags_come_from_the_first_operation_id_segment(specs_dir):
    result = apply_patches(load(specs_dir, "openapi.json"))
    tags = {
        operation["operationId"]: operation["tags"]
        for item in result.document["paths"].values()
        for operation in item.values()
    }
    assert tags["models.versions.list"] == ["models"]
    assert tags["predictions.list"] == ["predictions"]
    assert tags["search"] == ["search"]


def test_schemas_prefix_is_stripped_unless_the_short_name_is_taken(specs_dir):
    # 2025-02-18 has both the mirror's `prediction_response` and Replicate's `schemas_prediction_response`
    document = load(specs_dir, "2025-02-18_335f0407104d.json")
    schemas = apply_patches(document).document["components"]["schemas"]
    assert "prediction_request" in schemas and "schemas_prediction_request" not in schemas
    assert "prediction_response" in schemas and "schemas_prediction_response" in schemas
    refs = json.dumps(apply_patches(document).document)
    assert '"#/components/schemas/schemas_prediction_request"' not in refs
    assert '"#/components/schemas/prediction_request"' in refs


def test_null_type_in_3_0_copies_becomes_nullable(specs_dir):
    document = load(specs_dir, "2024-08-24_22e7004c67a0.json")
    assert '"type": "null"' in json.dumps(document)
    result = apply_patches(document)
    assert "null_type_in_openapi_3_0" in result.applied
    assert '"type": "null"' not in json.dumps(result.document)
    assert result.document["components"]["schemas"]["prediction_response"]["properties"][
        "error"
    ] == {"nullable": True}


def test_response_schemas_lose_required_request_schemas_keep_it(specs_dir):
    document = load(specs_dir, "openapi.json")
    schemas = apply_patches(document).document["components"]["schemas"]
    assert "required" not in schemas["prediction_response"]
    assert "required" not in schemas["prediction_response"]["properties"]["urls"]
    original = document["components"]["schemas"]
    assert (
        schemas["prediction_request"]["required"]
        == original["schemas_prediction_request"]["required"]
    )
    assert (
        schemas["training_request"]["required"] == original["schemas_training_request"]["required"]
    )


def test_overlapping_string_union_becomes_a_string(specs_dir):
    document = load(specs_dir, "openapi.json")
    version = document["components"]["schemas"]["schemas_prediction_response"]["properties"][
        "version"
    ]
    assert [v.get("enum") for v in version["oneOf"]] == [None, ["hidden"]]
    patched = apply_patches(document).document["components"]["schemas"]["prediction_response"]
    assert patched["properties"]["version"]["type"] == "string"
    assert "oneOf" not in patched["properties"]["version"]
