"""The change report between two API surface manifests, each change marked breaking or not.

"Breaking" is judged for a caller of the generated client: code that worked against the old client
may fail against the new one, or requests it sends may stop meaning what they did. Breaking:
a removed operation, parameter, response, request or response field; a type change; a field or
parameter that became required in a request; a response field that may now be absent or null; an
enum value removed from what a request may send; a renamed parameter (the name on the wire
changed); a value added to an enum the API sends (a response field): strict clients reject values
they do not list (replicate 1.0.7's pydantic models raised on `status: aborted` in October 2025),
even though replicost's generated enums pass unknown values through. Not breaking: additions,
relaxed requirements, new enum values a request may send.

`ChangeReport.fails(fail_on)` is the exit rule of `codegen diff` and `codegen --check`:
`breaking` (any breaking change), `any` (any change at all) or `none` (report only).

Renames are found by structure, not by reference: a schema removed under one name and added under
another with identical fields (Replicate's December 2024 `schemas_` prefix) is one rename, and
references to it are compared through the rename; a parameter removed and another added in the
same place with the same type (`Replicate-Max-Lifetime` -> `Cancel-After`, October 2025) is a
rename too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_REF = re.compile(r"ref:([A-Za-z0-9_.\-]+)")


@dataclass(frozen=True)
class Change:
    """One difference: what kind of thing, what happened to it, where, and whether it breaks callers."""

    kind: str  # operation | parameter | request | response | field | schema
    action: str  # added | removed | renamed | changed
    where: (
        str  # operationId, "<operationId> request", "<operationId> response 200", "schema <name>"
    )
    name: str  # the operation, parameter (`header:Cancel-After`), field path or schema
    detail: str
    breaking: bool

    def render(self) -> str:
        mark = "BREAKING" if self.breaking else "ok      "
        subject = (
            f"{self.where}: {self.name}" if self.where and self.name != self.where else self.name
        )
        detail = f" ({self.detail})" if self.detail else ""
        return f"{mark}  {self.kind} {self.action}: {subject}{detail}"


FAIL_ON = ("breaking", "any", "none")
STRICT_ENUM_NOTE = (
    "breaking for strict clients: replicate 1.0.7's pydantic models raise on values they do not "
    "list; replicost_api's enums accept them"
)


@dataclass
class ChangeReport:
    """All changes between two surfaces, in a stable order."""

    changes: list[Change] = field(default_factory=list)
    old_sha256: str = ""
    new_sha256: str = ""

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.breaking]

    def fails(self, fail_on: str) -> bool:
        """Whether this report meets a `--fail-on` level: breaking, any or none."""
        if fail_on not in FAIL_ON:
            raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
        if fail_on == "breaking":
            return bool(self.breaking)
        return fail_on == "any" and bool(self.changes)

    def render(self) -> str:
        """A human-readable report: a summary line, then one line per change."""
        if not self.changes:
            return "API surface unchanged"
        count = len(self.breaking)
        lines = [
            f"API surface: {count} breaking, {len(self.changes) - count} non-breaking change(s)"
        ]
        lines += ["  " + change.render() for change in self.changes]
        return "\n".join(lines)


def compare(old: dict[str, Any], new: dict[str, Any]) -> ChangeReport:
    """Compare two surface manifests (see `replicost.codegen.surface`)."""
    comparison = _Comparison(old, new)
    comparison.run()
    return ChangeReport(changes=comparison.changes)


class _Comparison:
    def __init__(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.old_ops: dict[str, Any] = old.get("operations", {})
        self.new_ops: dict[str, Any] = new.get("operations", {})
        self.old_schemas: dict[str, Any] = old.get("schemas", {})
        self.new_schemas: dict[str, Any] = new.get("schemas", {})
        self.renames: dict[str, str] = {}  # old schema name -> new schema name
        self.changes: list[Change] = []

    def add(
        self, kind: str, action: str, where: str, name: str, detail: str, breaking: bool
    ) -> None:
        self.changes.append(Change(kind, action, where, name, detail, breaking))

    def run(self) -> None:
        self._find_schema_renames()
        self._compare_operations()
        self._compare_schemas()

    # -- schemas -------------------------------------------------------------------------------

    def _map_type(self, type_text: str) -> str:
        """An old type string with renamed schema references replaced by their new names."""
        return _REF.sub(lambda m: "ref:" + self.renames.get(m.group(1), m.group(1)), type_text)

    def _mapped(self, fields: dict[str, Any]) -> dict[str, Any]:
        return {
            path: {**entry, "type": self._map_type(entry["type"])} for path, entry in fields.items()
        }

    def _find_schema_renames(self) -> None:
        removed = sorted(set(self.old_schemas) - set(self.new_schemas))
        added = sorted(set(self.new_schemas) - set(self.old_schemas))
        # repeat: a rename can make two schemas that reference renamed ones identical
        while True:
            found = {}
            for old_name in removed:
                if old_name in self.renames:
                    continue
                shape = self._mapped(self.old_schemas[old_name])
                matches = [
                    n
                    for n in added
                    if n not in self.renames.values() and self.new_schemas[n] == shape
                ]
                if len(matches) == 1:
                    found[old_name] = matches[0]
            targets = list(found.values())
            found = {o: n for o, n in found.items() if targets.count(n) == 1}  # one-to-one only
            if not found:
                return
            self.renames.update(found)

    def _usage(self) -> dict[str, set[str]]:
        """Schema name -> {"request", "response"}: where (transitively) each new schema is used."""
        usage: dict[str, set[str]] = {}
        roots: list[tuple[str, str]] = []
        for ops in (self.new_ops, self.old_ops):
            for op in ops.values():
                for entry in op.get("parameters", {}).values():
                    roots += [
                        (name, "request") for name in _REF.findall(self._map_type(entry["type"]))
                    ]
                for entry in op.get("request", {}).get("fields", {}).values():
                    roots += [
                        (name, "request") for name in _REF.findall(self._map_type(entry["type"]))
                    ]
                for response in op.get("responses", {}).values():
                    for entry in response.get("fields", {}).values():
                        roots += [
                            (name, "response")
                            for name in _REF.findall(self._map_type(entry["type"]))
                        ]
        while roots:
            name, context = roots.pop()
            if context in usage.setdefault(name, set()):
                continue
            usage[name].add(context)
            for entry in self.new_schemas.get(name, {}).values():
                roots += [(child, context) for child in _REF.findall(entry["type"])]
        return usage

    def _compare_schemas(self) -> None:
        usage = self._usage()
        for old_name, new_name in sorted(self.renames.items()):
            self.add(
                "schema", "renamed", "", f"{old_name} -> {new_name}", "identical structure", False
            )
        for name in sorted(set(self.old_schemas) - set(self.new_schemas) - set(self.renames)):
            self.add("schema", "removed", "", name, "", True)
        for name in sorted(
            set(self.new_schemas) - set(self.old_schemas) - set(self.renames.values())
        ):
            self.add("schema", "added", "", name, "", False)
        for name in sorted(set(self.old_schemas) & set(self.new_schemas)):
            contexts = usage.get(name) or {"request", "response"}  # unused: judge strictly
            self._compare_fields(
                self._mapped(self.old_schemas[name]),
                self.new_schemas[name],
                contexts,
                f"schema {name}",
            )

    # -- operations ----------------------------------------------------------------------------

    def _compare_operations(self) -> None:
        for op_id in sorted(set(self.old_ops) - set(self.new_ops)):
            op = self.old_ops[op_id]
            self.add("operation", "removed", "", op_id, f"{op['method']} {op['path']}", True)
        for op_id in sorted(set(self.new_ops) - set(self.old_ops)):
            op = self.new_ops[op_id]
            self.add("operation", "added", "", op_id, f"{op['method']} {op['path']}", False)
        for op_id in sorted(set(self.old_ops) & set(self.new_ops)):
            old, new = self.old_ops[op_id], self.new_ops[op_id]
            if (old["method"], old["path"]) != (new["method"], new["path"]):
                detail = f"{old['method']} {old['path']} -> {new['method']} {new['path']}"
                self.add("operation", "changed", "", op_id, detail, True)
            self._compare_parameters(op_id, old.get("parameters", {}), new.get("parameters", {}))
            self._compare_request(op_id, old.get("request"), new.get("request"))
            self._compare_responses(op_id, old.get("responses", {}), new.get("responses", {}))

    def _compare_parameters(self, op_id: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        old = {key: {**entry, "type": self._map_type(entry["type"])} for key, entry in old.items()}
        removed = sorted(set(old) - set(new))
        added = sorted(set(new) - set(old))
        for old_key in list(removed):
            location = old_key.split(":", 1)[0]
            candidates = [
                k for k in added if k.split(":", 1)[0] == location and new[k] == old[old_key]
            ]
            rivals = [
                k for k in removed if k.split(":", 1)[0] == location and old[k] == old[old_key]
            ]
            if len(candidates) == 1 and len(rivals) == 1:
                new_key = candidates[0]
                self.add(
                    "parameter",
                    "renamed",
                    op_id,
                    f"{old_key} -> {new_key}",
                    "name on the wire changed",
                    True,
                )
                removed.remove(old_key)
                added.remove(new_key)
        for key in removed:
            self.add("parameter", "removed", op_id, key, "", True)
        for key in added:
            required = new[key]["required"]
            self.add(
                "parameter", "added", op_id, key, "required" if required else "optional", required
            )
        for key in sorted(set(old) & set(new)):
            self._compare_entry(op_id, key, old[key], new[key], {"request"}, kind="parameter")

    def _compare_request(
        self, op_id: str, old: dict[str, Any] | None, new: dict[str, Any] | None
    ) -> None:
        where = f"{op_id} request"
        if new is None:
            if old is not None:
                self.add("request", "removed", op_id, "request body", "", True)
            return
        if old is None:
            required = new["required"]
            detail = "required" if required else "optional"
            self.add("request", "added", op_id, "request body", detail, required)
            return
        lost = sorted(set(old["content_types"]) - set(new["content_types"]))
        gained = sorted(set(new["content_types"]) - set(old["content_types"]))
        if lost or gained:
            detail = ", ".join([*(f"-{c}" for c in lost), *(f"+{c}" for c in gained)])
            self.add("request", "changed", op_id, "content types", detail, bool(lost))
        if old["required"] != new["required"]:
            detail = "now required" if new["required"] else "now optional"
            self.add("request", "changed", op_id, "request body", detail, new["required"])
        self._compare_fields(self._mapped(old["fields"]), new["fields"], {"request"}, where)

    def _compare_responses(self, op_id: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        for status in sorted(set(old) - set(new)):
            self.add("response", "removed", op_id, status, "", True)
        for status in sorted(set(new) - set(old)):
            self.add("response", "added", op_id, status, "", False)
        for status in sorted(set(old) & set(new)):
            self._compare_fields(
                self._mapped(old[status]["fields"]),
                new[status]["fields"],
                {"response"},
                f"{op_id} response {status}",
            )

    # -- fields --------------------------------------------------------------------------------

    def _compare_fields(
        self, old: dict[str, Any], new: dict[str, Any], contexts: set[str], where: str
    ) -> None:
        old, new = self._align_references(old, new)
        removed = _outermost(set(old) - set(new))
        added = _outermost(set(new) - set(old))
        for path in removed:
            self.add("field", "removed", where, path or "(body)", old[path]["type"], True)
        for path in added:
            entry = new[path]
            # a new required field breaks requests that do not send it (unless its parent is optional)
            breaking = "request" in contexts and entry["required"] and _parent(path) in new
            self.add("field", "added", where, path or "(body)", _describe(entry), breaking)
        for path in sorted(set(old) & set(new)):
            self._compare_entry(
                where, path or "(body)", old[path], new[path], contexts, kind="field"
            )

    def _compare_entry(
        self,
        where: str,
        name: str,
        old: dict[str, Any],
        new: dict[str, Any],
        contexts: set[str],
        *,
        kind: str,
    ) -> None:
        in_request, in_response = "request" in contexts, "response" in contexts
        if old["type"] != new["type"]:
            self.add(kind, "changed", where, name, f"type {old['type']} -> {new['type']}", True)
        if old["required"] != new["required"]:
            if new["required"]:
                self.add(kind, "changed", where, name, "now required", in_request)
            else:
                self.add(kind, "changed", where, name, "now optional", in_response)
        old_null, new_null = old.get("nullable", False), new.get("nullable", False)
        if old_null != new_null:
            detail = "now nullable" if new_null else "no longer nullable"
            self.add(
                kind,
                "changed",
                where,
                name,
                detail,
                (new_null and in_response) or (old_null and in_request),
            )
        old_enum, new_enum = set(old.get("enum", [])), set(new.get("enum", []))
        if old_enum != new_enum and (old_enum or new_enum):
            gained, lost = sorted(new_enum - old_enum), sorted(old_enum - new_enum)
            if "enum" not in old or "enum" not in new:
                detail = "enum constraint added" if "enum" in new else "enum constraint removed"
                self.add(kind, "changed", where, name, detail, "enum" in new and in_request)
                return
            if gained:
                detail = "enum values added: " + ", ".join(gained)
                if in_response:  # the client receives a value its enum may not know
                    detail += "; " + STRICT_ENUM_NOTE
                self.add(kind, "changed", where, name, detail, in_response)
            if lost:
                self.add(
                    kind,
                    "changed",
                    where,
                    name,
                    "enum values removed: " + ", ".join(lost),
                    in_request,
                )

    def _align_references(
        self, old: dict[str, Any], new: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Inline a referenced schema where the other side differs (inline object <-> `ref:x`).

        Replicate often moves an inline response into a component with the same fields; compared
        by reference alone that would look like every field removed. Old types are already mapped
        through schema renames, so an old `ref:x` is looked up under its old name.
        """
        old_names = {new_name: old_name for old_name, new_name in self.renames.items()}
        for _ in range(8):  # nested references, a few levels deep at most
            expanded = False
            for path in sorted(set(old) & set(new)):
                old_ref, new_ref = _reference(old[path]["type"]), _reference(new[path]["type"])
                if old[path]["type"] == new[path]["type"] or (old_ref is None and new_ref is None):
                    continue
                if old_ref is not None:
                    schema = self.old_schemas.get(old_names.get(old_ref[0], old_ref[0]))
                    if schema is not None:
                        old = _inline(old, path, old_ref[1], self._mapped(schema))
                        expanded = True
                if new_ref is not None and new_ref[0] in self.new_schemas:
                    new = _inline(new, path, new_ref[1], self.new_schemas[new_ref[0]])
                    expanded = True
            if not expanded:
                break
        return old, new


