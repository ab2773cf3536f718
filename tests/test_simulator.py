"""The simulated Replicate API in-process: paging, filters, growth, truth, clock, faults, limits.

Expected values come from the served records themselves or from hand computation (an independent
timestamp parser below), never from the simulator's own helpers.
"""

from __future__ import annotations

import asyncio
import random
import re
import tracemalloc
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

import httpx
import orjson
import pytest

from replicost.simulator import FaultConfig, SimulatedAccount, SimulatorApp

END = datetime(2026, 11, 1, tzinfo=UTC)
AUTH = {"Authorization": "Bearer r8_test_token"}
ID_PATTERN = re.compile(r"^[a-z2-7]{26}$")
SKUS = {
    "cpu",
    "gpu-t4",
    "gpu-a40-small",
    "gpu-a40-large",
    "gpu-l40s",
    "gpu-l40s-2x",
    "gpu-a100-large",
    "gpu-a100-large-2x",
    "gpu-h100",
}


def ns_of(text: str) -> int:
    """Nanoseconds of a served timestamp, parsed independently of the simulator's parser."""
    assert text.endswith("Z"), text
    whole, _, fraction = text[:-1].partition(".")
    moment = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    assert len(fraction) <= 9
    return int(moment.timestamp()) * 10**9 + int(fraction.ljust(9, "0") or 0)


def make_app(predictions=1250, trainings=130, **kwargs) -> SimulatorApp:
    account_args = {k: kwargs.pop(k) for k in ("seed", "username", "data_url_rate") if k in kwargs}
    account = SimulatedAccount(
        predictions=predictions, trainings=trainings, end=END, **{"seed": 7, **account_args}
    )
    return SimulatorApp(account, **kwargs)


def client(app: SimulatorApp, headers=AUTH) -> httpx.Client:
    return httpx.Client(
        transport=app.httpx_transport(), base_url="http://replicate.test/v1", headers=headers
    )


def page_all(http: httpx.Client, url: str) -> tuple[list[dict], int]:
    records, pages = [], 0
    while url:
        response = http.get(url)
        assert response.status_code == 200, response.text
        body = response.json()
        records.extend(body["results"])
        url = body["next"]
        pages += 1
    return records, pages


@pytest.fixture(scope="module")
def app() -> SimulatorApp:
    return make_app()


@pytest.fixture(scope="module")
def listed(app) -> list[dict]:
    with client(app) as http:
        return page_all(http, "/predictions")[0]


def test_paging_returns_every_prediction_once_newest_first(app, listed):
    assert len(listed) == 1250
    assert len({record["id"] for record in listed}) == 1250
    times = [ns_of(record["created_at"]) for record in listed]
    assert times == sorted(times, reverse=True)
    assert len(set(times)) == len(times)
    assert all(ID_PATTERN.match(record["id"]) for record in listed)
    with client(app) as http:
        first = http.get("/predictions").json()
    assert len(first["results"]) == 100
    assert first["previous"] is None
    assert first["next"].startswith("http://replicate.test/v1/predictions?cursor=")


def test_history_ends_at_end_and_spans_months(listed):
    newest, oldest = ns_of(listed[0]["created_at"]), ns_of(listed[-1]["created_at"])
    end_ns = int(END.timestamp()) * 10**9
    assert newest <= end_ns
    assert end_ns - oldest > 365 * 86400 * 10**9  # many months of history


