"""A server that lies or stalls (issue #13): every case over real HTTP on loopback.

The server is not the simulator: `replicost.simulator.hostile`, a small threaded `http.server` that
serves a fixed account and misbehaves on purpose (drips bodies, points a cursor at its own page,
serves records from the year 9999 or with a `predict_time` of 1e308, answers `Retry-After: soon`). Each test runs the CLI as a
user would and checks what is stored against the records the server holds.
"""

from __future__ import annotations

import json
import math
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from replicost.cli.main import run
from replicost.client import RetryPolicy
from replicost.client.errors import NetworkError
from replicost.simulator.hostile import HostileServer, record, serve_hostile
from replicost.store import connect
from replicost.sync import sync_account
from replicost.sync.door import not_after, quarantine_reason
from replicost.sync.writer import RecordWriter

TOKEN = "r8_HostileServerToken_5c1e"
PRICING = '[models]\n"acme/flux-dev" = "gpu-a40-large"\n'  # 0.000725 USD per second
A40_LARGE = Decimal("0.000725")


def hostile(records: list[dict], page_size: int = 3) -> HostileServer:
    return HostileServer(records, token=TOKEN, page_size=page_size)


serve = serve_hostile


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def sync_cli(capsys, base_url: str, db: Path, *extra: str) -> tuple[int, str, str]:
    return cli(
        capsys,
        "sync",
        "--db",
        str(db),
        "--base-url",
        base_url,
        "--token",
        TOKEN,
        "--quiet",
        "--concurrency",
        "1",
        *extra,
    )


def stored(db: Path) -> dict[str, str | None]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("SELECT id, quarantine_reason FROM predictions").fetchall())
    finally:
        con.close()


# ---------------------------------------------------------------- 1. a body that drips


def test_a_dripping_body_ends_the_sync_within_its_deadline_in_one_line(tmp_path, capsys):
    state = hostile([record(i) for i in range(6)])
    state.drip_seconds, state.drip_padding = 0.05, 100_000  # one page would take ~85 minutes
    db = tmp_path / "drip.duckdb"
    with serve(state) as base_url:
        started = time.monotonic()
        code, out, err = sync_cli(
            capsys, base_url, db, "--deadline", "3", "--request-deadline", "1"
        )
        elapsed = time.monotonic() - started
    assert code == 1, err
    assert len(err.strip().splitlines()) == 1, err
    assert "deadline" in err and "Traceback" not in err
    # ends at its deadline: a bound far below what one dripped page takes (not a speed target)
    assert elapsed < 60, f"the sync took {elapsed:.0f}s"
    assert state.requests["predictions"] >= 1  # (the retries of a stall: the next test)
    assert stored(db) == {}  # the hardware list (not dripped) was committed before the stall


def test_a_stalled_response_is_retried_like_a_timeout_then_reported_as_one(tmp_path):
    state = hostile([record(i) for i in range(6)])
    state.drip_seconds, state.drip_padding = 0.05, 100_000
    with serve(state) as base_url:
        with pytest.raises(NetworkError) as caught:
            sync_account(
                tmp_path / "stall.duckdb",
                token=TOKEN,
                base_url=base_url,
                concurrency=1,
                only=["predictions"],
                requests_per_minute=None,
                retry=RetryPolicy(max_attempts=3, backoff_base=0.01),
                request_deadline=0.5,
            )
    assert "timed out" in str(caught.value)
    assert state.requests["predictions"] == 3  # every attempt was cut at its deadline


# ---------------------------------------------------------------- 2. a cursor that loops


@pytest.mark.parametrize("cursor", ["self", "new-cursor-same-page", "cycle"])
def test_a_looping_cursor_stops_the_sync_naming_the_url_and_keeps_what_was_committed(
    tmp_path, capsys, cursor
):
    records = [record(i) for i in range(12)]
    state = hostile(records)
    state.cursor = cursor
    db = tmp_path / "loop.duckdb"
    with serve(state) as base_url:
        code, out, err = sync_cli(capsys, base_url, db)
    assert code == 1, err
    assert len(err.strip().splitlines()) == 1, err
    assert "paging stopped at http://127.0.0.1:" in err and "/v1/predictions" in err
    assert state.requests["predictions"] < 10, "the loop was cut at once"
    # the pages before the loop are committed (newest first: the first page or two)
    kept = set(stored(db))
    newest = [r["id"] for r in sorted(records, key=lambda r: r["created_at"], reverse=True)]
    assert kept and kept == set(newest[: len(kept)])


