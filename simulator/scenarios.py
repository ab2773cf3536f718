"""Planted findings: an account can be told to contain a spike, an idle deployment or a bad version.

Cost insights (`replicost report insights`) are tested on accounts built to contain each finding,
with the expected dollars computed from the simulator's ground truth. Scenarios are opt-in: an
account made without them draws exactly the same records as before, byte for byte. A scenario never
consumes the record's own random draws; its choices come from a separate hash of the record's id,
so planting one finding leaves every other record of the account as it was, apart from what the
finding itself changes (a new deployment or version era shifts which model later records choose).

- `Spike(model, day)`: on that UTC day, a `share` of the day's records is redirected to `model`
  (as direct API predictions on its current version) and that model's records run `factor` times
  longer than usual.
- `IdleDeployment(name, model, hardware, since)`: a deployment kept warm by `min_instances` from
  `since`, receiving very few predictions (`weight` sets how few).
- `BadVersion(model, since, failure_rate=..., slowdown=...)`: a new version era of `model` from
  `since` on the same hardware, whose records fail at `failure_rate` with `error`, and whose
  predict time is `slowdown` times the model's usual one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from replicost.simulator import catalog
from replicost.simulator.timefmt import NS_PER_SECOND, datetime_to_ns, format_ns

if TYPE_CHECKING:
    from replicost.simulator.account import SimulatedAccount
    from replicost.simulator.records import Plan

DAY_NS = 86_400 * NS_PER_SECOND


@dataclass(frozen=True)
class Spike:
    """One UTC day on which `model` (owner/name) costs far more than usual."""

    model: str
    day: date
    factor: float = 30.0
    share: float = 0.5


@dataclass(frozen=True)
class IdleDeployment:
    """A deployment of `model` on `hardware` kept warm by `min_instances` from `since`."""

    name: str
    model: str
    hardware: str
    since: datetime
    min_instances: int = 1
    max_instances: int = 2
    weight: float = 0.05


@dataclass(frozen=True)
class BadVersion:
    """A version of `model` from `since` on that fails often and runs slower."""

    model: str
    since: datetime
    failure_rate: float = 0.6
    slowdown: float = 1.0
    error: str = "CUDA out of memory. Tried to allocate 4.00 GiB"

    @property
    def version(self) -> str:
        return catalog.hex_id(self.model, "bad-version", self.since.isoformat())


Scenario = Spike | IdleDeployment | BadVersion


def _uniform(plan_id: str, salt: str) -> float:
    """A uniform float in [0, 1) from the record's id: independent of the record's own draws."""
    digest = hashlib.blake2b(f"{salt}:{plan_id}".encode(), digest_size=8).digest()
    return struct.unpack("<Q", digest)[0] / 2**64


class Planted:
    """The scenarios of one account, applied while its models are built and its records drawn."""

    def __init__(self, scenarios: Sequence[Scenario], start_ns: int, span_ns: int) -> None:
        self.scenarios = tuple(scenarios)
        self._start_ns = start_ns
        self._span_ns = span_ns
        self._spikes = [s for s in self.scenarios if isinstance(s, Spike)]
        self._bad = {s.version: s for s in self.scenarios if isinstance(s, BadVersion)}

    def fraction(self, moment: datetime) -> float:
        """`moment` as a fraction of the account's history (what the catalog's eras use)."""
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return (datetime_to_ns(moment) - self._start_ns) / self._span_ns

    # ----- shaping the catalog -----------------------------------------------------------
    def shape_models(self, models: list[catalog.ModelSpec]) -> list[catalog.ModelSpec]:
        """The models with a bad version's era added to each model that has one."""
        shaped = []
        for model in models:
            for bad in (s for s in self._bad.values() if s.model == model.name):
                since = self.fraction(bad.since)
                hardware = model.era_at(since).hardware
                eras = sorted([*model.eras, catalog.Era(since, bad.version, hardware)],
                              key=lambda era: era.since)  # fmt: skip
                model = dataclasses.replace(model, eras=tuple(eras))
            shaped.append(model)
        return shaped

    def shape_deployments(
        self, deployments: list[catalog.DeploymentSpec], models: dict[str, catalog.ModelSpec]
    ) -> list[catalog.DeploymentSpec]:
        """The deployments with each idle deployment appended (one release each)."""
        extra = []
        for idle in (s for s in self.scenarios if isinstance(s, IdleDeployment)):
            since = self.fraction(idle.since)
            if idle.model not in models:
                raise ValueError(
                    f"idle deployment {idle.name}: the account has no model {idle.model}"
                )
            release = catalog.Release(
                1, since, idle.model, models[idle.model].era_at(since).version,
                idle.hardware, idle.min_instances, idle.max_instances,
            )  # fmt: skip
            extra.append(catalog.DeploymentSpec(idle.name, idle.weight, (release,)))
        return [*deployments, *extra]

    # ----- steering records --------------------------------------------------------------
    def _spike_at(self, created_ns: int) -> Spike | None:
        for spike in self._spikes:
            day_ns = datetime_to_ns(
                datetime(spike.day.year, spike.day.month, spike.day.day, tzinfo=UTC)
            )
            if day_ns <= created_ns < day_ns + DAY_NS:
                return spike
        return None

    def steer(
        self, account: SimulatedAccount, record_id: str, created_ns: int, choice: tuple
    ) -> tuple:
        """(model, version, hardware, deployment, source) after the spikes' redirection."""
        spike = self._spike_at(created_ns)
        if spike is None or choice[0].name == spike.model:
            return choice
        if _uniform(record_id, "spike") >= spike.share:
            return choice
        model = account.model_spec(spike.model)
        if model is None:  # a spike on a model this account does not run: nothing to steer to
            return choice
        era = model.era_at((created_ns - self._start_ns) / self._span_ns)
        return model, era.version, era.hardware, None, "api"

    def adjust(self, plan: Plan) -> Plan:
        """The record after its spike (longer runs) or bad version (failures, slower runs)."""
        factor = 1.0
        spike = self._spike_at(plan.created_ns)
        if spike is not None and plan.model == spike.model:
            factor *= spike.factor
        bad = self._bad.get(plan.version)
        if bad is not None:
            factor *= bad.slowdown
            if plan.final_status == "succeeded" and _uniform(plan.id, "fail") < bad.failure_rate:
                _fail(plan, bad.error)
        if factor != 1.0 and plan.predict_time is not None:
            _stretch(plan, factor)
        return plan


