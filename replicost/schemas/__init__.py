"""The JSON contract: one JSON Schema per `--format json` output, shipped inside the package.

Every JSON document a command prints carries `"schema_version"` (`SCHEMA_VERSION`, first key); the
schema files here are the reference the README points to (`<name>.json`, JSON Schema 2020-12), and
tests/test_json_schemas.py validates every command's output against its schema on a synced demo
account. A change that would break a reader (a key removed, renamed or retyped) bumps the version;
a key added is declared in the schema in the same change.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

SCHEMA_VERSION = "1"

# schema name -> the command whose JSON output it describes
SCHEMAS = {
    "spend": "replicost report spend --format json",
    "summary": "replicost report summary --format json",
    "insights": "replicost report insights --format json",
    "diff": "replicost report diff --format json",
    "budget": "replicost budget check --format json",
    "explain": "replicost explain ID --format json",
    "pricing": "replicost pricing show --format json",
}


def load(name: str) -> dict[str, Any]:
    """The JSON Schema of one output (a name of `SCHEMAS`)."""
    if name not in SCHEMAS:
        raise KeyError(f"no schema {name!r}; one of {', '.join(SCHEMAS)}")
    text = (resources.files(__name__) / f"{name}.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def stamp(document: dict[str, Any]) -> dict[str, Any]:
    """The document with `"schema_version"` as its first key (what every JSON output prints)."""
    return {"schema_version": SCHEMA_VERSION, **document}