# ---------------------------------------------------------------- 3. a record from the future


def test_a_future_dated_record_is_quarantined_and_does_not_blind_the_next_sync(tmp_path, capsys):
    records = [record(i) for i in range(5)]
    future = {**record(99), "created_at": "9999-12-31T23:59:59.999999Z", "completed_at": None}
    state = hostile([*records, future])
    db = tmp_path / "future.duckdb"
    with serve(state) as base_url:
        code, out, err = sync_cli(capsys, base_url, db)
        assert code == 0, err
        assert "1 quarantined" in out
        assert stored(db)[future["id"]] == "created_at in the future"
        # two predictions are created after the first sync: the incremental sync must find them
        state.records += [record(10), record(11)]
        code, out, err = sync_cli(capsys, base_url, db)
    assert code == 0, err
    assert "2 new" in out, out
    assert set(stored(db)) == {r["id"] for r in state.records}
    con = duckdb.connect(str(db), read_only=True)
    mark = con.execute(
        "SELECT value FROM sync_state WHERE resource = 'predictions' AND key = 'high_water_mark'"
    ).fetchone()[0]
    con.close()
    assert mark.startswith(record(11)["created_at"][:19])


# ---------------------------------------------------------------- 4, 5. impossible numbers


def test_huge_and_negative_predict_time_leave_every_report_working_and_counted(tmp_path, capsys):
    normal = [record(i, predict_time=10.0) for i in range(4)]
    huge, negative = record(50, predict_time=1e308), record(51, predict_time=-723.928945)
    state = hostile([*normal, huge, negative])
    db = tmp_path / "numbers.duckdb"
    pricing = tmp_path / "prices.toml"
    pricing.write_text(PRICING)
    with serve(state) as base_url:
        code, out, err = sync_cli(capsys, base_url, db)
    assert code == 0, err
    assert "2 quarantined" in out
    assert stored(db)[huge["id"]] == "predict_time beyond 2592000 s"
    assert stored(db)[negative["id"]] == "predict_time negative"
    raw = duckdb.connect(str(db), read_only=True)
    assert (
        json.loads(raw.execute("SELECT raw FROM predictions WHERE id = 'p0050'").fetchone()[0])[
            "metrics"
        ]["predict_time"]
        == 1e308
    ), "raw keeps the record as served"
    raw.close()

    expected = 4 * Decimal("10") * A40_LARGE  # the four normal records, by hand
    prices = ("--db", str(db), "--pricing", str(pricing))
    code, out, err = cli(capsys, "report", "spend", "--by", "model", "--format", "json", *prices)
    assert code == 0, err
    spend = json.loads(out)
    assert Decimal(str(spend["totals"]["cost_usd"])) == expected
    assert spend["totals"]["unpriced_count"] == 2
    code, out, err = cli(capsys, "report", "summary", "--format", "json", *prices)
    assert code == 0, err
    code, out, err = cli(capsys, "budget", "check", "--monthly", "1000", *prices)
    assert code == 0, err
    code, out, err = cli(capsys, "export", "--format", "csv", "--out", str(tmp_path / "x"), *prices)
    assert code == 0, err
    exported = (tmp_path / "x" / "priced_records.csv").read_text()
    assert exported.count("quarantined: predict_time") == 2


# ---------------------------------------------------------------- 6. Retry-After junk


def test_retry_after_soon_falls_back_to_backoff_and_the_sync_completes(tmp_path, capsys):
    state = hostile([record(i) for i in range(4)])
    state.retry_after = "soon"
    db = tmp_path / "soon.duckdb"
    with serve(state) as base_url:
        code, out, err = sync_cli(capsys, base_url, db)
    assert code == 0, err
    assert "1 retries" in out
    assert set(stored(db)) == {r["id"] for r in state.records}


# ---------------------------------------------------------------- the smaller ones


def test_a_token_with_a_trailing_newline_works_and_one_with_an_inner_control_is_refused(
    tmp_path, capsys, monkeypatch
):
    state = hostile([record(1)])
    with serve(state) as base_url:
        monkeypatch.setenv("REPLICATE_API_TOKEN", f"  {TOKEN}\n")
        args = ("sync", "--db", str(tmp_path / "t.duckdb"), "--base-url", base_url, "--quiet")
        code, out, err = cli(capsys, *args)
        assert code == 0, err
        monkeypatch.setenv("REPLICATE_API_TOKEN", TOKEN[:6] + "\x1b" + TOKEN[6:])
        code, out, err = cli(capsys, *args)
    assert code == 2
    assert "control character" in err and TOKEN[6:] not in err


