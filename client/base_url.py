"""Where the API is: one rule for the base URL, shared by the library, the sync and the CLI.

Two habits meet here. replicost (and Replicate's HTTP docs) name the API root with its version,
`https://api.replicate.com/v1`; the official `replicate` client names the host only,
`https://api.replicate.com`, reads `REPLICATE_BASE_URL`, and puts `/v1/...` in every path. Both
forms are accepted: a base URL whose path does not end in `/v1` gets `/v1` appended, exactly as the
official client's requests would land (`http://proxy/replicate` -> `http://proxy/replicate/v1`).

Precedence, first set wins: the `base_url` argument (`--base-url`), `$REPLICATE_API_BASE_URL`
(replicost's own variable), `$REPLICATE_BASE_URL` (the official client's), the default.
replicost's own variable comes first so that a shell set up for replicost is not redirected by a
variable meant for another tool.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from replicost.errors import InputError

DEFAULT_BASE_URL = "https://api.replicate.com/v1"
ENV_VARIABLES = ("REPLICATE_API_BASE_URL", "REPLICATE_BASE_URL")


@dataclass(frozen=True)
class BaseURL:
    """A normalized API root (always ending in `/v1`, no trailing slash) and where it came from."""

    url: str
    source: str  # "--base-url", "$REPLICATE_API_BASE_URL", "$REPLICATE_BASE_URL" or "default"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"


def normalize(url: str) -> str:
    """`url` as an API root ending in `/v1`; InputError if it is not an http(s) URL."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"bad base URL {url!r}: expected http(s)://host[:port][/path]")
    if parts.query or parts.fragment:
        raise InputError(f"bad base URL {url!r}: a base URL has no query or fragment")
    path = parts.path.rstrip("/")
    if not path.endswith("/v1"):
        path += "/v1"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def resolve(argument: str | None = None, environ: Mapping[str, str] | None = None) -> BaseURL:
    """The base URL to use: the argument, then the environment variables, then the default."""
    environ = os.environ if environ is None else environ
    if argument:
        return BaseURL(normalize(argument), "--base-url")
    for name in ENV_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            return BaseURL(normalize(value), f"${name}")
    return BaseURL(DEFAULT_BASE_URL, "default")


def wrong_root_hint(tried: str, base: BaseURL) -> str:
    """The line for a 404 on a top-level endpoint before anything succeeded: the root is wrong."""
    return (
        f"not found: {tried}, the first request to the base URL {base.url} (from {base.source}); "
        f"the base URL must be the API root, e.g. {DEFAULT_BASE_URL} or http://127.0.0.1:PORT "
        "for `replicost simulate serve` (with or without /v1): check the host, port and path"
    )
