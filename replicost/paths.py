"""Where replicost keeps its files by default (platformdirs), and the overrides users expect.

`--db` beats `REPLICOST_DB` beats `<user data dir>/replicost.duckdb`; `--config` beats
`REPLICOST_CONFIG` beats `<user config dir>/config.toml`. Tests point `REPLICOST_HOME` at a temporary
folder so that no test touches the real home directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "replicost"


def _home_override() -> Path | None:
    home = os.environ.get("REPLICOST_HOME")
    return Path(home) if home else None


def data_dir() -> Path:
    home = _home_override()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    home = _home_override()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP, appauthor=False))


def cache_dir() -> Path:
    """What replicost can rebuild at any time (the insights' per-day aggregates)."""
    home = _home_override()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP, appauthor=False))


def default_db_path() -> Path:
    env = os.environ.get("REPLICOST_DB")
    return Path(env) if env else data_dir() / "replicost.duckdb"


def default_config_path() -> Path:
    env = os.environ.get("REPLICOST_CONFIG")
    return Path(env) if env else config_dir() / "config.toml"


def updated_catalog_path() -> Path:
    """Where `replicost pricing update` keeps a newer price catalog: beside the config file."""
    return default_config_path().parent / "catalog.toml"
