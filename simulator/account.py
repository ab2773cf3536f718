"""A synthetic Replicate account, generated lazily and deterministically.

Record i (prediction or training) is a pure function of (seed, username, kind, i): one BLAKE2b
digest gives its id and every random choice, so an account of a million predictions costs no
memory until a record is asked for. Records are indexed oldest first and `created_at` strictly
increases with the index (each index owns a time slot of a warped timeline that grows denser
towards the end, as real usage does), so date filters and cursors become index ranges found by
binary search. Predictions created later (POST) are appended with `created_at` = simulated now.

The account also knows what Replicate hides: the hardware each record ran on. `ground_truth()`
derives its rows from the very dicts the API serves, so the two cannot disagree.
"""

from __future__ import annotations

import bisect
import hashlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from replicost.simulator import catalog
from replicost.simulator.draws import Draws, record_id
from replicost.simulator.records import (
    DataUrls,
    Outcomes,
    Plan,
    PredictionDraft,
    build_prediction,
    build_training,
)
from replicost.simulator.scenarios import Planted, Scenario
from replicost.simulator.timefmt import (
    NS_PER_SECOND,
    ceil_to_digits,
    datetime_to_ns,
    format_ns,
)

API = "https://api.replicate.com/v1"
WEB = "https://replicate.com/p"
DAY_NS = 86_400 * NS_PER_SECOND
DATA_REMOVAL_NS = 3600 * NS_PER_SECOND  # Replicate deletes API predictions' data after an hour
TAIL_SPACING_NS = 17 * NS_PER_SECOND  # non-terminal tail records sit in the last minute
_STATUSES_FINAL = ("succeeded", "failed", "canceled", "aborted")


# Replicate's billing metric of what an official model made -> the unit it counts
_MEDIA_UNITS = {
    "video_output_duration_seconds": "output_video_second",
    "character_input_count": "input_character",
    "audio_output_duration_seconds": "output_audio_second",
}


