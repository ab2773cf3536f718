"""How one simulated record is drawn: a prediction's outcome, timing, input, output and metrics.

`SimulatedAccount` decides who ran what and when (a `PredictionDraft`); `build_prediction` draws the
rest from the record's `Draws`, always in the same order, so a record is a pure function of its
seed, kind and index. Trainings come from `build_training` the same way.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

from replicost.simulator import catalog
from replicost.simulator.draws import Draws, served_timestamp
from replicost.simulator.timefmt import NS_PER_SECOND

_IMAGE_PROMPTS = (
    "a photo of an astronaut riding a horse on mars",
    "product shot of a ceramic mug on a walnut table, soft light",
    "isometric illustration of a tiny city on a floating island",
    "portrait of a golden retriever wearing sunglasses, studio lighting",
    "a watercolor painting of Lisbon trams at dusk",
    "logo for a coffee shop called Bean There, flat vector",
    "cinematic still of a lighthouse in a storm, 35mm",
)
_TEXT_PROMPTS = (
    "Summarize the following support ticket in two sentences.",
    "Write a haiku about distributed systems.",
    "Translate to French: the invoice is attached.",
    "Explain the difference between a process and a thread.",
    "Draft a polite reply declining the meeting.",
)
_MUSIC_PROMPTS = (
    "an 80s synthwave track with a driving bassline",
    "lo-fi hip hop beat with soft piano",
    "epic orchestral cue with taiko drums",
)
_VIDEO_PROMPTS = (
    "a drone shot over a foggy pine forest at sunrise",
    "a barista pouring latte art in slow motion",
    "a paper boat drifting down a rainy street, cinematic",
)
_SPEECH_TEXTS = (
    "Welcome back! Your order has shipped and should arrive on Thursday.",
    "Thanks for calling. Please hold while we connect you to the next available agent.",
    "Here is today's weather: sunny in the morning, with light rain expected after four.",
)
_PROMPTS = {
    "image": _IMAGE_PROMPTS,
    "audio": _MUSIC_PROMPTS,
    "music": _MUSIC_PROMPTS,
    "video": _VIDEO_PROMPTS,
    "speech": _SPEECH_TEXTS,
}
_ERRORS = (
    "CUDA out of memory. Tried to allocate 2.00 GiB",
    "Prediction interrupted; please retry (code: PA)",
    "NSFW content detected. Try running it again, or try a different prompt.",
    "Input validation failed: width must be a multiple of 8",
    "Model setup failed",
)


@dataclass(slots=True)
class Plan:
    """Everything about one record that does not depend on the clock."""

    kind: str  # 'prediction' | 'training'
    index: int
    id: str
    created_ns: int
    created_at: str
    model: str
    version: str
    deployment: str | None
    hardware: str
    billing: str
    source: str | None
    final_status: str
    started_ns: int | None
    started_at: str | None
    completed_ns: int
    completed_at: str
    predict_time: float | None
    metrics: dict | None  # final metrics; None = key absent; {} = the empty-metrics quirk
    input: dict
    output: Any
    error: str | None
    logs: str
    omit_data_removed: bool
    stream: bool
    extra: dict | None  # trainings: destination


@dataclass(frozen=True, slots=True)
class PredictionDraft:
    """What the account decides about a prediction before its outcome is drawn."""

    index: int
    created_ns: int
    created_at: str  # as served
    model: catalog.ModelSpec
    version: str
    hardware: str
    deployment: str | None = None  # owner/name
    source: str | None = "api"
    fraction: float = 1.0  # of the history span, at created_at
    tail: bool = False  # still running when the history ends
    newest: bool = False  # the newest of the tail: still queued
    given_input: dict[str, Any] | None = None  # as POSTed; None = drawn


@dataclass(frozen=True, slots=True)
class DataUrls:
    """Records carrying a data URL of 100-400 KB in `input` (a share `rate` of them)."""

    rate: float
    block: str  # base64 text the URLs are cut from

    @classmethod
    def for_account(cls, key: bytes, rate: float) -> DataUrls:
        """The block is drawn from the account's key, so the same account serves the same URLs."""
        return cls(
            rate, base64.b64encode(hashlib.shake_256(key + b"data-url").digest(300_000)).decode()
        )

    def url(self, draws: Draws, mime: str) -> str:
        size = int(draws.log_uniform(100_000, 400_000)) // 4 * 4
        return f"data:{mime};base64," + self.block[:size]


