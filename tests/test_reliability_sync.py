"""Reliability campaign, fast part: sync under crashes, hostile networks, churn and concurrent use.

The scenarios live in `tests/reliability/` (benchmarks/campaign.py repeats them many times and writes
docs/RELIABILITY.md); here each runs a few times. A scenario returns every failure it saw as a
sentence, so a red test says what was lost, duplicated or unclear.
"""

from __future__ import annotations

import pytest

from reliability import common, concurrency, crash, network


def assert_clean(result: common.CaseResult, *, runs: int) -> None:
    assert result.failures == []
    assert (result.lost, result.duplicated) == (0, 0)
    assert result.runs >= runs, f"only {result.runs} runs happened: {result.notes}"


@pytest.mark.slow
def test_kill_9_anywhere_then_rerun_equals_the_uninterrupted_sync_in_every_column(tmp_path):
    result = crash.crash_anywhere(3, predictions=2000, workdir=tmp_path)
    assert_clean(result, runs=3)


@pytest.mark.parametrize("hint", ["header", "body", "text"])
def test_a_429_burst_with_each_form_of_retry_hint_is_waited_out(tmp_path, hint):
    result = network.hostile_network(
        1, predictions=600, workdir=tmp_path, only=lambda weather: weather.hint == hint
    )
    assert_clean(result, runs=1)
    assert "2 retries" in result.notes[-1]  # a burst of two 429s: two retries in the summary line


@pytest.mark.slow
def test_5xx_timeouts_drops_and_truncated_json_are_survived_with_exact_retry_counts(tmp_path):
    result = network.hostile_network(
        1, predictions=800, workdir=tmp_path, only=lambda weather: weather.hint is None
    )
    assert_clean(result, runs=5)


def test_an_endless_storm_and_a_killed_server_stop_in_one_line_and_keep_whole_pages(tmp_path):
    result = network.storm_stops_cleanly(1, predictions=800, workdir=tmp_path)
    assert_clean(result, runs=2)


def test_predictions_created_and_finishing_during_a_sync_end_in_their_final_state(tmp_path):
    result = concurrency.churn(1, predictions=1500, workdir=tmp_path)
    assert_clean(result, runs=1)


def test_a_second_sync_is_refused_and_a_report_says_why_while_a_sync_runs(tmp_path):
    result = concurrency.concurrent_use(1, predictions=3000, workdir=tmp_path)
    assert_clean(result, runs=1)
