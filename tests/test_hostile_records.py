"""One bad record never blocks the rest, and a finished record never goes back (issue #23).

A hostile server (`replicost.simulator.hostile`, real HTTP on loopback) serves a record whose error
text is not UTF-8 (which made its page fail on every run, so no later record was ever synced), and
answers `processing` for a record stored as `succeeded` (which overwrote it and moved its cost to
unpriced). The CLI syncs it as a user would; what is stored is checked against what was served.
"""

from __future__ import annotations

import base64
import json

import duckdb

from replicost.cli.main import run
from replicost.simulator.hostile import INVALID_MARK, HostileServer, record, serve_hostile
from replicost.sync import sync_account

TOKEN = "r8_HostileRecordsToken_6e1a"
PRICING = '[models]\n"acme/flux-dev" = "gpu-a40-large"\n'


def sync_cli(capsys, base_url: str, db, *extra: str) -> tuple[int, str, str]:
    code = run(
        ["sync", "--db", str(db), "--base-url", base_url, "--token", TOKEN, "--quiet",
         "--concurrency", "1", *extra]
    )  # fmt: skip
    out, err = capsys.readouterr()
    return code, out, err


def rows(db) -> dict[str, tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = con.execute(
            "SELECT id, status, error, quarantine_reason, raw FROM predictions"
        ).fetchall()
    finally:
        con.close()
    return {row[0]: row[1:] for row in found}


def test_a_record_that_is_not_utf8_is_quarantined_with_its_bytes_and_the_rest_syncs(
    tmp_path, capsys
):
    records = [record(i) for i in range(9)]
    records[7].update(status="failed", error=INVALID_MARK + "p0007")  # page 1 of 3 (newest first)
    state = HostileServer(records, token=TOKEN, page_size=3)
    db = tmp_path / "utf8.duckdb"
    with serve_hostile(state) as base_url:
        code, out, err = sync_cli(capsys, base_url, db)
    assert code == 0, err  # was: the page failed on every run, nothing after it synced
    assert "0 retries" in out and "1 quarantined" in out, out
    stored = rows(db)
    assert set(stored) == {f"p{i:04d}" for i in range(9)}  # its page and the later ones
    status, error, reason, raw = stored["p0007"]
    assert (status, error, reason) == ("failed", "bad \ufffd\ufffd\ufffd bytes", "not UTF-8: error")
    served = base64.b64decode(json.loads(raw)["replicost_undecodable"]["raw_base64"])
    assert b'"error": "bad \x80\xc0\xaf bytes"' in served  # the bytes as the server sent them
    assert all(stored[f"p{i:04d}"][2] is None for i in range(9) if i != 7)
    pricing = tmp_path / "prices.toml"
    pricing.write_text(PRICING)
    assert run(["report", "spend", "--db", str(db), "--pricing", str(pricing)]) == 0
    report = capsys.readouterr().out
    assert "Quarantined at the sync: 1 records" in report


def test_a_finished_record_never_goes_back_to_unfinished(tmp_path, capsys):
    records = [record(i) for i in range(4)]
    running = dict(records[2], status="processing", completed_at=None, metrics={})
    records[2] = running  # p0002 is running at the first sync, finished at the second
    state = HostileServer(records, token=TOKEN, page_size=3)
    db = tmp_path / "revert.duckdb"
    with serve_hostile(state) as base_url:
        code, _, err = sync_cli(capsys, base_url, db)
        assert code == 0, err
        before = rows(db)
        assert before["p0001"][0] == "succeeded" and before["p0002"][0] == "processing"
        # the server now lies about p0001 (and p0003), and p0002 has really finished
        for index in (1, 3):
            state.records[index] = dict(
                state.records[index], status="processing", completed_at=None, metrics={}
            )
        state.records[2] = record(2)
        summary = sync_account(
            db, token=TOKEN, base_url=base_url, full=True, concurrency=1, only=["predictions"]
        )
        code, out, err = sync_cli(capsys, base_url, db, "--full")
    assert summary.reverts_ignored == 2
    assert code == 0, err
    assert "2 answer(s) ignored that would have turned a finished record unfinished again" in out
    after = rows(db)
    assert after["p0001"] == before["p0001"] and after["p0003"] == before["p0003"]
    assert after["p0002"][0] == "succeeded"  # a real finish is taken
