"""The base URL: with or without /v1, the official client's variable, and a 404 that explains itself."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from replicost.client import NotFoundError, ReplicateClient
from replicost.client import base_url as base_urls
from replicost.errors import InputError
from replicost.simulator import SimulatedAccount, SimulatorApp, serve

TOKEN = "r8_base_url_secret_token"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/v1"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/v1"),
        ("http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/v1"),
        ("http://127.0.0.1:8000/v1/", "http://127.0.0.1:8000/v1"),
        ("https://api.replicate.com", "https://api.replicate.com/v1"),
        ("https://proxy.example/replicate", "https://proxy.example/replicate/v1"),
        ("  https://proxy.example/replicate/v1  ", "https://proxy.example/replicate/v1"),
    ],
)
def test_base_urls_are_accepted_with_or_without_v1(given, expected):
    assert base_urls.normalize(given) == expected


@pytest.mark.parametrize("bad", ["127.0.0.1:8000", "ftp://host", "http://", "http://h/v1?x=1"])
def test_bad_base_urls_are_input_errors(bad):
    with pytest.raises(InputError):
        base_urls.normalize(bad)


def test_precedence_flag_then_replicost_variable_then_official_variable_then_default():
    both = {"REPLICATE_API_BASE_URL": "http://a.test", "REPLICATE_BASE_URL": "http://b.test"}
    assert base_urls.resolve("http://flag.test", both) == base_urls.BaseURL(
        "http://flag.test/v1", "--base-url"
    )
    assert base_urls.resolve(None, both) == base_urls.BaseURL(
        "http://a.test/v1", "$REPLICATE_API_BASE_URL"
    )
    official = {"REPLICATE_BASE_URL": "http://b.test"}
    assert base_urls.resolve(None, official) == base_urls.BaseURL(
        "http://b.test/v1", "$REPLICATE_BASE_URL"
    )
    assert base_urls.resolve(None, {"REPLICATE_BASE_URL": " "}).source == "default"
    assert base_urls.resolve(None, {}).url == "https://api.replicate.com/v1"


@pytest.fixture(scope="module")
def server():
    account = SimulatedAccount(
        seed=3, predictions=150, trainings=5, end=datetime(2026, 11, 1, tzinfo=UTC)
    )
    with serve(SimulatorApp(account)) as running:
        yield running


def test_the_official_clients_form_and_variable_reach_the_simulator(server, monkeypatch):
    host_only = server.base_url.removesuffix("/v1")
    with ReplicateClient(TOKEN, base_url=host_only, requests_per_minute=None) as client:
        assert client.account().username == "acme-ai"
        assert len(list(client.predictions.iter_raw())) == 150
    monkeypatch.delenv("REPLICATE_API_BASE_URL", raising=False)
    monkeypatch.setenv("REPLICATE_BASE_URL", host_only)
    with ReplicateClient(TOKEN, requests_per_minute=None) as client:
        assert client.base.source == "$REPLICATE_BASE_URL"
        assert client.hardware()[0].sku


def test_a_404_on_the_first_request_names_the_url_and_the_fix(server):
    wrong = server.base_url.removesuffix("/v1") + "/api"
    with ReplicateClient(TOKEN, base_url=wrong, requests_per_minute=None) as client:
        with pytest.raises(NotFoundError) as caught:
            client.account()
    message = str(caught.value)
    assert f"{wrong}/v1/account" in message
    assert "from --base-url" in message and "with or without /v1" in message
    assert TOKEN not in message


def test_a_missing_record_after_the_root_answered_is_a_plain_not_found(server):
    with ReplicateClient(TOKEN, base_url=server.base_url, requests_per_minute=None) as client:
        with pytest.raises(NotFoundError) as first:
            client.predictions.get_raw("doesnotexist")  # a record, not the root
        assert "base URL" not in str(first.value)
        client.account()
        with pytest.raises(NotFoundError) as later:
            client.get_json("nothing-here")
        assert "base URL" not in str(later.value)


def test_the_async_client_explains_a_wrong_root_too(server):
    import asyncio

    async def run():
        client = ReplicateClient(TOKEN, base_url=server.base_url + "/v2", requests_per_minute=None)
        try:
            return [p async for p in client.predictions.aiter_raw()]
        finally:
            await client.aclose()

    with pytest.raises(NotFoundError) as caught:
        asyncio.run(run())
    assert "/v1/v2/v1/predictions" in str(caught.value)
