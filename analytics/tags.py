"""Allocation tags: spend per team, product or customer, from rules in the config's `[tags]`.

Replicate has no notion of cost allocation, so replicost derives a tag for each record from what
it does know: the deployment, the model and the source. The config maps each tag to one rule or a
list of rules; a rule matches when all the fields it names match (globs with `*` and `?` for
`deployment` and `model`, exact `source`). Rules are tried in file order and the first match wins;
a record no rule matches is `(untagged)`, so tagged spend always adds up to the total:

    [tags]
    search = { deployment = "acme/search-*" }
    marketing = [{ model = "black-forest-labs/*", source = "web" }, { deployment = "acme/ads" }]

The rules become one SQL CASE expression whose patterns are bound parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from replicost.config import Config, load_config
from replicost.errors import InputError

UNTAGGED = "(untagged)"
RULE_FIELDS = ("deployment", "model", "source")


@dataclass(frozen=True)
class TagRule:
    """One rule: records matching every given field get `tag`."""

    tag: str
    deployment: str | None = None
    model: str | None = None
    source: str | None = None


def parse_rules(section: Mapping[str, Any], origin: str = "[tags]") -> list[TagRule]:
    """Turn a parsed `[tags]` table into ordered rules, refusing anything ambiguous."""
    rules = []
    for tag, value in section.items():
        entries = value if isinstance(value, list) else [value]
        for entry in entries:
            if not isinstance(entry, Mapping):
                raise InputError(
                    f'{origin}: tag {tag!r} must map to a table like {{ deployment = "owner/*" }}'
                )
            unknown = sorted(set(entry) - set(RULE_FIELDS))
            if unknown:
                raise InputError(
                    f"{origin}: tag {tag!r} has unknown field {unknown[0]!r}; use {', '.join(RULE_FIELDS)}"
                )
            if not entry:
                raise InputError(
                    f"{origin}: tag {tag!r} has an empty rule (it would match everything)"
                )
            if any(not isinstance(v, str) for v in entry.values()):
                raise InputError(f"{origin}: tag {tag!r}: rule values must be strings")
            rules.append(TagRule(tag=str(tag), **entry))
    return rules


def load_rules(config: Config | Mapping[str, Any] | str | Path | None = None) -> list[TagRule]:
    """Rules from a `replicost.config.Config`, a config file path (None: the default config file,
    absent means no rules) or an already parsed mapping with a `tags` key."""
    if isinstance(config, Mapping):
        return parse_rules(config.get("tags", {}))
    if not isinstance(config, Config):
        config = load_config(config)
    origin = f"{config.path} [tags]" if config.path else "[tags]"
    return parse_rules(config.tags or {}, origin)


def case_expression(rules: Sequence[TagRule], params: dict[str, Any]) -> str:
    """SQL CASE giving each record's tag; adds the rules' values to `params` as named parameters."""
    if not rules:
        params["tag_untagged"] = UNTAGGED
        return "$tag_untagged"
    branches = []
    for i, rule in enumerate(rules):
        conditions = []
        for name in RULE_FIELDS:
            value = getattr(rule, name)
            if value is None:
                continue
            key = f"tag_{i}_{name}"
            params[key] = value
            operator = "=" if name == "source" else "GLOB"
            conditions.append(f"{name} {operator} ${key}")
        params[f"tag_{i}"] = rule.tag
        branches.append(f"WHEN {' AND '.join(conditions)} THEN $tag_{i}")
    params["tag_untagged"] = UNTAGGED
    return f"CASE {' '.join(branches)} ELSE $tag_untagged END"
