"""The account's small resources as Replicate serves them: models, versions, collections,
deployments and the account itself.

Everything here is a pure function of the `SimulatedAccount` (and the simulated now), built on
each request: the catalog has a few dozen objects, so there is nothing worth caching.

Shapes follow what Replicate serves, including what its official client relies on: a version
carries the Cog `openapi_schema` of the model's inputs and outputs (replicate 1.0.7's `Version`
requires it), official models serve no version list ("This model is an official model and does not
expose a list of versions.") and predictions of official models name no version (`"hidden"`).
"""

from __future__ import annotations

from typing import Any

from replicost.simulator.account import SimulatedAccount
from replicost.simulator.catalog import Era, ModelSpec, TrainerSpec
from replicost.simulator.timefmt import format_ns

OFFICIAL_VERSIONS = "This model is an official model and does not expose a list of versions."
COG_VERSION = "0.9.6"

# Cog input properties by the kind of output a model produces (what the simulator's inputs carry)
_INPUTS: dict[str, dict[str, dict[str, Any]]] = {
    "image": {
        "prompt": {"type": "string", "title": "Prompt"},
        "num_outputs": {"type": "integer", "title": "Num Outputs", "default": 1, "minimum": 1},
        "aspect_ratio": {
            "type": "string",
            "title": "Aspect Ratio",
            "enum": ["1:1", "16:9", "3:2", "9:16"],
            "default": "1:1",
        },
        "seed": {"type": "integer", "title": "Seed"},
    },
    "tokens": {
        "prompt": {"type": "string", "title": "Prompt"},
        "max_tokens": {"type": "integer", "title": "Max Tokens", "default": 512},
        "temperature": {"type": "number", "title": "Temperature", "default": 0.7},
    },
    "upscale": {
        "image": {"type": "string", "format": "uri", "title": "Image"},
        "scale": {"type": "number", "title": "Scale", "default": 4},
        "face_enhance": {"type": "boolean", "title": "Face Enhance", "default": False},
    },
    "transcript": {
        "audio": {"type": "string", "format": "uri", "title": "Audio"},
        "model": {"type": "string", "title": "Model", "default": "large-v3"},
        "language": {"type": "string", "title": "Language", "default": "auto"},
    },
    "audio": {
        "prompt": {"type": "string", "title": "Prompt"},
        "duration": {"type": "integer", "title": "Duration", "default": 8},
        "model_version": {"type": "string", "title": "Model Version", "default": "stereo-large"},
    },
    "vector": {"text": {"type": "string", "title": "Text"}},
    "text": {"text": {"type": "string", "title": "Text"}},
    "video": {
        "prompt": {"type": "string", "title": "Prompt"},
        "duration": {"type": "integer", "title": "Duration", "default": 5},
        "resolution": {"type": "string", "title": "Resolution", "default": "720p"},
        "generate_audio": {"type": "boolean", "title": "Generate Audio", "default": True},
    },
    "speech": {
        "text": {"type": "string", "title": "Text"},
        "voice": {"type": "string", "title": "Voice", "default": "Andy"},
    },
    "music": {"prompt": {"type": "string", "title": "Prompt"}},
    "training": {
        "input_images": {"type": "string", "format": "uri", "title": "Input Images"},
        "steps": {"type": "integer", "title": "Steps", "default": 1000},
        "lora_rank": {"type": "integer", "title": "Lora Rank", "default": 16},
        "trigger_word": {"type": "string", "title": "Trigger Word", "default": "TOK"},
    },
}
_OUTPUTS: dict[str, dict[str, Any]] = {
    "image": {"type": "array", "items": {"type": "string", "format": "uri"}},
    "tokens": {"type": "array", "items": {"type": "string"}, "x-cog-array-type": "iterator"},
    "upscale": {"type": "string", "format": "uri"},
    "transcript": {"type": "object"},
    "audio": {"type": "string", "format": "uri"},
    "vector": {"type": "array", "items": {"type": "number"}},
    "text": {"type": "string"},
    "video": {"type": "string", "format": "uri"},
    "speech": {"type": "string", "format": "uri"},
    "music": {"type": "string", "format": "uri"},
    "training": {
        "type": "object",
        "properties": {"version": {"type": "string"}, "weights": {"type": "string"}},
    },
}
# (slug, name, description, output kinds of its models)
_COLLECTIONS = (
    ("text-to-image", "Generate images", "Models that generate images from text prompts", "image"),
    ("language-models", "Language models", "Models that understand and generate text", "tokens"),
    ("super-resolution", "Super resolution", "Upscaling models that sharpen images", "upscale"),
    ("speech-to-text", "Speech to text", "Models that transcribe speech", "transcript"),
    ("ai-music-generation", "Generate music", "Models that compose music from a prompt", "audio"),
)


def cog_schema(output_kind: str) -> dict[str, Any]:
    """A Cog-style OpenAPI description of a model's inputs and outputs."""
    properties = {
        name: {**prop, "x-order": order}
        for order, (name, prop) in enumerate(_INPUTS.get(output_kind, _INPUTS["text"]).items())
    }
    required = [name for name, prop in properties.items() if "default" not in prop][:1]
    return {
        "openapi": "3.0.2",
        "info": {"title": "Cog", "version": "0.1.0"},
        "paths": {},
        "components": {
            "schemas": {
                "Input": {
                    "type": "object",
                    "title": "Input",
                    "required": required,
                    "properties": properties,
                },
                "Output": {"title": "Output", **_OUTPUTS.get(output_kind, _OUTPUTS["text"])},
            }
        },
    }


def _fraction_ns(account: SimulatedAccount, fraction: float) -> int:
    created = account.start_ns + int(fraction * (account.end_ns - account.start_ns))
    return created // 1000 * 1000


