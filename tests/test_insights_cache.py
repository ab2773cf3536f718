"""The insights' cache of per-day aggregates: the same figures as a full scan, whatever changed.

Each test copies one synced database (a real DuckDB file), reports once to fill the cache, changes
something (records by hand, as a sync would, prices), and compares the cached report with a report
that prices every record again (`cache=False`).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from datetime import UTC, date, datetime

import duckdb
import pytest
from cli_helpers import run_cli

from replicost import simulator, sync
from replicost.analytics import insights
from replicost.analytics.insights import facts, idle
from replicost.analytics.reports import priced_connection
from replicost.paths import cache_dir
from replicost.simulator.scenarios import IdleDeployment

END = datetime(2026, 11, 1, tzinfo=UTC)
TOKEN = "r8_InsightsCacheTestToken_0c4e"
# an always-on deployment, so the idle finder's cached rows are part of every comparison
IDLE = IdleDeployment("warm-gpu", "stability-ai/sdxl", "gpu-a100-large",
                      since=datetime(2026, 9, 1, tzinfo=UTC), weight=0.3)  # fmt: skip


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    account = simulator.SimulatedAccount(
        seed=11, predictions=2500, trainings=30, end=END, scenarios=(IDLE,)
    )
    app = simulator.SimulatorApp(account, token=TOKEN)
    db = tmp_path_factory.mktemp("cache") / "synced.duckdb"
    sync.sync_account(
        db, token=TOKEN, base_url="http://simulator/v1", transport=app.httpx_transport(),
        requests_per_minute=None,
    )  # fmt: skip
    return db


@pytest.fixture
def db(synced, tmp_path):
    copy = tmp_path / "account.duckdb"
    shutil.copy(synced, copy)
    return copy


def report(db, *, cache=True, pricing_file=None, until=None) -> dict:
    found = insights.insights(db, top=None, cache=cache, pricing_file=pricing_file, until=until)
    return found.to_dict()


def cached_files() -> list[str]:
    folder = cache_dir() / "insights"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def write(db, sql: str) -> None:
    con = duckdb.connect(str(db))
    try:
        con.execute(sql)
    finally:
        con.close()


def test_the_cached_report_is_the_scanned_report(db):
    assert cached_files() == []
    first = report(db)  # prices everything and fills the cache
    files = cached_files()
    assert len(files) == 5 and sum(name.endswith(".parquet") for name in files) == 4
    again = report(db)  # reads it
    assert cached_files() == files  # nothing changed: nothing written
    assert first == again == report(db, cache=False)
    assert len(first["insights"]) >= 3
    assert any(i["kind"] == "idle-deployment" for i in first["insights"])


# Changes made to the database between two reports, each as it happens in the field: a sync
# stamps what it writes; a hand edit does not.
CHANGES = {
    "a sync finishes an old record": (
        "UPDATE predictions SET status = 'failed', predict_time = 4321.5, synced_at = now() "
        "WHERE id = (SELECT min(id) FROM predictions WHERE status = 'succeeded' "
        "AND predict_time > 0)"
    ),
    "a hand edit of predict_time": (
        "UPDATE predictions SET predict_time = predict_time * 50 "
        "WHERE id = (SELECT min(id) FROM predictions WHERE status = 'failed' AND predict_time > 0)"
    ),
    "a new day of records": (
        "INSERT INTO predictions SELECT * REPLACE ('new-' || id AS id, "
        "created_at + INTERVAL 3 DAY AS created_at, started_at + INTERVAL 3 DAY AS started_at, "
        "completed_at + INTERVAL 3 DAY AS completed_at, now() AS synced_at) "
        "FROM predictions WHERE created_at >= (SELECT max(created_at) - INTERVAL 1 DAY "
        "FROM predictions)"
    ),
    "a deleted record": (
        "DELETE FROM predictions WHERE id = (SELECT min(id) FROM predictions "
        "WHERE status = 'failed' AND predict_time > 0)"
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_after_the_cache_reads_as_a_full_scan_reads_it(db, change):
    before = report(db)
    write(db, CHANGES[change])
    after = report(db)
    assert after == report(db, cache=False)
    assert after != before  # the change moved a figure, and the cache did not hide it
    assert after == report(db)  # and the refreshed cache holds it


def test_a_change_reprices_from_the_day_it_touched(db):
    report(db)
    day = date(2026, 9, 20)
    write(
        db,
        "UPDATE predictions SET predict_time = 77.0, synced_at = now() WHERE id = (SELECT min(id) "
        f"FROM predictions WHERE created_at::DATE = DATE '{day}' AND status = 'succeeded')",
    )
    with priced_connection(db) as con:
        store = facts.FactsCache.of(con)
        assert store is not None
        manifest = store._manifest(facts._prices_key(con))
        assert store.stale_from(con, "another set of prices", manifest) is None
        sources, repriced = store.refresh(con)
        # the day before as well (see stale_from), and nothing earlier: the days before come
        # from the cached file
        assert repriced == (day - date(1970, 1, 1)).days - 1
        refreshed = {
            part: con.execute(f"SELECT * FROM {sql} ORDER BY ALL").fetchall()
            for part, sql in sources.items()
        }
        assert store.refresh(con)[1] == facts.UNCHANGED
        facts.load_facts(con, insights.Period(None, None, None, None), cache=False)
        scanned = con.execute("SELECT * FROM replicost_facts_rows ORDER BY ALL").fetchall()
        params = idle.busy_params("-infinity", "infinity")
        busy = con.execute(f"SELECT * FROM ({idle.busy_sql(con)}) ORDER BY ALL", params).fetchall()
    assert refreshed == {"facts": scanned, "busy": busy}
    assert busy  # the account has an always-on deployment with predictions


def manifest_of(db) -> dict:
    with priced_connection(db) as con:
        store = facts.FactsCache.of(con)
        assert store is not None
        return store._manifest(facts._prices_key(con)) or {}


def test_a_new_day_rewrites_the_tail_and_keeps_the_base(db):
    report(db)
    before = manifest_of(db)
    write(db, CHANGES["a new day of records"])
    assert report(db) == report(db, cache=False)
    after = manifest_of(db)
    assert after["base"] == before["base"] and after["tail_from"] == before["tail_from"]
    assert after["tail"] != before["tail"] and after["days"] != before["days"]


def test_a_tail_past_two_months_is_split_again(db):
    report(db)
    before = manifest_of(db)
    later = CHANGES["a new day of records"].replace("INTERVAL 3 DAY", "INTERVAL 75 DAY")
    write(db, later)
    assert report(db) == report(db, cache=False)
    after = manifest_of(db)
    assert after["base"] != before["base"] and after["tail_from"] > before["tail_from"] + 60
    assert report(db) == report(db, cache=False)


def prices_file(folder, usd: str):
    skus = ("cpu", "gpu-t4", "gpu-l40s", "gpu-a40-large", "gpu-a100-large", "gpu-h100")
    path = folder / f"prices-{usd}.toml"
    path.write_text("[hardware]\n" + "".join(f'"{sku}" = {usd}\n' for sku in skus))
    return path


def test_each_set_of_prices_has_its_own_cache(db, tmp_path):
    default = report(db)
    first = manifest_of(db)
    prices = prices_file(tmp_path, "0.0123")
    repriced = report(db, pricing_file=prices)
    assert repriced != default
    assert repriced == report(db, pricing_file=prices, cache=False)
    assert len(cached_files()) == 10  # two sets
    assert report(db) == default
    assert manifest_of(db) == first  # the default prices' set served it, unchanged


def test_the_newest_sets_of_prices_are_kept(db, tmp_path):
    for usd in ("0.0101", "0.0102", "0.0103", "0.0104", "0.0105"):
        report(db, pricing_file=prices_file(tmp_path, usd))
    assert len([name for name in cached_files() if name.endswith(".json")]) == facts.MAX_SETS
    assert len(cached_files()) == 5 * facts.MAX_SETS


@pytest.mark.parametrize(
    "since, until",
    [(None, date(2026, 9, 30)), (date(2026, 9, 1), date(2026, 10, 31)), (date(2026, 9, 10), None)],
)
def test_a_period_reads_as_a_full_scan_reads_it(db, since, until):
    # whole months (the idle finder's cached rows serve them) and a period that is not
    report(db)
    cached = insights.insights(db, top=None, since=since, until=until).to_dict()
    scanned = insights.insights(db, top=None, since=since, until=until, cache=False).to_dict()
    assert cached == scanned
    assert any(i["kind"] == "idle-deployment" for i in cached["insights"])


def test_an_unusable_cache_is_ignored(db):
    scanned = report(db, cache=False)
    report(db)
    folder = cache_dir() / "insights"
    manifest = next(folder.glob("*.json"))
    for parquet in folder.glob("*.parquet"):
        parquet.write_bytes(b"not parquet")  # damaged files: priced again, and rewritten
    assert report(db) == scanned
    assert report(db) == scanned
    manifest.write_text("{not json", encoding="utf-8")
    assert report(db) == scanned
    shutil.rmtree(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("a file where the cache folder goes", encoding="utf-8")  # cannot be written
    assert report(db) == scanned


def test_the_cache_of_a_removed_database_goes_with_the_next_write(db, tmp_path):
    other = tmp_path / "other.duckdb"
    shutil.copy(db, other)
    report(other)
    assert len(cached_files()) == 5
    other.unlink()
    report(db)  # writes its own set, and drops the set of the database that is gone
    files = cached_files()
    assert len(files) == 5
    manifest = json.loads(
        (cache_dir() / "insights" / next(f for f in files if f.endswith(".json"))).read_text()
    )
    assert manifest["database"] == str(db.resolve())


def test_stray_files_of_a_lost_race_are_dropped_once_old(db):
    report(db)
    folder = cache_dir() / "insights"
    kept = set(cached_files())
    stem = next(name for name in kept if name.endswith(".json")).removesuffix(".json")
    young, old = folder / f"{stem}.young.facts.parquet", folder / f"{stem}.old.facts.parquet"
    for stray in (young, old):
        stray.write_bytes(b"")  # what a report that lost the race for the manifest leaves
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    write(db, CHANGES["a new day of records"])
    report(db)  # a refresh writes a new set and prunes
    files = set(cached_files())
    assert young.name in files and old.name not in files
    assert len(files - {young.name}) == 5


def test_no_cache_flag(db):
    result = run_cli("report", "insights", "--db", str(db), "--format", "json", "--no-cache")
    assert result.code == 0, result.err
    assert cached_files() == []
    assert json.loads(result.out) == json.loads(
        run_cli("report", "insights", "--db", str(db), "--format", "json").out
    )
    assert len(cached_files()) == 5