def test_previous_link_returns_the_page_before(app):
    with client(app) as http:
        page1 = http.get("/predictions").json()
        page2 = http.get(page1["next"]).json()
        page3 = http.get(page2["next"]).json()
        back = http.get(page3["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in page2["results"]]
    assert back["next"] is not None


def test_created_filters_select_exactly_the_matching_records(app, listed):
    after, before = listed[900]["created_at"], listed[300]["created_at"]
    after_ns, before_ns = ns_of(after), ns_of(before)
    expected = {r["id"] for r in listed if after_ns <= ns_of(r["created_at"]) < before_ns}
    assert len(expected) == 600  # created_after is inclusive, created_before exclusive
    with client(app) as http:
        got, _ = page_all(
            http,
            httpx.URL("/predictions", params={"created_after": after, "created_before": before}),
        )
        only_after, _ = page_all(http, httpx.URL("/predictions", params={"created_after": after}))
        offset_form, _ = page_all(
            http,
            httpx.URL(
                "/predictions",
                params={"created_after": _as_offset(after), "created_before": _as_offset(before)},
            ),
        )
    assert [r["id"] for r in got] == [r["id"] for r in listed if r["id"] in expected]
    assert len(only_after) == 901
    assert {r["id"] for r in offset_form} == expected


def _as_offset(text: str) -> str:
    """The same instant written in +02:00 with all 9 fractional digits."""
    exact = ns_of(text)
    plus_two = timezone(timedelta(hours=2))
    local = datetime.fromtimestamp(exact // 10**9, plus_two)
    return f"{local:%Y-%m-%dT%H:%M:%S}.{exact % 10**9:09d}+02:00"


def test_source_web_returns_web_predictions_of_the_last_14_days(app, listed):
    end_ns = int(END.timestamp()) * 10**9
    window = end_ns - 14 * 86400 * 10**9
    expected = [
        r["id"] for r in listed if r.get("source") == "web" and ns_of(r["created_at"]) >= window
    ]
    with client(app) as http:
        got, _ = page_all(http, "/predictions?source=web")
        bad = http.get("/predictions?source=api")
    assert [r["id"] for r in got] == expected
    assert expected  # the account has recent web predictions
    assert bad.status_code == 400


def test_bad_filters_and_cursors_are_400(app):
    with client(app) as http:
        assert http.get("/predictions?created_after=yesterday").status_code == 400
        assert http.get("/predictions?cursor=not-a-cursor!!").status_code == 400


def test_cursor_taken_before_growth_still_pages_the_same_records():
    app = make_app(predictions=450)
    with client(app) as http:
        original, _ = page_all(http, "/predictions")
        first = http.get("/predictions").json()
        app.advance(120)
        for n in range(150):
            app.create_prediction(
                model="black-forest-labs/flux-schnell", input={"prompt": f"growth {n}"}
            )
        rest, _ = page_all(http, first["next"])
        fresh, _ = page_all(http, "/predictions")
    resumed = [r["id"] for r in first["results"]] + [r["id"] for r in rest]
    assert resumed == [r["id"] for r in original]
    assert len(fresh) == 600
    assert [r["id"] for r in fresh[150:]] == [r["id"] for r in original]
    new_times = [ns_of(r["created_at"]) for r in fresh[:150]]
    assert new_times == sorted(new_times, reverse=True)
    assert min(new_times) > ns_of(original[0]["created_at"])


def test_post_predictions_creates_starting_records_that_finish(app_factory=make_app):
    app = app_factory(predictions=200)
    version = app.account.model_spec("stability-ai/sdxl").eras[-1].version
    with client(app) as http:
        by_version = http.post("/predictions", json={"version": version, "input": {"prompt": "a"}})
        by_model = http.post(
            "/models/meta/meta-llama-3-8b-instruct/predictions", json={"input": {"prompt": "hi"}}
        )
        by_deployment = http.post(
            "/deployments/acme-ai/image-gen/predictions", json={"input": {"prompt": "b"}}
        )
        unknown = http.post("/predictions", json={"version": "f" * 64, "input": {}})
        missing_input = http.post("/predictions", json={"version": version})
        assert [r.status_code for r in (by_version, by_model, by_deployment)] == [201] * 3
        assert unknown.status_code == 422 and missing_input.status_code == 422
        created = [r.json() for r in (by_version, by_model, by_deployment)]
        assert all(r["status"] == "starting" for r in created)
        assert created[0]["model"] == "stability-ai/sdxl" and created[0]["version"] == version
        assert created[1]["version"] == "hidden"
        assert created[2]["deployment"] == "acme-ai/image-gen"
        app.advance(3600)
        done = [http.get(f"/predictions/{r['id']}").json() for r in created]
        listed = http.get("/predictions").json()["results"][:3]
    assert all(r["status"] in ("succeeded", "failed", "canceled", "aborted") for r in done)
    assert [r["id"] for r in listed] == [r["id"] for r in reversed(created)]


def test_running_predictions_finish_when_the_clock_advances():
    app = make_app(predictions=400, trainings=40)
    statuses = Counter(row["status"] for row in app.account.ground_truth())
    assert statuses["starting"] + statuses["processing"] >= 3
    with client(app) as http:
        running = [
            r
            for r in http.get("/predictions").json()["results"]
            if r["status"] in ("starting", "processing")
        ]
        assert all("completed_at" not in r and "metrics" not in r for r in running)
        assert any(r["status"] == "processing" and "started_at" in r for r in running)
        app.advance(3600)
        finished = [http.get(f"/predictions/{r['id']}").json() for r in running]
    assert all(r["status"] == "succeeded" and r["metrics"]["predict_time"] > 0 for r in finished)
    truth = {row["id"]: row for row in app.account.ground_truth()}
    assert all(truth[r["id"]]["predict_time"] == r["metrics"]["predict_time"] for r in finished)
    assert not {row["status"] for row in truth.values()} & {"starting", "processing"}


def test_ground_truth_agrees_with_what_the_api_serves(app, listed):
    truth = list(app.account.ground_truth())
    predictions = {row["id"]: row for row in truth if row["kind"] == "prediction"}
    assert list(predictions) == [r["id"] for r in listed]
    for record in listed:
        row = predictions[record["id"]]
        metrics = record.get("metrics") or {}
        assert row["account"] == "acme-ai"
        for key in ("model", "version", "status", "created_at"):
            assert row[key] == record[key]
        assert row["deployment"] == record.get("deployment")
        assert row["source"] == record.get("source")
        assert row["predict_time"] == metrics.get("predict_time")
        assert row["hardware"] in SKUS
        if "image_count" in metrics:
            assert row["units"] == {"image": metrics["image_count"]}
        elif "input_token_count" in metrics:
            assert row["units"] == {
                "input_token": metrics["input_token_count"],
                "output_token": metrics["output_token_count"],
            }
        elif "video_output_duration_seconds" in metrics:  # Replicate's billing metric names
            assert row["units"] == {"output_video_second": metrics["video_output_duration_seconds"]}
            assert row["input"]["duration"] == metrics["video_output_duration_seconds"]
        elif "character_input_count" in metrics:
            assert row["units"] == {"input_character": len(record["input"]["text"])}
        elif "audio_output_duration_seconds" in metrics:
            assert row["units"] == {"output_audio_second": metrics["audio_output_duration_seconds"]}
        else:
            assert row["units"] == {}
        assert row["billing"] == ("per_unit" if record["version"] == "hidden" else "per_second")
    with client(app) as http:
        trainings, _ = page_all(http, "/trainings")
    training_rows = [row for row in truth if row["kind"] == "training"]
    assert [row["id"] for row in training_rows] == [r["id"] for r in trainings]
    assert all(row["hardware"] in SKUS and row["billing"] == "per_second" for row in training_rows)


def test_deployment_predictions_follow_the_release_in_force(app, listed):
    history = app.account.deployment_history()
    releases: dict[str, list[dict]] = {}
    for release in history:
        releases.setdefault(f"{release['owner']}/{release['name']}", []).append(release)
    assert 3 <= len(releases) <= 4
    for items in releases.values():
        numbers = [r["number"] for r in items]
        assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
        assert len({r["hardware"] for r in items} | {r["min_instances"] for r in items}) > 1
    assert any(r["min_instances"] > 0 for r in history)
    truth = {row["id"]: row for row in app.account.ground_truth()}
    deployed = [r for r in listed if "deployment" in r]
    assert len(deployed) > 50
    hardware_seen = Counter()
    for record in deployed:
        created = ns_of(record["created_at"])
        in_force = [r for r in releases[record["deployment"]] if ns_of(r["created_at"]) <= created]
        assert in_force, record["id"]
        release = in_force[-1]
        assert record["version"] == release["version"]
        assert record["model"] == release["model"]
        assert truth[record["id"]]["hardware"] == release["hardware"]
        hardware_seen[(record["deployment"], release["hardware"])] += 1
    # the same deployment ran on different hardware in different months
    per_deployment = Counter(name for name, _ in hardware_seen)
    assert max(per_deployment.values()) >= 2
    with client(app) as http:
        listed_deployments = http.get("/deployments").json()["results"]
        one = http.get("/deployments/acme-ai/image-gen").json()
        assert http.get("/deployments/acme-ai/nope").status_code == 404
    for deployment in listed_deployments:
        latest = releases[f"{deployment['owner']}/{deployment['name']}"][-1]
        assert deployment["current_release"]["number"] == latest["number"]
        assert deployment["current_release"]["configuration"]["hardware"] == latest["hardware"]
    assert one["current_release"]["number"] == releases["acme-ai/image-gen"][-1]["number"]


def test_records_carry_the_recorded_quirks():
    app = make_app(predictions=4000, trainings=60, data_url_rate=0.004)
    with client(app) as http:
        listed, _ = page_all(http, "/predictions")
        trainings = http.get("/trainings").json()["results"]
        single = http.get(f"/predictions/{listed[500]['id']}").json()
        single_training = http.get(f"/trainings/{trainings[3]['id']}").json()
    digits = Counter(len(r["created_at"][:-1].partition(".")[2]) for r in listed)
    assert set(digits) == set(range(10)), digits
    assert all(r["created_at"].endswith("Z") for r in listed)
    metrics = [r.get("metrics") for r in listed]
    assert {} in metrics and None in metrics
    assert any(
        m and m.get("predict_time") is not None and m["predict_time"] < 1e-5 for m in metrics
    )
    assert any("data_removed" not in r for r in listed)
    assert any("source" not in r for r in listed)
    assert all(r["status"] != "aborted" or "started_at" not in r for r in listed)
    versions = {r["version"] for r in listed}
    assert "hidden" in versions
    assert any(re.fullmatch(r"dp-[0-9a-f]{32}", v) for v in versions)
    assert any(re.fullmatch(r"d-[0-9a-f]{32}", v) for v in versions)
    assert any(re.fullmatch(r"[0-9a-f]{64}", v) for v in versions)
    assert {r["status"] for r in listed} >= {"succeeded", "failed", "canceled", "aborted"}
    assert {r.get("source") for r in listed} >= {"api", "web"}
    assert all("logs" not in r for r in listed) and "logs" in single
    assert all("/v1/predictions/" in t["urls"]["get"] for t in trainings)
    assert "logs" in single_training and single_training["id"] == trainings[3]["id"]
    big = [r for r in listed if len(orjson.dumps(r)) > 100_000]
    assert big and all(b"data:" in orjson.dumps(r) for r in big)
    llama = [
        r
        for r in listed
        if r["model"].startswith("meta/meta-llama-3") and r["status"] == "succeeded"
    ]
    assert llama and all(
        {"input_token_count", "output_token_count", "tokens_per_second", "time_to_first_token"}
        <= set(r["metrics"])
        for r in llama
    )


def test_accounts_are_deterministic_and_ids_differ_across_accounts():
    first = make_app(predictions=300, seed=3)
    again = make_app(predictions=300, seed=3)
    other = make_app(predictions=300, seed=3, username="globex")
    bodies = []
    for app in (first, again, other):
        with client(app) as http:
            bodies.append(http.get("/predictions").content)
    assert bodies[0] == bodies[1]
    ids = [{r["id"] for r in orjson.loads(body)["results"]} for body in bodies]
    assert not ids[0] & ids[2]


def test_a_million_predictions_are_generated_lazily():
    tracemalloc.start()
    try:
        account = SimulatedAccount(seed=1, predictions=1_000_000, trainings=10_000, end=END)
        app = SimulatorApp(account)
        with client(app) as http:
            first = http.get("/predictions").json()
            second = http.get(first["next"]).json()
            middle = (END - timedelta(days=200)).isoformat()
            filtered = http.get("/predictions", params={"created_before": middle}).json()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert account.count() == 1_000_000
    assert len(first["results"]) == len(second["results"]) == len(filtered["results"]) == 100
    assert ns_of(filtered["results"][0]["created_at"]) < ns_of(middle.replace("+00:00", "Z"))
    assert peak < 40 * 1024 * 1024  # the data would be hundreds of MB


def test_auth_rejects_missing_and_wrong_tokens():
    app = make_app(predictions=50, token="r8_right")
    with client(app, headers={}) as http:
        missing = http.get("/predictions")
        wrong = http.get("/predictions", headers={"Authorization": "Bearer r8_wrong"})
        right = http.get("/account", headers={"Authorization": "Bearer r8_right"})
    for response in (missing, wrong):
        assert response.status_code == 401
        assert response.json() == {
            "title": "Unauthenticated",
            "detail": "You did not pass a valid authentication token",
            "status": 401,
        }
    assert right.status_code == 200 and right.json()["username"] == "acme-ai"
    anyone = make_app(predictions=50)
    with client(anyone, headers={"Authorization": "Bearer whatever"}) as http:
        assert http.get("/hardware").status_code == 200
        assert http.get("/hardware", headers={"Authorization": ""}).status_code == 401


def test_rate_limit_answers_429_with_retry_after_until_tokens_refill():
    app = make_app(predictions=50, rate_limit_rpm=60, rate_limit_burst=2)
    with client(app) as http:
        statuses = [http.get("/account").status_code for _ in range(3)]
        throttled = http.get("/account")
        app.advance(5)
        after = http.get("/account")
    assert statuses[:2] == [200, 200] and statuses[2] == 429
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) >= 1
    assert re.fullmatch(
        r"Request was throttled\. Expected available in \d+ seconds?\.", throttled.json()["detail"]
    )
    assert "retry_after" not in throttled.json()
    assert after.status_code == 200
    low = make_app(predictions=10, rate_limit_rpm=6, rate_limit_burst=1, low_credit=True)
    with client(low) as http:
        http.get("/account")
        body = http.get("/account").json()
    assert body["retry_after"] >= 1 and body["detail"].startswith("Request was throttled.")


def test_scripted_faults_behave_as_on_the_wire():
    app = make_app(
        predictions=300,
        faults=FaultConfig(
            # a throttle fault answers `burst` requests in a row without consuming script entries
            script=("server_error", "throttle", None, "drop", "truncate", "non_json", "slow"),
            burst=3,
            retry_after=2,
            slow_ms=10,
        ),
    )
    with client(app) as http:
        server_error = http.get("/predictions")
        throttled = [http.get("/predictions") for _ in range(3)]
        ok = http.get("/predictions")
        with pytest.raises(httpx.RemoteProtocolError):
            http.get("/predictions")
        truncated = http.get("/predictions")
        html = http.get("/predictions")
        slow = http.get("/predictions")
        clean = http.get("/predictions")
    assert server_error.status_code in (500, 502, 503)
    assert [r.status_code for r in throttled] == [429, 429, 429]
    assert all(r.headers["Retry-After"] == "2" for r in throttled)
    assert (
        throttled[0].json()["detail"] == "Request was throttled. Expected available in 2 seconds."
    )
    assert ok.status_code == 200 and len(ok.json()["results"]) == 100
    assert truncated.status_code == 200
    assert int(truncated.headers["Content-Length"]) == len(truncated.content)
    with pytest.raises(ValueError):
        truncated.json()
    assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html")
    assert slow.status_code == 200 and clean.json()["results"] == ok.json()["results"]
    assert app.stats.faults == Counter(
        {"throttle": 3, "server_error": 1, "drop": 1, "truncate": 1, "non_json": 1, "slow": 1}
    )
    assert app.stats.by_route["predictions.list"] == app.stats.requests == 10


def test_random_faults_are_deterministic_for_a_seed_and_can_be_switched_off():
    def statuses(app):
        with client(app) as http:
            out = []
            for _ in range(60):
                try:
                    out.append(http.get("/account").status_code)
                except httpx.RemoteProtocolError:
                    out.append("drop")
            return out

    config = FaultConfig(rate=0.5, seed=11, kinds=("server_error", "throttle", "drop"), burst=2)
    first = statuses(make_app(predictions=10, faults=config))
    second = statuses(make_app(predictions=10, faults=config))
    assert first == second
    assert {429, "drop"} <= set(first) and set(first) & {500, 502, 503} and 200 in first
    app = make_app(predictions=10, faults=config)
    app.faults = FaultConfig()
    assert set(statuses(app)) == {200}
    routed = make_app(
        predictions=10,
        faults=FaultConfig(script=("server_error",) * 5, routes=frozenset({"trainings.list"})),
    )
    with client(routed) as http:
        assert http.get("/account").status_code == 200
        assert http.get("/trainings").status_code in (500, 502, 503)


def test_small_resources_and_unknown_paths(app, listed):
    with client(app) as http:
        hardware = http.get("/hardware").json()
        model = http.get("/models/black-forest-labs/flux-schnell").json()
        private = http.get("/models/acme-ai/embeddings-worker").json()
        missing_model = http.get("/models/nobody/nothing")
        named = {r["model"] for r in listed} | {r["model"] for r in page_all(http, "/trainings")[0]}
        named |= {
            r["output"]["version"].split(":")[0]
            for r in page_all(http, "/trainings")[0]
            if r.get("output")
        }
        served = {name: http.get(f"/models/{name}").status_code for name in named}
        missing_prediction = http.get("/predictions/aaaaaaaaaaaaaaaaaaaaaaaaaa")
        unknown = http.get("/nothing-here")
        filtered_trainings = http.get("/trainings?created_after=2030-01-01T00:00:00Z").json()
    assert {"name": "Nvidia L40S GPU", "sku": "gpu-l40s"} in hardware
    assert {item["sku"] for item in hardware} == SKUS
    assert model["is_official"] is True and model["latest_version"] is None
    assert private["visibility"] == "private" and private["latest_version"]["id"].startswith("d-")
    assert missing_model.status_code == missing_prediction.status_code == unknown.status_code == 404
    assert len(filtered_trainings["results"]) == 100  # GET /trainings takes no filters
    assert app.stats.by_route["hardware.list"] >= 1
    assert set(served.values()) == {200}  # every model a record names can be looked up


def test_random_filter_windows_page_exactly_their_records(app, listed):
    """Windows with random edges, some between records, some on a record, paged by cursor."""
    picker = random.Random(1234)
    with client(app) as http:
        for _ in range(6):
            first, second = sorted(picker.sample(range(len(listed)), 2))
            newer_ns = ns_of(listed[first]["created_at"]) + picker.choice((0, 1))
            older_ns = ns_of(listed[second]["created_at"]) - picker.choice((0, 1))
            expected = [r["id"] for r in listed if older_ns <= ns_of(r["created_at"]) < newer_ns]
            params = {"created_after": _ns_text(older_ns), "created_before": _ns_text(newer_ns)}
            got, pages = page_all(http, httpx.URL("/predictions", params=params))
            assert [r["id"] for r in got] == expected
            assert pages == max(1, -(-len(expected) // 100))


def _ns_text(ns: int) -> str:
    moment = datetime.fromtimestamp(ns // 10**9, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ns % 10**9:09d}Z"


def test_async_transport_serves_the_same_pages(app):
    async def first_two_pages():
        async with httpx.AsyncClient(
            transport=app.httpx_async_transport(), base_url="http://replicate.test/v1", headers=AUTH
        ) as http:
            first = (await http.get("/predictions")).json()
            second = (await http.get(first["next"])).json()
            return first["results"] + second["results"]

    records = asyncio.run(first_two_pages())
    with client(app) as http:
        expected = page_all(http, "/predictions")[0][:200]
    assert [r["id"] for r in records] == [r["id"] for r in expected]


def test_warmed_cache_serves_identical_pages():
    cold, warmed = make_app(predictions=700), make_app(predictions=700)
    assert warmed.warm(500) == 500
    with client(cold) as cold_http, client(warmed) as warm_http:
        url = "/predictions"
        while url:
            expected, got = cold_http.get(url), warm_http.get(url)
            assert got.content == expected.content
            url = got.json()["next"]
