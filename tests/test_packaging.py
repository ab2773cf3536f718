"""The wheel carries everything the installed tool reads (catalog TOML, SQL, codegen templates and
config, JSON schemas, the generated client's manifests, both py.typed markers, the license), and
builds without setuptools' warnings (a license table form that stops building in February 2027;
data folders "absent from packages")."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# source folder -> the package it is installed as (setup.py's mapping)
FOLDERS = {
    "replicost": "replicost",
    "analytics": "replicost/analytics",
    "billing": "replicost/billing",
    "cli": "replicost/cli",
    "client": "replicost/client",
    "codegen": "replicost/codegen",
    "simulator": "replicost/simulator",
    "store": "replicost/store",
    "sync": "replicost/sync",
    "generated": "replicost_api",
}


def data_files() -> set[str]:
    """Every non-Python file of the package folders, at its path inside the wheel."""
    found = set()
    for folder, package in FOLDERS.items():
        for path in (REPO / folder).rglob("*"):
            if (
                path.is_file()
                and path.suffix not in (".py", ".pyc")
                and "__pycache__" not in path.parts
            ):
                found.add(f"{package}/{path.relative_to(REPO / folder).as_posix()}")
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    # built from a copy: setuptools builds in the source tree (build/lib), and a stale build/lib
    # of the checkout could hide a file the package data no longer declares
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in ("setup.py", "pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    for folder in FOLDERS:
        shutil.copytree(
            REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    (path,) = out.glob("replicost-*.whl")
    return path, build.stdout + build.stderr


@pytest.mark.slow
def test_the_wheel_carries_every_data_file(wheel):
    path, _ = wheel
    names = set(zipfile.ZipFile(path).namelist())
    expected = data_files()
    for must in (
        "replicost/billing/catalog.toml",
        "replicost/analytics/sql/spend_by.sql",
        "replicost/codegen/templates/model.py.jinja",
        "replicost/codegen/config.yml",
        "replicost/schemas/spend.json",
        "replicost_api/SURFACE.json",
        "replicost_api/py.typed",
        "replicost/py.typed",
    ):
        assert must in expected, must  # the walk finds what the package reads
    assert expected - names == set()
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)


@pytest.mark.slow
def test_the_wheel_builds_without_setuptools_warnings_and_with_an_spdx_license(wheel):
    path, log = wheel
    assert "absent from the `packages` configuration" not in log
    assert "SetuptoolsDeprecationWarning" not in log
    metadata = next(
        zipfile.ZipFile(path).read(name).decode()
        for name in zipfile.ZipFile(path).namelist()
        if name.endswith(".dist-info/METADATA")
    )
    assert "License-Expression: MIT" in metadata.splitlines()
