"""Per-output prices with several units, conditions on inputs and dated rows, on records written
by the sync's own writer (so the typed billing metrics and the short inputs come from real JSON).
Every expected figure is worked out by hand in the comment beside it."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from replicost.billing import costs, ledger, pricing
from replicost.store import connect
from replicost.sync.writer import RecordWriter

D = Decimal

PRICES = """
[units."acme/video"]                  # string conditions, one of them a list (any of)
output_video_second = [
  { usd_per_unit = 0.5, when = { resolution = "720p" } },
  { usd_per_unit = 0.75, when = { resolution = ["1080p", "4k"] } },
]
[units."acme/veo"]                    # a true/false condition
output_video_second = [
  { usd_per_unit = 0.75, when = { generate_audio = true } },
  { usd_per_unit = 0.5, when = { generate_audio = false } },
]
[units."acme/fps"]                    # a numeric condition
output_video_second = [
  { usd_per_unit = 0.2, when = { target_fps = 60 } },
  { usd_per_unit = 0.1, when = { target_fps = 30 } },
]
[units."acme/picture"]                # two units billed together: a run fee and megapixels
run = 0.01
megapixel = 0.02
[units."acme/chat"]                   # tokens in and out, per million
input_token_per_million = 3.0
output_token_per_million = 15.0
[units."acme/dated"]                  # a price cut, as dated rows
image = [{ usd_per_unit = 0.04 }, { usd_per_unit = 0.03, effective_from = 2026-01-01 }]
[units."acme/resold"]                 # a price only a third party states: estimated
image = [{ usd_per_unit = 0.05, source = "https://example.com/prices", source_kind = "third-party" }]
[units."acme/speech"]
input_character_per_thousand = 0.06
"""


def record(id, model, input=None, metrics=None, *, status="succeeded", created="2025-06-01"):
    return {
        "id": id,
        "model": model,
        "version": "hidden",
        "status": status,
        "created_at": f"{created}T10:00:00Z",
        "input": input or {},
        "metrics": {"predict_time": 3.0, **(metrics or {})},
    }


RECORDS = [
    record("v720", "acme/video", {"resolution": "720p"}, {"video_output_duration_seconds": 8}),
    record("v1080", "acme/video", {"resolution": "1080p"}, {"video_output_duration_seconds": 5.0}),
    record("v4k", "acme/video", {"resolution": "4k"}, {"video_output_duration_seconds": 2}),
    record("v8k", "acme/video", {"resolution": "8K"}, {"video_output_duration_seconds": 2}),
    record("v-guess", "acme/video", {"resolution": "720p", "duration": 6}),
    record("v-none", "acme/video", {"resolution": "720p", "prompt": "x" * 500}),
    record("v-failed", "acme/video", {"resolution": "720p"}, status="failed"),
    record("audio-on", "acme/veo", {"generate_audio": True}, {"video_output_duration_seconds": 4}),
    record(
        "audio-off", "acme/veo", {"generate_audio": False}, {"video_output_duration_seconds": 4}
    ),
    record("fps60", "acme/fps", {"target_fps": 60}, {"video_output_duration_seconds": 10}),
    record("fps60.0", "acme/fps", {"target_fps": 60.0}, {"video_output_duration_seconds": 10}),
    record("fps30", "acme/fps", {"target_fps": 30}, {"video_output_duration_seconds": 10}),
    record("fps-text", "acme/fps", {"target_fps": "60"}, {"video_output_duration_seconds": 10}),
    record("picture", "acme/picture", {"width": 1024, "height": 1024}, {"image_count": 2}),
    record(
        "chat",
        "acme/chat",
        {"prompt": "hi"},
        {"token_input_count": 1000, "token_output_count": 200},
    ),
    record("chat-old-names", "acme/chat", {}, {"input_token_count": 10, "output_token_count": 20}),
    record("dated-before", "acme/dated", {}, {"image_count": 1}, created="2025-12-31"),
    record("dated-after", "acme/dated", {}, {"image_output_count": 2}, created="2026-01-01"),
    record("resold", "acme/resold", {}, {"image_count": 3}),
    record("speech", "acme/speech", {"text": "hello"}, {"character_input_count": 1500}),
    record("speech-none", "acme/speech", {"text": "hello"}),
    record(
        "bad-seconds", "acme/veo", {"generate_audio": True}, {"video_output_duration_seconds": -4}
    ),
]


@pytest.fixture(scope="module")
def priced(tmp_path_factory):
    folder = tmp_path_factory.mktemp("units")
    con = connect(folder / "units.duckdb")
    RecordWriter(con, "predictions", "acme").write(RECORDS)
    (folder / "prices.toml").write_text(PRICES, encoding="utf-8")
    costs.install(con, pricing.load_catalog(folder / "prices.toml"))
    rows = con.execute(
        "SELECT id, basis, cost_usd, cost_kind, reason, billing_note, unit, units, unit_detail "
        "FROM prediction_costs"
    ).fetchall()
    con.close()
    return {row[0]: row[1:] for row in rows}


@pytest.fixture(scope="module")
def database(priced, tmp_path_factory):
    folder = next(tmp_path_factory.getbasetemp().glob("units*"))
    return folder / "units.duckdb", folder / "prices.toml"


def cost(priced, id):
    basis, usd, kind, reason, *_ = priced[id]
    return basis, usd, kind, reason


def test_string_conditions_and_a_list_of_values(priced):
    assert cost(priced, "v720") == ("per_unit", D("4.000000"), "exact", None)  # 8 s x 0.5
    assert cost(priced, "v1080") == ("per_unit", D("3.750000"), "exact", None)  # 5 s x 0.75
    assert cost(priced, "v4k") == ("per_unit", D("1.500000"), "exact", None)  # any of the list
    assert priced["v720"][5:7] == ("output_video_second", 8.0)


def test_an_input_no_row_prices_is_unpriced_with_the_fields_it_depends_on(priced):
    basis, usd, kind, reason = cost(priced, "v8k")
    assert (basis, usd, kind) == ("unpriced", None, "unpriced")
    assert reason == (
        "no price of official model acme/video matches this record's input (resolution); "
        'add a row for it under [units."acme/video"] in your pricing file'
    )


def test_true_false_conditions(priced):
    assert cost(priced, "audio-on") == ("per_unit", D("3.000000"), "exact", None)  # 4 x 0.75
    assert cost(priced, "audio-off") == ("per_unit", D("2.000000"), "exact", None)  # 4 x 0.5


def test_numeric_conditions_compare_numbers_not_text(priced):
    assert cost(priced, "fps60") == ("per_unit", D("2.000000"), "exact", None)  # 10 x 0.2
    assert cost(priced, "fps60.0") == ("per_unit", D("2.000000"), "exact", None)
    assert cost(priced, "fps30") == ("per_unit", D("1.000000"), "exact", None)  # 10 x 0.1
    assert cost(priced, "fps-text")[0] == "unpriced"  # "60" is text, not the number 60


def test_a_count_from_the_input_is_an_estimate_and_says_so(priced):
    assert cost(priced, "v-guess") == ("per_unit", D("3.000000"), "estimated", None)  # 6 x 0.5
    assert "counted from the input (input.duration)" in priced["v-guess"][4]


def test_a_missing_count_names_the_missing_field(priced):
    assert cost(priced, "v-none") == (
        "unpriced",
        None,
        "unpriced",
        "no unit count: missing field metrics.video_output_duration_seconds (and input.duration)",
    )
    assert cost(priced, "speech-none")[3] == (
        "no unit count: missing field metrics.character_input_count"
    )


def test_a_failed_record_made_no_output(priced):
    assert cost(priced, "v-failed") == ("per_unit", D("0.000000"), "exact", None)


def test_several_units_billed_together(priced):
    # run 1 x 0.01 + megapixels 2 x 1024 x 1024 / 10^6 = 2.097152 x 0.02 = 0.04194304 -> 0.051943;
    # megapixels come from the input: estimated
    assert cost(priced, "picture") == ("per_unit", D("0.051943"), "estimated", None)
    assert priced["picture"][5] == "megapixel+run"
    # 1000 x 3/10^6 + 200 x 15/10^6 = 0.003 + 0.003, from Replicate's billing metric names
    assert cost(priced, "chat") == ("per_unit", D("0.006000"), "exact", None)
    # 10 x 3/10^6 + 20 x 15/10^6 = 0.00033, from the older names
    assert cost(priced, "chat-old-names") == ("per_unit", D("0.000330"), "exact", None)
    # 1500 characters x 0.06 / 1000
    assert cost(priced, "speech") == ("per_unit", D("0.090000"), "exact", None)


def test_dated_rows(priced):
    assert cost(priced, "dated-before") == ("per_unit", D("0.040000"), "exact", None)
    assert cost(priced, "dated-after") == ("per_unit", D("0.060000"), "exact", None)  # 2 x 0.03


def test_third_party_prices_are_estimated(priced):
    assert cost(priced, "resold") == ("per_unit", D("0.150000"), "estimated", None)
    assert "third-party" in priced["resold"][4]


def test_an_implausible_count_names_its_field(priced):
    assert cost(priced, "bad-seconds")[3] == (
        "metrics.video_output_duration_seconds -4.0 is not a plausible count (0 to 100000000)"
    )


def test_every_official_model_the_simulator_runs_is_priced_by_the_shipped_catalog():
    from replicost.simulator import catalog as simulated

    shipped = {model for model, _ in pricing.shipped_catalog().units}
    official = {m.name for m in simulated.build_models("acme") if m.kind == "official"}
    assert len(official) >= 12 and official <= shipped, sorted(official - shipped)
    kinds = {m.output_kind for m in simulated.build_models("acme") if m.kind == "official"}
    assert {"image", "tokens", "video", "speech", "music"} <= kinds


def test_explain_shows_the_row_the_input_selected_and_the_arithmetic(database):
    from replicost.analytics.explain import explain

    db, prices = database
    shown = explain(db, "v1080", pricing_file=prices)
    assert [row["usd_per_unit"] for row in shown["unit_prices"]] == ["0.75"]
    assert shown["arithmetic"].startswith("5 output_video_second x $0.75 = $3.75")
    both = explain(db, "picture", pricing_file=prices)["arithmetic"]
    assert both.startswith("2.097152 megapixel x $0.02 + 1 run x $0.01 = $0.05194304")


# Each unit billed with its count and price, as `unit_detail` spells them (counts are DOUBLE,
# prices have 12 decimals), worked out from RECORDS and PRICES
DETAILS = {
    # 2 images x 1024 x 1024 / 10^6 megapixels at 0.02, and one run at 0.01: two kinds of unit
    "picture": "megapixel 2.097152 x 0.020000000000; run 1.0 x 0.010000000000",
    # tokens in and out, at 3 and 15 USD per million
    "chat": "input_token 1000.0 x 0.000003000000; output_token 200.0 x 0.000015000000",
    "chat-old-names": "input_token 10.0 x 0.000003000000; output_token 20.0 x 0.000015000000",
    "v1080": "output_video_second 5.0 x 0.750000000000",
    "v-failed": "output_video_second 0.0 x 0.500000000000",  # made no output: counts 0
    "speech": "input_character 1500.0 x 0.000060000000",  # 0.06 per thousand
    "speech-none": None,  # unpriced
}


def test_unit_detail_spells_each_unit_billed(priced):
    assert {id: priced[id][7] for id in DETAILS} == DETAILS


def test_the_stored_ledger_builds_the_same_unit_detail(database):
    # the ledger keeps the text of a record billed in several kinds of unit only, and builds the
    # others' from their unit, count and price columns
    db, prices = database
    ledger.store(db, pricing_file=prices)
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = dict(
            con.execute(
                "SELECT id, unit_combo_detail FROM bill_ledger WHERE records = 1"
            ).fetchall()
        )
        costs.install(con, pricing.load_catalog(prices), records=False)
        assert ledger.attach(con) is None
        built = dict(con.execute("SELECT id, unit_detail FROM prediction_costs").fetchall())
    finally:
        con.close()
    assert {id: built[id] for id in DETAILS} == DETAILS
    assert {id for id, text in stored.items() if text is not None} == {"picture"}
