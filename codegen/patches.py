"""Documented patches applied to Replicate's spec before validation and generation.

The project never edits generated code; where openapi-python-client 0.29.1 cannot take Replicate's
spec as published, or would produce an unstable or unsafe client from it, the spec is patched here,
each patch small, named and explained. Patches never change what goes over the wire. The surface
manifest and the change report are computed from the *unpatched* spec (they describe Replicate's
API, not our view of it); BUILD_INFO.json records which patches changed the spec.

1. `set_aside_nonstandard_methods`: `QUERY /models` (`models.search`) uses the HTTP QUERY method,
   which OpenAPI 3.1 does not define (3.2 adds it). The 3.1 validator rejects it and the generator
   drops it without a word. It is removed from the generated spec and served by the hand-written
   `replicost.client.api_extensions`; the operation stays in the surface manifest.
2. `null_type_in_openapi_3_0`: the mirror that kept the 2024-2025 copies rewrote them as OpenAPI
   3.0 but left the 3.1 construct `type: "null"` in schemas it synthesized; 3.0 spells that
   `nullable: true`.
3. `tags_from_operation_ids`: Replicate tags no operation, so everything would land in
   `replicost_api.api.default`. Each operation is tagged with the first segment of its operationId
   (`predictions.list` -> `replicost_api.api.predictions.predictions_list`), which keeps module
   paths stable when Replicate adds tags of its own.
4. `strip_schemas_prefix`: in December 2024 Replicate renamed its component schemas to
   `schemas_<name>` with identical structure. Dropping the prefix (unless that name is taken)
   gives stable Python class names across that rename (`PredictionResponse`, not
   `SchemasPredictionResponse`).
5. `optional_response_fields`: recorded Replicate responses omit keys the spec marks required
   (an absent `error` instead of null; see docs/REPLICATE.md), and a client that reads an account's
   history must take them. In every schema only responses use, no property is required (the
   generated attribute is `X | Unset`). Request schemas keep their exact required-ness. The
   other half, null where the spec does not say nullable (a running training's `output`), is
   handled in the model template: such a null reads as an absent key.
6. `plain_string_unions`: a `oneOf`/`anyOf` of a plain string and string enums (the prediction
   `version`: any string, or "hidden") overlaps, and with lenient enums the enum variant would
   capture every string. It is a string, so it is generated as one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

STANDARD_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
PATH_ITEM_FIELDS = STANDARD_METHODS | {"$ref", "summary", "description", "servers", "parameters"}
SCHEMA_REF_PREFIX = "#/components/schemas/"
STRIPPED_SCHEMA_PREFIX = "schemas_"


@dataclass
class PatchResult:
    """The patched document, the names of the patches that changed it, the operations set aside."""

    document: dict[str, Any]
    applied: list[str] = field(default_factory=list)
    # operationId -> "METHOD /path" for operations the generator cannot take
    set_aside: dict[str, str] = field(default_factory=dict)


def apply_patches(document: dict[str, Any]) -> PatchResult:
    """Return a patched deep copy of `document`; the input is left unchanged."""
    result = PatchResult(document=copy.deepcopy(document))
    for name, patch in PATCHES:
        if patch(result):
            result.applied.append(name)
    return result


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Yield every dict inside `node`, parents before children."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            yield current
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def _path_items(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    paths = document.get("paths")
    if isinstance(paths, dict):
        for path, item in paths.items():
            if isinstance(item, dict):
                yield path, item


def set_aside_nonstandard_methods(result: PatchResult) -> bool:
    changed = False
    for path, item in _path_items(result.document):
        for key in [k for k in item if k not in PATH_ITEM_FIELDS and not k.startswith("x-")]:
            operation = item[key]
            if isinstance(operation, dict) and "operationId" in operation:
                result.set_aside[str(operation["operationId"])] = f"{key.upper()} {path}"
                del item[key]
                changed = True
    return changed


def null_type_in_openapi_3_0(result: PatchResult) -> bool:
    if not str(result.document.get("openapi", "")).startswith("3.0."):
        return False
    changed = False
    for node in _walk(result.document):
        kind = node.get("type")
        if kind == "null":
            del node["type"]
            node["nullable"] = True
            changed = True
        elif isinstance(kind, list) and "null" in kind:
            rest = [t for t in kind if t != "null"]
            if len(rest) == 1:
                node["type"] = rest[0]
            else:
                del node["type"]
            node["nullable"] = True
            changed = True
    return changed


def tags_from_operation_ids(result: PatchResult) -> bool:
    changed = False
    for _, item in _path_items(result.document):
        for method in STANDARD_METHODS & item.keys():
            operation = item[method]
            operation_id = operation.get("operationId") if isinstance(operation, dict) else None
            if isinstance(operation_id, str) and operation_id:
                tags = [operation_id.split(".", 1)[0]]
                if operation.get("tags") != tags:
                    operation["tags"] = tags
                    changed = True
    return changed


def strip_schemas_prefix(result: PatchResult) -> bool:
    schemas = result.document.get("components", {}).get("schemas")
    if not isinstance(schemas, dict):
        return False
    renames = {
        name: name[len(STRIPPED_SCHEMA_PREFIX) :]
        for name in schemas
        if name.startswith(STRIPPED_SCHEMA_PREFIX)
        and len(name) > len(STRIPPED_SCHEMA_PREFIX)
        and name[len(STRIPPED_SCHEMA_PREFIX) :] not in schemas
    }
    if not renames:
        return False
    result.document["components"]["schemas"] = {renames.get(k, k): v for k, v in schemas.items()}
    for node in _walk(result.document):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_REF_PREFIX):
            target = ref[len(SCHEMA_REF_PREFIX) :]
            if target in renames:
                node["$ref"] = SCHEMA_REF_PREFIX + renames[target]
    return True


def _schema_refs(node: Any) -> set[str]:
    """Names of the component schemas referenced anywhere inside `node`."""
    names = set()
    for child in _walk(node):
        ref = child.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_REF_PREFIX):
            names.add(ref[len(SCHEMA_REF_PREFIX) :])
    return names


def _closure(names: set[str], schemas: dict[str, Any]) -> set[str]:
    """`names` plus every component schema they reference, transitively."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        todo.extend(_schema_refs(schemas[name]))
    return seen


