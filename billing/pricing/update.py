"""`replicost pricing update`: a newer catalog in the shipped format, checked and kept beside the
config file, so prices can be refreshed between releases.

The file is checked exactly as the shipped catalog is (every row with a source and a read date, a
`[meta] snapshot` date, hardware and official models priced) before anything is written, and
written atomically; a catalog older than the shipped one is refused (it would be ignored). What is
kept there is checked again each time it is read (`loading.shipped_catalog`): a file planted or
damaged later is ignored with a warning, never trusted to price.
"""

from __future__ import annotations

import os
import re
import tempfile
from typing import Any

import httpx

from replicost.errors import InputError
from replicost.paths import updated_catalog_path
from replicost.tomlfile import MAX_BYTES, read_text

from .loading import catalog_from_text, packaged_catalog

_URL = re.compile(r"^https?://", re.IGNORECASE)
TIMEOUT_SECONDS = 30.0


def fetch_text(source: str) -> str:
    """The text at `source`: an http(s) URL (at most MAX_BYTES) or a local file."""
    if not _URL.match(source):
        return read_text(source, "catalog file")
    try:
        with httpx.stream("GET", source, timeout=TIMEOUT_SECONDS, follow_redirects=True) as reply:
            if reply.status_code != 200:
                raise InputError(f"{source} answered HTTP {reply.status_code}, not a catalog")
            data = bytearray()
            for chunk in reply.iter_bytes():
                data += chunk
                if len(data) > MAX_BYTES:
                    raise InputError(
                        f"{source} is over {MAX_BYTES // (1024 * 1024)} MB; not a catalog"
                    )
    except httpx.HTTPError as exc:
        raise InputError(f"cannot fetch {source}: {exc}") from None
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{source} is not UTF-8 text") from None


def update_catalog(source: str) -> dict[str, Any]:
    """Check the catalog at `source` and keep it as the one in use; what was kept, as data."""
    text = fetch_text(source)
    catalog = catalog_from_text(text, source)
    shipped = packaged_catalog().origin["snapshot"]
    if catalog.origin["snapshot"] < shipped:
        raise InputError(
            f"{source}: its snapshot {catalog.origin['snapshot']} is older than the shipped "
            f"catalog's ({shipped}); nothing to update"
        )
    path = updated_catalog_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, staged = tempfile.mkstemp(dir=path.parent, prefix=".catalog-", suffix=".toml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(staged, path)
    except BaseException:
        if os.path.exists(staged):
            os.unlink(staged)
        raise
    return {
        "path": str(path),
        "snapshot": catalog.origin["snapshot"],
        "official_models": len({model for model, _ in catalog.units}),
        "hardware": len(catalog.hardware),
    }