def _reference(type_text: str) -> tuple[str, bool] | None:
    """`ref:x` -> ("x", False), `array[ref:x]` -> ("x", True), anything else -> None."""
    match = re.fullmatch(r"(array\[)?ref:([A-Za-z0-9_.\-]+)\]?", type_text)
    if match is None or bool(match.group(1)) != type_text.endswith("]"):
        return None
    return match.group(2), bool(match.group(1))


def _inline(
    fields: dict[str, Any], path: str, is_array: bool, schema: dict[str, Any]
) -> dict[str, Any]:
    """`fields` with the reference at `path` replaced by the referenced schema's own fields."""
    result = dict(fields)
    entry = fields[path]
    root = schema.get("", {"type": "any", "required": True})
    if is_array:
        result[path] = {**entry, "type": f"array[{root['type']}]"}
        base = f"{path}[]"
        result[base] = {**root, "required": True}
    else:
        result[path] = {**root, "required": entry["required"]}
        if entry.get("nullable"):
            result[path]["nullable"] = True
        base = path
    for sub, sub_entry in schema.items():
        if sub:
            joined = base + sub if sub.startswith("[]") or not base else f"{base}.{sub}"
            result[joined] = sub_entry
    return result


def _parent(path: str) -> str:
    """`a.b[].c` -> `a.b[]`, `a.b[]` -> `a.b`, `a` -> "" (the root)."""
    if path.endswith("[]"):
        return path[:-2]
    return path.rsplit(".", 1)[0] if "." in path else ""


def _outermost(paths: Iterable[str]) -> list[str]:
    """Only the paths whose parent is not itself in the set (a removed object, not all its fields)."""
    chosen = set(paths)
    result = []
    for path in sorted(chosen):
        parent, keep = path, True
        while parent:
            parent = _parent(parent)
            if parent in chosen:
                keep = False
                break
        if keep:
            result.append(path)
    return result


def _describe(entry: dict[str, Any]) -> str:
    text = f"{entry['type']}, {'required' if entry['required'] else 'optional'}"
    if entry.get("nullable"):
        text += ", nullable"
    if entry.get("enum"):
        text += ", one of " + "/".join(entry["enum"])
    return text
