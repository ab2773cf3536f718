"""The API surface manifest: the structure of a spec that a caller of the client depends on.

A compact, prose-free JSON summary of an OpenAPI document: every operation (method, path,
parameters, request body, responses) and every component schema, with each schema flattened into
field paths (`urls.web`, `results[].id`) that carry a type string, required-ness, nullability and
enum values. Component references stay references (`ref:prediction_response`) so the manifest is
small and recursion-free; the change report follows them.

Parameters are resolved through `$ref` and keyed by their location and *name*
(`header:Cancel-After`), not by the component that defines them: in October 2025 Replicate renamed
a header under a component reference, and only the name shows it. The manifest is computed from
the spec as published (before `replicost.codegen.patches`), so it describes Replicate's API.
"""

from __future__ import annotations

from typing import Any

SURFACE_FORMAT = 1
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
SCHEMA_REF_PREFIX = "#/components/schemas/"
# prefer these when an operation offers several content types (the generator does the same)
PREFERRED_CONTENT = ("application/json", "multipart/form-data", "application/x-www-form-urlencoded")

Fields = dict[str, dict[str, Any]]


def build_surface(document: dict[str, Any]) -> dict[str, Any]:
    """Return the surface manifest of an OpenAPI document (a JSON-ready dict)."""
    operations: dict[str, Any] = {}
    for path, item in sorted((document.get("paths") or {}).items()):
        item = _resolve(document, item)
        if not isinstance(item, dict):
            continue
        shared_parameters = item.get("parameters") or []
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            key = str(operation.get("operationId") or f"{method.upper()} {path}")
            operations[key] = _operation(document, method, path, operation, shared_parameters)
    schemas = {
        name: schema_fields(schema)
        for name, schema in sorted(
            ((document.get("components") or {}).get("schemas") or {}).items()
        )
    }
    return {"format": SURFACE_FORMAT, "operations": operations, "schemas": schemas}


def _operation(
    document: dict[str, Any], method: str, path: str, operation: dict[str, Any], shared: list[Any]
) -> dict[str, Any]:
    parameters: dict[str, Any] = {}
    for raw in [*shared, *(operation.get("parameters") or [])]:  # operation-level ones win
        parameter = _resolve(document, raw)
        if not isinstance(parameter, dict) or "name" not in parameter:
            continue
        schema = parameter.get("schema", {})
        entry = {"type": type_string(schema), "required": bool(parameter.get("required", False))}
        entry.update(_qualifiers(schema))
        parameters[f"{parameter.get('in')}:{parameter['name']}"] = entry

    result: dict[str, Any] = {"method": method.upper(), "path": path, "parameters": parameters}
    body = _resolve(document, operation.get("requestBody"))
    if isinstance(body, dict):
        content_types, fields = _content(
            body.get("content") or {}, required=bool(body.get("required", False))
        )
        result["request"] = {
            "required": bool(body.get("required", False)),
            "content_types": content_types,
            "fields": fields,
        }
    responses = {}
    for status, raw in sorted((operation.get("responses") or {}).items()):
        response = _resolve(document, raw)
        if isinstance(response, dict):
            content_types, fields = _content(response.get("content") or {}, required=True)
            responses[str(status)] = {"content_types": content_types, "fields": fields}
    result["responses"] = responses
    return result


def _content(content: dict[str, Any], *, required: bool) -> tuple[list[str], Fields]:
    content_types = sorted(content)
    if not content_types:
        return [], {}
    chosen = next((c for c in PREFERRED_CONTENT if c in content), content_types[0])
    media = content[chosen] if isinstance(content[chosen], dict) else {}
    return content_types, schema_fields(media.get("schema", {}), root_required=required)


def _resolve(document: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """Follow a local `$ref` (not to schemas: those stay references) to what it points at."""
    if not isinstance(node, dict) or "$ref" not in node or depth > 20:
        return node
    ref = node["$ref"]
    if not isinstance(ref, str) or not ref.startswith("#/") or ref.startswith(SCHEMA_REF_PREFIX):
        return node
    target: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or part not in target:
            return node
        target = target[part]
    return _resolve(document, target, depth + 1)


def type_string(schema: Any) -> str:
    """A compact, order-independent type for a schema: `string(date-time)`, `array[ref:x]`, ..."""
    if not isinstance(schema, dict):
        return "any"
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return "ref:" + ref.rsplit("/", 1)[-1]
    for keyword in ("oneOf", "anyOf", "allOf"):
        variants = schema.get(keyword)
        if isinstance(variants, list) and variants:
            inner = sorted({type_string(v) for v in variants} - {"null"})
            return f"{keyword}[{','.join(inner)}]" if len(inner) != 1 else inner[0]
    kind = schema.get("type")
    if isinstance(kind, list):
        names = sorted(str(k) for k in kind if k != "null")
        kind = names[0] if len(names) == 1 else ("|".join(names) or "null")
    if kind == "array":
        return f"array[{type_string(schema.get('items', {}))}]"
    if kind is None:
        return "object" if "properties" in schema else "any"
    fmt = schema.get("format")
    return f"{kind}({fmt})" if fmt else str(kind)


def _qualifiers(schema: Any) -> dict[str, Any]:
    """Nullability and enum values of a schema, only when present."""
    if not isinstance(schema, dict):
        return {}
    extra: dict[str, Any] = {}
    kind = schema.get("type")
    variants = schema.get("oneOf") or schema.get("anyOf") or []
    if (
        schema.get("nullable") is True
        or (isinstance(kind, list) and "null" in kind)
        or any(isinstance(v, dict) and v.get("type") == "null" for v in variants)
    ):
        extra["nullable"] = True
    if isinstance(schema.get("enum"), list):
        extra["enum"] = sorted({str(v) for v in schema["enum"] if v is not None})
    return extra


def schema_fields(schema: Any, *, root_required: bool = True) -> Fields:
    """Flatten a schema into `{field path: {type, required[, nullable][, enum]}}`; "" is the root."""
    fields: Fields = {}
    _flatten(schema, "", root_required, fields, depth=0)
    return fields


def _flatten(schema: Any, path: str, required: bool, fields: Fields, depth: int) -> None:
    fields[path] = {"type": type_string(schema), "required": required, **_qualifiers(schema)}
    if not isinstance(schema, dict) or "$ref" in schema or depth > 12:
        return
    members = [
        schema,
        *[m for m in schema.get("allOf") or [] if isinstance(m, dict) and "$ref" not in m],
    ]
    for member in members:
        required_names = set(member.get("required") or [])
        for name, sub in sorted((member.get("properties") or {}).items()):
            child = f"{path}.{name}" if path else name
            _flatten(sub, child, name in required_names, fields, depth + 1)
    items = schema.get("items")
    if (
        isinstance(items, dict)
        and "$ref" not in items
        and ("properties" in items or "items" in items)
    ):
        # array items are always "present" when the array is; their own fields carry required-ness
        _flatten(items, f"{path}[]", True, fields, depth + 1)
