"""How the simulated account changes after it was generated: cancels and new trainings.

Records are pure functions of their index until someone acts on them; an act produces a new plan
that the account serves from then on (`replace_plan`, `append_training`), so lists, GETs and
`ground_truth()` keep agreeing with each other.

A cancel follows Replicate: a record that has not finished ends now as `canceled` (its predict
time is what ran so far, or none if it never started); a record that already finished is returned
unchanged. A new training starts now, runs on its trainer's hardware and pushes a version to its
destination.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from replicost.simulator import catalog
from replicost.simulator.account import SimulatedAccount
from replicost.simulator.draws import Draws
from replicost.simulator.records import Plan
from replicost.simulator.timefmt import NS_PER_SECOND, format_ns


def cancel(account: SimulatedAccount, kind: str, record_id: str) -> dict[str, Any] | None:
    """Cancel record `record_id` of `kind` now; return it as served, or None if there is none."""
    index = account.find(kind, record_id)
    if index is None:
        return None
    now = account.now_ns()
    plan = account.plan(kind, index)
    if now < plan.completed_ns:  # still starting or processing
        cancel_ns = max(now // 1000 * 1000, plan.created_ns)  # microseconds, as Replicate's
        if cancel_ns > now:
            # records created in one frozen instant sit microseconds apart: the clock catches up
            account.advance((cancel_ns - now) / NS_PER_SECOND + 1e-9)
        account.replace_plan(canceled(plan, cancel_ns))
    return account.record(kind, index)


def canceled(plan: Plan, cancel_ns: int) -> Plan:
    """`plan` ended by a cancel at `cancel_ns`."""
    started = plan.started_ns is not None and plan.started_ns <= cancel_ns
    predict_time = None
    metrics = None
    if started and plan.started_ns is not None:
        predict_time = max(round((cancel_ns - plan.started_ns) / NS_PER_SECOND, 6), 1e-6)
        metrics = {
            "predict_time": predict_time,
            "total_time": round((cancel_ns - plan.created_ns) / NS_PER_SECOND, 6),
        }
    return dataclasses.replace(
        plan,
        final_status="canceled",
        started_ns=plan.started_ns if started else None,
        started_at=plan.started_at if started else None,
        completed_ns=cancel_ns,
        completed_at=format_ns(cancel_ns, 6, strip=False),
        predict_time=predict_time,
        metrics=metrics,
        output=None,
        error=None,
        logs=plan.logs + "canceled\n",
    )


def find_trainer(account: SimulatedAccount, model: str, version: str) -> catalog.TrainerSpec:
    """The trainer behind `model` at `version`; LookupError when it is not one."""
    for trainer in account.trainers:
        if trainer.name == model and trainer.version == version:
            return trainer
    raise LookupError(f"version {version} of {model} is not trainable")


def create_training(
    account: SimulatedAccount,
    trainer: catalog.TrainerSpec,
    destination: str,
    input_: dict[str, Any],
) -> dict[str, Any]:
    """Append a training of `trainer` created now; return it as served (status `starting`)."""

    def build(index: int, created_ns: int, draws: Draws) -> Plan:
        return _new_training(account, trainer, destination, input_, index, created_ns, draws)

    plan = account.append_training(build)
    return account.record("training", plan.index)


def _new_training(
    account: SimulatedAccount,
    trainer: catalog.TrainerSpec,
    destination: str,
    input_: dict[str, Any],
    index: int,
    created_ns: int,
    draws: Draws,
) -> Plan:
    queue_s = 2.0 + draws.next() * 8
    train_s = round(draws.log_uniform(*trainer.train_seconds), 6)
    started_ns = created_ns + int(queue_s * NS_PER_SECOND)
    completed_ns = started_ns + int((train_s + 5.0) * NS_PER_SECOND)
    trained_version = catalog.hex_id(account.username, "trained", "created", index)
    files = f"https://replicate.delivery/xezq/{draws.id[:20]}"
    return Plan(
        kind="training",
        index=index,
        id=draws.id,
        created_ns=created_ns,
        created_at=format_ns(created_ns, 6, strip=False),
        model=trainer.name,
        version=trainer.version,
        deployment=None,
        hardware=trainer.hardware,
        billing="per_second",
        source="api",
        final_status="succeeded",
        started_ns=started_ns,
        started_at=format_ns(started_ns, 6, strip=False),
        completed_ns=completed_ns,
        completed_at=format_ns(completed_ns, 6, strip=False),
        predict_time=train_s,
        metrics={
            "predict_time": train_s,
            "total_time": round((completed_ns - created_ns) / NS_PER_SECOND, 6),
        },
        input=input_,
        output={
            "version": f"{destination}:{trained_version}",
            "weights": f"{files}/trained_model.tar",
        },
        error=None,
        logs=f"Training {trainer.name}\n",
        omit_data_removed=True,
        stream=False,
        extra={"destination": destination},
    )
