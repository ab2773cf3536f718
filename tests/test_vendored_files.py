"""The repository is whole: the specs the tests read are vendored as described, and nothing in
it points at a file outside the repository."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SPECS_DIR = REPO_ROOT / "specs" / "replicate-openapi"


def test_every_history_name_is_its_date_and_the_sha256_of_its_content():
    files = sorted((SPECS_DIR / "history").glob("*.json"))
    assert len(files) == 28
    for path in files:
        date, sha12 = path.stem.split("_")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", date), path.name
        assert hashlib.sha256(path.read_bytes()).hexdigest()[:12] == sha12, path.name
        json.loads(path.read_text(encoding="utf-8"))


def test_the_spec_generated_was_built_from_is_the_newest_history_version():
    newest = sorted((SPECS_DIR / "history").glob("*.json"))[-1]
    assert (SPECS_DIR / "openapi.json").read_bytes() == newest.read_bytes()
    build_info = json.loads((REPO_ROOT / "generated" / "BUILD_INFO.json").read_text())
    assert build_info["openapi"] == json.loads(newest.read_text())["openapi"] == "3.1.0"


def test_the_readme_lists_every_vendored_file_with_its_origin():
    readme = (SPECS_DIR / "README.md").read_text(encoding="utf-8")
    assert "tryAGI/Replicate" in readme and "https://api.replicate.com/openapi.json" in readme
    for path in (SPECS_DIR / "history").glob("*.json"):
        assert f"`{path.name}`" in readme, path.name


def _tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    suffixes = {".py", ".md", ".toml", ".cfg", ".ipynb", ".txt", ".sh", ".yml", ".yaml", ""}
    files = [REPO_ROOT / name for name in listed if Path(name).suffix in suffixes]
    return [path for path in files if path.is_file() and "specs" not in path.parts]


def test_nothing_points_at_a_file_outside_the_repository():
    # the notes these once cited live in docs/REPLICATE.md and specs/replicate-openapi/README.md
    outside = re.compile(r"FACTS\.md|\.\./shared\b|/work/shared\b|parents\[1\]\.parent")
    this_file = Path(__file__).resolve()
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{number}"
        for path in _tracked_text_files()
        if path.resolve() != this_file
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if outside.search(line)
    ]
    assert offenders == []