@pytest.mark.parametrize("failure", ["401", "refused"])
def test_a_sync_that_fails_before_its_first_page_leaves_no_database_file(tmp_path, capsys, failure):
    db = tmp_path / "new.duckdb"
    if failure == "401":
        with serve(hostile([record(1)])) as base_url:
            code, out, err = cli(
                capsys, "sync", "--db", str(db), "--base-url", base_url, "--token", "r8_wrong"
            )
        assert code == 2, err
    else:
        with serve(hostile([])) as base_url:
            pass  # the port is closed again: connections are refused
        code, out, err = cli(
            capsys, "sync", "--db", str(db), "--base-url", base_url, "--token", TOKEN, "--quiet"
        )
        assert code == 1, err
    assert not db.exists() and not Path(f"{db}.wal").exists()


@pytest.mark.parametrize("amount", ["nan", "inf", "-inf", "1e400", "Infinity", "sNaN"])
def test_budget_refuses_non_finite_and_absurd_amounts(tmp_path, capsys, amount):
    code, out, err = cli(
        capsys, "budget", "check", "--monthly", amount, "--db", str(tmp_path / "d")
    )
    # 3: budget check exits as monitoring checks do, "could not check"
    assert code == 3 and err.startswith("error: --monthly") and len(err.splitlines()) == 1
    code, out, err = cli(
        capsys, "budget", "check", "--monthly", "5", "--warn-at", amount, "--db", str(tmp_path)
    )
    assert code == 3 and "--warn-at" in err


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-1"])
def test_sync_deadlines_refuse_non_finite_values(capsys, value):
    for flag in ("--deadline", "--request-deadline"):
        code, out, err = cli(capsys, "sync", flag, value, "--token", TOKEN)
        assert code == 2 and flag in err


def test_a_bidi_override_in_a_pricing_key_is_printed_escaped(tmp_path, capsys):
    pricing = tmp_path / "prices.toml"
    pricing.write_text('[models]\n"acme/evil\u202egpj.exe" = "gpu-t4"\n', encoding="utf-8")
    code, out, err = cli(capsys, "pricing", "show", "--pricing", str(pricing))
    assert "\u202e" not in out + err
    if code == 0:
        assert "\\u202e" in out


# ---------------------------------------------------------------- the door's two spellings


def test_the_door_in_sql_and_in_python_agree_on_odd_records(tmp_path):
    limit = not_after(None)
    odd = [
        record(1),
        record(2, predict_time=1e308),
        record(3, predict_time=-0.5),
        record(4, predict_time=31.0),  # one second past its 30 s of wall time: within tolerance
        record(5, predict_time=200.0),  # far past it
        record(6, predict_time=40 * 86400.0),
        record(7, created=datetime.now(UTC) + timedelta(minutes=30)),  # within the hour
        record(8, created=datetime.now(UTC) + timedelta(hours=3)),
        {**record(9), "metrics": {"image_count": -1}},
        {**record(10), "metrics": {"output_token_count": 1e300}},
        {**record(11), "metrics": {"input_token_count": 12, "predict_time": "fast"}},
        {"id": "bare"},
    ]
    con = connect(tmp_path / "door.duckdb")
    RecordWriter(con, "predictions", "acme").write(odd, not_after=limit)
    in_sql = dict(con.execute("SELECT id, quarantine_reason FROM predictions").fetchall())
    con.close()
    in_python = {r["id"]: quarantine_reason(r, limit) for r in odd}
    assert in_sql == in_python
    assert [in_python[r["id"]] is not None for r in odd] == [
        False, True, True, False, True, True, False, True, True, True, False, False,
    ]  # fmt: skip


def test_a_server_date_sets_the_reference_clock_within_a_day():
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    ahead = "Sat, 28 Nov 2026 15:00:00 GMT"  # a server clock three hours ahead of ours
    assert not_after(ahead, now) == datetime(2026, 11, 28, 16, 0, tzinfo=UTC)
    assert not_after("Fri, 31 Dec 9999 23:59:59 GMT", now) == now + timedelta(hours=1)
    assert not_after("soon", now) == now + timedelta(hours=1)
    assert math.isfinite(not_after(None).timestamp())
