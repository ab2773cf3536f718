"""The user's config file: defaults for flags and pricing overrides, in one TOML file.

`load_config()` reads `replicost.paths.default_config_path()` (`--config` beats `REPLICOST_CONFIG`
beats the user config dir); a missing default file is simply an empty config, a missing explicit one
is an error. Keys:

    db = "~/replicost.duckdb"          # default for --db
    pricing = "prices.toml"           # default for --pricing (relative to this file's folder)
    [hardware] / [hardware_prices] / [models] / [units."owner/name"] / [deployments]
                                      # pricing overrides written inline (see analytics.pricing)
    [tags]                            # passed through raw to replicost.analytics.tags

Inline pricing sections rank below a pricing file: shipped catalog < config sections < pricing file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from replicost import paths
from replicost.errors import InputError

CONFIG_KEYS = ("db", "pricing", "tags")


@dataclass
class Config:
    """What the config file says; every field is optional."""

    path: Path | None = None
    db: Path | None = None
    pricing: Path | None = None
    pricing_overrides: Any = None  # an analytics.pricing.Catalog layer, or None
    tags: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


def _path_setting(data: dict, key: str, base: Path, label: str) -> Path | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{label}: {key} must be a file path string")
    path = Path(value.strip()).expanduser()
    return path if path.is_absolute() else base / path


def load_config(path: str | Path | None = None) -> Config:
    """Read the config file (the default one when `path` is None; absent default = empty config)."""
    from replicost.analytics import pricing

    explicit = path is not None
    path = Path(path).expanduser() if explicit else paths.default_config_path()
    if not path.exists():
        if explicit:
            raise InputError(f"config file {path} does not exist")
        return Config()
    label = str(path)
    text = pricing.read_text(path)
    data = pricing.parse_toml(text, label)
    layer, problems = pricing.parse_pricing(data, text, label, extra_keys=CONFIG_KEYS)
    pricing.raise_on_errors(problems, label)
    has_pricing = any(key in data for key in pricing.PRICING_KEYS)
    tags = data.get("tags", {})
    if not isinstance(tags, dict):
        raise InputError(f"{label}: tags must be a table ([tags])")
    return Config(
        path=path,
        db=_path_setting(data, "db", path.parent, label),
        pricing=_path_setting(data, "pricing", path.parent, label),
        pricing_overrides=layer if has_pricing else None,
        tags=tags,
        raw=data,
    )


def database_path(db: str | Path | None, config: Config | None = None) -> Path:
    """`--db`, else $REPLICOST_DB, else the config file's `db`, else the user data directory."""
    if db is not None:
        return Path(db)
    if os.environ.get("REPLICOST_DB"):
        return paths.default_db_path()
    if config is None:
        config = load_config(None)
    return config.db or paths.default_db_path()
