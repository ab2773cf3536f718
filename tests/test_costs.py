"""Cost views on a real DuckDB file: figures computed by hand, written here, never by the code."""

from __future__ import annotations

from decimal import Decimal

import pytest

from replicost.billing import costs, pricing
from replicost.store import connect, open_readonly

D = Decimal


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "costs.duckdb"
    con = connect(path)
    yield con
    con.close()


def add_prediction(
    con,
    id,
    model,
    created_at,
    predict_time=None,
    *,
    version="v1",
    status="succeeded",
    deployment=None,
    images=None,
    tokens_in=None,
    tokens_out=None,
    table="predictions",
):
    con.execute(
        f"""INSERT INTO {table} (id, account, model, version, status, deployment, created_at,
               predict_time, image_count, input_token_count, output_token_count)
            VALUES (?, 'acme', ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            id,
            model,
            version,
            status,
            deployment,
            created_at,
            predict_time,
            images,
            tokens_in,
            tokens_out,
        ],
    )


def add_release(con, deployment, number, hardware, created_at, min_instances=0):
    con.execute(
        """INSERT INTO deployment_releases (deployment, number, account, model, version, hardware,
               min_instances, max_instances, created_at)
           VALUES (?, ?, 'acme', 'acme/chat', 'v1', ?, ?, 5, ?)""",
        [deployment, number, hardware, min_instances, created_at],
    )


def install(con, tmp_path, toml: str = ""):
    path = tmp_path / "prices.toml"
    path.write_text(toml, encoding="utf-8")
    catalog = pricing.load_catalog(path)
    costs.install(con, catalog)
    return catalog


def costs_by_id(con, view="prediction_costs"):
    rows = con.execute(f"SELECT id, basis, cost_usd, hardware, reason FROM {view}").fetchall()
    return {row[0]: row[1:] for row in rows}


MODEL_MAP = """
[models]
"acme/upscaler" = "gpu-a40-large"
"acme/upscaler:v2" = "gpu-a100-large"
"ostris/flux-dev-lora-trainer" = "gpu-h100"
"""


def test_hand_computed_account_priced_to_the_cent(db, tmp_path):
    day = "2025-03-10T09:00:00Z"
    add_prediction(
        db, "p-flux", "black-forest-labs/flux-schnell", day, 1.7, version="hidden", images=4
    )
    add_prediction(
        db,
        "p-llama",
        "meta/meta-llama-3-8b-instruct",
        day,
        2.0,
        version="hidden",
        tokens_in=1200,
        tokens_out=350,
    )
    for n in range(1000):
        add_prediction(db, f"p-up-{n}", "acme/upscaler", day, 12.5)
    add_prediction(db, "p-big", "acme/upscaler", day, 100.0, version="v2")
    add_release(db, "acme/chat", 1, "gpu-2x-l40s", "2025-03-01T00:00:00Z")
    add_prediction(db, "p-dep", "acme/chat", day, 30.0, deployment="acme/chat")
    add_prediction(db, "p-mystery", "acme/mystery", day, 5.0)
    add_prediction(db, "p-running", "acme/upscaler", day, None, status="processing")
    add_prediction(
        db,
        "p-flux-failed",
        "black-forest-labs/flux-dev",
        day,
        0.5,
        version="hidden",
        status="failed",
    )
    add_prediction(db, "p-up-failed", "acme/upscaler", day, None, status="failed")
    add_prediction(
        db, "t-lora", "ostris/flux-dev-lora-trainer", day, 600.0, version="abc", table="trainings"
    )
    install(db, tmp_path, MODEL_MAP)

    by_id = costs_by_id(db)
    # by hand: 4 x 0.003; 1200 x 0.05e-6 + 350 x 0.25e-6 = 0.0001475 -> 0.000148 (half up);
    # 12.5 x 0.000725 = 0.0090625 -> 0.009063 each, rounded per record before summing;
    # 100 x 0.0014; 30 x 2 x 0.000975; a failed official prediction with no output bills nothing
    assert by_id["p-flux"] == ("per_unit", D("0.012000"), None, None)
    assert by_id["p-llama"] == ("per_unit", D("0.000148"), None, None)
    assert by_id["p-up-0"] == ("per_second", D("0.009063"), "gpu-a40-large", None)
    assert by_id["p-big"] == ("per_second", D("0.140000"), "gpu-a100-large", None)
    assert by_id["p-dep"] == ("per_second", D("0.058500"), "gpu-l40s-2x", None)
    assert by_id["p-flux-failed"][:2] == ("per_unit", D("0"))
    assert by_id["p-up-failed"][:2] == ("per_second", D("0"))
    assert by_id["p-mystery"][:2] == ("unpriced", None)
    assert by_id["p-running"][:2] == ("unpriced", None)

    total, priced, unpriced = db.execute(
        "SELECT sum(cost_usd), count(cost_usd), count(*) - count(cost_usd) FROM prediction_costs"
    ).fetchone()
    # 0.012 + 0.000148 + 1000 x 0.009063 + 0.14 + 0.0585 = 9.273648
    assert total == D("9.273648") and round(total, 2) == D("9.27")
    assert (priced, unpriced) == (1006, 2)
    # group totals add up to the grand total exactly
    by_basis = dict(
        db.execute("SELECT basis, sum(cost_usd) FROM prediction_costs GROUP BY basis").fetchall()
    )
    assert by_basis == {"per_unit": D("0.012148"), "per_second": D("9.261500"), "unpriced": None}
    # a training: 600 x 0.001525 = 0.915
    assert costs_by_id(db, "training_costs")["t-lora"] == (
        "per_second",
        D("0.915000"),
        "gpu-h100",
        None,
    )
    kinds = dict(
        db.execute("SELECT kind, sum(cost_usd) FROM priced_records GROUP BY kind").fetchall()
    )
    assert kinds == {"prediction": D("9.273648"), "training": D("0.915000")}
    assert (
        str(db.execute("SELECT typeof(cost_usd) FROM priced_records LIMIT 1").fetchone()[0])
        == "DECIMAL(18,6)"
    )


def test_units_columns_say_what_was_counted(db, tmp_path):
    day = "2025-03-10T09:00:00Z"
    add_prediction(
        db, "p-flux", "black-forest-labs/flux-schnell", day, 1.7, version="hidden", images=4
    )
    add_prediction(
        db,
        "p-llama",
        "meta/meta-llama-3-8b-instruct",
        day,
        2.0,
        version="hidden",
        tokens_in=1200,
        tokens_out=350,
    )
    add_prediction(db, "p-up", "acme/upscaler", day, 12.5)
    install(db, tmp_path, MODEL_MAP)
    rows = {
        row[0]: row[1:]
        for row in db.execute(
            "SELECT id, unit, units, unit_price, input_token_price, output_token_price FROM prediction_costs"
        ).fetchall()
    }
    assert rows["p-flux"] == ("image", 4.0, D("0.003"), None, None)
    assert rows["p-llama"] == ("token", 1550.0, None, D("0.00000005"), D("0.00000025"))
    assert rows["p-up"] == ("second", 12.5, D("0.000725"), None, None)


def test_price_change_mid_month_prices_each_side_at_its_own_price(db, tmp_path):
    for id, created in [
        ("before", "2025-06-14T23:59:59.999999Z"),
        ("at", "2025-06-15T00:00:00Z"),
        ("after", "2025-06-28T08:00:00Z"),
    ]:
        add_prediction(db, id, "acme/upscaler", created, 100.0)
    # the shipped L40S change (0.000972 -> 0.000975 on 2025-01-01)
    add_prediction(db, "l40s-2024", "acme/l40s-model", "2024-12-31T23:59:59Z", 1000.0)
    add_prediction(db, "l40s-2025", "acme/l40s-model", "2025-01-01T00:00:00Z", 1000.0)
    install(
        db,
        tmp_path,
        """
[hardware]
"gpu-t4" = [
  { usd_per_second = 0.000225 },
  { usd_per_second = 0.0003, effective_from = 2025-06-15 },
]
[models]
"acme/upscaler" = "gpu-t4"
"acme/l40s-model" = "gpu-l40s"
""",
    )
    by_id = costs_by_id(db)
    # 100 x 0.000225 = 0.0225; 100 x 0.0003 = 0.03; 1000 x 0.000972; 1000 x 0.000975
    assert by_id["before"][1] == D("0.022500")
    assert by_id["at"][1] == D("0.030000")
    assert by_id["after"][1] == D("0.030000")
    assert by_id["l40s-2024"][1] == D("0.972000")
    assert by_id["l40s-2025"][1] == D("0.975000")


# A price finer than a micro-dollar, a model on T4, and token prices far below a micro-dollar:
# figures that need more than 64 bits in nano-dollars, or round away to nothing.
ODD_PRICES = """
[hardware]
"gpu-odd" = 0.000001234567
[models]
"acme/odd" = "gpu-odd"
"acme/long" = "gpu-t4"
[units."acme/llm"]
input_token = 0.0000000125
output_token = 0.0000000125
"""


def test_figures_beyond_64_bits_take_the_decimal_path_with_the_same_rule(db, tmp_path):
    day = "2025-04-01T00:00:00Z"
    add_prediction(db, "fine-price", "acme/odd", day, 1000.0)
    add_prediction(db, "long-run", "acme/long", day, 100000.5)
    add_prediction(db, "fine-tokens", "acme/llm", day, 1.0, tokens_in=100, tokens_out=3)
    install(
        db,
        tmp_path,
        ODD_PRICES,
    )
    by_id = costs_by_id(db)
    # 1000 x 0.000001234567 = 0.001234567 -> 0.001235; 100000.5 x 0.000225 = 22.5001125 -> 22.500113;
    # 103 x 0.0000000125 = 0.0000012875 -> 0.000001
    assert by_id["fine-price"][1] == D("0.001235")
    assert by_id["long-run"][1] == D("22.500113")
    assert by_id["fine-tokens"][1] == D("0.000001")


def test_integer_money_columns_are_the_decimal_ones_in_micro_dollars(db, tmp_path):
    """Reports add up cost_micro and the unpriced range in micro-dollars (priced_amounts): each
    must be exactly its DECIMAL column x 10^6, on the integer path and on the DECIMAL(38) one."""
    day = "2025-04-01T00:00:00Z"
    add_prediction(db, "plain", "acme/long", day, 12.345678)
    add_prediction(db, "fine-price", "acme/odd", day, 1000.0)
    add_prediction(db, "long-run", "acme/long", day, 100000.5)
    add_prediction(db, "fine-tokens", "acme/llm", day, 1.0, tokens_in=100, tokens_out=3)
    add_prediction(db, "unmapped", "acme/unknown", day, 3.5)
    add_prediction(db, "unmapped-long", "acme/unknown", day, 200000.25)
    add_prediction(db, "no-seconds", "acme/unknown", day, None)
    add_prediction(db, "running", "acme/long", day, None, status="running")
    install(
        db,
        tmp_path,
        ODD_PRICES,
    )
    rows = db.execute(
        """SELECT id, cost_usd, cost_micro, unpriced_low_usd, unpriced_low_micro,
                  unpriced_high_usd, unpriced_high_micro, seconds, seconds_micro
           FROM priced_amounts ORDER BY id"""
    ).fetchall()
    assert len(rows) == 8
    micro = Decimal(1_000_000)
    for id, cost, cost_micro, low, low_micro, high, high_micro, seconds, seconds_micro in rows:
        for usd, whole in ((cost, cost_micro), (low, low_micro), (high, high_micro)):
            assert (usd is None) == (whole is None), id
            if usd is not None:
                assert usd * micro == whole, id
        assert (seconds is None) == (seconds_micro is None), id
        if seconds is not None:
            assert round(seconds * 1_000_000) == seconds_micro, id
    by_id = {row[0]: row for row in rows}
    assert by_id["long-run"][2] == 22_500_113  # past the 64-bit path: 100000.5 s x 0.000225
    assert by_id["unmapped-long"][4] is not None  # a range, also past the 64-bit path


def test_override_precedence(db, tmp_path):
    day = "2025-04-01T00:00:00Z"
    add_prediction(db, "v1", "acme/m", day, 10.0, version="v1")
    add_prediction(db, "v2", "acme/m", day, 10.0, version="v2")
    add_prediction(
        db, "flux", "black-forest-labs/flux-schnell", day, 1.0, version="hidden", images=1
    )
    install(
        db,
        tmp_path,
        """
[hardware]
"gpu-t4" = 0.0003
[models]
"acme/m" = "gpu-t4"
"acme/m:v2" = "gpu-h100"
"black-forest-labs/flux-schnell" = "gpu-h100"
""",
    )
    by_id = costs_by_id(db)
    # version beats model (10 x 0.001525); the user's gpu-t4 beats the shipped one (10 x 0.0003);
    # an official model with unit counts is priced per unit even if mapped (1 x 0.003)
    assert by_id["v2"][:3] == ("per_second", D("0.015250"), "gpu-h100")
    assert by_id["v1"][:3] == ("per_second", D("0.003000"), "gpu-t4")
    assert by_id["flux"][:2] == ("per_unit", D("0.003000"))


def test_every_unpriced_record_has_an_actionable_reason(db, tmp_path):
    day = "2025-04-01T00:00:00Z"
    add_prediction(db, "no-map", "acme/foo", day, 3.0)
    add_prediction(db, "no-price", "acme/odd", day, 3.0)
    add_prediction(db, "no-counts", "black-forest-labs/flux-dev", day, 3.0, version="hidden")
    add_prediction(db, "starting", "acme/foo", day, None, status="starting")
    add_release(db, "acme/chat", 1, "gpu-l40s", "2025-05-01T00:00:00Z")
    add_prediction(db, "early", "acme/chat", day, 3.0, deployment="acme/chat")
    add_prediction(db, "unknown-dep", "acme/other", day, 3.0, deployment="acme/other")
    add_prediction(db, "no-model", None, day, 3.0)
    install(db, tmp_path, '[models]\n"acme/odd" = "gpu-zz9"\n')
    reasons = {
        id: reason
        for id, (basis, cost, _, reason) in costs_by_id(db).items()
        if basis == "unpriced" and cost is None
    }
    assert reasons == {
        "no-map": "no hardware known for model acme/foo; add it under [models] in your pricing file",
        "no-price": "no price in effect for hardware gpu-zz9 (model acme/odd); add it under [hardware] in your pricing file",
        "no-counts": "no unit count: missing field metrics.image_output_count/image_count (and input.num_outputs)",
        "starting": "still starting at the last sync; priced once it finishes",
        "early": 'created before the earliest known release of deployment acme/chat (2025-05-01); add its earlier hardware under [deployments] "acme/chat" in your pricing file',
        "unknown-dep": 'no release of deployment acme/other is known; add its hardware under [deployments] "acme/other" in your pricing file',
        "no-model": "no model recorded; cannot tell what it ran on",
    }


def test_deployment_timeline_and_always_on_estimate(db, tmp_path):
    add_release(db, "acme/chat", 1, "gpu-l40s", "2025-03-01T12:00:00Z", min_instances=1)
    add_release(db, "acme/chat", 2, "gpu-2x-l40s", "2025-03-02T06:00:00Z", min_instances=0)
    db.execute(
        "INSERT INTO deployments (deployment, account, synced_at) VALUES ('acme/chat', 'acme', '2025-03-03T00:00:00Z')"
    )
    add_prediction(
        db, "before-history", "acme/chat", "2025-02-27T10:00:00Z", 10.0, deployment="acme/chat"
    )
    add_prediction(
        db, "from-file", "acme/chat", "2025-02-28T10:00:00Z", 10.0, deployment="acme/chat"
    )
    add_prediction(
        db, "release-1", "acme/chat", "2025-03-01T13:00:00Z", 10.0, deployment="acme/chat"
    )
    add_prediction(
        db, "release-2", "acme/chat", "2025-03-02T07:00:00Z", 10.0, deployment="acme/chat"
    )
    install(
        db,
        tmp_path,
        """
[deployments]
"acme/chat" = [{ hardware = "gpu-t4", effective_from = 2025-02-28, min_instances = 2 }]
""",
    )
    by_id = costs_by_id(db)
    # the pricing file's history fills the time before the first observed release (10 x 0.000225),
    # observed releases win after it (10 x 0.000975, 10 x 0.00195)
    assert by_id["before-history"][0] == "unpriced"
    assert by_id["from-file"][:3] == ("per_second", D("0.002250"), "gpu-t4")
    assert by_id["release-1"][:3] == ("per_second", D("0.009750"), "gpu-l40s")
    assert by_id["release-2"][:3] == ("per_second", D("0.019500"), "gpu-l40s-2x")

    uptime = db.execute(
        """SELECT CAST(day AS VARCHAR), hardware, min_instances, uptime_seconds, cost_usd, estimate
           FROM deployment_uptime_costs ORDER BY day, hardware"""
    ).fetchall()
    # by hand: the file's 2 x gpu-t4 from 02-28 00:00 to release 1 at 03-01 12:00, then release 1's
    # 1 x gpu-l40s to 03-02 06:00; release 2 has no min instances.
    # 2 x 86400 x 0.000225 = 38.88; 2 x 43200 x 0.000225 = 19.44; 43200 x 0.000975 = 42.12;
    # 21600 x 0.000975 = 21.06
    assert uptime == [
        ("2025-02-28", "gpu-t4", 2, D("86400"), D("38.880000"), True),
        ("2025-03-01", "gpu-l40s", 1, D("43200"), D("42.120000"), True),
        ("2025-03-01", "gpu-t4", 2, D("43200"), D("19.440000"), True),
        ("2025-03-02", "gpu-l40s", 1, D("21600"), D("21.060000"), True),
    ]


def test_always_on_runs_to_the_last_sync_and_splits_at_a_price_change(db, tmp_path):
    add_release(db, "acme/chat", 1, "gpu-t4", "2025-06-14T18:00:00Z", min_instances=1)
    db.execute(
        "INSERT INTO deployments (deployment, account, synced_at) VALUES ('acme/chat', 'acme', '2025-06-15T06:00:00Z')"
    )
    install(
        db,
        tmp_path,
        '[hardware]\n"gpu-t4" = [{usd_per_second = 0.0002}, {usd_per_second = 0.0003, effective_from = 2025-06-15}]\n',
    )
    uptime = db.execute(
        "SELECT CAST(day AS VARCHAR), uptime_seconds, cost_usd FROM deployment_uptime_costs ORDER BY day"
    ).fetchall()
    # 6 h at 0.0002 on the 14th (4.32), 6 h at 0.0003 on the 15th up to the sync (6.48)
    assert uptime == [
        ("2025-06-14", D("21600"), D("4.320000")),
        ("2025-06-15", D("21600"), D("6.480000")),
    ]


def test_private_models_and_deployments_are_flagged_as_lower_bounds(db, tmp_path):
    day = "2025-04-01T00:00:00Z"
    db.execute(
        "INSERT INTO models (model, owner, name, visibility) VALUES ('acme/secret', 'acme', 'secret', 'private')"
    )
    add_prediction(db, "private", "acme/secret", day, 10.0)
    add_prediction(db, "public", "acme/upscaler", day, 10.0)
    add_release(db, "acme/chat", 1, "gpu-t4", "2025-03-01T00:00:00Z")
    add_prediction(db, "deployed", "acme/chat", day, 10.0, deployment="acme/chat")
    install(db, tmp_path, '[models]\n"acme/secret" = "gpu-t4"\n"acme/upscaler" = "gpu-t4"\n')
    flags = dict(db.execute("SELECT id, lower_bound FROM prediction_costs").fetchall())
    assert flags == {"private": True, "public": False, "deployed": True}
    notes = costs.billing_notes(db)
    assert len(notes) == 2
    assert any("private model" in note and "lower bound" in note for note in notes)
    assert any("deployment" in note and "uptime" in note for note in notes)


def test_install_works_on_a_read_only_connection(tmp_path):
    path = tmp_path / "ro.duckdb"
    con = connect(path)
    add_prediction(con, "a", "acme/upscaler", "2025-04-01T00:00:00Z", 2.0)
    add_prediction(con, "b", "acme/other", "2025-04-01T00:00:00Z", 4.0)
    con.close()
    (tmp_path / "prices.toml").write_text(
        '[models]\n"acme/upscaler" = "cpu"\n"acme/other" = "gpu-t4"\n'
    )
    readonly = open_readonly(path)
    costs.install(readonly, pricing.load_catalog(tmp_path / "prices.toml"))
    # 2 x 0.0001 + 4 x 0.000225
    assert readonly.execute("SELECT sum(cost_usd) FROM priced_records").fetchone()[0] == D(
        "0.001100"
    )
    readonly.close()


def test_segments_split_where_any_price_or_release_changes(db, tmp_path):
    # a deployment release on gpu-t4 spans a gpu-t4 price change; an official model's image price
    # changes while its hardware price does not; a model mapped by version only
    add_release(db, "acme/chat", 1, "gpu-t4", "2025-06-01T00:00:00Z")
    add_prediction(
        db, "dep-before", "acme/chat", "2025-06-14T23:59:59.999999Z", 100.0, deployment="acme/chat"
    )
    add_prediction(
        db, "dep-after", "acme/chat", "2025-06-15T00:00:00Z", 100.0, deployment="acme/chat"
    )
    add_prediction(
        db, "img-before", "black-forest-labs/flux-schnell", "2025-02-28T12:00:00Z", 1.0, images=2
    )
    add_prediction(
        db, "img-after", "black-forest-labs/flux-schnell", "2025-03-01T00:00:00Z", 1.0, images=2
    )
    add_prediction(
        db, "img-no-counts", "black-forest-labs/flux-schnell", "2025-03-05T00:00:00Z", 10.0
    )
    add_prediction(db, "v1", "acme/vonly", "2025-04-01T00:00:00Z", 10.0, version="v1")
    add_prediction(db, "v2", "acme/vonly", "2025-04-01T00:00:00Z", 10.0, version="v2")
    add_prediction(db, "no-version", "acme/vonly", "2025-04-01T00:00:00Z", 10.0, version=None)
    install(
        db,
        tmp_path,
        """
[hardware]
"gpu-t4" = [{ usd_per_second = 0.0002 }, { usd_per_second = 0.0003, effective_from = 2025-06-15 }]
[models]
"acme/vonly:v1" = "gpu-t4"
"black-forest-labs/flux-schnell" = "gpu-h100"
[units."black-forest-labs/flux-schnell"]
image = [{ usd_per_unit = 0.003 }, { usd_per_unit = 0.004, effective_from = 2025-03-01 }]
""",
    )
    by_id = costs_by_id(db)
    # 100 x 0.0002 = 0.02 and 100 x 0.0003 = 0.03 on the same release; 2 x 0.003, 2 x 0.004;
    # no counts on a mapped official model falls back to its hardware: 10 x 0.001525;
    # v1 by its own entry (10 x 0.0002); v2 and a record without a version have no entry
    assert by_id["dep-before"][:3] == ("per_second", D("0.020000"), "gpu-t4")
    assert by_id["dep-after"][:3] == ("per_second", D("0.030000"), "gpu-t4")
    assert by_id["img-before"][:2] == ("per_unit", D("0.006000"))
    assert by_id["img-after"][:2] == ("per_unit", D("0.008000"))
    assert by_id["img-no-counts"][:3] == ("per_second", D("0.015250"), "gpu-h100")
    assert by_id["v1"][:3] == ("per_second", D("0.002000"), "gpu-t4")
    for id in ("v2", "no-version"):
        assert by_id[id] == (
            "unpriced",
            None,
            None,
            "no hardware known for model acme/vonly; add it under [models] in your pricing file",
        )


def test_releases_recorded_out_of_order_never_count_a_record_twice(db, tmp_path):
    # release 3 claims an earlier created_at than release 2 (clock skew), so release 1 runs until
    # release 2 (03-20) while release 3 runs from 03-10: both claim 03-10..03-20. The one that
    # started last (release 3) wins there; release 2 has an empty stretch (03-20 .. 03-10).
    add_release(db, "acme/chat", 1, "gpu-t4", "2025-03-05T00:00:00Z")
    add_release(db, "acme/chat", 2, "gpu-l40s", "2025-03-20T00:00:00Z")
    add_release(db, "acme/chat", 3, "cpu", "2025-03-10T00:00:00Z")
    for id, created in [
        ("mar-07", "2025-03-07T00:00:00Z"),
        ("mar-12", "2025-03-12T00:00:00Z"),
        ("mar-25", "2025-03-25T00:00:00Z"),
    ]:
        add_prediction(db, id, "acme/chat", created, 10.0, deployment="acme/chat")
    install(db, tmp_path)
    rows = db.execute("SELECT id, cost_usd, hardware FROM prediction_costs ORDER BY id").fetchall()
    # 10 x 0.000225 on release 1; then 10 x 0.0001 on release 3, each record once
    assert rows == [
        ("mar-07", D("0.002250"), "gpu-t4"),
        ("mar-12", D("0.001000"), "cpu"),
        ("mar-25", D("0.001000"), "cpu"),
    ]


def test_a_record_without_created_at_is_unpriced_with_a_reason(db, tmp_path):
    add_prediction(db, "undated", "acme/upscaler", None, 10.0)
    add_prediction(db, "undated-running", "acme/upscaler", None, None, status="running")
    install(db, tmp_path, MODEL_MAP)
    by_id = costs_by_id(db)
    assert by_id["undated"] == (
        "unpriced",
        None,
        None,
        "no created_at recorded; cannot tell which price was in effect",
    )
    assert by_id["undated-running"][3] == "still running at the last sync; priced once it finishes"


def test_reason_is_set_exactly_for_unpriced_records(db, tmp_path):
    day = "2025-04-01T00:00:00Z"
    add_release(db, "acme/chat", 1, "gpu-l40s", "2025-03-01T00:00:00Z")
    records = [
        ("priced", "acme/upscaler", {}),
        ("per-unit", "black-forest-labs/flux-schnell", {"images": 1}),
        ("failed-official", "black-forest-labs/flux-dev", {"status": "failed"}),
        ("unmapped", "acme/foo", {}),
        ("no-counts", "black-forest-labs/flux-dev", {}),
        ("queued", "acme/upscaler", {"status": "queued"}),
        ("deployed", "acme/chat", {"deployment": "acme/chat"}),
        ("unknown-deployment", "acme/x", {"deployment": "acme/x"}),
        ("no-status", "acme/upscaler", {"status": None}),
    ]
    for id, model, extra in records:
        add_prediction(db, id, model, day, 3.0, **extra)
    install(db, tmp_path, MODEL_MAP)
    rows = db.execute("SELECT id, basis, reason FROM priced_records").fetchall()
    assert len(rows) == len(records)
    assert all((basis == "unpriced") == (reason is not None) for _, basis, reason in rows), rows
    # a record without a status is finished as far as pricing knows: 3 x 0.000725 -> 0.002175
    assert costs_by_id(db)["no-status"][:2] == ("per_second", D("0.002175"))
