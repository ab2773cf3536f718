"""The writer extracts columns in SQL: it must agree with `records.columns`, value for value, and
its fast path (plain INSERT) must fall back correctly whenever an id already exists."""

from __future__ import annotations

import copy
import json

import pytest

from replicost.store import billing_inputs, connect
from replicost.sync import records as rec
from replicost.sync.writer import RecordWriter, encode

BASE = {
    "id": "p0",
    "model": "acme/m",
    "version": "v1",
    "status": "succeeded",
    "source": "api",
    "created_at": "2026-01-02T03:04:05.123456Z",
    "metrics": {"predict_time": 1.5},
}

ODD = [
    {},  # as BASE
    {"metrics": None},
    {"metrics": {}},
    {"metrics": [1, 2]},
    {"metrics": {"predict_time": True, "total_time": 3, "image_count": 2.0}},
    {"metrics": {"predict_time": "1.5", "image_count": 2.5, "input_token_count": False}},
    {
        "metrics": {
            "predict_time": 2e-06,
            "total_time": 0,
            "input_token_count": 12,
            "output_token_count": -3,
        }
    },
    {"metrics": {"image_count": 1e300, "output_token_count": 9007199254740993}},
    {"model": {"owner": "x"}, "version": 5, "status": None, "deployment": "acme/dep"},
    {"source": "web", "data_removed": True, "error": 'line one\nline "two" \\ é ✓'},
    {"data_removed": "yes"},
    {"data_removed": 1},
    {
        "data_removed": False,
        "started_at": "2026-01-02T03:04:05Z",
        "completed_at": "2026-01-02T03:04:06.123456789Z",
    },
    {"created_at": "2026-01-02T05:04:05.1+02:00"},
    {"created_at": "not a date"},
    {"created_at": None},
    {"created_at": 1767322000},
    {"input": {"image": "data:image/png;base64," + "A" * (rec.DATA_URL_THRESHOLD + 10)}},
    {"extra_field": {"nested": [1, {"k": None}]}, "logs": "a\r\nb"},
    # billed per output: the billing metrics typed, and the short inputs of official records
    {
        "version": "hidden",
        "input": {
            "prompt": "p" * 65,
            "resolution": "720p",
            "generate_audio": True,
            "duration": 8,
            "refs": ["https://x/" + "a" * 70, "b"],
            "q": 'a"é✓',
        },
        "metrics": {"video_output_duration_seconds": 8.04, "token_input_count": 3.0},
    },
    {
        "input": {"mode": "pro"},
        "metrics": {"character_input_count": 120, "image_output_count": True},
    },
    {"input": {"mode": "pro"}, "metrics": {"audio_output_duration_seconds": "9"}},
    {"version": "hidden", "input": {"k" * 70: 1}},
    {"version": "hidden", "input": ["not", "an", "object"]},
]


def odd_records() -> list[dict]:
    records = []
    for number, change in enumerate(ODD):
        record = {**copy.deepcopy(BASE), **change, "id": f"p{number}"}
        if "created_at" in change and change["created_at"] is None:
            del record["created_at"]  # absent rather than null
        records.append(record)
    return records


def expected_rows(con, records: list[dict], training: bool) -> dict[str, tuple]:
    """What `records.columns` says, with DuckDB doing the casts the table does."""
    cols = rec.columns(records, training=training)
    names = rec.RECORD_COLUMNS + (rec.TRAINING_EXTRA_COLUMNS if training else ())
    rows = {}
    for position, record_id in enumerate(cols["id"]):
        values = []
        for name in names:
            value = cols[name][position]
            if name in ("created_at", "started_at", "completed_at"):
                value = con.execute(
                    "SELECT TRY_CAST(?::VARCHAR AS TIMESTAMPTZ)", [value]
                ).fetchone()[0]
            elif (
                name in ("input_token_count", "output_token_count", "image_count")
                or name in billing_inputs.METRIC_COLUMNS
                and billing_inputs.METRIC_COLUMNS[name][0] == "BIGINT"
            ) and value is not None:
                value = value if -(2**63) <= value < 2**63 else None  # out of BIGINT: no count
            values.append(value)
        rows[record_id] = tuple(values)
    return rows


