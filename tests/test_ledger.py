"""The ledger: the bill stored in the database, kept current by syncs, read by every report.

Every comparison runs each report through the CLI twice: on the database as the syncs left it
(reading the stored ledger) and on a copy whose ledger stamp is removed (every record priced in
memory from scratch, as before the ledger existed), and wants the same bytes: spend by several
dimensions, the summary, the budget check, the insights, the CSV export, the HTML report and
explain. Each step changes the database one way a user's does: a sync adding records, a sync
finishing running records, a deployment release change, a pricing-file change, a catalog price
change, a quarantined record, a record served again at another time, a database edited by hand.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from cli_helpers import run_cli

from replicost.analytics.demo import pricing_text
from replicost.billing import ledger
from replicost.billing.pricing import loading
from replicost.simulator import SimulatedAccount, SimulatorApp, serve
from replicost.simulator.hostile import DEFAULT_BASE, HostileServer, record, serve_hostile
from replicost.simulator.scenarios import IdleDeployment

# each test runs every report twice per step, as whole CLI commands: minutes on a busy machine
pytestmark = pytest.mark.timeout(900)

END = datetime(2026, 11, 1, tzinfo=UTC)
NOW = "2026-11-03T00:00:00Z"
MID_DAY = "2026-10-20T08:15:00Z"
WIDE = [
    # a cut inside a day: after the records end (floors still running), and among them
    ["report", "summary", "--format", "json", "--now", "2026-11-02T13:30:00Z"],
    ["budget", "check", "--monthly", "50", "--format", "json", "--now", MID_DAY],
    # days that are not UTC days, and a period inside the history
    ["report", "spend", "--by", "day,model", "--tz", "America/New_York", "--format", "json"],
    ["report", "spend", "--by", "deployment", "--since", "2026-10-05", "--until", "2026-10-20",
     "--format", "json"],
    ["report", "insights", "--since", "2026-10-01", "--until", "2026-10-15", "--format", "json",
     "--top", "100"],
    # a whole UTC month (the idle insight reads the stored busy time), and a cut after everything
    # stored (as the default now is: a day after this run), which derives nothing again
    ["report", "insights", "--since", "2026-10-01", "--until", "2026-10-31", "--format", "json",
     "--top", "100"],
    ["report", "summary", "--format", "json", "--now",
     (datetime.now(UTC) + timedelta(days=1, seconds=1)).isoformat(timespec="seconds")],
]  # fmt: skip
TOKEN = "r8_LedgerTestToken_5b1d"
IDLE = IdleDeployment("warm-gpu", "stability-ai/sdxl", "gpu-a100-large",
                      since=datetime(2026, 9, 1, tzinfo=UTC), weight=0.3)  # fmt: skip
IN_MEMORY = "priced in memory"
SPEND_BY = ("model,version", "day,kind", "deployment,hardware,status", "month,account,source")


def _json(args: list, db: Path, prices: Path) -> str:
    result = run_cli(*args, "--db", db, "--pricing", prices)
    assert result.code in (0, 1, 2), result.err
    return result.out


def reports(
    db: Path, prices: Path, out: Path, *, wide: bool = False
) -> tuple[dict[str, bytes | str], str]:
    """Every report's output on `db` (files read back as bytes), and what they said on stderr;
    `wide`: also cuts inside a day, days that are not UTC days and periods inside the history
    (the paths where a report reads the items rather than the bill per day)."""
    outputs: dict[str, bytes | str] = {}
    errors = []
    calls = [["report", "spend", "--by", by, "--format", "json"] for by in SPEND_BY]
    calls += [
        ["report", "summary", "--format", "json", "--now", NOW],
        ["budget", "check", "--monthly", "50", "--format", "json", "--now", NOW],
        ["report", "insights", "--format", "json", "--top", "100"],
    ]
    calls += WIDE if wide else []
    for args in calls:
        result = run_cli(*args, "--db", db, "--pricing", prices)
        assert result.code in (0, 1, 2), (args, result.err)
        outputs[" ".join(args)], _ = result.out, errors.append(result.err)
    export = out / "export"
    result = run_cli("export", "--format", "csv", "--output", export, "--overwrite", "--db", db,
                     "--pricing", prices)  # fmt: skip
    assert result.code == 0, result.err
    errors.append(result.err)
    outputs["export"] = (export / "priced_records.csv").read_bytes()
    page = out / "report.html"
    result = run_cli("report", "html", "--output", page, "--now", NOW, "--db", db,
                     "--pricing", prices)  # fmt: skip
    assert result.code == 0, result.err
    errors.append(result.err)
    outputs["html"] = page.read_bytes()
    for record_id in _sample_ids(db):
        result = run_cli("explain", record_id, "--format", "json", "--db", db, "--pricing", prices)
        assert result.code == 0, result.err
        outputs[f"explain {record_id}"] = result.out
        errors.append(result.err)
    return outputs, "".join(errors)


def _sample_ids(db: Path) -> list[str]:
    """A record of each basis and of each kind (priced, unpriced, quarantined, through a
    deployment, a training), read from the records themselves."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [
            row[0]
            for row in con.execute(
                """SELECT arg_min(id, id) FROM (
                       SELECT id, deployment IS NOT NULL AS d, quarantine_reason IS NOT NULL AS q,
                              status FROM predictions
                       UNION ALL SELECT id, FALSE, FALSE, 'training' FROM trainings)
                   GROUP BY d, q, status ORDER BY 1"""
            ).fetchall()
        ]
    finally:
        con.close()


