"""Generate `replicost_api` from a spec: patch, validate, run openapi-python-client, check, swap in.

The pipeline never leaves a half-written client behind. Everything is built in a temporary folder
next to the output (same filesystem, so the final step is a rename): the generator writes the
package, ruff formats it, the manifest files are added, and a fresh interpreter imports every
module of it. Only then is the old folder renamed aside, the new one renamed into place and the
old one deleted; any failure before that leaves the existing output exactly as it was.

Output is a pure function of the spec, the pinned generator, the templates and the patches (no
timestamps, no paths), so the same spec twice gives byte-identical trees. The one exception is
CHANGELOG.md: it is history, carried over from the previous output and appended to, dated, when
the API surface changed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from replicost.codegen import changes, patches, spec, surface
from replicost.errors import InputError, ReplicostError

GENERATOR_VERSION = "0.29.1"
PACKAGE_NAME = "replicost_api"
CODEGEN_DIR = Path(__file__).resolve().parent
CONFIG_PATH = CODEGEN_DIR / "config.yml"
TEMPLATES_DIR = CODEGEN_DIR / "templates"

SURFACE_FILE = "SURFACE.json"
BUILD_INFO_FILE = "BUILD_INFO.json"
TYPED_MARKER = "py.typed"
CHANGELOG_FILE = "CHANGELOG.md"
CHANGELOG_HEADER = (
    "# Changes to Replicate's API surface\n\n"
    "One entry per regeneration that changed the surface, oldest first. Written by `replicost codegen`.\n"
)
# black/ruff line length the generator's own projects use; fixed so output never depends on a
# ruff config found above the output folder
FORMAT_LINE_LENGTH = "120"

# Imports every module of the package in a fresh interpreter and checks it is the new copy (the
# editable install of the project also provides a `replicost_api`).
_SMOKE_IMPORT = """
import importlib, pkgutil, sys
root = sys.argv[1]
sys.path.insert(0, root)
import replicost_api
assert replicost_api.__file__.startswith(root), replicost_api.__file__
count = 1
for info in pkgutil.walk_packages(replicost_api.__path__, "replicost_api."):
    importlib.import_module(info.name)
    count += 1