class SimulatedAccount:
    """A deterministic, lazily generated Replicate account for a seed and a username.

    `failures=False` draws no failed or canceled records, `aborted=False` no aborted ones: they
    succeed instead, and every other record stays exactly as the seed draws it.
    """

    _appended: list[Plan]  # predictions created after the history (POST)
    _appended_trainings: list[Plan]  # trainings created after the history
    _overrides: dict[tuple[str, int], Plan]  # (kind, index) -> its plan after a cancel

    def __init__(
        self,
        seed: int = 7,
        predictions: int = 5000,
        trainings: int = 200,
        username: str = "acme-ai",
        end: datetime | None = None,
        months: float = 18.0,
        running: int = 3,
        data_url_rate: float = 0.0002,
        scenarios: Sequence[Scenario] = (),
        failures: bool = True,
        aborted: bool = True,
    ) -> None:
        if predictions < 0 or trainings < 0:
            raise ValueError("predictions and trainings must be >= 0")
        if end is None:
            end = datetime.now(UTC).replace(microsecond=0)
        self.seed, self.username = seed, username
        self.predictions = predictions
        self.trainings = trainings
        self.data_url_rate = data_url_rate
        self.end_ns = datetime_to_ns(end)
        self.start_ns = self.end_ns - int(months * 30.436875 * DAY_NS)
        self._span_ns = self.end_ns - self.start_ns
        self._key = f"{seed}:{username}:".encode()

        # planted findings (opt-in: without them the account is drawn exactly as before)
        self._planted = Planted(scenarios, self.start_ns, self._span_ns) if scenarios else None
        self.models = catalog.build_models(username)
        if self._planted:
            self.models = self._planted.shape_models(self.models)
        self._models_by_name = {model.name: model for model in self.models}
        self.deployments = catalog.build_deployments(username, self._models_by_name)
        if self._planted:
            self.deployments = self._planted.shape_deployments(
                self.deployments, self._models_by_name
            )
        self.trainers = catalog.build_trainers(username)
        self._release_ns = {
            dep.name: [
                self._fraction_to_ns(r.since, ("release", dep.name, r.number)) for r in dep.releases
            ]
            for dep in self.deployments
        }
        # Non-terminal records at `end`: the newest few sit in the last minute.
        self._tail = {
            "prediction": min(running, predictions // 4),
            "training": min(1 if running else 0, trainings // 4),
        }
        self._counts = {"prediction": predictions, "training": trainings}
        self._choice_buckets = self._build_choice_buckets()

        self._lock = threading.RLock()
        self._appended, self._appended_trainings, self._overrides = [], [], {}
        self._advanced_ns = 0
        self._found_ids: dict[str, dict[str, int]] = {}
        self._real_time_origin: float | None = None
        self._data_urls = DataUrls.for_account(self._key, data_url_rate)
        self.outcomes = Outcomes(failures=failures, aborted=aborted)

    # ----- clock -------------------------------------------------------------------------
    def now_ns(self) -> int:
        """The simulated now: `end`, plus advances, plus real time if it was switched on."""
        now = self.end_ns + self._advanced_ns
        if self._real_time_origin is not None:
            now += int((time.monotonic() - self._real_time_origin) * NS_PER_SECOND)
        return now

    def advance(self, seconds: float) -> None:
        """Move the simulated clock forward: running records finish when their time comes."""
        if seconds < 0:
            raise ValueError("the simulated clock only moves forward")
        with self._lock:
            self._advanced_ns += int(seconds * NS_PER_SECOND)

    @property
    def advanced_seconds(self) -> float:
        """How far `advance` has moved the clock (real time not included)."""
        return self._advanced_ns / NS_PER_SECOND

    def follow_real_time(self) -> None:
        """Let real time pass on the simulated clock too (the `serve` command does this)."""
        if self._real_time_origin is None:
            self._real_time_origin = time.monotonic()

    # ----- indexing ----------------------------------------------------------------------
    def count(self, kind: str = "prediction") -> int:
        """Number of records of `kind` (predictions include the ones created since)."""
        if kind == "prediction":
            return self.predictions + len(self._appended)
        return self.trainings + len(self._appended_trainings)

    def created_ns(self, kind: str, index: int) -> int:
        """`created_at` of record `index` (oldest is 0) in nanoseconds; strictly increasing."""
        base = self._counts[kind]
        if index >= base:
            return self._appended_list(kind)[index - base].created_ns
        return self._created(kind, index)[0]

    def first_index_at_or_after(self, kind: str, moment_ns: int) -> int:
        """The smallest index whose created_at >= moment_ns (count if none): binary search."""
        low, high = 0, self.count(kind)
        while low < high:
            middle = (low + high) // 2
            if self.created_ns(kind, middle) < moment_ns:
                low = middle + 1
            else:
                high = middle
        return low

    def find(self, kind: str, wanted: str) -> int | None:
        """The index of the record whose id is `wanted`, or None.

        Ids are hashes, so this scans newest first (where GETs usually point; about a second
        per 200k records). The app remembers the ids it served in lists, so a sync's GETs rarely
        get here, and a small cache keeps repeated GETs cheap.
        """
        cache = self._found_ids.setdefault(kind, {})
        if wanted in cache:
            return cache[wanted]
        for plan in self._appended_list(kind):
            if plan.id == wanted:
                return plan.index
        kind_key = self._key + (b"p:" if kind == "prediction" else b"t:")
        for index in range(self._counts[kind] - 1, -1, -1):
            digest = hashlib.blake2b(kind_key + str(index).encode(), digest_size=64).digest()
            if record_id(digest) == wanted:
                if len(cache) < 10_000:
                    cache[wanted] = index
                return index
        return None

    def _fraction_to_ns(self, fraction: float, salt: tuple) -> int:
        draws = Draws(self._key + repr(salt).encode())
        whole = self.start_ns + int(fraction * self._span_ns) // NS_PER_SECOND * NS_PER_SECOND
        return whole + int(draws.next() * 1_000_000) * 1000

    def _created(self, kind: str, index: int, draws: Draws | None = None) -> tuple[int, int, bool]:
        """(created_ns, digits, python_style) of a generated record."""
        if draws is None:
            draws = Draws(
                self._key + (b"p:" if kind == "prediction" else b"t:") + str(index).encode()
            )
        count = self._counts[kind]
        tail = self._tail[kind]
        base_count = count - tail
        position = draws.next()
        style = draws.next()
        if index >= base_count:
            # the tail: one record every TAIL_SPACING_NS in the last minute before `end`
            low = self.end_ns - (count - index) * TAIL_SPACING_NS
            high = low + NS_PER_SECOND
        else:
            window_end = self.end_ns - (tail + 1) * TAIL_SPACING_NS
            span = window_end - self.start_ns
            # u ** 0.6 puts more records near the end: the account's usage grows
            low = self.start_ns + int(span * (index / base_count) ** 0.6)
            high = self.start_ns + int(span * ((index + 1) / base_count) ** 0.6)
        raw = low + int((high - low) * (0.05 + 0.9 * position))
        if style < 0.6:  # Python's serializer: 6 digits, none when the microseconds are 0
            digits, python_style = 6, True
        else:  # Go's: 0-9 digits with trailing zeros stripped
            digits, python_style = int(draws.next() * 10), False
        quantum = 10 ** (9 - digits)
        snapped = raw // quantum * quantum
        if snapped < low:
            snapped = ceil_to_digits(low, digits)
        if snapped >= high:  # slot too narrow for that precision
            snapped, digits, python_style = raw, 9, False
        return snapped, digits, python_style

    # ----- record generation -------------------------------------------------------------
    def _build_choice_buckets(self) -> list[tuple[list[float], list[tuple[str, Any]]]]:
        """Per 1% of history: the (cumulative weights, choices) available from its start."""
        buckets = []
        for bucket in range(100):
            fraction = bucket / 100
            bucket_ns = self.start_ns + int(fraction * self._span_ns)
            choices: list[tuple[str, Any]] = []
            weights: list[float] = []
            for model in self.models:
                if model.available_from <= fraction:
                    choices.append(("model", model))
                    weights.append(model.weight)
            for dep in self.deployments:
                if self._release_ns[dep.name][0] <= bucket_ns:
                    choices.append(("deployment", dep))
                    weights.append(dep.weight)
            cumulative, total = [], 0.0
            for weight in weights:
                total += weight
                cumulative.append(total)
            buckets.append(([c / total for c in cumulative], choices))
        return buckets

    def _release_at(self, dep: catalog.DeploymentSpec, moment_ns: int) -> catalog.Release:
        position = bisect.bisect_right(self._release_ns[dep.name], moment_ns) - 1
        return dep.releases[max(position, 0)]

    def _fmt(self, ns: int, digits: int, python_style: bool) -> str:
        if python_style:
            return format_ns(ns, 6 if ns % NS_PER_SECOND else 0, strip=False)
        return format_ns(ns, digits)

    def _prediction_plan(self, index: int) -> Plan:
        if index >= self.predictions:
            return self._appended[index - self.predictions]
        draws = Draws(self._key + b"p:" + str(index).encode())
        created_ns, digits, python_style = self._created("prediction", index, draws)
        fraction = (created_ns - self.start_ns) / self._span_ns
        weights, choices = self._choice_buckets[min(int(fraction * 100), 99)]
        kind, choice = choices[min(bisect.bisect_left(weights, draws.next()), len(choices) - 1)]
        deployment = None
        source: str | None
        if kind == "deployment":
            release = self._release_at(choice, created_ns)
            model = self._models_by_name[release.model]
            version, hardware = release.version, release.hardware
            deployment = f"{self.username}/{choice.name}"
            source = "api"
        else:
            model = choice
            era = model.era_at(fraction)
            version, hardware = era.version, era.hardware
            source = "web" if draws.next() < model.web_share else "api"
        if fraction < 0.1 and draws.next() < 0.5:
            source = None  # the oldest records predate the `source` field
        if self._planted:
            model, version, hardware, deployment, source = self._planted.steer(
                self, draws.id, created_ns, (model, version, hardware, deployment, source)
            )
        draft = PredictionDraft(
            index=index,
            created_ns=created_ns,
            created_at=self._fmt(created_ns, digits, python_style),
            model=model,
            version=version,
            hardware=hardware,
            deployment=deployment,
            source=source,
            fraction=fraction,
            tail=index >= self.predictions - self._tail["prediction"],
            newest=index == self.predictions - 1,
        )
        plan = build_prediction(draws, draft, self._data_urls, self.outcomes)
        return self._planted.adjust(plan) if self._planted else plan

    def _training_plan(self, index: int) -> Plan:
        draws = Draws(self._key + b"t:" + str(index).encode())
        created_ns, digits, python_style = self._created("training", index, draws)
        cumulative, total = [], 0.0
        for trainer in self.trainers:
            total += trainer.weight
            cumulative.append(total / sum(t.weight for t in self.trainers))
        trainer = self.trainers[
            min(bisect.bisect_left(cumulative, draws.next()), len(self.trainers) - 1)
        ]
        return build_training(
            draws,
            trainer,
            index=index,
            created_ns=created_ns,
            created_at=self._fmt(created_ns, digits, python_style),
            username=self.username,
            tail=index >= self.trainings - self._tail["training"],
            outcomes=self.outcomes,
        )

    def plan(self, kind: str, index: int) -> Plan:
        """The clock-independent facts of record `index` of `kind`."""
        changed = self._overrides.get((kind, index))
        if changed is not None:
            return changed
        if kind == "prediction":
            return self._prediction_plan(index)
        if index >= self.trainings:
            return self._appended_trainings[index - self.trainings]
        return self._training_plan(index)

    def _appended_list(self, kind: str) -> list[Plan]:
        return self._appended if kind == "prediction" else self._appended_trainings

    def replace_plan(self, plan: Plan) -> None:
        """Serve `plan` for its record from now on (a cancel changes how a record ends)."""
        with self._lock:
            self._overrides[(plan.kind, plan.index)] = plan

    def append_training(self, build: Callable[[int, int, Draws], Plan]) -> Plan:
        """Append a training created now; `build(index, created_ns, draws)` makes its plan."""
        with self._lock:
            index = self.count("training")
            last = self.created_ns("training", index - 1) if index else 0
            created_ns = max(ceil_to_digits(self.now_ns(), 6), last + 1000)
            plan = build(index, created_ns, Draws(self._key + b"t:" + str(index).encode()))
            self._appended_trainings.append(plan)
            return plan

    # ----- rendering ---------------------------------------------------------------------
    def render(self, plan: Plan, now_ns: int, *, list_item: bool = True) -> tuple[dict, bool]:
        """The record as the API serves it at `now_ns`, and whether it can no longer change."""
        finished = now_ns >= plan.completed_ns
        running = plan.started_ns is not None and now_ns >= plan.started_ns
        status = plan.final_status if finished else "processing" if running else "starting"
        removed = (
            finished
            and plan.kind == "prediction"
            and plan.source != "web"
            and now_ns >= plan.completed_ns + DATA_REMOVAL_NS
        )
        stable = removed or (finished and (plan.kind == "training" or plan.source == "web"))
        record: dict[str, Any] = {}
        if finished:
            record["completed_at"] = plan.completed_at
        record["created_at"] = plan.created_at
        if not plan.omit_data_removed:
            record["data_removed"] = removed
        if plan.deployment:
            record["deployment"] = plan.deployment
        if plan.extra:
            record.update(plan.extra)
        record["error"] = plan.error if finished else None
        record["id"] = plan.id
        record["input"] = plan.input
        if not list_item:
            record["logs"] = plan.logs if running or finished else ""
        if finished and plan.metrics is not None:
            record["metrics"] = plan.metrics
        record["model"] = plan.model
        output = None if removed or not finished else plan.output
        # a training's `output` is an object in the spec (not nullable): absent until it exists
        if output is not None or plan.kind == "prediction":
            record["output"] = output
        if plan.source is not None:
            record["source"] = plan.source
        if running:
            record["started_at"] = plan.started_at
        record["status"] = status
        # trainings' urls point at /v1/predictions/{id}: a quirk of Replicate's API
        urls = {
            "cancel": f"{API}/predictions/{plan.id}/cancel",
            "get": f"{API}/predictions/{plan.id}",
        }
        if plan.stream and not finished:
            urls["stream"] = f"https://stream.replicate.com/v1/files/{plan.id}"
        urls["web"] = f"{WEB}/{plan.id}"
        record["urls"] = urls
        record["version"] = plan.version
        return record, stable

    def record(self, kind: str, index: int, *, list_item: bool = False) -> dict:
        """Record `index` of `kind` as the API serves it now."""
        return self.render(self.plan(kind, index), self.now_ns(), list_item=list_item)[0]

    # ----- growth ------------------------------------------------------------------------
    def model_spec(self, name: str) -> catalog.ModelSpec | None:
        return self._models_by_name.get(name)

    def model_for_version(self, version: str) -> catalog.ModelSpec | None:
        for model in self.models:
            if any(era.version == version for era in model.eras):
                return model
        return None

    def deployment_spec(self, name: str) -> catalog.DeploymentSpec | None:
        for dep in self.deployments:
            if dep.name == name:
                return dep
        return None

    def create_prediction(
        self,
        model: str | None = None,
        version: str | None = None,
        deployment: str | None = None,
        input: dict | None = None,  # noqa: A002 - the API's field name
        source: str = "api",
    ) -> dict:
        """Append a prediction created now (status `starting`); returns it as served.

        Give `deployment` ("owner/name" or "name"), or `model` ("owner/name") and optionally
        `version`, or just a `version` id. Raises LookupError for unknown names or versions.
        """
        with self._lock:
            now = self.now_ns()
            index = self.count("prediction")
            draws = Draws(self._key + b"p:" + str(index).encode())
            last = self.created_ns("prediction", index - 1) if index else 0
            created_ns = max(ceil_to_digits(now, 6), last + 1000)
            fraction = (created_ns - self.start_ns) / self._span_ns
            dep_name = None
            if deployment:
                spec = self.deployment_spec(deployment.split("/")[-1])
                if spec is None or (
                    deployment.count("/") and not deployment.startswith(self.username + "/")
                ):
                    raise LookupError(f"deployment {deployment} not found")
                release = self._release_at(spec, created_ns)
                model_spec = self._models_by_name[release.model]
                version_id, hardware = release.version, release.hardware
                dep_name = f"{self.username}/{spec.name}"
            else:
                found = self.model_spec(model) if model else self.model_for_version(version or "")
                if found is None:
                    raise LookupError(f"model {model or version} not found")
                model_spec = found
                era = model_spec.era_at(min(fraction, 1.0))
                if version and version != "hidden":
                    matching = [e for e in model_spec.eras if e.version == version]
                    if not matching:
                        raise LookupError(f"version {version} of {model_spec.name} not found")
                    era = matching[0]
                version_id, hardware = era.version, era.hardware
            draft = PredictionDraft(
                index=index,
                created_ns=created_ns,
                created_at=format_ns(created_ns, 6, strip=False),
                model=model_spec,
                version=version_id,
                hardware=hardware,
                deployment=dep_name,
                source=source,
                given_input=input or {},
            )
            plan = build_prediction(draws, draft, self._data_urls, self.outcomes)
            plan.omit_data_removed = False
            self._appended.append(plan)
            return self.render(plan, now, list_item=False)[0]

    # ----- truth -------------------------------------------------------------------------
    def ground_truth(self) -> Iterator[dict]:
        """One row per prediction and training, newest first, derived from what is served."""
        now = self.now_ns()
        for kind in ("prediction", "training"):
            for index in range(self.count(kind) - 1, -1, -1):
                plan = self.plan(kind, index)
                yield self.truth_row(plan, self.render(plan, now)[0])

    def truth_row(self, plan: Plan, served: dict) -> dict:
        """The ground-truth row of a record from the dict the API serves for it."""
        metrics = served.get("metrics") or {}
        units: dict = {}
        if "image_count" in metrics:
            units = {"image": metrics["image_count"]}
        elif "input_token_count" in metrics:
            units = {
                "input_token": metrics["input_token_count"],
                "output_token": metrics["output_token_count"],
            }
        else:
            units = {unit: metrics[key] for key, unit in _MEDIA_UNITS.items() if key in metrics}
        spec = self._models_by_name.get(plan.model)
        given: dict = served["input"] if isinstance(served.get("input"), dict) else {}
        priced_by = {
            field: given[field]
            for field, _ in (spec.price_inputs if spec else ())
            if field in given
        }
        return {
            "id": served["id"],
            "kind": plan.kind,
            "account": self.username,
            "model": served["model"],
            "version": served["version"],
            "deployment": served.get("deployment"),
            "source": served.get("source"),
            "status": served["status"],
            "created_at": served["created_at"],
            "hardware": plan.hardware,
            "billing": plan.billing,
            "predict_time": metrics.get("predict_time"),
            "units": units,
            "input": priced_by,  # the inputs its price depends on (official models)
        }

    def deployment_history(self) -> list[dict]:
        """Every release of every deployment (Replicate serves only the current one)."""
        rows = []
        for dep in self.deployments:
            for release, release_ns in zip(dep.releases, self._release_ns[dep.name], strict=True):
                rows.append(
                    {
                        "owner": self.username,
                        "name": dep.name,
                        "number": release.number,
                        "model": release.model,
                        "version": release.version,
                        "hardware": release.hardware,
                        "min_instances": release.min_instances,
                        "max_instances": release.max_instances,
                        "created_at": format_ns(release_ns, 6, strip=False),
                        "created_ns": release_ns,
                    }
                )
        return rows

    def current_release(
        self, dep: catalog.DeploymentSpec, now_ns: int
    ) -> tuple[catalog.Release, int] | None:
        """The release in force at `now_ns` and its creation instant, or None before the first."""
        times = self._release_ns[dep.name]
        position = bisect.bisect_right(times, now_ns) - 1
        if position < 0:
            return None
        return dep.releases[position], times[position]
