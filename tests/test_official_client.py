"""Conformance: Replicate's official Python client (replicate 1.0.7) against `replicost simulate serve`.

Every operation the official client has that Replicate's spec has is called over real HTTP on
loopback against the CLI's server. Each one either works as it does against Replicate, or fails
exactly as it does against Replicate:
- a page or a record with `status: aborted` (added to the API in October 2025) raises pydantic's
  ValidationError: 1.0.7's `Prediction.status` is a Literal without it (replicate-python #449);
- `version="hidden"` (what official models' predictions show) and `owner/name` of a non-official
  model are refused with 422 "Invalid version or not permitted";
- an official model has no version list (404 "This model is an official model and does not expose a
  list of versions.").
Expected values come from the server's ground-truth dump (`--dump`) and from the catalog facts
written out here, never from the responses under test.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections import Counter
from pathlib import Path

import httpx
import orjson
import pytest
from cli_helpers import CLI

replicate = pytest.importorskip("replicate", reason="the dev extra installs replicate==1.0.7")
from replicate.exceptions import ReplicateError  # noqa: E402

pydantic_v1 = pytest.importorskip("pydantic.v1")

TOKEN = "r8_conformance_secret_token"
USERNAME = "acme-ai"
TRAINER = "ostris/flux-dev-lora-trainer"


def simulate_serve(tmp_path_factory, *switches: str):
    """`replicost simulate serve` in its own process; (host URL without /v1, ground truth rows)."""
    dump = tmp_path_factory.mktemp("official") / "truth.jsonl"
    args = ["simulate", "serve", "--predictions", "450", "--trainings", "30", "--seed", "11"]
    args += ["--end", "2026-11-01", "--token", TOKEN, "--username", USERNAME, "--dump", str(dump)]
    process = subprocess.Popen(
        [*CLI, *args, *switches],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        base_url = process.stdout.readline().strip()
        assert base_url.endswith("/v1"), process.stderr.read()
        truth = [orjson.loads(line) for line in Path(dump).read_text().splitlines()]
        yield base_url.removesuffix("/v1"), truth
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        assert "Traceback" not in err


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    yield from simulate_serve(tmp_path_factory)


@pytest.fixture(scope="module")
def client(served):
    return replicate.Client(api_token=TOKEN, base_url=served[0])


@pytest.fixture(scope="module")
def truth(served):
    return served[1]


def raw_pages(base: str, path: str):
    """The list's pages as plain JSON, following `next` (to know what each page holds)."""
    with httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        url: str | None = f"{base}/v1/{path}"
        while url:
            page = http.get(url).raise_for_status().json()
            yield url, page
            url = page["next"]


# -- account, hardware, deployments -----------------------------------------------------------


def test_account_and_hardware(client):
    account = client.accounts.current()
    assert (account.type, account.username) == ("organization", USERNAME)
    skus = {hardware.sku for hardware in client.hardware.list()}
    assert {"cpu", "gpu-t4", "gpu-a40-large", "gpu-l40s", "gpu-a100-large", "gpu-h100"} <= skus


def test_deployments_list_get_and_predict(client, truth):
    names = {deployment.id for deployment in client.deployments.list()}
    used = {row["deployment"] for row in truth if row["deployment"]}
    assert used <= names
    deployment = client.deployments.get(f"{USERNAME}/image-gen")
    release = deployment.current_release
    assert release is not None and release.configuration.hardware.startswith(("gpu", "cpu"))
    created = deployment.predictions.create(input={"prompt": "conformance"})
    assert created.status == "starting" and created.model == release.model


# -- predictions --------------------------------------------------------------------------------


