"""Price catalog: the shipped, effective-dated prices merged with the user's overrides.

Replicate's API carries no price and no hardware, so every dollar replicost reports comes from this
catalog. The shipped file (`catalog.toml`, package data) holds per-second hardware prices and per-unit
prices of official models, each row with the date it takes effect and the source it was read from.
A user's pricing file (`--pricing FILE`, or `pricing = "FILE"` in the config file, or the same
sections written directly in the config file) uses the same shape and is merged over it.

File shape (shipped catalog and user file alike):

    [hardware]                      # SKU = USD per second, in effect since the beginning of time
    "gpu-a40-large" = 0.000725
    "gpu-l40s" = [                  # or a dated list; each row is in effect until the next one
      { usd_per_second = 0.000972 },
      { usd_per_second = 0.000975, effective_from = 2025-01-01, source = "..." },
    ]
    [[hardware_prices]]             # the same, one row per table: sku, usd_per_second, effective_from
    sku = "gpu-t4"
    usd_per_second = 0.000225

    [models]                        # "owner/name" or "owner/name:version" = the SKU it runs on
    "acme/private-upscaler" = "gpu-a100-large"

    [units."black-forest-labs/flux-schnell"]    # per-unit prices of an official model
    image = 0.003                               # units: image, input_token, output_token
    [units."meta/meta-llama-3-8b-instruct"]     # token prices may be given per million tokens;
    input_token_per_million = 0.05              # they are stored per token, exactly (0.05 / 10^6)
    output_token = [{ usd_per_unit = 0.00000025, effective_from = 2024-04-18 }]

    [deployments]                   # hardware of a deployment before its earliest observed release
    "acme/upscaler" = "gpu-l40s"    # a plain SKU, or a dated list of {hardware, effective_from,
    "acme/chat" = [{ hardware = "gpu-a100-large", effective_from = 2025-03-01, min_instances = 1 }]

Merge rule: the user's entry for a key replaces the shipped entry for that key as a whole (a SKU's
whole price history, one unit of one model, one model-map key, one deployment's history). Dates are
TOML dates or ISO strings, read as UTC; a row without `effective_from` is in effect from the
beginning of time. Prices are read as exact decimals (never floats) and kept to 12 decimal places.

Hardware SKUs are normalized: case and surrounding spaces are ignored, and both spellings Replicate
uses for multi-GPU hardware (`gpu-l40s-2x` and `gpu-2x-l40s`) become `gpu-l40s-2x`. A multiple without
its own price costs N times the base SKU's price in effect at the same time.

The package is split by concern: `skus` (spelling of hardware SKUs), `catalog` (the data),
`lines` (problems and the TOML line indexer), `validator` (reading a parsed file into a catalog),
`loading` (shipped catalog, config sections and pricing file merged). Everything public is
re-exported here, so `from replicost.billing import pricing` is the one import callers need.
"""

from __future__ import annotations

from replicost.tomlfile import TOO_DEEP, parse_toml, read_text

from .catalog import (
    BEGINNING,
    CATALOG_KEYS,
    MAX_MULTIPLE,
    MAX_PRICE_USD,
    PRICE_DECIMALS,
    PRICING_KEYS,
    UNIT_COUNT_COLUMNS,
    UNIT_SPELLINGS,
    UNITS,
    Catalog,
    DeploymentHardware,
    HardwarePrice,
    PublicModelHardware,
    UnitPrice,
)
from .lines import LineIndex, Problem, printable
from .loading import (
    config_layer,
    describe,
    load_catalog,
    load_layer,
    parse_pricing,
    raise_on_errors,
    shipped_catalog,
    validate_file,
    validate_text,
)
from .skus import canonical_sku, split_sku

__all__ = [
    "BEGINNING",
    "CATALOG_KEYS",
    "MAX_MULTIPLE",
    "MAX_PRICE_USD",
    "PRICE_DECIMALS",
    "PRICING_KEYS",
    "TOO_DEEP",
    "UNITS",
    "UNIT_COUNT_COLUMNS",
    "UNIT_SPELLINGS",
    "Catalog",
    "DeploymentHardware",
    "HardwarePrice",
    "LineIndex",
    "Problem",
    "PublicModelHardware",
    "UnitPrice",
    "canonical_sku",
    "config_layer",
    "describe",
    "load_catalog",
    "load_layer",
    "parse_pricing",
    "parse_toml",
    "printable",
    "raise_on_errors",
    "read_text",
    "shipped_catalog",
    "split_sku",
    "validate_file",
    "validate_text",
]
