"""Hardware SKU spelling: Replicate writes multi-GPU hardware two ways (`gpu-l40s-2x`, `gpu-2x-l40s`).

Both, in any case and with surrounding spaces, become one canonical spelling (`gpu-l40s-2x`), so a
price, a model map entry and an observed deployment release always meet on the same key. It sits
in the root layer: the bill prices by it, and the sync's door and the store's quarantine read a
release's GPU multiple with it (`replicost.limits.SOLD_GPU_MULTIPLES`).
"""

from __future__ import annotations

import re

_MULTIPLE_INFIX = re.compile(r"^gpu-(\d+)x-(.+)$")  # gpu-2x-h100
_MULTIPLE_SUFFIX = re.compile(r"^(.+)-(\d+)x$")  # gpu-h100-2x


def split_sku(sku: str) -> tuple[str, int]:
    """Split a hardware SKU, in either spelling, into its base SKU and its multiple."""
    text = sku.strip().lower()
    match = _MULTIPLE_INFIX.match(text)
    if match:
        return f"gpu-{match.group(2)}", int(match.group(1))
    match = _MULTIPLE_SUFFIX.match(text)
    if match:
        return match.group(1), int(match.group(2))
    return text, 1


def canonical_sku(sku: str) -> str:
    """The one spelling replicost uses for a SKU: `gpu-2x-h100` and `GPU-H100-2X` -> `gpu-h100-2x`."""
    base, multiple = split_sku(sku)
    return base if multiple == 1 else f"{base}-{multiple}x"
