"""Deployment releases are checked at the door (issue #23): a lie is stored, quarantined, never priced.

A hostile server (`replicost.simulator.hostile`, real HTTP on loopback) serves one deployment whose
current release changes between syncs: a sane one, then 2147483647 instances, 10^12 instances,
`gpu-l40s-1000000x`, `gpu-l40s-100000000000000000000000x`, then a sane one again. Before the door,
these gave a $12 trillion bill, a sync failing for good, a $7 million deployment, and reports
failing for good. Expected figures are computed by hand from the catalog's gpu-l40s price
($0.000975 a second since 2025-01-01; 2x is twice that) and the release dates.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import duckdb
import pytest

from replicost.cli.main import run
from replicost.simulator.hostile import DEFAULT_BASE, HostileServer, record, serve_hostile
from replicost.store import connect
from replicost.store.quarantine import release_quarantine_reason
from replicost.store.schema import MIGRATIONS

TOKEN = "r8_HostileDeploymentToken_91ab"
L40S = Decimal("0.000975")  # USD a second (catalog, since 2025-01-01)
START = DEFAULT_BASE.replace(hour=0, minute=0, second=0) - timedelta(days=2)  # a UTC midnight
RELEASES = [  # (hardware, min_instances, hours after START): only 1 and 6 are believable
    ("gpu-l40s", 1, 0),
    ("gpu-l40s", 2147483647, 6),
    ("gpu-l40s", 10**12, 12),
    ("gpu-l40s-1000000x", 1, 18),
    ("gpu-l40s-100000000000000000000000x", 1, 24),
    ("gpu-l40s-2x", 1, 30),
]
REASONS = {
    2: "min_instances 2147483647 outside 0..1,000",
    3: "min_instances 1000000000000 outside 0..1,000",
    4: "hardware multiple 1000000x not sold (only 1x, 2x, 4x, 8x)",
    5: "hardware multiple 100000... (24 digits)x not sold (only 1x, 2x, 4x, 8x)",
}


def deployment(number: int) -> dict:
    hardware, min_instances, hours = RELEASES[number - 1]
    created = START + timedelta(hours=hours)
    return {
        "owner": "acme",
        "name": "chat",
        "current_release": {
            "number": number,
            "model": "acme/private-llm",
            "version": "b" * 64,
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "created_by": {"username": "acme"},
            "configuration": {
                "hardware": hardware,
                "min_instances": min_instances,
                "max_instances": max(min_instances, 1),
            },
        },
    }


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def synced(tmp_path, capsys):
    """Six syncs, one per release; returns (db, the six summary lines)."""
    state = HostileServer([record(i) for i in range(3)], token=TOKEN)
    db = tmp_path / "deployments.duckdb"
    lines = []
    with serve_hostile(state) as base_url:
        for number in range(1, len(RELEASES) + 1):
            state.deployments = [deployment(number)]
            code, out, err = cli(
                capsys, "sync", "--db", str(db), "--base-url", base_url, "--token", TOKEN, "--quiet"
            )
            assert code == 0, err  # 10^12 instances made every later sync fail
            lines.append(out)
    return db, lines


def test_implausible_releases_are_stored_quarantined_and_said(synced):
    db, lines = synced
    for number, line in enumerate(lines, start=1):
        said = "1 deployment release(s) quarantined" in line
        assert said == (number in REASONS), line
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT number, hardware, min_instances, quarantine_reason FROM deployment_releases "
            "ORDER BY number"
        ).fetchall()
    finally:
        con.close()
    assert [number for number, *_ in rows] == [1, 2, 3, 4, 5, 6]  # every release stored
    assert {number: reason for number, _, _, reason in rows if reason} == REASONS
    assert rows[2][2] is None  # 10^12 does not fit the column: the reason keeps it


def test_quarantined_releases_are_never_priced_and_the_next_sane_one_prices_from_its_date(
    synced, capsys
):
    db, _ = synced
    for argv in (
        ("report", "spend", "--format", "json"),
        ("report", "summary", "--format", "json"),
        ("report", "insights", "--format", "json"),
    ):
        code, _, err = cli(capsys, *argv, "--db", str(db))
        assert code == 0, (argv, err)  # a 10^23-GPU SKU made these fail for good
    # budget check answers: exit 1, "could cross", because while the quarantined releases were in
    # effect the deployment's always-on floor is unknown (no instance count to believe)
    code, out, err = cli(capsys, "budget", "check", "--monthly", "1000000", "--db", str(db))
    assert code == 1 and "could cross: the always-on floor of acme/chat is unknown" in out, err
    code, out, _ = cli(capsys, "report", "spend", "--format", "json", "--db", str(db))
    assert json.loads(out)["unpriced"]["quarantined_releases"] == 4
    code, out, _ = cli(capsys, "report", "spend", "--db", str(db))
    assert "4 deployment release(s) never priced" in out
    code, out, err = cli(
        capsys, "export", "--format", "csv", "--out", str(db.parent / "x"), "--db", str(db)
    )
    assert code == 0, err
    con = connect(db)
    try:
        from replicost.billing import costs

        costs.install(con, _catalog())
        uptime = con.execute(
            "SELECT day, hardware, min_instances, uptime_seconds, cost_usd "
            "FROM deployment_uptime_costs ORDER BY day, hardware"
        ).fetchall()
    finally:
        con.close()
    # release 1: six hours of one L40S on START's day, then nothing until release 6 (hour 30)
    first_day = START.date()
    assert (first_day, "gpu-l40s", 1, Decimal("21600.000000"), 21600 * L40S) in uptime
    sane = {(hardware, min_instances) for _, hardware, min_instances, _, _ in uptime}
    assert sane == {("gpu-l40s", 1), ("gpu-l40s-2x", 1)}
    second_day = [row for row in uptime if row[0] == first_day + timedelta(days=1)]
    # release 6 from 06:00 of the next day: 18 hours of 2 x L40S, nothing before it that day
    assert second_day == [
        (first_day + timedelta(days=1), "gpu-l40s-2x", 1, Decimal("64800.000000"), 64800 * 2 * L40S)
    ]


def _catalog():
    from replicost.billing import pricing

    return pricing.load_catalog()


def test_the_rule_on_the_issues_values_and_on_what_replicate_sells():
    for bad, reason in (
        ({"min_instances": 2147483647}, "min_instances 2147483647 outside 0..1,000"),
        ({"max_instances": 10**12}, "max_instances 1000000000000 outside 0..1,000"),
        ({"min_instances": -1}, "min_instances -1 outside 0..1,000"),
        ({"min_instances": 1.5}, "min_instances not a whole number"),
        ({"hardware": "gpu-l40s-1000000x"}, REASONS[4]),
        ({"hardware": "gpu-3x-h100"}, "hardware multiple 3x not sold (only 1x, 2x, 4x, 8x)"),
        ({"hardware": ["gpu-t4"]}, "hardware not a SKU"),
    ):
        assert release_quarantine_reason(bad) == reason
    for sold in ("cpu", "gpu-t4", "gpu-l40s-2x", "gpu-4x-a100-large", "gpu-h100-8x"):
        assert release_quarantine_reason({"hardware": sold, "min_instances": 1000}) is None


def test_releases_stored_before_the_rule_are_quarantined_by_the_migration(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ)")
    for name, migration in MIGRATIONS:
        if name.startswith("m004"):
            break
        migration(con)
        con.execute("INSERT INTO schema_migrations VALUES (?, now())", [name])
    for number, (hardware, min_instances) in enumerate(
        [("gpu-l40s", 1), ("gpu-l40s", 2147483647), ("gpu-l40s-1000000x", 1)], start=1
    ):
        con.execute(
            "INSERT INTO deployment_releases (deployment, number, account, hardware, min_instances, "
            "created_at) VALUES ('acme/chat', ?, 'acme', ?, ?, ?)",
            [number, hardware, min_instances, datetime(2026, 1, number, tzinfo=UTC)],
        )
    con.close()
    con = connect(db)  # an older database is brought up to date
    try:
        reasons = con.execute(
            "SELECT number, quarantine_reason FROM deployment_releases ORDER BY number"
        ).fetchall()
    finally:
        con.close()
    assert reasons == [(1, None), (2, REASONS[2]), (3, REASONS[4])]


def test_a_record_in_a_quarantined_release_is_unpriced_saying_so(tmp_path, capsys):
    served = []
    for index, hours in enumerate((3, 9, 33)):  # in release 1, in release 2 (quarantined), in 6
        one = record(index, created=START + timedelta(hours=hours), model="acme/private-llm")
        served.append(dict(one, deployment="acme/chat"))
    state = HostileServer(served, token=TOKEN)
    db = tmp_path / "through.duckdb"
    with serve_hostile(state) as base_url:
        for number in range(1, len(RELEASES) + 1):
            state.deployments = [deployment(number)]
            assert run(["sync", "--db", str(db), "--base-url", base_url, "--token", TOKEN,
                        "--quiet"]) == 0  # fmt: skip
    capsys.readouterr()
    code, out, err = cli(capsys, "explain", "p0001", "--format", "json", "--db", str(db))
    assert code == 0, err
    day = (START + timedelta(hours=6)).strftime("%Y-%m-%d")
    assert json.loads(out)["reason"] == (
        f"the release of deployment acme/chat in effect since {day} was quarantined at the sync "
        "(impossible instance counts or hardware): no release prices it"
    )
    for priced, hardware in (("p0000", "gpu-l40s"), ("p0002", "gpu-l40s-2x")):
        code, out, err = cli(capsys, "explain", priced, "--format", "json", "--db", str(db))
        assert code == 0, err
        assert json.loads(out)["hardware"]["hardware"] == hardware, out
