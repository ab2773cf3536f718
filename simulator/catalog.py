"""What the synthetic account runs: hardware, models and deployments.

The names are real (other modules price them): official models billed per output with
`version: "hidden"`, public community models with 64-hex versions, the account's private models
(some with `dp-`/`d-` versions) and deployments whose releases move between hardware. Each model
has version eras placed at fractions of the account's history, so the same model can run on
different hardware in different months, which is exactly what a cost report must not hide.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

HARDWARE = [
    {"name": "CPU", "sku": "cpu"},
    {"name": "Nvidia T4 GPU", "sku": "gpu-t4"},
    {"name": "Nvidia A40 GPU", "sku": "gpu-a40-small"},
    {"name": "Nvidia A40 (Large) GPU", "sku": "gpu-a40-large"},
    {"name": "Nvidia L40S GPU", "sku": "gpu-l40s"},
    {"name": "2x Nvidia L40S GPU", "sku": "gpu-l40s-2x"},
    {"name": "Nvidia A100 (80GB) GPU", "sku": "gpu-a100-large"},
    {"name": "2x Nvidia A100 (80GB) GPU", "sku": "gpu-a100-large-2x"},
    {"name": "Nvidia H100 GPU", "sku": "gpu-h100"},
]
HARDWARE_SKUS = frozenset(item["sku"] for item in HARDWARE)


def hex_id(*parts: object, length: int = 64) -> str:
    """A stable hex string derived from `parts` (model version ids, deployment versions)."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()
    while len(digest) < length:
        digest += hashlib.sha256(digest.encode()).hexdigest()
    return digest[:length]


@dataclass(frozen=True)
class Era:
    """A model version in use from `since` (fraction of the history span) on `hardware`."""

    since: float
    version: str
    hardware: str


@dataclass(frozen=True)
class ModelSpec:
    """A model the account runs, with how its predictions look and what they cost to run."""

    name: str  # owner/name
    billing: str  # 'per_second' | 'per_unit'
    kind: str  # 'official' | 'community' | 'private'
    # 'image' | 'tokens' | 'upscale' | 'audio' | 'transcript' | 'text' | 'vector'; official models
    # billed per second of output or per character also: 'video' | 'speech' | 'music'
    output_kind: str
    weight: float
    predict_seconds: tuple[float, float]  # log-uniform range of predict_time
    eras: tuple[Era, ...]
    available_from: float = 0.0  # fraction of the history before which it was not used
    web_share: float = 0.2
    description: str = ""
    data_url_input: bool = False  # candidate for a data URL of hundreds of KB in `input`
    cold_boot: bool = False  # private models boot on demand: long queue times happen
    # inputs an official model's price depends on, each drawn from its choices (in this order)
    price_inputs: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    @property
    def visibility(self) -> str:
        return "private" if self.kind == "private" else "public"

    def era_at(self, fraction: float) -> Era:
        """The version era in use at `fraction` of the history."""
        current = self.eras[0]
        for era in self.eras:
            if era.since <= fraction:
                current = era
        return current


@dataclass(frozen=True)
class Release:
    """One release of a deployment (Replicate serves only the current one)."""

    number: int
    since: float  # fraction of the history span
    model: str
    version: str
    hardware: str
    min_instances: int
    max_instances: int


@dataclass(frozen=True)
class DeploymentSpec:
    """A deployment of the account and its releases, oldest first."""

    name: str
    weight: float
    releases: tuple[Release, ...] = field(default_factory=tuple)

    def release_at(self, fraction: float) -> Release | None:
        current = None
        for release in self.releases:
            if release.since <= fraction:
                current = release
        return current


def _official(
    name: str,
    output_kind: str,
    weight: float,
    seconds: tuple[float, float],
    hardware: str,
    since: float = 0.0,
    desc: str = "",
    inputs: tuple[tuple[str, tuple[Any, ...]], ...] = (),
    web_share: float = 0.2,
) -> ModelSpec:
    return ModelSpec(
        name=name,
        billing="per_unit",
        kind="official",
        output_kind=output_kind,
        weight=weight,
        predict_seconds=seconds,
        eras=(Era(0.0, "hidden", hardware),),
        available_from=since,
        description=desc,
        price_inputs=inputs,
        web_share=web_share,
    )


def _community(
    name: str,
    output_kind: str,
    weight: float,
    seconds: tuple[float, float],
    eras: list[tuple[float, str]],
    **extra: Any,
) -> ModelSpec:
    return ModelSpec(
        name=name,
        billing="per_second",
        kind="community",
        output_kind=output_kind,
        weight=weight,
        predict_seconds=seconds,
        eras=tuple(Era(since, hex_id(name, number), hw) for number, (since, hw) in enumerate(eras)),
        **extra,
    )