def test_prediction_pages_parse_unless_they_hold_an_aborted_record(served, client, truth):
    base = served[0]
    seen, parsed_pages, refused_pages = [], 0, 0
    for url, page in raw_pages(base, "predictions"):
        cursor = url if seen else ...
        aborted = any(record["status"] == "aborted" for record in page["results"])
        if aborted:  # as against Replicate: 1.0.7's Literal has no "aborted"
            with pytest.raises(pydantic_v1.ValidationError, match="aborted"):
                client.predictions.list(cursor)
            refused_pages += 1
        else:
            typed = client.predictions.list(cursor)
            assert [p.id for p in typed] == [r["id"] for r in page["results"]]
            parsed_pages += 1
        seen += [record["id"] for record in page["results"]]
    expected = [row["id"] for row in truth if row["kind"] == "prediction"]
    created_since = len(seen) - len(expected)  # by the tests above, newest first
    assert 0 <= created_since < 10 and seen[created_since:] == expected  # each exactly once
    statuses = Counter(row["status"] for row in truth if row["kind"] == "prediction")
    assert statuses["aborted"] > 0 and refused_pages > 0
    assert parsed_pages + refused_pages == -(-len(seen) // 100)


def test_prediction_get_matches_the_ground_truth(client, truth):
    predictions = [row for row in truth if row["kind"] == "prediction"]
    for row in [r for r in predictions if r["status"] != "aborted"][:25]:
        got = client.predictions.get(row["id"])
        assert (got.model, got.version, got.status, got.created_at) == (
            row["model"],
            row["version"],
            row["status"],
            row["created_at"],
        )
        assert got.metrics is None or got.metrics.get("predict_time") == row["predict_time"]
    aborted = next(r for r in predictions if r["status"] == "aborted")
    with pytest.raises(pydantic_v1.ValidationError, match="aborted"):
        client.predictions.get(aborted["id"])
    with pytest.raises(ReplicateError) as missing:
        client.predictions.get("doesnotexist0000000000000")
    assert missing.value.status == 404


def test_prediction_create_by_version_model_and_refusals(client, truth):
    community = next(r for r in truth if r["model"] == "stability-ai/sdxl")
    by_version = client.predictions.create(
        version=f"stability-ai/sdxl:{community['version']}", input={"prompt": "a cat"}
    )
    assert (by_version.status, by_version.model) == ("starting", "stability-ai/sdxl")
    bare_id = client.predictions.create(version=community["version"], input={"prompt": "a dog"})
    assert bare_id.model == "stability-ai/sdxl"
    official = client.predictions.create(
        model="black-forest-labs/flux-schnell", input={"prompt": "a fox"}
    )
    assert (official.model, official.version) == ("black-forest-labs/flux-schnell", "hidden")
    by_name = client.models.predictions.create(
        "meta/meta-llama-3-8b-instruct", input={"prompt": "hi"}
    )
    assert by_name.status == "starting"
    for refused in ("hidden", "stability-ai/sdxl", "stability-ai/sdxl:" + "0" * 64):
        with pytest.raises(ReplicateError) as caught:
            client.predictions.create(version=refused, input={"prompt": "no"})
        assert (caught.value.status, caught.value.title) == (
            422,
            "Invalid version or not permitted",
        )


def test_prediction_cancel(client):
    created = client.predictions.create(
        model="black-forest-labs/flux-dev", input={"prompt": "to be canceled"}
    )
    canceled = client.predictions.cancel(created.id)
    assert canceled.id == created.id and canceled.status == "canceled"
    assert canceled.completed_at is not None and canceled.output is None
    again = client.predictions.get(created.id)
    assert again.status == "canceled" and again.completed_at == canceled.completed_at
    created.reload()
    created.cancel()  # the instance method: a finished prediction stays as it is
    assert created.status == "canceled"
    with pytest.raises(ReplicateError) as missing:
        client.predictions.cancel("doesnotexist0000000000000")
    assert missing.value.status == 404


def test_a_finished_prediction_is_not_changed_by_cancel(client, truth):
    done = next(r for r in truth if r["kind"] == "prediction" and r["status"] == "succeeded")
    assert client.predictions.cancel(done["id"]).status == "succeeded"


# -- trainings ----------------------------------------------------------------------------------


def test_training_pages_get_create_and_cancel(served, client, truth):
    trainings = [row for row in truth if row["kind"] == "training"]
    listed = []
    for url, _ in raw_pages(served[0], "trainings"):
        listed += [t.id for t in client.trainings.list(url if listed else ...)]
    assert listed == [row["id"] for row in trainings]
    first = client.trainings.get(trainings[0]["id"])
    assert (first.model, first.status) == (trainings[0]["model"], trainings[0]["status"])

    version = client.models.get(TRAINER).latest_version.id
    created = client.trainings.create(
        model=TRAINER,
        version=version,
        input={"input_images": "https://example.com/images.zip", "steps": 500},
        destination=f"{USERNAME}/flux-lora-brand",
    )
    assert (created.status, created.model, created.version) == ("starting", TRAINER, version)
    assert client.trainings.get(created.id).id == created.id
    assert client.trainings.cancel(created.id).status == "canceled"

    with pytest.raises(ReplicateError) as nowhere:
        client.trainings.create(
            model=TRAINER, version=version, input={}, destination=f"{USERNAME}/no-such-model"
        )
    assert nowhere.value.status == 404
    with pytest.raises(ReplicateError) as untrainable:
        client.trainings.create(
            f"stability-ai/sdxl:{'1' * 64}", input={}, destination=f"{USERNAME}/sdxl-style"
        )
    assert untrainable.value.status == 404


# -- models, versions, collections ---------------------------------------------------------------


def test_models_get_with_a_version_schema(client):
    sdxl = client.models.get("stability-ai/sdxl")
    schema = sdxl.latest_version.openapi_schema
    assert "prompt" in schema["components"]["schemas"]["Input"]["properties"]
    assert sdxl.visibility == "public"
    official = client.models.get("black-forest-labs", "flux-schnell")
    assert official.latest_version is None and official.run_count > 0
    private = client.models.get(f"{USERNAME}/flux-lora-brand")
    assert private.visibility == "private"
    with pytest.raises(ReplicateError) as missing:
        client.models.get("nobody/nothing")
    assert missing.value.status == 404


def test_models_list_and_search(client):
    listed = client.models.list()
    names = [model.id for model in listed]
    assert "stability-ai/sdxl" in names and TRAINER in names
    assert not [m for m in listed if m.visibility != "public"]  # public models only
    assert listed.next is None
    found = [model.id for model in client.models.search("flux")]
    assert found and all("flux" in name for name in found)
    assert "stability-ai/sdxl" not in found
    assert [m.id for m in client.models.search("whisper")] == ["openai/whisper"]


def test_versions_list_and_get(client):
    versions = client.models.get("stability-ai/sdxl").versions
    listed = versions.list()
    assert len(listed) == 2 and listed[0].created_at > listed[1].created_at
    assert versions.get(listed[1].id).id == listed[1].id
    assert versions.get(listed[1].id).openapi_schema["components"]["schemas"]["Output"]
    with pytest.raises(ReplicateError) as official:
        client.models.get("black-forest-labs/flux-dev").versions.list()
    assert official.value.status == 404
    assert official.value.detail == (
        "This model is an official model and does not expose a list of versions."
    )
    with pytest.raises(ReplicateError):
        versions.get("0" * 64)


def test_collections_list_and_get(client):
    slugs = [collection.slug for collection in client.collections.list()]
    assert "text-to-image" in slugs
    collection = client.collections.get("text-to-image")
    assert {"black-forest-labs/flux-schnell", "stability-ai/sdxl"} <= {m.id for m in collection}
    with pytest.raises(ReplicateError) as missing:
        client.collections.get("no-such-collection")
    assert missing.value.status == 404


def test_operations_the_simulator_does_not_serve_say_so(client):
    with pytest.raises(ReplicateError) as caught:
        client.files.list()
    assert caught.value.status == 501 and "files.list" in caught.value.detail


# -- links on the simulator's own address, switches for a deterministic run ----------------------

ANSWER = "Sure! Here is a short answer."  # every simulated language model's output, as tokens


@pytest.fixture(scope="module")
def steady(tmp_path_factory):
    """The same account served with --no-failures --no-aborted: every drawn record succeeds."""
    yield from simulate_serve(tmp_path_factory, "--no-failures", "--no-aborted")


@pytest.fixture(scope="module")
def steady_client(steady):
    return replicate.Client(api_token=TOKEN, base_url=steady[0])


def test_without_drawn_failures_and_aborted_every_page_parses(steady, steady_client, truth):
    base, steady_truth = steady
    assert not {"failed", "canceled", "aborted"} & {row["status"] for row in steady_truth}
    listed = []
    for url, _ in raw_pages(base, "predictions"):
        listed += [p.id for p in steady_client.predictions.list(url if listed else ...)]
    predictions = [row for row in steady_truth if row["kind"] == "prediction"]
    assert listed == [row["id"] for row in predictions]
    # the switches change outcomes only: who ran what, and when, is the same account
    assert [(r["id"], r["created_at"]) for r in steady_truth] == [
        (r["id"], r["created_at"]) for r in truth
    ]


def test_stream_speaks_server_sent_events_on_the_simulator(steady, steady_client):
    created = steady_client.models.predictions.create(
        "meta/meta-llama-3-8b-instruct", input={"prompt": "hi"}, stream=True
    )
    assert created.urls["stream"] == f"{steady[0]}/stream/{created.id}"
    events = list(steady_client.stream("meta/meta-llama-3-8b-instruct", input={"prompt": "hi"}))
    assert [event.event.value for event in events] == ["output"] * 8 + ["done"]
    assert "".join(str(event) for event in events[:-1]) == ANSWER
    assert events[-1].data == "{}"


def test_run_returns_file_urls_on_the_simulator_and_file_output_reads_them(steady, steady_client):
    from replicate.helpers import FileOutput

    output = steady_client.run("black-forest-labs/flux-schnell", input={"prompt": "a fox"})
    # 1.0.7 wraps only https: URLs in FileOutput; the simulator speaks plain http on loopback
    assert output and all(url.startswith(f"{steady[0]}/delivery/") for url in output)
    data = FileOutput(output[0], steady_client).read()
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"  # output images are .webp files
    assert b"".join(FileOutput(output[-1], steady_client)) == data
    prediction = steady_client.predictions.create(
        model="black-forest-labs/flux-dev", input={"prompt": "links"}
    )
    with httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        assert http.get(prediction.urls["get"]).json()["id"] == prediction.id
        assert http.post(prediction.urls["cancel"]).json()["status"] == "canceled"
