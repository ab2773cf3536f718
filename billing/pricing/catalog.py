"""The price catalog's data: effective-dated hardware and unit prices, model and deployment maps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from replicost.config import PRICING_SECTIONS

from .lines import Problem
from .skus import canonical_sku, split_sku

PRICE_DECIMALS = 12
MAX_PRICE_USD = Decimal(10_000)  # per second or per unit; anything above is a typo, not a price
MAX_MULTIPLE = 16  # derived multiples priced for gpu-*-2x .. gpu-*-16x
BEGINNING = datetime(1, 1, 1, tzinfo=UTC)  # stands for "since the beginning of time"

# unit name in the file -> (unit stored, divisor applied to the price)
UNIT_SPELLINGS = {
    "image": ("image", Decimal(1)),
    "input_token": ("input_token", Decimal(1)),
    "output_token": ("output_token", Decimal(1)),
    "input_token_per_million": ("input_token", Decimal(1_000_000)),
    "output_token_per_million": ("output_token", Decimal(1_000_000)),
}
UNITS = ("image", "input_token", "output_token")
# the prediction column that counts each unit (from the prediction's metrics)
UNIT_COUNT_COLUMNS = {
    "image": "image_count",
    "input_token": "input_token_count",
    "output_token": "output_token_count",
}

PRICING_KEYS = PRICING_SECTIONS
CATALOG_KEYS = (*PRICING_KEYS, "meta", "public_models")  # the last two: shipped catalog only
PUBLIC_MODEL_KEYS = {"hardware", "source", "read"}
HARDWARE_ROW_KEYS = {"sku", "usd_per_second", "effective_from", "source", "note"}
UNIT_ROW_KEYS = {"usd_per_unit", "effective_from", "source", "note"}
DEPLOYMENT_ROW_KEYS = {"hardware", "effective_from", "min_instances", "source", "note"}


@dataclass(frozen=True)
class HardwarePrice:
    """USD per second of one SKU from `effective_from` until the next row of the same SKU."""

    sku: str
    usd_per_second: Decimal
    effective_from: datetime = BEGINNING
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class UnitPrice:
    """USD per unit (image, input or output token) of one official model."""

    model: str
    unit: str
    usd_per_unit: Decimal
    effective_from: datetime = BEGINNING
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class DeploymentHardware:
    """Hardware of a deployment from `effective_from`, supplied by the pricing file."""

    deployment: str
    hardware: str
    effective_from: datetime = BEGINNING
    min_instances: int = 0
    source: str = ""


@dataclass(frozen=True)
class PublicModelHardware:
    """The hardware a public model's Replicate page states, with where and when it was read.

    Shipped only; prices derived from it are estimates (a community model's hardware can change).
    """

    model: str
    hardware: str
    source: str
    read: str  # the date the source was read, YYYY-MM-DD


@dataclass
class Catalog:
    """The merged price catalog: what `costs.install` loads into the database."""

    hardware: dict[str, list[HardwarePrice]] = field(default_factory=dict)
    units: dict[tuple[str, str], list[UnitPrice]] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)
    deployments: dict[str, list[DeploymentHardware]] = field(default_factory=dict)
    public_models: dict[str, PublicModelHardware] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    layers: list[str] = field(default_factory=list)  # files merged, shipped catalog first
    warnings: list[Problem] = field(default_factory=list)

    def merge(self, other: Catalog) -> Catalog:
        """A new catalog with `other`'s entries replacing this one's, key by key."""
        return Catalog(
            hardware={**self.hardware, **other.hardware},
            units={**self.units, **other.units},
            models={**self.models, **other.models},
            deployments={**self.deployments, **other.deployments},
            public_models={**self.public_models, **other.public_models},
            meta={**self.meta, **other.meta},
            layers=[*self.layers, *other.layers],
            warnings=[*self.warnings, *other.warnings],
        )

    def hardware_rows(self, skus: Iterable[str] = ()) -> list[HardwarePrice]:
        """Every price row, plus derived rows for multiples of priced base SKUs.

        Multiples `-2x` .. `-16x` of every base SKU are derived unless priced explicitly, and so is
        any canonical SKU in `skus` whose base is priced.
        """
        rows = [row for history in self.hardware.values() for row in history]
        wanted: set[str] = set()
        for base in self.hardware:
            if split_sku(base)[1] == 1:
                wanted.update(f"{base}-{n}x" for n in range(2, MAX_MULTIPLE + 1))
        wanted.update(canonical_sku(sku) for sku in skus)
        for sku in sorted(wanted - set(self.hardware)):
            base, multiple = split_sku(sku)
            if multiple == 1 or base not in self.hardware:
                continue
            rows.extend(
                HardwarePrice(
                    sku=sku,
                    usd_per_second=row.usd_per_second * multiple,
                    effective_from=row.effective_from,
                    source=f"{multiple} x {base}",
                )
                for row in self.hardware[base]
            )
        return rows

    def price_at(self, sku: str, when: datetime) -> Decimal | None:
        """USD per second of `sku` at `when` (None when unknown): the rule the SQL implements."""
        sku = canonical_sku(sku)
        candidates = [row for row in self.hardware_rows([sku]) if row.sku == sku]
        in_effect = [row for row in candidates if row.effective_from <= when]
        if not in_effect:
            return None
        return max(in_effect, key=lambda row: row.effective_from).usd_per_second

    def knows_sku(self, sku: str) -> bool:
        return canonical_sku(sku) in self.hardware or split_sku(sku)[0] in self.hardware