def from_scratch(db: Path, folder: Path) -> Path:
    """A copy of `db` without its ledger's stamp: every report on it prices in memory."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / db.name
    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))
    con.execute("DELETE FROM bill_ledger_state")
    con.close()
    return copy


def assert_ledger_matches_scratch(
    db: Path, prices: Path, work: Path, step: str, *, wide: bool = False
) -> None:
    stored, said = reports(db, prices, work / f"{step}-stored", wide=wide)
    assert IN_MEMORY not in said, f"{step}: the reports did not read the ledger: {said}"
    scratch_db = from_scratch(db, work / f"{step}-scratch")
    scratch, said = reports(scratch_db, prices, work / f"{step}-scratch", wide=wide)
    assert IN_MEMORY in said and "replicost reprice" in said
    for name in stored:
        assert stored[name] == scratch[name], f"{step}: {name} differs"


def sync(db: Path, base_url: str, prices: Path) -> str:
    result = run_cli("sync", "--db", db, "--base-url", base_url, "--token", TOKEN,
                     "--pricing", prices, "--quiet")  # fmt: skip
    assert result.code == 0, result.err
    return result.out


def stamp(db: Path) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT prices, coverage, built_at FROM bill_ledger_state").fetchone()
    finally:
        con.close()


@pytest.fixture
def account() -> SimulatedAccount:
    return SimulatedAccount(seed=5, predictions=500, trainings=8, end=END, scenarios=(IDLE,))


@pytest.fixture
def synced(account, tmp_path):
    """(app, server base URL, db, prices) after a first sync that built the ledger."""
    app = SimulatorApp(account, token=None)
    db, prices = tmp_path / "account.duckdb", tmp_path / "prices.toml"
    prices.write_text(pricing_text(account))
    with serve(app, host="127.0.0.1", port=0) as server:
        sync(db, server.base_url, prices)
        yield app, server.base_url, db, prices


def test_the_first_sync_stores_the_bill_every_report_reads(synced, tmp_path):
    _, _, db, prices = synced
    assert_ledger_matches_scratch(db, prices, tmp_path, "first-sync", wide=True)


def test_a_sync_adding_and_finishing_records_refreshes_the_ledger(synced, account, tmp_path):
    app, base_url, db, prices = synced
    built = stamp(db)[2]
    for model in ("stability-ai/sdxl", "black-forest-labs/flux-schnell"):
        for _ in range(3):
            app.create_prediction(model=model)
    app.create_prediction(deployment=f"{account.username}/{IDLE.name}")
    assert "4 new" not in sync(db, base_url, prices)
    assert stamp(db)[2] == built, "a sync adding records must not rebuild the ledger"
    assert_ledger_matches_scratch(db, prices, tmp_path, "new-records")
    app.advance(86_400)  # the running ones finish, and a day of uptime more
    sync(db, base_url, prices)
    assert stamp(db)[2] == built
    assert_ledger_matches_scratch(db, prices, tmp_path, "finished-records", wide=True)


def test_a_release_change_rebuilds_the_ledger(synced, tmp_path):
    app, base_url, db, prices = synced
    built = stamp(db)[2]
    # a newly observed release of the always-on deployment, on other hardware, as a sync records it
    con = duckdb.connect(str(db))
    con.execute(
        """INSERT INTO deployment_releases (deployment, number, account, model, version, hardware,
               min_instances, max_instances, created_at, created_by, first_observed_at)
           SELECT deployment, number + 1, account, model, version, 'gpu-l40s', min_instances,
                  max_instances, TIMESTAMPTZ '2026-10-20 00:00:00+00', created_by,
                  TIMESTAMPTZ '2026-10-20 00:00:00+00'
           FROM deployment_releases WHERE deployment LIKE '%/warm-gpu'
           ORDER BY number DESC LIMIT 1"""
    )
    con.close()
    said = run_cli("report", "spend", "--db", db, "--pricing", prices).err
    assert IN_MEMORY in said  # the stored bill is of the old timeline
    sync(db, base_url, prices)
    assert stamp(db)[2] != built, "new prices: the ledger is rebuilt"
    assert_ledger_matches_scratch(db, prices, tmp_path, "release-change", wide=True)


def test_a_pricing_file_change_is_priced_in_memory_until_stored(synced, tmp_path):
    app, base_url, db, prices = synced
    changed = tmp_path / "changed.toml"
    changed.write_text(prices.read_text() + '\n[hardware]\n"gpu-a100-large" = 0.002\n')
    said = run_cli("report", "spend", "--db", db, "--pricing", changed).err
    assert IN_MEMORY in said and f"replicost reprice --pricing {changed}" in said
    sync(db, base_url, changed)
    assert_ledger_matches_scratch(db, changed, tmp_path, "pricing-file")


def test_a_catalog_price_change_is_stored_by_reprice(synced, tmp_path, monkeypatch):
    _, _, db, prices = synced
    dearer = loading.shipped_catalog()
    sku = "gpu-a100-large"
    row = dearer.hardware[sku][-1]
    dearer.hardware[sku][-1] = dataclasses.replace(row, usd_per_second=Decimal("0.5"))
    monkeypatch.setattr(loading, "shipped_catalog", lambda: dearer)
    said = run_cli("report", "spend", "--db", db, "--pricing", prices).err
    assert IN_MEMORY in said
    result = run_cli("reprice", "--db", db, "--pricing", prices)
    assert result.code == 0 and "rebuilt" in result.out, result.err
    assert_ledger_matches_scratch(db, prices, tmp_path, "catalog")


def test_a_quarantined_record_is_in_the_ledger_as_a_full_pricing_has_it(tmp_path):
    pricing_file = tmp_path / "prices.toml"
    pricing_file.write_text('[models]\n"acme/flux-dev" = "gpu-a40-large"\n')
    normal = [record(i, predict_time=10.0 + i) for i in range(4)]
    state = HostileServer(normal, token=TOKEN)
    with serve_hostile(state) as base_url:
        db = tmp_path / "hostile.duckdb"
        sync(db, base_url, pricing_file)
        state.records.append(record(60, predict_time=-5.0))  # quarantined at the door
        out = sync(db, base_url, pricing_file)
    assert "1 quarantined" in out
    assert_ledger_matches_scratch(db, pricing_file, tmp_path, "quarantine")
    con = duckdb.connect(str(db), read_only=True)
    code, cost = con.execute(
        "SELECT reason_code, cost_micro FROM bill_ledger WHERE id = ?", [record(60)["id"]]
    ).fetchone()
    con.close()
    assert code == "quarantined" and cost is None


def _items_of(db: Path, record_id: str) -> list:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT predict_time, created_at FROM bill_ledger WHERE id = ?", [record_id]
        ).fetchall()
    finally:
        con.close()


def test_a_record_served_again_at_another_time_keeps_one_item(tmp_path):
    """A record the server serves again with another created_at, days from where its item lies
    (the refresh looks for replaced items around the new records first), is priced once."""
    pricing_file = tmp_path / "prices.toml"
    pricing_file.write_text('[models]\n"acme/flux-dev" = "gpu-a40-large"\n')
    state = HostileServer([record(i, predict_time=10.0 + i) for i in range(6)], token=TOKEN)
    with serve_hostile(state) as base_url:
        db = tmp_path / "moved.duckdb"
        sync(db, base_url, pricing_file)
        built = stamp(db)[2]
        state.records[0] = record(0, predict_time=25.0, created=DEFAULT_BASE + timedelta(days=2))
        sync(db, base_url, pricing_file)
    assert stamp(db)[2] == built, "a record served again must not rebuild the ledger"
    [(predict_time, created_at)] = _items_of(db, record(0)["id"])
    assert predict_time == 25.0 and created_at == DEFAULT_BASE + timedelta(days=2)
    assert_ledger_matches_scratch(db, pricing_file, tmp_path, "moved")


@pytest.mark.parametrize(
    "edit",
    [
        # a record deleted by hand: its item has no record any more
        "DELETE FROM predictions WHERE id = (SELECT arg_min(id, created_at) FROM predictions)",
        # a record written with a stamp older than the ledger's (a clock set back): no refresh
        # stages it
        "INSERT INTO predictions SELECT * REPLACE ('set-back-' || id AS id, "
        "TIMESTAMPTZ '2001-01-01 00:00:00+00' AS synced_at) FROM predictions "
        "WHERE status = 'succeeded' LIMIT 1",
    ],
    ids=["deleted", "stamped-in-the-past"],
)
def test_a_ledger_that_lost_count_of_its_records_is_rebuilt(synced, tmp_path, edit):
    app, base_url, db, prices = synced
    built = stamp(db)[2]
    con = duckdb.connect(str(db))
    con.execute(edit)
    con.close()
    app.create_prediction(model="stability-ai/sdxl")
    app.advance(3600)
    sync(db, base_url, prices)
    assert stamp(db)[2] != built, "one item per record no more: the refresh rebuilds"
    assert_ledger_matches_scratch(db, prices, tmp_path, "drifted")


def test_a_failed_refresh_leaves_the_old_ledger_and_its_stamp(synced, monkeypatch):
    app, base_url, db, prices = synced
    before = _ledger_rows(db), stamp(db)
    app.create_prediction(model="stability-ai/sdxl")
    app.advance(3600)

    def broken(*args, **kwargs):
        raise duckdb.IOException("disk gone while inserting")

    monkeypatch.setattr(ledger, "_reprice_since", broken)
    result = run_cli("sync", "--db", db, "--base-url", base_url, "--token", TOKEN,
                     "--pricing", prices, "--quiet")  # fmt: skip
    assert result.code == 1
    assert (_ledger_rows(db), stamp(db)) == before
    # the records are committed; the reports say the ledger is behind and price in memory
    said = run_cli("report", "spend", "--db", db, "--pricing", prices).err
    assert IN_MEMORY in said and "changed since" in said


def _ledger_rows(db: Path) -> list:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT * FROM bill_ledger ORDER BY kind, id, deployment, created_at"
        ).fetchall()
    finally:
        con.close()


def test_reports_never_write_the_database(synced, tmp_path):
    _, _, db, prices = synced
    beside = lambda: sorted(n for n in os.listdir(db.parent) if n.startswith(db.name))  # noqa: E731
    before = hashlib.sha256(db.read_bytes()).hexdigest(), beside()
    outputs, said = reports(db, prices, tmp_path / "reports")
    assert IN_MEMORY not in said
    assert json.loads(outputs["report summary --format json --now " + NOW])
    after = hashlib.sha256(db.read_bytes()).hexdigest(), beside()
    assert after == before  # not a byte of the file, and no write-ahead log beside it


def test_no_file_outside_the_database_is_read_as_money(synced, tmp_path, _isolated_home):
    """Garbage and hostile files anywhere in replicost's home and cache folders (the insights' old
    cache manifests and Parquet files among them, a symlinked folder, a manifest naming a file
    to delete) change no figure of any report, and no file is deleted or changed."""
    _, _, db, prices = synced
    clean, _ = reports(db, prices, tmp_path / "clean")
    victim = tmp_path / "victim.txt"
    victim.write_text("not yours to delete")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.parquet").write_bytes(b"PAR1 garbage")
    home = Path(_isolated_home)
    planted: dict[Path, bytes] = {}
    for folder in (home / "data", home / "config", home / "cache", home / "cache" / "insights"):
        folder.mkdir(parents=True, exist_ok=True)
        manifest = {"format": 4, "database": str(db), "key": "0" * 64, "tail_from": 0,
                    "base": str(victim), "tail": "../../victim.txt", "busy": "x.parquet",
                    "days": str(victim)}  # fmt: skip
        for name, content in (
            ("manifest.json", json.dumps(manifest).encode()),
            ("broken.json", b"{not json"),
            ("facts.parquet", b"PAR1\x00\x01garbage"),
            ("bill_ledger.parquet", b"\x00" * 64),
            ("x.staged", b"{}"),
        ):
            (folder / name).write_bytes(content)
            planted[folder / name] = content
        money = folder / "money.parquet"  # a well-formed file of absurd money
        con = duckdb.connect()
        con.execute(
            f"COPY (SELECT 'prediction' AS kind, 'stability-ai/sdxl' AS model, 100000000000 AS "
            f"cost_micro, DATE '2026-10-01' AS day) TO '{money}' (FORMAT parquet)"
        )
        con.close()
        planted[money] = money.read_bytes()
    (home / "cache" / "insights" / "linked").symlink_to(elsewhere, target_is_directory=True)
    planted[elsewhere / "keep.parquet"] = b"PAR1 garbage"
    planted[victim] = victim.read_bytes()
    hostile, said = reports(db, prices, tmp_path / "hostile")
    assert IN_MEMORY not in said
    for name in clean:
        assert hostile[name] == clean[name], f"{name} changed with files planted"
    for path, content in planted.items():
        assert path.read_bytes() == content, f"{path} was changed or deleted"
