"""Cancels and new trainings: served records, lists and the ground truth keep agreeing."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from replicost.simulator import SimulatedAccount, SimulatorApp

END = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def app():
    return SimulatorApp(SimulatedAccount(seed=9, predictions=120, trainings=8, end=END))


@pytest.fixture
def http(app):
    with httpx.Client(
        transport=app.httpx_transport(),
        base_url="http://sim.test/v1",
        headers={"Authorization": "Bearer r8_growth"},
    ) as client:
        yield client


def truth_by_id(app):
    return {row["id"]: row for row in app.account.ground_truth()}


def test_canceling_a_running_prediction_ends_it_now_everywhere(app, http):
    running = [r for r in http.get("/predictions").json()["results"] if r["status"] == "processing"]
    assert running  # the account's tail is still running at its end
    target = running[0]
    app.advance(5)
    canceled = http.post(f"/predictions/{target['id']}/cancel").json()
    assert canceled["status"] == "canceled" and canceled["output"] is None
    # what ran: from started_at to the cancel, 5 s after the account's end at the earliest
    assert canceled["metrics"]["predict_time"] > 5
    listed = {r["id"]: r for r in http.get("/predictions").json()["results"]}
    assert listed[target["id"]]["status"] == "canceled"
    assert listed[target["id"]]["completed_at"] == canceled["completed_at"]
    row = truth_by_id(app)[target["id"]]
    assert (row["status"], row["predict_time"]) == ("canceled", canceled["metrics"]["predict_time"])
    app.advance(3600)  # long after it would have finished: still canceled
    assert http.get(f"/predictions/{target['id']}").json()["status"] == "canceled"


def test_a_prediction_canceled_before_it_started_has_no_predict_time(app, http):
    created = http.post(
        "/predictions", json={"version": "black-forest-labs/flux-dev", "input": {"prompt": "x"}}
    ).json()
    canceled = http.post(f"/predictions/{created['id']}/cancel").json()
    assert canceled["status"] == "canceled"
    assert "metrics" not in canceled and "started_at" not in canceled
    assert canceled["completed_at"] >= canceled["created_at"]
    assert truth_by_id(app)[created["id"]]["predict_time"] is None


def test_cancel_leaves_finished_records_alone_and_404s_unknown_ids(app, http):
    finished = next(
        r for r in http.get("/predictions").json()["results"] if r["status"] == "succeeded"
    )
    again = http.post(f"/predictions/{finished['id']}/cancel").json()
    assert again == http.get(f"/predictions/{finished['id']}").json()
    assert again["status"] == "succeeded"
    assert http.post("/predictions/nope/cancel").status_code == 404
    assert http.post("/trainings/nope/cancel").status_code == 404


def test_a_created_training_is_listed_first_runs_and_pushes_a_version(app, http):
    version = http.get("/models/replicate/fast-flux-trainer").json()["latest_version"]["id"]
    created = http.post(
        f"/models/replicate/fast-flux-trainer/versions/{version}/trainings",
        json={"destination": "acme-ai/flux-fast-lora", "input": {"steps": 100}},
    )
    assert created.status_code == 201
    training = created.json()
    assert training["status"] == "starting" and training["destination"] == "acme-ai/flux-fast-lora"
    assert http.get("/trainings").json()["results"][0]["id"] == training["id"]
    row = truth_by_id(app)[training["id"]]
    assert (row["kind"], row["hardware"], row["status"]) == ("training", "gpu-h100", "starting")
    app.advance(2 * 3600)
    done = http.get(f"/trainings/{training['id']}").json()
    assert done["status"] == "succeeded"
    assert done["output"]["version"].startswith("acme-ai/flux-fast-lora:")
    assert truth_by_id(app)[training["id"]]["predict_time"] == done["metrics"]["predict_time"]


def test_training_creation_refusals(http):
    version = http.get("/models/replicate/fast-flux-trainer").json()["latest_version"]["id"]
    path = f"/models/replicate/fast-flux-trainer/versions/{version}/trainings"
    assert http.post(path, json={"input": {}}).status_code == 422
    missing = http.post(path, json={"destination": "acme-ai/nothing", "input": {}})
    assert missing.status_code == 404
    assert missing.json()["detail"] == "The specified training destination does not exist"
    not_a_trainer = http.post(
        f"/models/stability-ai/sdxl/versions/{'0' * 64}/trainings",
        json={"destination": "acme-ai/sdxl-style", "input": {}},
    )
    assert not_a_trainer.status_code == 404
