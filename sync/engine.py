"""`sync_account`: one account's whole history into one DuckDB file, resource by resource.

The order matters: the account first (every row carries its username), then hardware and
deployments (small), predictions and trainings (the bulk), and models last (they are the distinct
models the history names). Each resource gets a `sync_log` row: `running` when it starts, then
`succeeded` or `failed` with its counts and the one-line error.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import httpx

from replicost.client import DEFAULT_REQUESTS_PER_MINUTE, ReplicateClient, RetryPolicy
from replicost.client.bounded import DEFAULT_MAX_RESPONSE_BYTES
from replicost.client.deadline import DEFAULT_REQUEST_DEADLINE
from replicost.errors import InputError, ReplicostError
from replicost.escape import terminal
from replicost.paths import default_db_path
from replicost.redact import redact
from replicost.store import connect
from replicost.store.query import one_row
from replicost.sync.door import count_quarantined, count_quarantined_releases
from replicost.sync.memory import cap_malloc_arenas, fit_memory_limit
from replicost.sync.predictions import PredictionSync, SyncRequest, Totals
from replicost.sync.progress import Progress
from replicost.sync.resources import (
    fetch_deployments,
    first_trainings_page,
    sync_deployments,
    sync_hardware,
    sync_models,
    sync_trainings,
    trainings_run_pending,
    upsert_account,
)

RESOURCES = ("account", "hardware", "deployments", "predictions", "trainings", "models")


@dataclass
class SyncSummary:
    """What a sync did, for the one-line summary and for library callers."""

    account: str = ""
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    pages: int = 0
    requests: int = 0
    retries: int = 0
    seconds: float = 0.0
    quarantined: int = 0  # records stored by this sync but held out of prices (sync/door.py)
    quarantined_releases: int = 0  # deployment releases stored by this sync, never priced
    reverts_ignored: int = 0  # answers that would have un-finished a finished record (writer.py)
    by_resource: dict[str, Totals] = field(default_factory=dict)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def add(self, resource: str, totals: Totals) -> None:
        self.by_resource[resource] = totals
        self.new += totals.new
        self.updated += totals.updated
        self.unchanged += totals.unchanged
        self.reverts_ignored += totals.reverts_ignored
        self.pages += totals.pages

    def line(self) -> str:
        text = (
            f"synced {terminal(self.account)}: {self.new:,} new, {self.updated:,} updated, {self.pages:,} pages, "
            f"{self.requests:,} requests, {self.retries} retries in {self.seconds:.1f}s"
        )
        if self.quarantined:
            text += (
                f"; {self.quarantined:,} quarantined (stored, not priced: impossible values, "
                "see `replicost report summary`)"
            )
        if self.reverts_ignored:
            text += (
                f"; {self.reverts_ignored:,} answer(s) ignored that would have turned a finished "
                "record unfinished again"
            )
        if self.quarantined_releases:
            text += (
                f"; {self.quarantined_releases:,} deployment release(s) quarantined (stored, never "
                "priced: impossible instance counts or hardware)"
            )
        return text


def parse_only(text: str | None) -> tuple[str, ...]:
    """`--only predictions,trainings` -> the resources to sync (all when empty)."""
    if not text:
        return RESOURCES
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [name for name in names if name not in RESOURCES]
    if unknown:
        raise InputError(
            f"--only: unknown resource {unknown[0]!r}; choose from {', '.join(RESOURCES)}"
        )
    return names


def _log_start(con: duckdb.DuckDBPyConnection, run_id: str, account: str, resource: str) -> None:
    con.execute(
        "INSERT INTO sync_log (run_id, account, resource, started_at, status) "
        "VALUES (?, ?, ?, now(), 'running')",
        [run_id, account, resource],
    )


def _log_end(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    resource: str,
    totals: Totals | None,
    requests: int,
    retries: int,
    error: str | None,
) -> None:
    totals = totals or Totals()
    con.execute(
        "UPDATE sync_log SET finished_at = now(), status = ?, new_rows = ?, updated_rows = ?, pages = ?, "
        "requests = ?, retries = ?, message = ? WHERE run_id = ? AND resource = ?",
        [
            "failed" if error else "succeeded",
            totals.new,
            totals.updated,
            totals.pages,
            requests,
            retries,
            error,
            run_id,
            resource,
        ],
    )


DEFAULT_DEADLINE = (
    4 * 3600.0
)  # seconds for a whole sync (--deadline); a 10M-record account takes ~40 min


def sync_account(
    db: str | Path | None = None,
    *,
    token: str | None = None,
    base_url: str | None = None,
    since: datetime | None = None,
    full: bool = False,
    concurrency: int = 12,
    only: Iterable[str] | None = None,
    progress: Progress | None = None,
    requests_per_minute: float | None = DEFAULT_REQUESTS_PER_MINUTE,
    transport: httpx.BaseTransport | None = None,
    retry: RetryPolicy | None = None,
    deadline: float | None = DEFAULT_DEADLINE,
    request_deadline: float = DEFAULT_REQUEST_DEADLINE,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
) -> SyncSummary:
    """Sync the token's account into the database at `db`; return what was done.

    `deadline`: seconds the whole sync may take (None: no limit); `request_deadline`: seconds one
    whole response may take, however slowly its body arrives (retried like a timeout);
    `max_response_bytes`: the most bytes one response's body may hold, decompressed (past it the
    sync stops with one line; client/bounded.py).
    """
    if concurrency < 1:
        raise InputError("--concurrency must be at least 1")
    _check_seconds("--deadline", deadline)
    _check_seconds("--request-deadline", request_deadline)
    resources = tuple(only) if only is not None else RESOURCES
    progress = progress or Progress()
    started = time.monotonic()
    client = ReplicateClient(
        token,
        base_url=base_url,
        transport=transport,
        retry=retry,
        requests_per_minute=requests_per_minute,
        max_connections=max(8, concurrency * 2),
        on_retry=progress.retry,
        request_deadline=request_deadline,
        deadline=deadline,
        max_response_bytes=max_response_bytes,
    )
    request = SyncRequest(full=full, since=since, concurrency=concurrency)
    path = Path(db or default_db_path())
    return _sync_into(client, path, request, resources, progress, started)


def _sync_into(
    client: ReplicateClient,
    path: Path,
    request: SyncRequest,
    resources: tuple[str, ...],
    progress: Progress,
    started: float,
) -> SyncSummary:
    """Open (or create) the database and run the resources; a new file nothing was committed to
    is removed again. The client is closed in every case."""
    new_file = not path.exists()
    cap_malloc_arenas()  # before DuckDB starts its threads (memory.py)
    try:
        con = connect(path)  # a second sync fails here: DuckDB's file lock
    except BaseException:
        client.close()
        raise
    fit_memory_limit(con)  # peak memory: a fixed buffer pool, whatever the history (memory.py)
    summary = SyncSummary()
    failed = True
    try:
        _run(client, con, request, resources, progress, summary)
        failed = False
    finally:
        summary.requests = client.stats.requests
        summary.retries = client.stats.retries
        summary.seconds = time.monotonic() - started
        progress.close()
        client.close()
        nothing_kept = failed and new_file and _holds_nothing(con)
        con.close()
        if nothing_kept:  # a sync refused at once (401, 404, no server) leaves no file behind
            _remove_database(path)
    return summary


def _check_seconds(flag: str, value: float | None) -> None:
    if value is not None and (not math.isfinite(value) or value <= 0):
        raise InputError(f"{flag} must be a positive number of seconds")


def _run(
    client: ReplicateClient,
    con: duckdb.DuckDBPyConnection,
    request: SyncRequest,
    resources: tuple[str, ...],
    progress: Progress,
    summary: SyncSummary,
) -> None:
    """The resources in order, each logged in `sync_log`; fills `summary` as they finish."""
    run_id = uuid.uuid4().hex
    # The small lists are fetched in parallel with GET /account: one round trip instead of four
    # before the predictions start (on a 150 ms link, 0.5 s of a rate budget nobody used).
    pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="replicost-prefetch")
    early: dict[str, Future] = {}
    if "hardware" in resources:
        early["hardware"] = pool.submit(client.hardware_json)
    if "deployments" in resources:
        early["deployments"] = pool.submit(fetch_deployments, client)
    if "trainings" in resources and not trainings_run_pending(con):
        early["trainings"] = pool.submit(first_trainings_page, client)

    def prefetched(resource: str) -> Any:
        return early[resource].result() if resource in early else None

    try:
        progress.start("account")
        account = upsert_account(con, client.account_json())
        summary.account = account
        progress.end("account", account)
        steps = {
            "hardware": lambda: sync_hardware(client, con, progress, prefetched("hardware")),
            "deployments": lambda: sync_deployments(
                client, con, account, progress, prefetched("deployments")
            ),
            "predictions": lambda: PredictionSync(client, con, account, request, progress).run(),
            "trainings": lambda: sync_trainings(
                client, con, account, request, progress, prefetched("trainings")
            ),
            "models": lambda: sync_models(client, con, account, progress, request.concurrency),
        }
        for resource in RESOURCES[1:]:
            if resource in resources:
                progress.start(resource)
                totals = _logged(client, con, run_id, account, resource, steps[resource])
                summary.add(resource, totals)
                progress.end(resource, totals)
        summary.quarantined = count_quarantined(con, account, summary.started_at)
        summary.quarantined_releases = count_quarantined_releases(con, account, summary.started_at)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _logged(
    client: ReplicateClient,
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    account: str,
    resource: str,
    step: Callable[[], Totals],
) -> Totals:
    """Run one resource's step between its `sync_log` start and end rows."""
    requests_before, retries_before = client.stats.requests, client.stats.retries
    _log_start(con, run_id, account, resource)

    def spent() -> tuple[int, int]:
        return client.stats.requests - requests_before, client.stats.retries - retries_before

    try:
        totals = step()
    except BaseException as exc:
        message = redact(str(exc)) if isinstance(exc, ReplicostError) else type(exc).__name__
        _log_end(con, run_id, resource, None, *spent(), message)
        if isinstance(exc, ReplicostError):
            # the one line a user sees says how hard the sync tried and that a rerun resumes
            exc.args = (
                f"{exc} (stopped after {client.stats.requests:,} requests and "
                f"{client.stats.retries:,} retries; committed pages are kept: run "
                "the sync again to resume)",
            )
        raise
    _log_end(con, run_id, resource, totals, *spent(), None)
    return totals


_KEPT_TABLES = ("predictions", "trainings", "deployments", "hardware", "models")


def _holds_nothing(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether no page of any resource was committed (only the schema, logs, maybe the account)."""
    try:
        return all(
            one_row(con.execute(f"SELECT count(*) FROM {table}"))[0] == 0 for table in _KEPT_TABLES
        )
    except duckdb.Error:
        return False


def _remove_database(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        try:
            leftover.unlink()
        except OSError:
            pass