@dataclass(frozen=True, slots=True)
class Outcomes:
    """Which drawn outcomes an account keeps; one switched off is drawn as a success instead.

    The draw that decides a record's status still happens, so with both switches on (the
    default) every record is exactly what it always was. Cancels asked for through the API and
    planted findings are not draws: they still happen.
    """

    failures: bool = True  # drawn `failed` and `canceled` records (predictions and trainings)
    aborted: bool = True  # drawn `aborted` predictions (never started)

    def keep(self, drawn: str) -> str:
        """The status a record gets when its draw says `drawn`."""
        if drawn in ("failed", "canceled") and not self.failures:
            return "succeeded"
        if drawn == "aborted" and not self.aborted:
            return "succeeded"
        return drawn


EVERY_OUTCOME = Outcomes()


@dataclass(slots=True)
class _Outcome:
    status: str
    error: str | None
    started: bool
    queue_s: float
    predict_s: float


def _draw_outcome(draws: Draws, draft: PredictionDraft, outcomes: Outcomes) -> _Outcome:
    """Status, error, and how long it queued and ran (before rounding to what is served)."""
    model = draft.model
    roll = draws.next()
    status = outcomes.keep(
        "succeeded"
        if roll < 0.90
        else "failed"
        if roll < 0.955
        else "canceled"
        if roll < 0.985
        else "aborted"
    )
    if draft.tail:
        status = "succeeded"
    cold = (model.cold_boot or draft.deployment) and draws.next() < 0.04
    queue_s = draws.log_uniform(20.0, 180.0) if cold else draws.log_uniform(0.03, 1.5)
    predict_s = draws.log_uniform(*model.predict_seconds)
    if draft.tail:  # still running at `end`: the newest is queued, the others are processing
        queue_s = 40.0 + draws.next() * 30 if draft.newest else 0.3 + draws.next()
        predict_s = max(predict_s, 60.0 + draws.next() * 150)
    error = None
    started = status != "aborted"
    if status == "failed":
        error = draws.pick(_ERRORS)
        predict_s = (
            (int(draws.next() * 9) + 1) * 1e-6 if draws.next() < 0.3 else predict_s * draws.next()
        )
    elif status == "canceled":
        if draws.next() < 0.3:
            started = False
        predict_s *= draws.next()
    return _Outcome(status, error, started, queue_s, predict_s)


