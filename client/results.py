"""Typed results for the client's users: what `account()` and `hardware()` return, and the rule
that an absent field is `None` at this edge.

The generated models mark a field the server left out with `replicost_api.types.UNSET`, which is
truthy-looking, not `None`, and differs from an explicit null: a caller's `if p.completed_at is
None` missed it. Every model the client hands out (`iter_all`, `get`, `versions`, `search`) passes
through `unset_to_none`, so callers test one thing. `Account` and `Hardware` are small frozen
dataclasses over the two objects the API returns without a list (the generated
`AccountGetResponse200` and `HardwareListResponse200Item` are all-optional attrs classes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar, cast

T = TypeVar("T")


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class Account:
    """GET /account: the user or organization the token belongs to (absent fields are None)."""

    type: str | None  # "user" or "organization"
    username: str | None
    name: str | None
    github_url: str | None
    avatar_url: str | None

    @classmethod
    def from_json(cls, data: Any) -> Account:
        data = data if isinstance(data, dict) else {}
        return cls(
            type=_text(data, "type"),
            username=_text(data, "username"),
            name=_text(data, "name"),
            github_url=_text(data, "github_url"),
            avatar_url=_text(data, "avatar_url"),
        )


@dataclass(frozen=True, slots=True)
class Hardware:
    """One item of GET /hardware: a SKU (`gpu-a40-large`) and its name (`Nvidia A40 (Large) GPU`)."""

    sku: str
    name: str | None

    @classmethod
    def list_from_json(cls, data: Any) -> list[Hardware]:
        """The items with a SKU (anything else the server sent is left out, as the sync does)."""
        items = data if isinstance(data, list) else []
        return [
            cls(sku=item["sku"], name=_text(item, "name"))
            for item in items
            if isinstance(item, dict) and isinstance(item.get("sku"), str) and item["sku"]
        ]


def unset_to_none(model: T) -> T:
    """`model` (a generated attrs model) with every UNSET field, nested ones too, set to None."""
    import attrs

    from replicost_api.types import Unset

    seen: set[int] = set()

    def walk(value: Any) -> Any:
        if isinstance(value, Unset):
            return None
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        if attrs.has(type(value)) and id(value) not in seen:
            seen.add(id(value))
            for field in attrs.fields(type(value)):
                current = getattr(value, field.name)
                new = walk(current)
                if new is not current:
                    object.__setattr__(value, field.name, new)
        return value

    return cast(T, walk(model))