print(count)
"""


@dataclass
class GenerateResult:
    """What a generation did: where, from what, what changed."""

    output: Path
    spec_sha256: str
    module_count: int
    report: changes.ChangeReport | None  # None when there was no previous surface to compare
    set_aside: dict[str, str] = field(default_factory=dict)
    patches_applied: list[str] = field(default_factory=list)


def project_generated_dir() -> Path:
    """Return the project's `generated/` folder, found next to this package's source folder.

    `codegen/` and `generated/` are siblings in the repository; an installed (non-editable)
    replicost has no project folder, so the caller must then name an output.
    """
    root = CODEGEN_DIR.parent
    candidate = root / "generated"
    if (root / "pyproject.toml").is_file() and candidate.is_dir():
        return candidate
    raise InputError(
        "no project folder found next to replicost.codegen (replicost is installed, not a "
        "checkout): pass --output DIR"
    )


def check_generator_version() -> None:
    """Raise unless the pinned openapi-python-client is installed (other versions emit other code)."""
    try:
        from openapi_python_client import __version__ as installed
    except ImportError:
        raise InputError(
            "codegen needs openapi-python-client: pip install 'replicost[codegen]'"
        ) from None
    if installed != GENERATOR_VERSION:
        raise InputError(
            f"codegen is pinned to openapi-python-client {GENERATOR_VERSION}, found {installed}: "
            "pip install 'replicost[codegen]'"
        )


def ruff_version() -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "ruff", "--version"], capture_output=True, text=True, check=False
    )
    return completed.stdout.strip().removeprefix("ruff ") if completed.returncode == 0 else ""


def prepare(loaded: spec.LoadedSpec) -> patches.PatchResult:
    """Patch and validate a loaded spec; return the document the generator will see."""
    try:
        patched = patches.apply_patches(loaded.document)
    except (AttributeError, TypeError, KeyError, ValueError) as exc:
        # the patches expect the document's basic shape; when it is broken, the validator names
        # the first broken place better than the patch that stumbled on it
        spec.validate(loaded.document, loaded.source)
        raise InputError(
            f"spec {loaded.source} has a shape codegen cannot read ({type(exc).__name__}: {exc})"
        ) from None
    spec.validate(patched.document, loaded.source)
    return patched


def render_package(
    patched: patches.PatchResult, package_dir: Path, *, config_path: Path = CONFIG_PATH
) -> None:
    """Run openapi-python-client on a patched document into `package_dir` (which must not exist)."""
    check_generator_version()
    from openapi_python_client import Project
    from openapi_python_client.config import Config, ConfigFile, MetaType
    from openapi_python_client.parser import GeneratorData
    from openapi_python_client.parser.errors import ErrorLevel, GeneratorError

    config = Config.from_sources(
        ConfigFile.load_from_path(config_path),
        MetaType.NONE,
        document_source=package_dir,  # unused: the document is handed over parsed
        file_encoding="utf-8",
        overwrite=False,
        output_path=package_dir,
    )
    openapi = GeneratorData.from_dict(patched.document, config=config)
    if isinstance(openapi, GeneratorError):
        raise InputError(
            f"generator rejected the spec: {openapi.header}: {openapi.detail or ''}".strip()
        )
    project = Project(openapi=openapi, config=config, custom_template_path=TEMPLATES_DIR)
    with contextlib.redirect_stdout(io.StringIO()):  # it prints "Generating <dir>"
        errors = project.build()
    fatal = [e for e in errors if e.level == ErrorLevel.ERROR]
    if fatal:
        first = fatal[0]
        raise ReplicostError(
            f"generator failed: {first.header}: {(first.detail or '').splitlines()[0]}"
        )
    for warning in errors:
        detail = (warning.detail or "").splitlines()
        print(
            f"warning: generator: {warning.header}: {detail[0] if detail else ''}", file=sys.stderr
        )


def format_package(package_dir: Path) -> None:
    """Sort imports and format with ruff, isolated from any ruff config around the output."""
    common = [
        "--isolated",
        "--no-cache",
        "--line-length",
        FORMAT_LINE_LENGTH,
        "--target-version",
        "py311",
    ]
    for args in (
        ["check", "--fix-only", "--extend-select", "I", "--exit-zero", "--quiet"],
        ["format", "--quiet"],
    ):
        completed = subprocess.run(
            [sys.executable, "-m", "ruff", *args, *common, str(package_dir)],
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            message = (completed.stderr or completed.stdout).strip().splitlines()
            raise ReplicostError(
                f"ruff {args[0]} failed on the generated code: {message[0] if message else ''}"
            )


def smoke_import(package_parent: Path) -> int:
    """Import every module of `package_parent/replicost_api` in a fresh interpreter; return the count."""
    completed = subprocess.run(
        [sys.executable, "-B", "-c", _SMOKE_IMPORT, str(package_parent)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if completed.returncode != 0:
        lines = completed.stderr.strip().splitlines()
        raise ReplicostError(
            f"generated client does not import: {lines[-1] if lines else 'unknown error'}"
        )
    return int(completed.stdout.strip())


def build_info(loaded: spec.LoadedSpec, patched: patches.PatchResult) -> dict[str, Any]:
    return {
        "spec_sha256": loaded.sha256,
        "openapi": loaded.openapi_version,
        "info_version": loaded.info_version,
        "generator": f"openapi-python-client {GENERATOR_VERSION}",
        "formatter": f"ruff {ruff_version()}",
        "patches_applied": patched.applied,
        # operations the generator cannot take; see replicost.client.api_extensions
        "set_aside_operations": dict(sorted(patched.set_aside.items())),
    }


def write_json(path: Path, data: Any) -> None:
    path.write_text(
        json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def read_previous_surface(output: Path) -> dict[str, Any] | None:
    try:
        return json.loads((output / SURFACE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_build_info(output: Path) -> dict[str, Any] | None:
    try:
        return json.loads((output / BUILD_INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def changelog_text(
    previous: str | None, report: changes.ChangeReport | None, sha: str, day: date
) -> str:
    """The new CHANGELOG.md: the previous one plus a dated entry when the surface changed."""
    text = previous if previous and previous.startswith("# ") else CHANGELOG_HEADER
    if report is not None and report.changes:
        was = f" (was {report.old_sha256[:12]})" if report.old_sha256 else ""
        text = (
            text.rstrip("\n")
            + f"\n\n## {day.isoformat()}: spec {sha[:12]}{was}\n\n{report.render()}\n"
        )
    return text


def generate(
    source: str | Path = spec.DEFAULT_SPEC_URL,
    output: Path | None = None,
    *,
    today: date | None = None,
) -> GenerateResult:
    """Generate the client from `source` into `output` (default: the project's generated/).

    Raises InputError/ReplicostError with a one-line message; the output is untouched on failure.
    """
    output = (output or project_generated_dir()).resolve()
    check_replaceable(output)
    check_generator_version()
    loaded = spec.load_spec(source)
    patched = prepare(loaded)
    new_surface = surface.build_surface(loaded.document)

    previous_surface = read_previous_surface(output)
    previous_info = read_build_info(output) or {}
    report = None
    if previous_surface is not None:
        report = changes.compare(previous_surface, new_surface)
        report.old_sha256 = str(previous_info.get("spec_sha256", ""))
        report.new_sha256 = loaded.sha256

    output.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{output.name}.codegen-", dir=output.parent))
    try:
        package_dir = work / PACKAGE_NAME
        render_package(patched, package_dir)
        format_package(package_dir)
        write_json(package_dir / SURFACE_FILE, new_surface)
        write_json(package_dir / BUILD_INFO_FILE, build_info(loaded, patched))
        # PEP 561: the package ships its types (the generator writes this marker only when it
        # writes a whole project, which codegen does not)
        (package_dir / TYPED_MARKER).write_text("# Marker file for PEP 561\n", encoding="utf-8")
        previous_changelog = None
        with contextlib.suppress(OSError):
            previous_changelog = (output / CHANGELOG_FILE).read_text(encoding="utf-8")
        day = today or datetime.now(UTC).date()
        (package_dir / CHANGELOG_FILE).write_text(
            changelog_text(previous_changelog, report, loaded.sha256, day), encoding="utf-8"
        )
        module_count = smoke_import(work)
        swap_into_place(package_dir, output, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return GenerateResult(
        output=output,
        spec_sha256=loaded.sha256,
        module_count=module_count,
        report=report,
        set_aside=dict(patched.set_aside),
        patches_applied=list(patched.applied),
    )


# what a folder may hold and still be replaced although no codegen run wrote it (the placeholder)
_PLACEHOLDER_ENTRIES = {"__init__.py", "__pycache__", "py.typed"}


def check_replaceable(output: Path) -> None:
    """Refuse to replace anything but a folder codegen wrote (or an empty placeholder package).

    The swap deletes the previous output; `--output ~/src` by mistake must not delete a project.
    """
    if not output.exists():
        return
    if not output.is_dir():
        raise InputError(f"output {output} exists and is not a folder")
    if (output / BUILD_INFO_FILE).is_file():
        return
    if {entry.name for entry in output.iterdir()} <= _PLACEHOLDER_ENTRIES:
        return
    raise InputError(
        f"output folder {output} was not written by `replicost codegen` (no {BUILD_INFO_FILE}); "
        "refusing to replace it: name a new or generated folder"
    )


def swap_into_place(new_dir: Path, output: Path, work: Path) -> None:
    """Replace `output` by `new_dir` with renames; on failure the old output is put back."""
    aside = work / "previous"
    had_output = output.exists()
    if had_output:
        try:
            output.rename(aside)
        except OSError as exc:
            raise ReplicostError(f"cannot move {output} aside: {exc.strerror}") from None
    try:
        new_dir.rename(output)
    except OSError as exc:
        if had_output:
            aside.rename(output)
        raise ReplicostError(f"cannot move the new client into {output}: {exc.strerror}") from None


@dataclass
class CheckResult:
    """Whether a spec matches what an output folder was built from, with the change report."""

    matches: bool
    spec_sha256: str
    built_from_sha256: str
    report: changes.ChangeReport


def check(source: str | Path = spec.DEFAULT_SPEC_URL, output: Path | None = None) -> CheckResult:
    """Compare a spec with what `output` was built from; generate nothing."""
    output = (output or project_generated_dir()).resolve()
    info = read_build_info(output)
    previous_surface = read_previous_surface(output)
    if info is None or previous_surface is None:
        raise InputError(
            f"{output} has no {BUILD_INFO_FILE}/{SURFACE_FILE}: run `replicost codegen` first"
        )
    loaded = spec.load_spec(source)
    prepare(loaded)  # an invalid spec is an error here too, not a "change"
    report = changes.compare(previous_surface, surface.build_surface(loaded.document))
    report.old_sha256 = str(info.get("spec_sha256", ""))
    report.new_sha256 = loaded.sha256
    return CheckResult(
        matches=report.old_sha256 == loaded.sha256,
        spec_sha256=loaded.sha256,
        built_from_sha256=report.old_sha256,
        report=report,
    )


def diff(old_source: str | Path, new_source: str | Path) -> changes.ChangeReport:
    """Return the change report between two specs (each loaded and validated)."""
    loaded_specs = []
    for source in (old_source, new_source):
        loaded = spec.load_spec(source)
        prepare(loaded)  # both must be valid specs: a broken file is an error, not a "change"
        loaded_specs.append(loaded)
    old, new = loaded_specs
    report = changes.compare(
        surface.build_surface(old.document), surface.build_surface(new.document)
    )
    report.old_sha256, report.new_sha256 = old.sha256, new.sha256
    return report
