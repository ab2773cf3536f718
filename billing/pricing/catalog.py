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

# The units an official model is billed in, in the order the cost views list them. What counts
# each unit in a record (metrics keys first, then input fields) is `billing.units.UNIT_COUNTS`.
UNITS = (
    "image",
    "input_token",
    "output_token",
    "output_video_second",
    "output_audio_second",
    "input_character",
    "megapixel",
    "run",
    "input_image",
    "input_audio_second",
    "input_video_second",
)
_PER = {"_per_thousand": Decimal(1_000), "_per_million": Decimal(1_000_000)}
# unit name in the file -> (unit stored, divisor applied to the price): every unit as itself, and
# tokens and characters also per thousand or per million (stored per unit, exactly)
UNIT_SPELLINGS = {unit: (unit, Decimal(1)) for unit in UNITS} | {
    f"{unit}{suffix}": (unit, divisor)
    for unit in ("input_token", "output_token", "input_character")
    for suffix, divisor in _PER.items()
}
# the prediction column that counts each unit (from the prediction's metrics)
UNIT_COUNT_COLUMNS = {
    "image": "image_count",
    "input_token": "input_token_count",
    "output_token": "output_token_count",
}
SOURCE_KINDS = ("replicate", "third-party")  # Replicate's own page/docs/repository -> exact

PRICING_KEYS = PRICING_SECTIONS
CATALOG_KEYS = (*PRICING_KEYS, "meta", "public_models")  # the last two: shipped catalog only
PUBLIC_MODEL_KEYS = {"hardware", "source", "read", "note"}
HARDWARE_ROW_KEYS = {"sku", "usd_per_second", "effective_from", "source", "read", "note"}
UNIT_ROW_KEYS = {"usd_per_unit", "effective_from", "when", "source", "source_kind", "read", "note"}
DEPLOYMENT_ROW_KEYS = {"hardware", "effective_from", "min_instances", "source", "note"}


@dataclass(frozen=True)
class HardwarePrice:
    """USD per second of one SKU from `effective_from` until the next row of the same SKU."""

    sku: str
    usd_per_second: Decimal
    effective_from: datetime = BEGINNING
    source: str = ""
    note: str = ""
    read: str = ""  # the date the source was read, YYYY-MM-DD ("" in a user's file)


# One condition on a prediction's input: (field, accepted values). A value is ("s", text),
# ("b", "true"|"false") or ("n", decimal text): typed, so "1" and 1 are different inputs.
Condition = tuple[str, tuple[tuple[str, str], ...]]


@dataclass(frozen=True)
class UnitPrice:
    """USD per unit (an image, a token, a second of output video...) of one official model.

    `when` holds conditions on the prediction's input (every one must hold; a field matches any of
    its values); rows of one model and unit differ by `when` and by `effective_from`.
    `source_kind` "third-party" makes the price an estimate; "replicate" (or a user's own figure,
    "") is exact.
    """

    model: str
    unit: str
    usd_per_unit: Decimal
    effective_from: datetime = BEGINNING
    source: str = ""
    note: str = ""
    when: tuple[Condition, ...] = ()
    source_kind: str = ""
    read: str = ""

    @property
    def estimated(self) -> bool:
        return self.source_kind == "third-party"


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
    note: str = ""


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
    # the catalog in use: kind "shipped" or "updated", its path (updated) and [meta] snapshot
    origin: dict[str, Any] = field(default_factory=dict)
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
            origin=self.origin or other.origin,
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
