"""The client is typed for its users: `py.typed` in both packages, typed results for `account()`
and `hardware()`, and a field the server left out is None at the client's edge, never UNSET."""

from __future__ import annotations

import dataclasses
from importlib import resources

import httpx
import pytest

from replicost.client import Account, Hardware, ReplicateClient

BASE = "http://api.test/v1"
ANSWERS = {
    "/v1/account": {"type": "organization", "username": "acme-ai", "name": "Acme AI"},
    "/v1/hardware": [
        {"sku": "gpu-t4", "name": "Nvidia T4 GPU"},
        {"sku": "cpu"},  # no name
        {"name": "no sku"},  # not a SKU: left out, as the sync leaves it out
        "junk",
    ],
    # a prediction as Replicate serves a failed one early: no completed_at, metrics, output, urls
    "/v1/predictions": {
        "results": [
            {
                "id": "p1",
                "model": "acme-ai/foo",
                "version": "v1",
                "status": "starting",
                "created_at": "2026-10-01T00:00:00Z",
                "source": "api",
                "input": {},
            }
        ],
        "next": None,
        "previous": None,
    },
}


@pytest.fixture
def client():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=ANSWERS[request.url.path])

    with ReplicateClient(
        token="r8_typed",
        base_url=BASE,
        transport=httpx.MockTransport(handler),
        requests_per_minute=None,
    ) as api:
        yield api


def test_account_is_a_typed_result_with_none_for_absent_fields(client):
    account = client.account()
    assert isinstance(account, Account)
    assert account == Account(
        type="organization", username="acme-ai", name="Acme AI", github_url=None, avatar_url=None
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        account.username = "someone-else"  # type: ignore[misc]
    assert client.account_json() == ANSWERS["/v1/account"]  # the JSON as served, for the sync


def test_hardware_is_a_list_of_typed_results(client):
    assert client.hardware() == [Hardware("gpu-t4", "Nvidia T4 GPU"), Hardware("cpu", None)]
    assert client.hardware_json() == ANSWERS["/v1/hardware"]


def test_models_the_client_hands_out_have_none_where_the_server_sent_nothing(client):
    from replicost_api.types import Unset

    (prediction,) = list(client.predictions.iter_all())
    assert prediction.id == "p1" and prediction.status.value == "starting"
    for name in ("completed_at", "metrics", "output", "urls", "error", "logs", "started_at"):
        assert getattr(prediction, name) is None, name
    unset = [
        field
        for field in type(prediction).__attrs_attrs__
        if isinstance(getattr(prediction, field.name), Unset)
    ]
    assert unset == []


def test_unset_to_none_reaches_nested_models_lists_and_dicts():
    from replicost.client.results import unset_to_none
    from replicost_api.models import PredictionResponse
    from replicost_api.types import UNSET

    record = dict(ANSWERS["/v1/predictions"]["results"][0], urls={"get": "http://x/p1"})
    model = PredictionResponse.from_dict(record)
    assert model.urls.cancel is UNSET  # what the generated model holds on its own
    model.additional_properties["extra"] = [UNSET, {"k": UNSET}]
    same = unset_to_none(model)
    assert same is model and model.urls.cancel is None and model.completed_at is None
    assert model.urls.get == "http://x/p1"
    assert model.additional_properties["extra"] == [None, {"k": None}]


@pytest.mark.parametrize("package", ["replicost", "replicost_api"])
def test_both_packages_are_marked_typed(package):
    assert resources.files(package).joinpath("py.typed").is_file()