def _official_models() -> list[ModelSpec]:
    """Replicate's official models the account runs: billed per unit, hardware hidden."""
    return [
        _official(
            "black-forest-labs/flux-schnell",
            "image",
            22,
            (0.4, 2.5),
            "gpu-h100",
            desc="The fastest image generation model tailored for local development",
        ),
        _official(
            "black-forest-labs/flux-dev",
            "image",
            8,
            (2.0, 7.0),
            "gpu-h100",
            desc="A 12 billion parameter rectified flow transformer",
        ),
        _official(
            "black-forest-labs/flux-1.1-pro",
            "image",
            5,
            (3.0, 9.0),
            "gpu-h100",
            since=0.25,
            desc="Faster, better FLUX Pro",
        ),
        _official(
            "meta/meta-llama-3-8b-instruct",
            "tokens",
            10,
            (0.3, 6.0),
            "gpu-a100-large",
            desc="An 8 billion parameter language model from Meta",
        ),
        _official(
            "meta/meta-llama-3-70b-instruct",
            "tokens",
            5,
            (1.0, 20.0),
            "gpu-a100-large-2x",
            desc="A 70 billion parameter language model from Meta",
        ),
        # run from an account's own pipelines through the API, not from the web playground
        *(replace(model, web_share=0.0) for model in _official_video_models()),
        *(replace(model, web_share=0.0) for model in _official_other_models()),
    ]


_DURATIONS = ("duration", (4, 6))


def _official_video_models() -> list[ModelSpec]:
    """Official video models, billed per second of output at a rate set by their inputs: what an
    account of 2026 runs besides images and tokens (a few percent of records, much of the bill)."""
    return [
        _official(
            "google/veo-3.1-fast",
            "video",
            1.5,
            (30.0, 90.0),
            "gpu-h100",
            since=0.5,
            desc="Veo 3.1 Fast: video with synchronized audio",
            inputs=(
                _DURATIONS,
                ("generate_audio", (True, False)),
                ("resolution", ("720p", "1080p")),
            ),
        ),
        _official(
            "bytedance/seedance-1-lite",
            "video",
            1.5,
            (20.0, 60.0),
            "gpu-h100",
            since=0.3,
            desc="A video generation model that offers text-to-video and image-to-video",
            inputs=(("duration", (5,)), ("resolution", ("480p", "720p", "1080p"))),
        ),
        _official(
            "kwaivgi/kling-v2.6",
            "video",
            0.5,
            (40.0, 120.0),
            "gpu-h100",
            since=0.6,
            desc="Kling 2.6: cinematic video with native audio",
            inputs=(("duration", (5,)), ("generate_audio", (False, True))),
        ),
    ]


def _official_other_models() -> list[ModelSpec]:
    """Official image, language, speech and music models priced beyond a flat image or token."""
    return [
        _official(
            "google/nano-banana-pro",
            "image",
            3,
            (8.0, 30.0),
            "gpu-h100",
            since=0.55,
            desc="Google's image generation and editing model",
            inputs=(("resolution", ("1K", "2K", "4K")),),
        ),
        _official(
            "anthropic/claude-3.7-sonnet",
            "tokens",
            4,
            (2.0, 30.0),
            "gpu-h100",
            since=0.2,
            desc="Anthropic's hybrid reasoning model",
        ),
        _official(
            "resemble-ai/chatterbox-turbo",
            "speech",
            2,
            (1.0, 8.0),
            "gpu-l40s",
            since=0.4,
            desc="Fast expressive text to speech",
        ),
        _official(
            "google/lyria-3",
            "music",
            1,
            (10.0, 40.0),
            "gpu-h100",
            since=0.65,
            desc="Music generation from a text prompt",
        ),
    ]


def _community_models() -> list[ModelSpec]:
    """Public community models: billed per second on the hardware of each version era."""
    return [
        _community(
            "stability-ai/sdxl",
            "image",
            12,
            (3.0, 14.0),
            [(0.0, "gpu-a40-large"), (0.55, "gpu-l40s")],
            description="A text-to-image generative AI model that creates beautiful images",
        ),
        _community(
            "bytedance/sdxl-lightning-4step",
            "image",
            8,
            (0.8, 3.0),
            [(0.0, "gpu-a40-large"), (0.7, "gpu-l40s")],
            description="SDXL-Lightning by ByteDance: a fast text-to-image model",
        ),
        _community(
            "nightmareai/real-esrgan",
            "upscale",
            6,
            (0.8, 25.0),
            [(0.0, "gpu-t4"), (0.4, "gpu-a40-small")],
            data_url_input=True,
            description="Real-ESRGAN with optional face correction and adjustable upscale",
        ),
        _community(
            "openai/whisper",
            "transcript",
            5,
            (4.0, 180.0),
            [(0.0, "gpu-t4"), (0.6, "gpu-l40s")],
            data_url_input=True,
            description="Convert speech in audio to text",
        ),
        _community(
            "meta/musicgen",
            "audio",
            3,
            (10.0, 90.0),
            [(0.0, "gpu-a100-large")],
            description="Generate music from a prompt or melody",
        ),
        _community(
            "replicate/hello-world",
            "text",
            1,
            (0.001, 0.2),
            [(0.0, "cpu")],
            description="A tiny model that says hello",
        ),
    ]


