"""The account's other resources: trainings, deployments (and their releases), hardware, models.

Trainings have no filters (docs/REPLICATE.md), so they page newest first and stop at the first page entirely
older than the high-water mark minus `OVERLAP`; the next cursor is committed with each page, so an
interrupted run resumes where it stopped. Trainings are few, so no windows.

Deployments, hardware and the account are small lists rewritten each time. Replicate serves only a
deployment's current release: each release seen is inserted once by (deployment, number) and never
overwritten, so the table accumulates the release history that syncs have observed.

Models: every distinct model named by the account's predictions, trainings and deployments that the
database does not know yet is fetched once (GET /models/{owner}/{name}); a model that 404s (deleted
or private to someone else) gets a row with only its name, so it is not asked for again.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import duckdb

from replicost.client import ReplicateClient
from replicost.client.errors import NotFoundError
from replicost.client.paging import CursorPager, Page, fetch_page
from replicost.store import transaction
from replicost.store.query import one_row
from replicost.sync import door
from replicost.sync import state as st
from replicost.sync.predictions import OVERLAP, SyncRequest, Totals
from replicost.sync.progress import Progress
from replicost.sync.records import TERMINAL_STATUSES
from replicost.sync.timestamps import format_timestamp, from_epoch_us, parse_timestamp
from replicost.sync.writer import RecordWriter, WriteResult

_TERMINAL_SQL = ", ".join(f"'{status}'" for status in TERMINAL_STATUSES)


def upsert_account(con: duckdb.DuckDBPyConnection, record: dict[str, Any]) -> str:
    """Store the token's account; return its username (the `account` of every row)."""
    username = record.get("username")
    if not isinstance(username, str) or not username:
        from replicost.client.errors import BadResponseError

        raise BadResponseError("GET /account returned no username")
    with transaction(con):
        con.execute(
            "INSERT INTO accounts VALUES (?, ?, ?, ?, ?, now(), now()) ON CONFLICT (account) DO UPDATE SET "
            "type = excluded.type, name = excluded.name, github_url = excluded.github_url, "
            "raw = excluded.raw, last_synced_at = now()",
            [
                username,
                record.get("type"),
                record.get("name"),
                record.get("github_url"),
                st.dumps(record),
            ],
        )
    return username


def first_trainings_page(client: ReplicateClient) -> tuple[CursorPager, Page]:
    """The newest page of trainings and its pager (fetched early, in parallel with GET /account)."""
    pager = client.trainings.pager()
    return pager, fetch_page(client.http, pager)