@pytest.mark.parametrize("table", ["predictions", "trainings"])
def test_sql_extraction_equals_records_columns(tmp_path, table):
    records = odd_records()
    if table == "trainings":
        for record, output in zip(
            records, [{"version": "acme/t:abc", "weights": "w"}, ["x"], None, "s"] * 9, strict=False
        ):
            record["output"] = output
            record["destination"] = "acme/trained"
        records[1]["destination"] = {"odd": True}
    con = connect(tmp_path / "r.duckdb")
    writer = RecordWriter(con, table, "acme")
    result = writer.write(records)
    assert (result.new, result.updated, result.unchanged) == (len(records), 0, 0)
    names = writer.names
    stored = {
        row[0]: row for row in con.execute(f"SELECT {', '.join(names)} FROM {table}").fetchall()
    }
    expected = expected_rows(con, records, table == "trainings")
    assert stored.keys() == expected.keys()
    for record_id, row in expected.items():
        for name, want, got in zip(names, row, stored[record_id], strict=True):
            if name == billing_inputs.PRICE_INPUTS:  # JSON text: compared as values
                got = None if got is None else json.loads(got)
            assert got == want, f"{record_id}.{name}: stored {got!r}, records.columns says {want!r}"
    raws = dict(con.execute(f"SELECT id, raw FROM {table}").fetchall())
    assert raws == {record["id"]: rec.raw_json(record) for record in records}
    assert "replicost_placeholder" in raws["p17"]
    con.close()


def counts(result) -> tuple[int, int, int]:
    return result.new, result.updated, result.unchanged


def test_fresh_insert_falls_back_when_an_id_exists_or_repeats(tmp_path):
    con = connect(tmp_path / "r.duckdb")
    writer = RecordWriter(con, "predictions", "acme")
    records = odd_records()[:6]
    assert counts(writer.write(records[:3])) == (3, 0, 0)
    changed = {**records[0], "status": "failed"}
    # p0 changed, p1 unchanged, p3..p5 new, and p5 twice (the last copy wins)
    pages = [
        encode([changed, records[1], records[3]]),
        encode([records[4], records[5]]),
        encode([{**records[5], "status": "canceled"}]),
    ]
    result = writer.write_encoded(pages, {("predictions", "window:0"): "w"}, fresh=True)
    assert counts(result) == (3, 1, 1)
    rows = dict(con.execute("SELECT id, status FROM predictions").fetchall())
    assert rows == {
        "p0": "failed",
        "p1": "succeeded",
        "p2": "succeeded",
        "p3": "succeeded",
        "p4": "succeeded",
        "p5": "canceled",
    }
    assert con.execute("SELECT value FROM sync_state WHERE key = 'window:0'").fetchone()[0] == "w"
    con.close()


def test_a_record_whose_created_at_changed_is_replaced_not_duplicated(tmp_path):
    con = connect(tmp_path / "r.duckdb")
    writer = RecordWriter(con, "predictions", "acme")
    first = odd_records()[:2]
    writer.write(first)
    moved = {**first[0], "created_at": "2025-06-01T00:00:00Z"}  # outside the batch's stored range
    result = writer.write_encoded([encode([moved, {**first[1], "id": "p9"}])])
    assert counts(result) == (1, 1, 0)
    rows = dict(con.execute("SELECT id, created_at::VARCHAR FROM predictions").fetchall())
    assert rows["p0"].startswith("2025-06-01") and len(rows) == 3
    con.close()


def test_streamed_pages_are_committed_together_or_not_at_all(tmp_path):
    con = connect(tmp_path / "r.duckdb")
    writer = RecordWriter(con, "predictions", "acme")
    records = odd_records()
    writer.add([encode(records[:5])], fresh=True)
    writer.add([encode(records[5:10])], fresh=True)
    writer.rollback()
    assert con.execute("SELECT count(*) FROM predictions").fetchone()[0] == 0
    writer.add([encode(records[:5])], fresh=True)
    writer.add([encode(records[3:10])], fresh=True)  # p3, p4 again: the fast path hits the key
    result = writer.commit({("predictions", "window:1"): "c"})
    assert counts(result) == (10, 0, 2)
    assert con.execute("SELECT count(*) FROM predictions").fetchone()[0] == 10
    con.close()
