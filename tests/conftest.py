"""Shared fixtures. Every test runs with replicost's home (data, config, default database) in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from demo_db import demo_db  # noqa: F401  (a session fixture: one small synced demo account)

REPO_ROOT = Path(__file__).resolve().parents[1]
# Replicate's spec and its history, vendored (specs/replicate-openapi/README.md says from where)
SPECS_DIR = REPO_ROOT / "specs" / "replicate-openapi"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("replicost-home")
    monkeypatch.setenv("REPLICOST_HOME", str(home))
    for var in (
        "REPLICOST_DB",
        "REPLICOST_CONFIG",
        "REPLICATE_API_TOKEN",
        "REPLICATE_API_BASE_URL",
        "REPLICATE_BASE_URL",
    ):
        monkeypatch.delenv(var, raising=False)
    yield home


@pytest.fixture(scope="session")
def specs_dir() -> Path:
    assert SPECS_DIR.is_dir(), f"the vendored spec copies are missing: {SPECS_DIR}"
    return SPECS_DIR