def trainings_run_pending(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether an interrupted trainings run waits to resume (it starts from its saved cursor)."""
    return bool(
        one_row(
            con.execute(
                "SELECT count(*) FROM sync_state WHERE resource = 'trainings' AND key = 'run'"
            )
        )[0]
    )


def sync_trainings(
    client: ReplicateClient,
    con: duckdb.DuckDBPyConnection,
    account: str,
    request: SyncRequest,
    progress: Progress,
    first: tuple[CursorPager, Page] | None = None,
) -> Totals:
    """Page trainings newest first down to the high-water mark (minus overlap), then refresh.

    `first`: the newest page, already fetched (`first_trainings_page`), when no run was pending.
    """
    writer = RecordWriter(con, TRAININGS, account)
    totals = Totals()
    run = _trainings_run(con, account, request)
    low = parse_timestamp(run["low"]) if run["low"] else None
    if first is not None and run["cursor"] is None:
        pager, prefetched = first
    else:
        pager, prefetched = client.trainings.pager(cursor_url=run["cursor"]), None
    while not run.get("finished") and (prefetched is not None or pager.has_next()):
        page, prefetched = prefetched or fetch_page(client.http, pager), None
        older = low is not None and all(
            parse_timestamp(r["created_at"]) < low
            for r in page.results
            if isinstance(r.get("created_at"), str)
        )
        finished = older or page.next_url is None
        state: dict[tuple[str, str], str | None] = {
            (TRAININGS, "run"): st.dumps({**run, "cursor": page.next_url, "finished": finished})
        }
        limit = door.not_after(page.server_date)
        totals.add(writer.write(page.results, state, not_after=limit), 1)
        progress.advance(len(page.results), 1)
        if older:
            break
    if run["low"] is not None:
        totals.add(writer.write(_refetch_unfinished_trainings(client, con, account, run["low"])))
    _finish_trainings(con, account)
    return totals


TRAININGS = "trainings"


def _trainings_run(
    con: duckdb.DuckDBPyConnection, account: str, request: SyncRequest
) -> dict[str, Any]:
    """The pending run (resumed from its cursor), or a new one from the mark minus the overlap."""
    run = st.get_json(con, account, TRAININGS, "run")
    if run is not None and not request.full:
        return run
    mark = st.get_state(con, account, TRAININGS, "high_water_mark")
    if request.full:
        low = None
    elif request.since is not None:
        low = request.since
    else:
        low = parse_timestamp(mark) - OVERLAP if mark else None
    return {"low": format_timestamp(low) if low else None, "cursor": None}


def _refetch_unfinished_trainings(
    client: ReplicateClient, con: duckdb.DuckDBPyConnection, account: str, low: str
) -> list[dict[str, Any]]:
    """GET each training created before `low` that was not terminal at the last sync."""
    stale = con.execute(
        f"SELECT id FROM trainings WHERE account = ? AND created_at < ?::TIMESTAMPTZ "
        f"AND (status IS NULL OR status NOT IN ({_TERMINAL_SQL}))",
        [account, low],
    ).fetchall()
    fresh = []
    for (record_id,) in stale:
        try:
            fresh.append(client.trainings.get_raw(record_id))
        except NotFoundError:
            continue
    return fresh


def _finish_trainings(con: duckdb.DuckDBPyConnection, account: str) -> None:
    """Move the mark to the newest training not quarantined; drop the run, in one transaction."""
    newest = one_row(
        con.execute(
            "SELECT epoch_us(max(created_at)) FROM trainings WHERE account = ? "
            "AND quarantine_reason IS NULL",
            [account],
        )
    )[0]
    with transaction(con):
        if newest is not None:
            mark = format_timestamp(from_epoch_us(newest))
            st.put_state(con, account, TRAININGS, "high_water_mark", mark)
        st.put_state(con, account, TRAININGS, "run", None)


def fetch_deployments(client: ReplicateClient) -> tuple[list[dict[str, Any]], int]:
    """Every deployment (all pages) and the number of pages."""
    deployments, pages = [], 0
    for page in client.deployments.iter_pages():
        deployments.extend(page.results)
        pages += 1
    return deployments, pages


def sync_deployments(
    client: ReplicateClient,
    con: duckdb.DuckDBPyConnection,
    account: str,
    progress: Progress,
    fetched: tuple[list[dict[str, Any]], int] | None = None,
) -> Totals:
    """Upsert every deployment; insert each current release not seen before."""
    totals = Totals()
    deployments, totals.pages = fetched if fetched is not None else fetch_deployments(client)
    with transaction(con):
        for item in deployments:
            owner, name = item.get("owner"), item.get("name")
            if not owner or not name:
                continue
            key = f"{owner}/{name}"
            release = _mapping(item.get("current_release"))
            config = _mapping(release.get("configuration"))
            old = con.execute("SELECT raw FROM deployments WHERE deployment = ?", [key]).fetchone()
            raw = st.dumps(item)
            con.execute(
                "INSERT INTO deployments VALUES (?, ?, ?, ?, ?, ?, now()) ON CONFLICT (deployment) DO UPDATE SET "
                "account = excluded.account, current_release_number = excluded.current_release_number, "
                "raw = excluded.raw, synced_at = now()",
                [key, account, owner, name, release.get("number"), raw],
            )
            totals.add(WriteResult(new=0 if old else 1, updated=1 if old and old[0] != raw else 0))
            if not _fits_integer(release.get("number")):  # no number to key it by: only in raw
                continue
            _insert_release(con, key, account, release, config)
    progress.advance(len(deployments), totals.pages)
    return totals


def _insert_release(
    con: duckdb.DuckDBPyConnection,
    deployment: str,
    account: str,
    release: dict[str, Any],
    config: dict[str, Any],
) -> None:
    """Insert a release not seen before, checked at the door (sync/door.py).

    A release whose configuration cannot be believed (store.quarantine.release_quarantine_reason)
    is stored with its reason and never priced; a count no INTEGER column can hold is stored as
    NULL (the reason keeps the value served, `deployments.raw` the whole answer), so the insert
    cannot fail and block every later sync."""
    reason = door.release_quarantine_reason(config)
    counts = [config.get(name) for name in ("min_instances", "max_instances")]
    counts = [count if _fits_integer(count) else None for count in counts]
    hardware = config.get("hardware")
    hardware = hardware[: door.MAX_SKU_LENGTH] if isinstance(hardware, str) else None
    created_by = release.get("created_by") or {}
    con.execute(
        "INSERT INTO deployment_releases (deployment, number, account, model, version, hardware, "
        "min_instances, max_instances, created_at, created_by, first_observed_at, "
        "quarantine_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, TRY_CAST(? AS TIMESTAMPTZ), ?, now(), ?) "
        "ON CONFLICT (deployment, number) DO NOTHING",
        [deployment, release["number"], account, release.get("model"), release.get("version"),
         hardware, *counts, release.get("created_at"), created_by.get("username"), reason],
    )  # fmt: skip


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _fits_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -(2**31) <= value < 2**31


def sync_hardware(
    client: ReplicateClient, con: duckdb.DuckDBPyConnection, progress: Progress, items: Any = None
) -> Totals:
    """Upsert the hardware SKUs and their names (`items`: GET /hardware's answer, if prefetched)."""
    if items is None:
        items = client.hardware_json()
    totals = Totals(pages=1)
    with transaction(con):
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict) or not item.get("sku"):
                continue
            old = con.execute("SELECT name FROM hardware WHERE sku = ?", [item["sku"]]).fetchone()
            con.execute(
                "INSERT INTO hardware VALUES (?, ?, now()) ON CONFLICT (sku) DO UPDATE SET "
                "name = excluded.name, synced_at = now()",
                [item["sku"], item.get("name")],
            )
            totals.add(
                WriteResult(
                    new=0 if old else 1, updated=1 if old and old[0] != item.get("name") else 0
                )
            )
    progress.advance(len(items) if isinstance(items, list) else 0, 1)
    return totals


def sync_models(
    client: ReplicateClient,
    con: duckdb.DuckDBPyConnection,
    account: str,
    progress: Progress,
    concurrency: int = 12,
) -> Totals:
    """Fetch each model seen in the account's history that the database does not know yet."""
    names = [
        row[0]
        for row in con.execute(
            "SELECT DISTINCT model FROM (SELECT model FROM predictions WHERE account = $1 "
            "UNION ALL SELECT model FROM trainings WHERE account = $1 "
            "UNION ALL SELECT model FROM deployment_releases WHERE account = $1) "
            "WHERE model IS NOT NULL AND model LIKE '%/%' AND model NOT IN (SELECT model FROM models) "
            "ORDER BY model",
            [account],
        ).fetchall()
    ]
    totals = Totals()

    def fetch(name: str) -> dict[str, Any] | None:
        try:
            return client.models.get_raw(name)
        except NotFoundError:
            return None

    # one GET each, in parallel: sequential GETs would cost a round trip per model (150 ms each
    # on a slow link: seconds for an account of a few dozen models)
    progress.set_total(len(names) or None)  # models to fetch: the one resource of known size
    items: list[dict[str, Any] | None] = []
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(names)))) as pool:
        for item in pool.map(fetch, names):
            items.append(item)
            progress.advance(1, 1)
            progress.update(len(items))
    with transaction(con):
        for name, item in zip(names, items, strict=True):
            owner, _, short = name.partition("/")
            latest = (item or {}).get("latest_version")
            con.execute(
                "INSERT INTO models VALUES (?, ?, ?, ?, ?, ?, ?, ?, now()) ON CONFLICT (model) DO UPDATE SET "
                "visibility = excluded.visibility, is_official = excluded.is_official, "
                "latest_version = excluded.latest_version, run_count = excluded.run_count, "
                "raw = excluded.raw, synced_at = now()",
                [
                    name,
                    (item or {}).get("owner", owner),
                    (item or {}).get("name", short),
                    (item or {}).get("visibility"),
                    (item or {}).get("is_official"),
                    latest.get("id") if isinstance(latest, dict) else None,
                    (item or {}).get("run_count"),
                    st.dumps(item) if item else None,
                ],
            )
    totals.new += len(names)
    totals.pages += len(names)
    return totals