def version_object(
    account: SimulatedAccount, version_id: str, since: float, output_kind: str
) -> dict[str, Any]:
    """A model version as `models.versions.get` serves it."""
    return {
        "id": version_id,
        "created_at": format_ns(_fraction_ns(account, since), 6, strip=False),
        "cog_version": COG_VERSION,
        "openapi_schema": cog_schema(output_kind),
    }


def _served_eras(spec: ModelSpec) -> list[Era]:
    return [era for era in spec.eras if era.version != "hidden"]


def _trainer(account: SimulatedAccount, name: str) -> TrainerSpec | None:
    return next((t for t in account.trainers if name in (t.name, t.destination)), None)


def versions(account: SimulatedAccount, name: str) -> list[dict[str, Any]] | None:
    """Every version of model `name`, newest first; None if the model does not exist.

    Raises PermissionError for official models, which expose no version list.
    """
    spec = account.model_spec(name)
    if spec is not None:
        if spec.kind == "official":
            raise PermissionError(OFFICIAL_VERSIONS)
        eras = sorted(_served_eras(spec), key=lambda era: era.since, reverse=True)
        return [version_object(account, e.version, e.since, spec.output_kind) for e in eras]
    trainer = _trainer(account, name)
    if trainer is None:
        return None
    if name == trainer.name:
        return [version_object(account, trainer.version, 0.0, "training")]
    return []  # a destination: its versions are pushed by trainings (not listed here)


def model_object(account: SimulatedAccount, name: str) -> dict[str, Any] | None:
    """Model `owner/name` as `models.get` serves it, or None if the account cannot see it."""
    spec = account.model_spec(name)
    latest = None
    if spec is not None:
        description, visibility = spec.description, spec.visibility
        official = spec.kind == "official"
        served = _served_eras(spec)
        if served:
            era = max(served, key=lambda era: era.since)
            latest = version_object(account, era.version, era.since, spec.output_kind)
    else:
        trainer = _trainer(account, name)
        if trainer is None:
            return None
        official = False
        if name == trainer.name:
            description, visibility = "Fine-tune a model on your own images", "public"
            latest = version_object(account, trainer.version, 0.0, "training")
        else:
            description, visibility = f"Trained with {trainer.name}", "private"
    owner, model_name = name.split("/")
    return {
        "url": f"https://replicate.com/{name}",
        "owner": owner,
        "name": model_name,
        "description": description or None,
        "visibility": visibility,
        "github_url": None,
        "paper_url": None,
        "license_url": None,
        "run_count": 1000 + sum(ord(c) for c in name) * 997,
        "cover_image_url": None,
        "default_example": None,
        "latest_version": latest,
        "is_official": official,
    }


def public_models(
    account: SimulatedAccount, sort_by: str = "latest_version_created_at", descending: bool = True
) -> list[dict[str, Any]]:
    """Every public model the account knows, sorted as `models.list` sorts them."""
    first_seen = {spec.name: spec.eras[0].since for spec in account.models}
    names = [spec.name for spec in account.models if spec.visibility == "public"]
    names += [t.name for t in account.trainers if t.name not in names]
    found = [model_object(account, name) for name in names]
    models = [model for model in found if model is not None]

    def key(model: dict[str, Any]) -> tuple[str, str]:
        name = f"{model['owner']}/{model['name']}"
        latest = model["latest_version"]
        if sort_by == "latest_version_created_at" and latest:
            return str(latest["created_at"]), name
        created = _fraction_ns(account, first_seen.get(name, 0.0))
        return format_ns(created, 6, strip=False), name

    return sorted(models, key=key, reverse=descending)


def search(account: SimulatedAccount, query: str) -> list[dict[str, Any]]:
    """Public models whose name, owner or description contains every word of `query`."""
    words = query.lower().split()
    return [
        model
        for model in public_models(account)
        if all(
            word in f"{model['owner']}/{model['name']} {model['description'] or ''}".lower()
            for word in words
        )
    ]


def collections(account: SimulatedAccount) -> list[dict[str, Any]]:
    """The collections as `collections.list` serves them (no models)."""
    return [
        {"name": name, "slug": slug, "description": description}
        for slug, name, description, _ in _COLLECTIONS
    ]


def collection(account: SimulatedAccount, slug: str) -> dict[str, Any] | None:
    """One collection with its models, or None."""
    for entry_slug, name, description, output_kind in _COLLECTIONS:
        if entry_slug == slug:
            names = [
                spec.name
                for spec in account.models
                if spec.visibility == "public" and spec.output_kind == output_kind
            ]
            models = [model_object(account, model_name) for model_name in names]
            return {
                "name": name,
                "slug": slug,
                "description": description,
                "full_description": f"## {name}\n\n{description}.",
                "models": [model for model in models if model is not None],
            }
    return None


def owner(account: SimulatedAccount) -> dict[str, Any]:
    """The account as `account.get` serves it."""
    username = account.username
    return {
        "type": "organization",
        "username": username,
        "name": username.replace("-", " ").title(),
        "avatar_url": f"https://cdn.replicate.com/avatars/{username}.png",
        "github_url": f"https://github.com/{username}",
    }


def deployment(account: SimulatedAccount, spec: Any, now_ns: int) -> dict[str, Any] | None:
    """A deployment with its current release, or None before its first release."""
    current = account.current_release(spec, now_ns)
    if current is None:
        return None
    release, created_ns = current
    return {
        "owner": account.username,
        "name": spec.name,
        "current_release": {
            "number": release.number,
            "model": release.model,
            "version": release.version,
            "created_at": format_ns(created_ns, 6, strip=False),
            "created_by": owner(account),
            "configuration": {
                "hardware": release.hardware,
                "min_instances": release.min_instances,
                "max_instances": release.max_instances,
            },
        },
    }
