"""The house map's size rules (docs/ARCHITECTURE.md), checked on the source tree itself.

- No module over 600 lines outside tests/ and generated/.
- No function over 60 lines (def line to last line, docstring included) outside tests/ and
  benchmarks/.

A module or function that has to break a rule for a reason would be listed here with the reason;
none does.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60
# folders that hold no project source (or only generated source)
NOT_SOURCE = {"generated", "notebooks", "build", "dist", "docs"}

# path (or path::qualified.name) -> why it may stay long; a stale entry fails the test too
KNOWN_LONG_MODULES: dict[str, str] = {}
KNOWN_LONG_FUNCTIONS: dict[str, str] = {}


def _python_files() -> list[Path]:
    files = []
    for path in sorted(REPO_ROOT.rglob("*.py")):
        top = path.relative_to(REPO_ROOT).parts[0]
        if top in NOT_SOURCE or top.startswith("."):
            continue
        files.append(path)
    return files


def _functions(tree: ast.AST, prefix: str = "") -> list[tuple[str, ast.AST]]:
    """(qualified name, node) of every function, methods and nested functions included."""
    found = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = prefix + node.name
            found.append((name, node))
            found.extend(_functions(node, name + "."))
        elif isinstance(node, ast.ClassDef):
            found.extend(_functions(node, prefix + node.name + "."))
        else:
            found.extend(_functions(node, prefix))
    return found


def long_modules() -> dict[str, int]:
    result = {}
    for path in _python_files():
        rel = path.relative_to(REPO_ROOT)
        if rel.parts[0] == "tests":
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            result[rel.as_posix()] = lines
    return result


def long_functions() -> dict[str, int]:
    result = {}
    for path in _python_files():
        rel = path.relative_to(REPO_ROOT)
        if rel.parts[0] in ("tests", "benchmarks"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name, node in _functions(tree):
            lines = node.end_lineno - node.lineno + 1
            if lines > MAX_FUNCTION_LINES:
                result[f"{rel.as_posix()}::{name}"] = lines
    return result


def _report(found: dict[str, int], known: dict[str, str], limit: int) -> tuple[list, list]:
    new = [
        f"{name} ({lines} lines > {limit})" for name, lines in found.items() if name not in known
    ]
    gone = [f"{name} ({owner})" for name, owner in known.items() if name not in found]
    return new, gone


def test_no_module_over_600_lines() -> None:
    new, gone = _report(long_modules(), KNOWN_LONG_MODULES, MAX_MODULE_LINES)
    assert not new, "split these modules by concern: " + ", ".join(new)
    assert not gone, "no longer over the limit, remove from KNOWN_LONG_MODULES: " + ", ".join(gone)


def test_no_function_over_60_lines() -> None:
    new, gone = _report(long_functions(), KNOWN_LONG_FUNCTIONS, MAX_FUNCTION_LINES)
    assert not new, "split these functions: " + ", ".join(new)
    assert not gone, "no longer over the limit, remove from KNOWN_LONG_FUNCTIONS: " + ", ".join(
        gone
    )


def test_every_source_folder_is_a_mapped_package() -> None:
    """The one rule of the map: each top-level package folder X/ is installed as replicost.X."""
    setup = ast.parse((REPO_ROOT / "setup.py").read_text(encoding="utf-8"))
    roots = next(
        node.value
        for node in setup.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "ROOTS"
    )
    assert isinstance(roots, ast.Dict)
    mapping = {
        ast.literal_eval(value): ast.literal_eval(key)
        for key, value in zip(roots.keys, roots.values, strict=True)
        if key is not None
    }
    folders = {
        path.parent.name
        for path in REPO_ROOT.glob("*/__init__.py")
        if path.parent.name not in ("tests", "benchmarks")
    }
    for folder in sorted(folders):
        expected = "replicost_api" if folder == "generated" else "replicost"
        if folder not in ("replicost", "generated"):
            expected = f"replicost.{folder}"
        assert mapping.get(folder) == expected, f"{folder}/ is not mapped to {expected} in setup.py"


def test_report_names_new_and_fixed_offenders() -> None:
    new, gone = _report({"a.py": 700, "b.py": 650}, {"b.py": "x", "c.py": "y"}, 600)
    assert new == ["a.py (700 lines > 600)"]
    assert gone == ["c.py (y)"]
