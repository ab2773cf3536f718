"""The request budget adapts to the server: it starts at the documented limit, 429s lower it
(AIMD) until an account limited to 6 requests a minute with a burst of 1 is paced at its limit,
and the sync goes on instead of failing. Simulated clocks: no assertion on wall-clock time."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import orjson

from replicost.client import ReplicateClient, RequestBudget, RetryPolicy
from replicost.client.retry import header_pause
from replicost.simulator import SimulatedAccount, SimulatorApp, serve
from replicost.simulator.ratelimit import TokenBucket, retry_after_seconds
from replicost.sync import sync_account

TOKEN = "r8_PaceTestToken_9f3e"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


def limited_list(clock: FakeClock, pages: int, per_minute: float, burst: int):
    """A list endpoint of `pages` pages behind Replicate's low-credit limiter, on `clock`."""
    bucket = TokenBucket(per_minute, burst, clock)
    served: dict[str, int] = {"ok": 0, "429": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        wait = bucket.take()
        if wait:
            served["429"] += 1
            seconds = retry_after_seconds(wait)
            return httpx.Response(
                429,
                headers={"Retry-After": str(seconds)},
                json={"detail": f"Request was throttled. Expected available in {seconds} seconds."},
            )
        served["ok"] += 1
        page = int(request.url.params.get("page", "0"))
        following = f"https://api.test/v1/predictions?page={page + 1}" if page + 1 < pages else None
        body = {"results": [{"id": f"p{page}", "created_at": "2026-01-01T00:00:00Z"}]}
        body["next"] = following
        return httpx.Response(
            200, content=orjson.dumps(body), headers={"content-type": "application/json"}
        )

    return httpx.MockTransport(handler), served


def test_pace_converges_to_a_6_per_minute_burst_1_limit_without_failing():
    clock = FakeClock()
    transport, served = limited_list(clock, pages=40, per_minute=6, burst=1)
    policy = RetryPolicy(sleep=clock.sleep, clock=clock, max_total_seconds=3600)
    with ReplicateClient(
        token=TOKEN, base_url="https://api.test/v1", transport=transport, retry=policy
    ) as client:
        assert client.budget.per_minute == 3000  # the documented limit, by default
        ids = [record["id"] for record in client.predictions.iter_raw()]
        pace = client.budget.per_minute
    assert ids == [f"p{page}" for page in range(40)]  # every page, none failed
    assert pace is not None and 3 <= pace <= 12  # paced at the account's limit
    # the first 429 sets the pace from its Retry-After; the rest come from probing upwards
    assert served["429"] <= 8, served
    elapsed_minutes = (clock.now - 1000.0) / 60
    assert served["ok"] / elapsed_minutes > 4  # the limit is used, not wasted


def test_pace_at_the_documented_limit_meets_no_429_and_recovers_after_a_burst_of_them():
    clock = FakeClock()
    budget = RequestBudget(3000, clock=clock)
    for _ in range(200):
        clock.sleep(budget.reserve())
    assert budget.per_minute == 3000 and budget.decreases == 0
    budget.throttled(1.0)
    budget.throttled(1.0)  # the same burst seen by another worker: one decrease
    assert budget.per_minute == 1500 and budget.decreases == 1
    for _ in range(60 * 60):  # an hour of requests without a 429: back to the ceiling
        clock.sleep(max(budget.reserve(), 1.0))
    assert budget.per_minute == 3000


def test_rate_limit_headers_pause_before_any_429():
    none_left = httpx.Response(
        200, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "4"}
    )
    assert header_pause(none_left) == 4.0
    assert header_pause(httpx.Response(200, headers={"RateLimit-Remaining": "3"})) is None
    assert header_pause(httpx.Response(200)) is None


def test_a_sync_at_cli_defaults_slows_down_to_a_low_limit_and_completes(tmp_path):
    # 6 requests/min with burst 1, time scaled 100x so the test is short: 600/min, burst 1 (the
    # simulator's Retry-After is whole seconds, so the pace undershoots here, then creeps back)
    account = SimulatedAccount(
        seed=3, predictions=300, trainings=5, end=datetime(2026, 11, 1, tzinfo=UTC)
    )
    app = SimulatorApp(account, token=TOKEN, rate_limit_rpm=600, rate_limit_burst=1)
    truth = sum(1 for row in account.ground_truth() if row["kind"] == "prediction")
    with serve(app) as server:
        summary = sync_account(
            tmp_path / "slow.duckdb",
            token=TOKEN,
            base_url=server.base_url,
            concurrency=3,
            only=("predictions",),
        )
    assert summary.new >= truth
    assert app.stats.by_status[429] >= 1  # it was throttled, and went on
    assert summary.retries == app.stats.by_status[429]
