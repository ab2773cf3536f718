"""Hardware SKU spelling, for the pricing package: the rule itself is `replicost.skus`, in the root
layer, because the sync's door and the store's quarantine read a release's GPU multiple too."""

from __future__ import annotations

from replicost.skus import canonical_sku, split_sku

__all__ = ["canonical_sku", "split_sku"]
