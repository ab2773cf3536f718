"""Fetch, parse and fingerprint an OpenAPI document, and validate it before anything is generated.

A spec comes from a URL or a local path; either way the result is the same `LoadedSpec`. Its
fingerprint is the sha256 of the *normalized* document (keys sorted, compact separators, UTF-8),
so reformatting or key order never counts as a change, while any change of content does.

Validation runs on the patched document (`replicost.codegen.patches`), because Replicate's spec uses
a method OpenAPI 3.1 does not define yet (`QUERY`) and the mirror's 3.0 copies carry a 3.1 construct
(`type: "null"`); both are documented patches, everything else must validate as-is.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from replicost.errors import InputError, ReplicostError

DEFAULT_SPEC_URL = "https://api.replicate.com/openapi.json"
FETCH_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class LoadedSpec:
    """An OpenAPI document as parsed JSON, with where it came from and its fingerprint."""

    source: str
    document: dict[str, Any]

    @property
    def sha256(self) -> str:
        return spec_sha256(self.document)

    @property
    def openapi_version(self) -> str:
        return str(self.document.get("openapi", ""))

    @property
    def info_version(self) -> str:
        info = self.document.get("info")
        return str(info.get("version", "")) if isinstance(info, dict) else ""


def normalized_bytes(document: dict[str, Any]) -> bytes:
    """Serialize a document canonically: sorted keys, no whitespace, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def spec_sha256(document: dict[str, Any]) -> str:
    """Return the sha256 (hex) of the normalized document."""
    return hashlib.sha256(normalized_bytes(document)).hexdigest()


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def load_spec(source: str | Path) -> LoadedSpec:
    """Read a spec from a URL or a path and parse it; raise a one-line error when that fails.

    A missing file or a document that is not JSON is the user's input (InputError, exit 2); an
    unreachable URL or a server error is a network failure (ReplicostError, exit 1).
    """
    source = str(source)
    raw = _fetch(source) if is_url(source) else _read(Path(source))
    try:
        document = json.loads(raw)
    except UnicodeDecodeError as exc:
        raise InputError(f"spec {source} is not UTF-8 text: {exc.reason}") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"spec {source} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    if not isinstance(document, dict):
        raise InputError(f"spec {source} is not an OpenAPI document (top level is not an object)")
    return LoadedSpec(source=source, document=document)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"spec file not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"spec path is a directory, not a file: {path}") from None
    except OSError as exc:
        raise InputError(f"cannot read spec {path}: {exc.strerror}") from None


def _fetch(url: str) -> bytes:
    import httpx  # only needed for URLs

    try:
        response = httpx.get(url, timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=True)
    except httpx.HTTPError as exc:
        raise ReplicostError(f"cannot fetch spec {url}: {type(exc).__name__}: {exc}") from None
    if response.status_code != 200:
        raise ReplicostError(f"cannot fetch spec {url}: HTTP {response.status_code}")
    return response.content


def validate(document: dict[str, Any], source: str) -> None:
    """Raise InputError unless `document` is a valid OpenAPI 3.0 or 3.1 document.

    The message names the first problem and where it is, in one line.
    """
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith(("3.0.", "3.1.")):
        found = f"'openapi: {version}'" if version is not None else "no 'openapi' field"
        raise InputError(f"spec {source} is not an OpenAPI 3.0/3.1 document ({found})")
    # imported here: the validator costs most of a second to import and only codegen needs it
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    validator_class = (
        OpenAPIV31SpecValidator if version.startswith("3.1.") else OpenAPIV30SpecValidator
    )
    try:
        errors = list(validator_class(document).iter_errors())
    except Exception as exc:  # noqa: BLE001 - e.g. referencing.PointerToNowhere for a dangling $ref
        detail = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
        if len(detail) > 160:
            detail = detail[:157] + "..."
        raise InputError(
            f"spec {source} cannot be validated ({type(exc).__name__}: {detail})"
        ) from None
    if errors:
        first = errors[0]
        where = "/".join(str(part) for part in first.absolute_path) or "(document root)"
        message = first.message.splitlines()[0]
        if len(message) > 160:
            message = message[:157] + "..."
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InputError(
            f"spec {source} is not a valid OpenAPI {version} document: at {where}: {message}{more}"
        )
