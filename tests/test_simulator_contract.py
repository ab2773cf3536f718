"""Contract: every kind of response the simulator emits validates against Replicate's spec.

The spec (OpenAPI 3.1, so JSON Schema 2020-12) is the vendored specs/replicate-openapi/openapi.json. Two
adjustments, both explicit below:
- `nullable: true` is an OpenAPI 3.0 keyword that 3.1 validators ignore; Replicate's document
  still uses it (e.g. `error`, `next`), so it is translated to a `null` type, as the authors meant.
- the prediction `version` is a `oneOf` of "any string" and "hidden", which overlap: "hidden"
  matches both branches and a strict oneOf rejects it, so it is validated as `anyOf` (docs/REPLICATE.md).
One recorded deviation of Replicate's own servers is allowed and asserted to be the only one:
old predictions lack `data_removed`, which the spec lists as required.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import httpx
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from replicost.simulator import SimulatedAccount, SimulatorApp

SPEC_URI = "urn:replicate-openapi"


def _adjust(node):
    if isinstance(node, dict):
        if node.get("nullable") is True and isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        for value in node.values():
            _adjust(value)
    elif isinstance(node, list):
        for value in node:
            _adjust(value)


@pytest.fixture(scope="module")
def validators(specs_dir):
    spec = json.loads((specs_dir / "openapi.json").read_text())
    spec = copy.deepcopy(spec)
    _adjust(spec)
    version = spec["components"]["schemas"]["schemas_prediction_response"]["properties"]["version"]
    version["anyOf"] = version.pop("oneOf")
    registry = Registry().with_resource(SPEC_URI, Resource(spec, specification=DRAFT202012))

    def validator(pointer: str) -> Draft202012Validator:
        return Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=registry)

    def response(path: str, method: str = "get", status: str = "200") -> Draft202012Validator:
        escaped = path.replace("~", "~0").replace("/", "~1")
        return validator(
            f"/paths/{escaped}/{method}/responses/{status}/content/application~1json/schema"
        )

    return response


@pytest.fixture(scope="module")
def http():
    account = SimulatedAccount(
        seed=5,
        predictions=2500,
        trainings=150,
        username="acme-ai",
        end=datetime(2026, 11, 1, tzinfo=UTC),
        data_url_rate=0.002,
    )
    app = SimulatorApp(account)
    with httpx.Client(
        transport=app.httpx_transport(),
        base_url="http://replicate.test/v1",
        headers={"Authorization": "Bearer r8_contract"},
    ) as client:
        client.app = app
        yield client


def _errors(validator, document) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def _all_pages(http, url):
    while url:
        body = http.get(url).json()
        yield body
        url = body["next"]


def test_prediction_list_pages_validate(http, validators):
    schema = validators("/predictions")
    allowed = []
    pages = 0
    for body in _all_pages(http, "/predictions"):
        pages += 1
        for error in _errors(schema, body):
            # Replicate's recorded quirk: old predictions have no data_removed
            assert error.endswith("'data_removed' is a required property"), error
            allowed.append(error)
    filtered = http.get(
        "/predictions", params={"created_after": "2026-06-01T00:00:00Z", "source": "web"}
    ).json()
    assert _errors(schema, filtered) == []
    assert pages == 25 and allowed  # the quirk is modelled, and it is the only deviation


def test_single_prediction_and_created_prediction_validate(http, validators):
    newest = http.get("/predictions").json()["results"]
    single = http.get(f"/predictions/{newest[10]['id']}").json()
    running = [r for r in newest if r["status"] in ("starting", "processing")]
    assert running
    assert _errors(validators("/predictions/{prediction_id}"), single) == []
    assert (
        _errors(
            validators("/predictions/{prediction_id}"),
            http.get(f"/predictions/{running[0]['id']}").json(),
        )
        == []
    )
    created = http.post(
        "/predictions",
        json={"version": "black-forest-labs/flux-schnell", "input": {"prompt": "contract"}},
    )
    assert created.status_code == 201
    assert _errors(validators("/predictions", "post", "201"), created.json()) == []
    via_model = http.post(
        "/models/meta/meta-llama-3-8b-instruct/predictions", json={"input": {"prompt": "hi"}}
    )
    assert (
        _errors(
            validators("/models/{model_owner}/{model_name}/predictions", "post", "201"),
            via_model.json(),
        )
        == []
    )
    via_deployment = http.post(
        "/deployments/acme-ai/upscaler/predictions",
        json={"input": {"image": "https://example.com/a.png"}},
    )
    assert (
        _errors(
            validators(
                "/deployments/{deployment_owner}/{deployment_name}/predictions", "post", "201"
            ),
            via_deployment.json(),
        )
        == []
    )


def test_trainings_validate(http, validators):
    pages = list(_all_pages(http, "/trainings"))
    assert len(pages) == 2
    for body in pages:
        assert _errors(validators("/trainings"), body) == []
    single = http.get(f"/trainings/{pages[0]['results'][0]['id']}").json()
    assert _errors(validators("/trainings/{training_id}"), single) == []


def test_deployments_hardware_account_and_models_validate(http, validators):
    deployments = http.get("/deployments").json()
    assert deployments["results"]
    assert _errors(validators("/deployments"), deployments) == []
    one = http.get("/deployments/acme-ai/image-gen").json()
    assert _errors(validators("/deployments/{deployment_owner}/{deployment_name}"), one) == []
    assert _errors(validators("/hardware"), http.get("/hardware").json()) == []
    assert _errors(validators("/account"), http.get("/account").json()) == []
    for name in (
        "black-forest-labs/flux-dev",
        "stability-ai/sdxl",
        "acme-ai/flux-lora-brand",
        "ostris/flux-dev-lora-trainer",
        "acme-ai/sdxl-style",
    ):
        model = http.get(f"/models/{name}").json()
        assert _errors(validators("/models/{model_owner}/{model_name}"), model) == []


def test_validators_do_reject_a_broken_record(http, validators):
    """The schemas bite: a record with a wrong status or a missing id is rejected."""
    record = http.get("/predictions").json()["results"][5]
    broken = dict(record, status="running")
    del broken["id"]
    assert len(_errors(validators("/predictions/{prediction_id}"), broken)) == 2


def test_catalog_routes_validate(http, validators):
    models = http.get("/models").json()
    assert models["results"] and _errors(validators("/models"), models) == []
    by_creation = http.get(
        "/models", params={"sort_by": "model_created_at", "sort_direction": "asc"}
    )
    assert _errors(validators("/models"), by_creation.json()) == []
    search = http.request(
        "QUERY", "/models", content=b"flux", headers={"Content-Type": "text/plain"}
    )
    assert search.status_code == 200 and search.json()["results"]
    assert _errors(validators("/models", "query"), search.json()) == []
    versions = http.get("/models/stability-ai/sdxl/versions").json()
    assert _errors(validators("/models/{model_owner}/{model_name}/versions"), versions) == []
    one = http.get(f"/models/stability-ai/sdxl/versions/{versions['results'][0]['id']}").json()
    assert one["openapi_schema"]["components"]["schemas"]["Input"]
    assert (
        _errors(validators("/models/{model_owner}/{model_name}/versions/{version_id}"), one) == []
    )
    collections = http.get("/collections").json()
    assert _errors(validators("/collections"), collections) == []
    for item in collections["results"]:
        collection = http.get(f"/collections/{item['slug']}").json()
        assert _errors(validators("/collections/{collection_slug}"), collection) == []


def test_cancel_and_training_creation_validate(http, validators):
    created = http.post(
        "/predictions",
        json={"version": "black-forest-labs/flux-schnell", "input": {"prompt": "cancel me"}},
    ).json()
    canceled = http.post(f"/predictions/{created['id']}/cancel")
    assert canceled.status_code == 200 and canceled.json()["status"] == "canceled"
    schema = validators("/predictions/{prediction_id}/cancel", "post")
    assert _errors(schema, canceled.json()) == []
    trainer = http.get("/models/ostris/flux-dev-lora-trainer").json()["latest_version"]["id"]
    training = http.post(
        f"/models/ostris/flux-dev-lora-trainer/versions/{trainer}/trainings",
        json={"destination": "acme-ai/flux-lora-brand", "input": {"steps": 500}},
    )
    assert training.status_code == 201
    path = "/models/{model_owner}/{model_name}/versions/{version_id}/trainings"
    assert _errors(validators(path, "post", "201"), training.json()) == []
    stopped = http.post(f"/trainings/{training.json()['id']}/cancel").json()
    assert stopped["status"] == "canceled"
    assert _errors(validators("/trainings/{training_id}/cancel", "post"), stopped) == []