def optional_response_fields(result: PatchResult) -> bool:
    schemas = (result.document.get("components") or {}).get("schemas") or {}
    response_roots: list[Any] = []  # inline response schemas and referenced component names
    request_names: set[str] = set()
    for _, item in _path_items(result.document):
        for method in STANDARD_METHODS & item.keys():
            operation = item[method]
            if not isinstance(operation, dict):
                continue
            request_names |= _schema_refs(operation.get("requestBody"))
            request_names |= _schema_refs(operation.get("parameters"))
            for response in (operation.get("responses") or {}).values():
                for media in ((response or {}).get("content") or {}).values():
                    if isinstance(media, dict) and isinstance(media.get("schema"), dict):
                        response_roots.append(media["schema"])
    request_schemas = _closure(request_names, schemas)
    response_names = (
        _closure(set().union(*map(_schema_refs, response_roots)), schemas) - request_schemas
    )
    targets = [*response_roots, *(schemas[name] for name in sorted(response_names))]
    changed = False
    for node in (n for target in targets for n in _walk(target)):
        if (
            "$ref" not in node
            and isinstance(node.get("properties"), dict)
            and node.pop("required", None)
        ):
            changed = True
    return changed


_STRING_VARIANT_KEYS = {"type", "enum", "description", "title", "example", "format"}


def _is_string_variant(variant: Any) -> bool:
    return (
        isinstance(variant, dict)
        and variant.get("type") == "string"
        and set(variant) <= _STRING_VARIANT_KEYS
    )


def plain_string_unions(result: PatchResult) -> bool:
    changed = False
    for node in _walk(result.document):
        for keyword in ("oneOf", "anyOf"):
            variants = node.get(keyword)
            if (
                isinstance(variants, list)
                and len(variants) > 1
                and all(_is_string_variant(v) for v in variants)
                # one variant accepts any string: the enums add nothing a parser could use
                and any("enum" not in v and "format" not in v for v in variants)
            ):
                del node[keyword]
                node["type"] = "string"
                changed = True
    return changed


PATCHES: list[tuple[str, Callable[[PatchResult], bool]]] = [
    ("set_aside_nonstandard_methods", set_aside_nonstandard_methods),
    ("null_type_in_openapi_3_0", null_type_in_openapi_3_0),
    ("tags_from_operation_ids", tags_from_operation_ids),
    ("strip_schemas_prefix", strip_schemas_prefix),
    ("optional_response_fields", optional_response_fields),
    ("plain_string_unions", plain_string_unions),
]
