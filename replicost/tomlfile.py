"""Reading the user's TOML files (config, pricing): a size cap, exact decimals, one-line errors.

It sits in the root layer so that both `replicost.config` and `replicost.billing.pricing` can read
files the same way without importing each other. Input files are read whole, so a size cap keeps a
mistaken path (a database, a log) from being loaded into memory: anything over `MAX_BYTES` is
refused with a one-line error naming the file.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from replicost.errors import InputError

MAX_BYTES = 10 * 1024 * 1024  # 10 MB: a pricing or config file is a few KB
TOO_DEEP = "arrays or tables nested too deeply to read"


def read_text(path: str | Path, what: str = "pricing file") -> str:
    """The UTF-8 text of `path`, refusing a missing file, a directory or one over `MAX_BYTES`."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{what} {path} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a {what}") from None
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise InputError(
            f"{what} {path} is over {MAX_BYTES // (1024 * 1024)} MB; is it the right file?"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot read {what} {path}: not UTF-8 text ({exc.reason})") from None


def parse_toml(text: str, label: str) -> dict[str, Any]:
    """Parse TOML with exact decimals; a syntax error becomes a one-line InputError with its line."""
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{label}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise InputError(f"{label}: not valid TOML: {TOO_DEEP}") from None