def _draw_metrics(
    draws: Draws, draft: PredictionDraft, outcome: _Outcome, times: Plan, output: Any
) -> tuple[dict[str, Any], float | None]:
    """(metrics, predict_time) of a record that started; `times` holds its served moments."""
    model, status = draft.model, outcome.status
    predict_time = times.predict_time
    metrics: dict[str, Any] = {
        "predict_time": predict_time,
        "total_time": round((times.completed_ns - draft.created_ns) / NS_PER_SECOND, 6),
    }
    if model.billing == "per_unit" and status in ("succeeded", "canceled"):
        if model.output_kind == "image" and status == "succeeded":
            metrics["image_count"] = len(output) if isinstance(output, list) else 1
        elif status == "succeeded" and model.output_kind in _MEDIA_METRICS:
            # Replicate's billing metrics for what was made (docs/official-models.md)
            metrics.update(_MEDIA_METRICS[model.output_kind](times.input))
        elif model.output_kind == "tokens":
            input_tokens = int(draws.log_uniform(12, 2400))
            output_tokens = int(draws.log_uniform(8, 900))
            if status == "canceled":
                output_tokens = max(1, output_tokens // 3)
            metrics.update(
                input_token_count=input_tokens,
                output_token_count=output_tokens,
                tokens_per_second=round(output_tokens / max(outcome.predict_s, 1e-3), 6),
                time_to_first_token=round(draws.log_uniform(0.04, 0.6), 6),
            )
    if status in ("failed", "canceled") and draws.next() < 0.2:
        return {}, None  # recorded quirk: metrics == {}
    return metrics, predict_time


def _video_metrics(given: dict) -> dict[str, Any]:
    seconds = given.get("duration")
    return {"video_output_duration_seconds": seconds} if isinstance(seconds, int) else {}


def _speech_metrics(given: dict) -> dict[str, Any]:
    text = given.get("text")
    return {"character_input_count": len(text)} if isinstance(text, str) else {}


_MEDIA_METRICS = {
    "video": _video_metrics,
    "speech": _speech_metrics,
    "music": lambda given: {"audio_output_duration_seconds": 30.0},
}


def build_prediction(
    draws: Draws, draft: PredictionDraft, data_urls: DataUrls, outcomes: Outcomes = EVERY_OUTCOME
) -> Plan:
    """The prediction record of `draft`: every remaining fact drawn from `draws`, in order."""
    model = draft.model
    outcome = _draw_outcome(draws, draft, outcomes)
    overhead_s = draws.log_uniform(0.02, 0.6)
    plan = Plan(
        kind="prediction",
        index=draft.index,
        id=draws.id,
        created_ns=draft.created_ns,
        created_at=draft.created_at,
        model=model.name,
        version=draft.version,
        deployment=draft.deployment,
        hardware=draft.hardware,
        billing=model.billing,
        source=draft.source,
        final_status=outcome.status,
        started_ns=None,
        started_at=None,
        completed_ns=0,
        completed_at="",
        predict_time=None,
        metrics=None,
        input={},
        output=None,
        error=outcome.error,
        logs="",
        omit_data_removed=False,
        stream=model.output_kind == "tokens",
        extra=None,
    )
    queued_ns = draft.created_ns + int(outcome.queue_s * NS_PER_SECOND)
    if outcome.started:
        plan.started_ns, plan.started_at = served_timestamp(draws, queued_ns)
        done_ns = plan.started_ns + int((outcome.predict_s + overhead_s) * NS_PER_SECOND)
        plan.predict_time = round(outcome.predict_s, 6) or 1e-06
    else:
        done_ns = queued_ns
    plan.completed_ns, plan.completed_at = served_timestamp(draws, done_ns)
    prompt = draws.pick(_PROMPTS.get(model.output_kind, _TEXT_PROMPTS))
    seed_value = int(draws.next() * 100000)
    carries_url = draws.next() < data_urls.rate
    plan.input, output = _input_output(
        draws, model, prompt, seed_value, data_urls if carries_url else None
    )
    if draft.given_input is not None:
        plan.input = draft.given_input
    if outcome.started:
        plan.metrics, plan.predict_time = _draw_metrics(draws, draft, outcome, plan, output)
    plan.output = output if outcome.status == "succeeded" else None
    ending = "" if outcome.status == "succeeded" else f"{outcome.error or outcome.status}\n"
    plan.logs = f"Using seed: {seed_value}\nPrompt: {prompt}\n" + ending
    plan.omit_data_removed = draft.fraction < 0.1 and draws.next() < 0.2
    return plan


def _input_output(
    draws: Draws,
    model: catalog.ModelSpec,
    prompt: str,
    seed_value: int,
    data_urls: DataUrls | None,
) -> tuple[dict[str, Any], Any]:
    """The record's input and output for its model's kind; `data_urls` when it carries one."""
    files = f"https://replicate.delivery/xezq/{draws.id[:20]}"
    kind = model.output_kind
    if kind == "image":
        count = 1 if model.name.endswith("pro") or draws.next() < 0.7 else int(draws.next() * 3) + 2
        input_ = {
            "prompt": prompt,
            "num_outputs": count,
            "aspect_ratio": draws.pick(("1:1", "16:9", "3:2", "9:16")),
            "seed": seed_value,
        }
        output: Any = [f"{files}/out-{n}.webp" for n in range(count)]
        if data_urls:
            output = [data_urls.url(draws, "image/webp")]
            input_["num_outputs"] = 1
    elif kind == "tokens":
        input_ = {"prompt": prompt, "max_tokens": 512, "temperature": 0.7}
        output = ["Sure", "!", " Here", " is", " a", " short", " answer", "."]
    elif kind == "upscale":
        image = data_urls.url(draws, "image/png") if data_urls else f"{files}/input.png"
        input_ = {"image": image, "scale": draws.pick((2, 4)), "face_enhance": False}
        output = f"{files}/output.png"
    elif kind == "transcript":
        audio = data_urls.url(draws, "audio/mpeg") if data_urls else f"{files}/audio.mp3"
        input_ = {"audio": audio, "model": "large-v3", "language": "auto"}
        output = {
            "detected_language": "english",
            "transcription": prompt,
            "segments": [{"id": 0, "start": 0.0, "end": 4.2, "text": prompt}],
        }
    elif kind == "audio":
        input_ = {
            "prompt": prompt,
            "duration": draws.pick((8, 15, 30)),
            "model_version": "stereo-large",
        }
        output = f"{files}/out.wav"
    elif kind == "vector":
        input_ = {"text": prompt}
        output = [round(draws.next() * 2 - 1, 6) for _ in range(8)]
    elif kind in ("video", "speech", "music"):
        input_, output = _media_input_output(draws, kind, prompt, files)
    else:
        name = draws.pick(("Alice", "Bob", "Chen", "Dana"))
        input_ = {"text": name}
        output = f"hello {name}"
    if data_urls and kind not in ("image", "upscale", "transcript"):
        input_["image"] = data_urls.url(draws, "image/png")
    for field, choices in model.price_inputs:  # what the model's price depends on
        input_[field] = draws.pick(choices)
    return input_, output


def _media_input_output(draws: Draws, kind: str, prompt: str, files: str) -> tuple[dict, str]:
    """Input and output of an official video, speech or music model (its priced inputs apart)."""
    if kind == "video":
        return {"prompt": prompt}, f"{files}/output.mp4"
    if kind == "speech":
        return {
            "text": prompt,
            "voice": draws.pick(("Andy", "Abigail", "Lucy")),
        }, f"{files}/speech.wav"
    return {"prompt": prompt}, f"{files}/music.mp3"


def _training_run(
    draws: Draws, trainer: catalog.TrainerSpec, created_ns: int, tail: bool, outcomes: Outcomes
) -> tuple[str, int, str, int, str, float]:
    """(status, started_ns, started_at, completed_ns, completed_at, seconds trained)."""
    roll = draws.next()
    status = outcomes.keep(
        "succeeded" if tail or roll < 0.85 else "failed" if roll < 0.95 else "canceled"
    )
    queue_s = draws.log_uniform(1.0, 90.0)
    train_s = draws.log_uniform(*trainer.train_seconds)
    if status != "succeeded":
        train_s *= draws.next()
    if tail:
        queue_s, train_s = 2.0, max(train_s, 900.0)
    started_ns, started_at = served_timestamp(draws, created_ns + int(queue_s * NS_PER_SECOND))
    completed_ns, completed_at = served_timestamp(
        draws, started_ns + int((train_s + 5.0) * NS_PER_SECOND)
    )
    return status, started_ns, started_at, completed_ns, completed_at, train_s


def build_training(
    draws: Draws,
    trainer: catalog.TrainerSpec,
    *,
    index: int,
    created_ns: int,
    created_at: str,
    username: str,
    tail: bool,
    outcomes: Outcomes = EVERY_OUTCOME,
) -> Plan:
    """The training record `index` of `trainer` (a tail training is still running at the end)."""
    status, started_ns, started_at, completed_ns, completed_at, train_s = _training_run(
        draws, trainer, created_ns, tail, outcomes
    )
    predict_time = round(train_s, 6)
    metrics = {
        "predict_time": predict_time,
        "total_time": round((completed_ns - created_ns) / NS_PER_SECOND, 6),
    }
    files = f"https://replicate.delivery/xezq/{draws.id[:20]}"
    trained = f"{trainer.destination}:{catalog.hex_id(username, 'trained', index)}"
    output = None
    if status == "succeeded":
        output = {"version": trained, "weights": f"{files}/trained_model.tar"}
    error = "Training failed: loss diverged" if status == "failed" else None
    source = "web" if draws.next() < 0.3 else "api"
    input_ = {
        "input_images": f"{files}/images.zip",
        "steps": draws.pick((500, 1000, 2000)),
        "lora_rank": 16,
        "trigger_word": "TOK",
    }
    return Plan(
        kind="training",
        index=index,
        id=draws.id,
        created_ns=created_ns,
        created_at=created_at,
        model=trainer.name,
        version=trainer.version,
        deployment=None,
        hardware=trainer.hardware,
        billing="per_second",
        source=source,
        final_status=status,
        started_ns=started_ns,
        started_at=started_at,
        completed_ns=completed_ns,
        completed_at=completed_at,
        predict_time=predict_time,
        metrics=metrics,
        input=input_,
        output=output,
        error=error,
        logs=f"Training {trainer.name} for {input_['steps']} steps\n",
        omit_data_removed=True,
        stream=False,
        extra={"destination": trainer.destination},
    )