def _private_models(username: str) -> list[ModelSpec]:
    """The account's own models (names carry the username); they boot on demand."""
    return [
        ModelSpec(
            name=f"{username}/flux-lora-brand",
            billing="per_second",
            kind="private",
            output_kind="image",
            weight=4,
            predict_seconds=(2.0, 8.0),
            eras=(
                Era(0.0, "dp-" + hex_id(username, "flux-lora-brand", 0, length=32), "gpu-h100"),
                Era(0.65, "dp-" + hex_id(username, "flux-lora-brand", 1, length=32), "gpu-h100"),
            ),
            available_from=0.2,
            web_share=0.3,
            cold_boot=True,
            description="Brand style LoRA on FLUX.1 [dev]",
        ),
        ModelSpec(
            name=f"{username}/embeddings-worker",
            billing="per_second",
            kind="private",
            output_kind="vector",
            weight=3,
            predict_seconds=(0.05, 1.5),
            eras=(Era(0.0, "d-" + hex_id(username, "embeddings-worker", length=32), "cpu"),),
            web_share=0.02,
            cold_boot=True,
            description="Text embeddings for search",
        ),
        ModelSpec(
            name=f"{username}/custom-upscaler",
            billing="per_second",
            kind="private",
            output_kind="upscale",
            weight=2,
            predict_seconds=(1.0, 30.0),
            eras=(
                Era(0.0, hex_id(username, "custom-upscaler", 0), "gpu-t4"),
                Era(0.5, hex_id(username, "custom-upscaler", 1), "gpu-a40-small"),
            ),
            web_share=0.1,
            cold_boot=True,
            description="Upscaler fine-tuned on product shots",
        ),
    ]


def build_models(username: str) -> list[ModelSpec]:
    """The models of an account named `username` (private model names carry the username)."""
    return [*_official_models(), *_community_models(), *_private_models(username)]


# name, weight, model (None: the account's own LoRA), releases (since, hardware, min, max instances)
_DEPLOYMENTS: tuple[tuple[str, float, str | None, tuple[tuple[float, str, int, int], ...]], ...] = (
    (
        "image-gen",
        9,
        "stability-ai/sdxl",
        (
            (0.05, "gpu-a40-large", 0, 3),
            (0.30, "gpu-l40s", 1, 5),  # always on for a while: uptime cost
            (0.58, "gpu-l40s", 0, 5),
            (0.82, "gpu-h100", 0, 4),
        ),
    ),
    (
        "upscaler",
        5,
        "nightmareai/real-esrgan",
        ((0.10, "gpu-t4", 0, 2), (0.45, "gpu-a40-small", 0, 3), (0.75, "gpu-l40s", 0, 3)),
    ),
    (
        "transcribe",
        4,
        "openai/whisper",
        ((0.20, "gpu-t4", 1, 2), (0.50, "gpu-t4", 0, 2), (0.66, "gpu-l40s", 0, 4)),
    ),
    ("brand-images", 4, None, ((0.40, "gpu-h100", 0, 2), (0.70, "gpu-h100", 1, 3))),
)


def build_deployments(username: str, models: dict[str, ModelSpec]) -> list[DeploymentSpec]:
    """The account's deployments: releases at fractions of the history, numbers increasing."""
    specs = []
    for name, weight, model_name, steps in _DEPLOYMENTS:
        model = model_name or f"{username}/flux-lora-brand"
        releases = tuple(
            Release(number, since, model, models[model].era_at(since).version, hw, low, high)
            for number, (since, hw, low, high) in enumerate(steps, start=1)
        )
        specs.append(DeploymentSpec(name, weight, releases))
    return specs


@dataclass(frozen=True)
class TrainerSpec:
    """A trainable model and the hardware its trainings run on."""

    name: str
    version: str
    hardware: str
    weight: float
    train_seconds: tuple[float, float]
    destination: str  # name of the private model receiving the trained version


def build_trainers(username: str) -> list[TrainerSpec]:
    """Trainers used by the account (trainings push versions to its private models)."""
    return [
        TrainerSpec(
            "ostris/flux-dev-lora-trainer",
            hex_id("ostris/flux-dev-lora-trainer", 3),
            "gpu-h100",
            6,
            (600.0, 2400.0),
            f"{username}/flux-lora-brand",
        ),
        TrainerSpec(
            "stability-ai/sdxl",
            hex_id("stability-ai/sdxl", "trainer"),
            "gpu-a40-large",
            2,
            (900.0, 3600.0),
            f"{username}/sdxl-style",
        ),
        TrainerSpec(
            "replicate/fast-flux-trainer",
            hex_id("replicate/fast-flux-trainer", 1),
            "gpu-h100",
            2,
            (120.0, 600.0),
            f"{username}/flux-fast-lora",
        ),
    ]