def _fail(plan: Plan, error: str) -> None:
    plan.final_status = "failed"
    plan.error = error
    plan.output = None
    plan.logs += f"{error}\n"
    if plan.metrics:
        plan.metrics = {
            k: plan.metrics[k] for k in ("predict_time", "total_time") if k in plan.metrics
        }


def _stretch(plan: Plan, factor: float) -> None:
    """Run `factor` times longer: predict_time, completion and total_time move together."""
    if plan.predict_time is None:  # never ran: nothing to stretch
        return
    predict_time = round(plan.predict_time * factor, 6)
    extra_ns = int((predict_time - plan.predict_time) * NS_PER_SECOND)
    plan.predict_time = predict_time
    # served to the microsecond
    plan.completed_ns = -(-(plan.completed_ns + extra_ns) // 1000) * 1000
    plan.completed_at = format_ns(plan.completed_ns, 6, strip=False)
    if plan.metrics and "predict_time" in plan.metrics:
        plan.metrics = {
            **plan.metrics,
            "predict_time": predict_time,
            "total_time": round((plan.completed_ns - plan.created_ns) / NS_PER_SECOND, 6),
        }


PLANT_FORMS = (
    "spike:OWNER/MODEL:YYYY-MM-DD",
    "idle:NAME:OWNER/MODEL:HARDWARE_SKU:YYYY-MM-DD",
    "bad-version:OWNER/MODEL:YYYY-MM-DD",
)


def parse_plant(text: str) -> Scenario:
    """A scenario from its command-line form (`replicost simulate --plant`), one of PLANT_FORMS."""
    kind, _, rest = text.partition(":")
    parts = rest.split(":")
    try:
        if kind == "spike" and len(parts) == 2:
            return Spike(parts[0], date.fromisoformat(parts[1]))
        if kind == "idle" and len(parts) == 4:
            since = datetime.fromisoformat(parts[3]).replace(tzinfo=UTC)
            return IdleDeployment(parts[0], parts[1], parts[2], since)
        if kind == "bad-version" and len(parts) == 2:
            return BadVersion(parts[0], datetime.fromisoformat(parts[1]).replace(tzinfo=UTC))
    except ValueError:
        pass
    raise ValueError(f"cannot read --plant {text!r}; use one of: {', '.join(PLANT_FORMS)}")
