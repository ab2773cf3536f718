"""`replicost.client` covers every resource the README names, against the simulator on loopback.

Expected values come from the simulated account's ground truth and catalog, not from the client.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from replicost.client import NotFoundError, ReplicateClient
from replicost.simulator import SimulatedAccount, SimulatorApp, serve
from replicost.simulator.catalog import HARDWARE_SKUS

TOKEN = "r8_client_resources_token"


@pytest.fixture(scope="module")
def account():
    return SimulatedAccount(
        seed=21, predictions=260, trainings=14, end=datetime(2026, 11, 1, tzinfo=UTC)
    )


@pytest.fixture(scope="module")
def client(account):
    with serve(SimulatorApp(account, token=TOKEN)) as server:
        with ReplicateClient(TOKEN, base_url=server.base_url, requests_per_minute=None) as api:
            yield api


def truth_ids(account, kind):
    return [row["id"] for row in account.ground_truth() if row["kind"] == kind]


@pytest.mark.parametrize("kind", ["prediction", "training"])
def test_records_list_raw_typed_and_async_and_get(client, account, kind):
    resource = getattr(client, kind + "s")
    expected = truth_ids(account, kind)
    assert [record["id"] for record in resource.iter_raw()] == expected
    typed = list(resource.iter_all())
    assert [record.id for record in typed] == expected
    assert type(typed[0]).__module__.startswith("replicost_api")

    async def collect():  # a client of its own: an async client lives in one event loop
        fresh = ReplicateClient(TOKEN, base_url=client.base_url, requests_per_minute=None)
        try:
            return [record.id async for record in getattr(fresh, kind + "s").aiter_all()]
        finally:
            await fresh.aclose()

    assert asyncio.run(collect()) == expected
    assert resource.get(expected[3]).id == expected[3]
    with pytest.raises(NotFoundError):
        resource.get("doesnotexist")


def test_deployments(client, account):
    current = {row["name"] for row in account.deployment_history()}
    names = {deployment.name for deployment in client.deployments.iter_all()}
    assert names and names <= current
    one = client.deployments.get(f"{account.username}/image-gen")
    releases = [r for r in account.deployment_history() if r["name"] == "image-gen"]
    newest = max(releases, key=lambda release: release["created_ns"])
    assert one.current_release.number == newest["number"]
    assert one.current_release.configuration.hardware == newest["hardware"]


def test_models_list_get_versions_and_search(client, account):
    public = {spec.name for spec in account.models if spec.kind != "private"}
    public |= {trainer.name for trainer in account.trainers}
    assert {model_name(m) for m in client.models.iter_all()} == public
    sdxl = client.models.get("stability-ai/sdxl")
    spec = account.model_spec("stability-ai/sdxl")
    assert sdxl.latest_version.additional_properties["id"] == spec.eras[-1].version
    versions = client.models.versions("stability-ai/sdxl")
    assert [v.id for v in versions] == [era.version for era in reversed(spec.eras)]
    with pytest.raises(NotFoundError):
        client.models.versions("black-forest-labs/flux-schnell")  # official: no version list
    found = {model_name(m) for m in client.models.search("black-forest-labs")}
    assert found == {name for name in public if name.startswith("black-forest-labs/")}
    private = client.models.get(f"{account.username}/flux-lora-brand")
    assert private.visibility.value == "private"


def model_name(model):
    return f"{model.owner}/{model.name}"


def test_collections_account_and_hardware(client, account):
    slugs = [collection.slug for collection in client.collections.iter_all()]
    assert "text-to-image" in slugs
    collection = client.collections.get("text-to-image")
    image_models = {
        s.name for s in account.models if s.output_kind == "image" and s.kind != "private"
    }
    assert {model_name(m) for m in collection.models} == image_models
    assert client.account().username == account.username
    assert {item.sku for item in client.hardware()} == HARDWARE_SKUS
