"""The user's config file: defaults for flags and pricing overrides, in one TOML file.

`load_config()` reads `replicost.paths.default_config_path()` (`--config` beats `REPLICOST_CONFIG`
beats the user config dir); a missing default file is simply an empty config, a missing explicit one
is an error. Keys:

    db = "~/replicost.duckdb"          # default for --db
    pricing = "prices.toml"           # default for --pricing (relative to this file's folder)
    [hardware] / [hardware_prices] / [models] / [units."owner/name"] / [deployments]
                                      # pricing overrides written inline (see billing.pricing)
    [tags]                            # passed through raw to replicost.analytics.tags

Inline pricing sections rank below a pricing file: shipped catalog < config sections < pricing file.
This module only reads the file (it is the bottom layer): `replicost.billing.pricing.config_layer`
builds the pricing layer from `Config.data`/`Config.text`, and reports its errors with their lines.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from replicost import paths
from replicost.errors import InputError
from replicost.tomlfile import parse_toml, read_text

CONFIG_KEYS = ("db", "pricing", "tags")
# the pricing sections a config file may hold inline (read by replicost.billing.pricing)
PRICING_SECTIONS = ("hardware", "hardware_prices", "models", "units", "deployments")


@dataclass
class Config:
    """What the config file says; every field is optional."""

    path: Path | None = None
    db: Path | None = None
    pricing: Path | None = None
    tags: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)  # the parsed file (exact decimals)
    text: str = ""  # the file's text, for the line numbers of pricing problems

    @property
    def has_pricing(self) -> bool:
        """Whether the file writes pricing sections inline."""
        return any(key in self.raw for key in PRICING_SECTIONS)


def _line_of(text: str, key: str) -> int:
    """The line where top-level `key` is written (`key =` or `[key`), 0 when not found."""
    pattern = re.compile(rf"^\s*(\[+\s*)?[\"']?{re.escape(key)}[\"']?\s*[=.\]]")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return 0


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
    explicit = path is not None
    path = Path(path).expanduser() if path is not None else paths.default_config_path()
    if not path.exists():
        if explicit:
            raise InputError(f"config file {path} does not exist")
        return Config()
    label = str(path)
    text = read_text(path, "config file")
    data = parse_toml(text, label)
    allowed = (*CONFIG_KEYS, *PRICING_SECTIONS)
    for key in data:
        if key not in allowed:
            line = _line_of(text, key)
            where = f"{label}:{line}" if line else label
            raise InputError(
                f"{where}: error: unknown key '{key}' (expected one of: {', '.join(sorted(allowed))})"
            )
    tags = data.get("tags", {})
    if not isinstance(tags, dict):
        raise InputError(f"{label}: tags must be a table ([tags])")
    return Config(
        path=path,
        db=_path_setting(data, "db", path.parent, label),
        pricing=_path_setting(data, "pricing", path.parent, label),
        tags=tags,
        raw=data,
        text=text,
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
