"""Predictions: planned as time windows, paged concurrently, committed page by page, resumable.

Plan. A run covers `[low, +inf)`: `low` is nothing for a full sync, `--since` if given, otherwise
the high-water mark (newest `created_at` stored) minus `OVERLAP`. The first page of that range is a
probe: if it is the only page, it is written and the run is over (a no-change incremental sync
costs one list request). Otherwise the range is cut into windows `[after, before)` using the
API's documented semantics (`created_after` is inclusive, `created_before` exclusive), so every
record belongs to exactly one window; the lowest window has no `created_after` in a full sync and
the highest has no `created_before`, so records outside the probed range are never lost. The number
of windows is estimated from the probe's density (records per second of history) and capped at
the concurrency; uneven windows are evened out while they run (work stealing, windows.py).

Run (windows.py). Pager threads page the windows (`--concurrency`); a single writer (the
calling thread, the only one that touches DuckDB) commits pages together with each window's next
cursor; a pager left without a window takes half of the window with most pages left. The plan
itself is committed before the first page. A crash at any moment leaves a plan whose windows
resume from their last committed cursor; rows already committed are upserted again at most.

Non-terminal records created before `low` (still `starting`/`processing` at the last sync) are
refreshed the cheaper way: one GET each, or, when more of them exist than pages would be needed to
re-list from the oldest of them, by lowering `low` to it (one page lists 100 records, so re-listing
wins as soon as they outnumber the pages between). The local database tells both counts exactly.

OVERLAP: 10 minutes. A prediction's `created_at` is set when it is created, which can be a moment
before a list query sees it (queueing, replication); re-listing the last 10 minutes each time costs
one page and catches those. Records re-fetched unchanged are not rewritten.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb

from replicost.client import ReplicateClient
from replicost.client.errors import NotFoundError
from replicost.client.paging import Page, fetch_page
from replicost.store import transaction
from replicost.store.query import one_row
from replicost.sync import door
from replicost.sync import state as st
from replicost.sync.plan import RESOURCE, Plan, Window, WindowProgress, window_key
from replicost.sync.progress import Progress
from replicost.sync.records import TERMINAL_STATUSES
from replicost.sync.timestamps import format_timestamp, from_epoch_us, parse_timestamp
from replicost.sync.windows import WindowRun, moment_of
from replicost.sync.writer import RecordWriter, WriteResult

OVERLAP = timedelta(minutes=10)
# Replicate opened its API in 2020; the search for the oldest record starts a bit before.
HISTORY_FLOOR = datetime(2019, 1, 1, tzinfo=UTC)
WINDOWS_PER_WORKER = 1  # idle pagers split the window with most pages left (windows.py)
PAGES_PER_WINDOW = 4  # do not cut windows smaller than this many estimated pages
_TERMINAL_SQL = ", ".join(f"'{status}'" for status in TERMINAL_STATUSES)


@dataclass
class Totals:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    pages: int = 0
    reverts_ignored: int = 0  # answers un-finishing a finished record, not taken (writer.py)

    def add(self, result: WriteResult, pages: int = 0) -> None:
        self.new += result.new
        self.updated += result.updated
        self.unchanged += result.unchanged
        self.reverts_ignored += result.reverts_ignored
        self.pages += pages


@dataclass
class SyncRequest:
    """What the user asked for: `full` ignores the high-water mark, `since` sets the lower bound."""

    full: bool = False
    since: datetime | None = None
    concurrency: int = 12


class PredictionSync:
    """One account's predictions into DuckDB; `run()` plans or resumes, pages, refreshes, finishes."""

    def __init__(
        self,
        client: ReplicateClient,
        con: duckdb.DuckDBPyConnection,
        account: str,
        request: SyncRequest,
        progress: Progress,
    ) -> None:
        self.client, self.con, self.account = client, con, account
        self.request, self.progress = request, progress
        self.writer = RecordWriter(con, "predictions", account)
        self.totals = Totals()

    # ----- plan ------------------------------------------------------------------------------
    def _mode(self) -> tuple[str, datetime | None]:
        if self.request.full:
            return "full", None
        if self.request.since is not None:
            return "since", self.request.since
        mark = st.get_state(self.con, self.account, RESOURCE, "high_water_mark")
        if mark is None:
            return "full", None
        return "incremental", parse_timestamp(mark) - OVERLAP

    def _stale_before(self, low: datetime) -> tuple[int, datetime | None, int]:
        """(non-terminal records older than low, the oldest one's created_at, records since it)."""
        low_text = format_timestamp(low)
        count, oldest_us = one_row(
            self.con.execute(
                f"SELECT count(*), epoch_us(min(created_at)) FROM predictions WHERE account = ? "
                f"AND created_at < ?::TIMESTAMPTZ AND (status IS NULL OR status NOT IN ({_TERMINAL_SQL}))",
                [self.account, low_text],
            )
        )
        if not count:
            return 0, None, 0
        oldest = from_epoch_us(oldest_us)
        between = one_row(
            self.con.execute(
                "SELECT count(*) FROM predictions WHERE account = ? AND created_at >= ?::TIMESTAMPTZ "
                "AND created_at < ?::TIMESTAMPTZ",
                [self.account, format_timestamp(oldest), low_text],
            )
        )[0]
        return count, oldest, between

    def _probe(self, **filters: Any) -> Page:
        return fetch_page(self.client.http, self.client.predictions.pager(**filters))

    def _has_records_before(self, moment: datetime) -> bool:
        return bool(self._probe(created_before=format_timestamp(moment)).results)

    def _find_oldest(self, newest: datetime, resolution: timedelta) -> datetime:
        """Estimate the oldest created_at: "is there a record before T?" for several T at once.

        Each round probes `concurrency` instants in parallel and keeps the gap where the answer
        flips, until the gap is no longer than the history found (or `resolution`); the estimate is
        the gap's middle. One round usually does (13 requests where two rounds cost 25): windows
        planned from a rough floor are evened out by work stealing, and records older than the
        estimate are not lost, the bottom window has no lower edge.
        """
        low, high = HISTORY_FLOOR, newest  # no record before low (assumed); some record before high
        probes = max(2, self.request.concurrency)
        with ThreadPoolExecutor(max_workers=probes) as pool:
            while high - low > max(resolution, newest - high):
                step = (high - low) / (probes + 1)
                points = [low + step * i for i in range(1, probes + 1)]
                answers = list(pool.map(self._has_records_before, points))
                if answers[0]:
                    return low  # records older than every probe (or than the floor): a long history
                for point, found in zip(points, answers, strict=True):
                    if found:
                        high = point
                        break
                    low = point
        return low + (high - low) / 2

    def plan(self) -> Plan:
        """Make this run's plan, commit it (with the probe page when it is all there is)."""
        mode, low = self._mode()
        if mode == "incremental" and low is not None:
            stale, oldest, between = self._stale_before(low)
            if stale and between // 100 + 1 < stale:
                low = oldest  # re-listing from the oldest stale record costs fewer requests
        low_text = format_timestamp(low) if low else None
        probe = self._probe(created_after=low_text)
        self.progress.advance(0, 0)
        first = WindowProgress(probe.next_url, probe.next_url is None)
        if probe.next_url is None or self.request.concurrency <= 1 or len(probe.results) < 2:
            # one window continuing from the probe: no page is fetched twice
            run = Plan(mode, low_text, [Window(0, low_text, None)])
            if probe.results:  # with low: the range progress is measured on
                run.newest = format_timestamp(self._probe_span(probe)[0])
            self._mark_fresh(run.windows)
            self._commit_plan(run, probe, first, 0)
            return run
        newest, page_oldest = self._probe_span(probe)
        page_span = max(newest - page_oldest, timedelta(milliseconds=1))
        floor = low or self._find_oldest(newest, page_span * PAGES_PER_WINDOW)
        run = Plan(mode, low_text, self._cut_windows(low_text, floor, newest, page_span))
        run.floor = format_timestamp(floor)
        run.newest = format_timestamp(newest)  # with floor: the range progress is measured on
        self._mark_fresh(run.windows)
        # The probe is the top window's first page: it continues from the probe's cursor, which
        # has no created_after, so it stops at its lower edge like a split window (windows.py).
        top = run.windows[-1]
        kept = probe.results
        if top.after != low_text:
            top.stop_at = top.after
            edge = parse_timestamp(top.after) if top.after else None
            kept = [
                r
                for r in probe.results
                if edge is None
                or (moment := moment_of(r.get("created_at"))) is None
                or moment >= edge
            ]
            if len(kept) < len(probe.results):
                first.done = True
        self._commit_plan(run, Page(probe.url, kept, probe.next_url), first, top.id)
        return run

    def _probe_span(self, probe: Page) -> tuple[datetime, datetime]:
        """(newest, oldest) believable created_at of the probe: a record dated in the future
        (quarantined at the door) would stretch the plan over centuries."""
        limit = door.not_after(probe.server_date)
        moments = [moment_of(record.get("created_at")) for record in probe.results]
        believable = [m for m in moments if m is not None and m <= limit]
        if not believable:
            now = datetime.now(UTC)
            return now, now - timedelta(seconds=1)
        return max(believable), min(believable)

    def _cut_windows(
        self, low_text: str | None, floor: datetime, newest: datetime, page_span: timedelta
    ) -> list[Window]:
        """`[floor, newest]` cut into as many windows as pagers (fewer when it holds few pages)."""
        estimated_pages = (newest - floor) / page_span
        count = int(
            min(
                self.request.concurrency * WINDOWS_PER_WORKER,
                max(1.0, estimated_pages / PAGES_PER_WINDOW),
            )
        )
        step = (newest - floor) / count
        edges = [format_timestamp(floor + step * i) for i in range(1, count)]
        afters: list[str | None] = [low_text, *edges]
        befores: list[str | None] = [*edges, None]
        return [
            Window(i, after, before)
            for i, (after, before) in enumerate(zip(afters, befores, strict=True))
        ]

    def _mark_fresh(self, windows: list[Window]) -> None:
        """Flag the windows whose range holds no stored row yet: their pages need no lookups.

        Committed with the plan and still true after a crash: what the window stored since is
        newer than its cursor, so its next pages cannot hold it (if the API repeats a record
        anyway, the primary key catches it and the writer takes the careful path).
        """
        for window in windows:
            sql, params = "SELECT count(*) FROM predictions WHERE account = ?", [self.account]
            if window.after:
                sql += " AND created_at >= ?::TIMESTAMPTZ"
                params.append(window.after)
            if window.before:
                sql += " AND created_at < ?::TIMESTAMPTZ"
                params.append(window.before)
            window.fresh = one_row(self.con.execute(sql, params))[0] == 0

    def _commit_plan(
        self,
        run: Plan,
        probe: Page | None,
        first_state: WindowProgress | None,
        first_window: int = 0,
    ) -> None:
        state: dict[tuple[str, str], str | None] = {(RESOURCE, "run"): run.dumps()}
        for window in run.windows:
            state[(RESOURCE, window_key(window.id))] = WindowProgress().dumps()
        if first_state is not None:
            state[(RESOURCE, window_key(first_window))] = first_state.dumps()
        with transaction(self.con):
            st.clear_prefix(self.con, self.account, RESOURCE, "window:")
        # the plan, the window states and the probe's rows (if kept) in one transaction
        limit = door.not_after(probe.server_date) if probe else None
        result = self.writer.write(probe.results if probe else [], state, not_after=limit)
        self.totals.add(result, 1 if probe else 0)
        if probe:
            self.progress.advance(len(probe.results), 1)

    # ----- run windows -----------------------------------------------------------------------
    def run_windows(self, run: Plan) -> None:
        """Page every unfinished window of the plan concurrently; this thread writes and commits."""
        saved = {
            window.id: WindowProgress.load(self.con, self.account, window.id)
            for window in run.windows
        }
        WindowRun(
            run,
            saved,
            client=self.client,
            writer=self.writer,
            progress=self.progress,
            totals=self.totals,
            concurrency=self.request.concurrency,
        ).run()

    # ----- refresh and finish ----------------------------------------------------------------
    def refresh_stale(self, run: Plan) -> None:
        """GET each record created before the run's range that was not terminal last time."""
        if not run.low:
            return
        rows = self.con.execute(
            f"SELECT id FROM predictions WHERE account = ? AND created_at < ?::TIMESTAMPTZ "
            f"AND (status IS NULL OR status NOT IN ({_TERMINAL_SQL})) ORDER BY created_at",
            [self.account, run.low],
        ).fetchall()
        ids = [row[0] for row in rows]
        if not ids:
            return

        def get(record_id: str) -> dict[str, Any] | None:
            try:
                return self.client.predictions.get_raw(record_id)
            except NotFoundError:
                return None  # deleted upstream: keep what we have

        with ThreadPoolExecutor(
            max_workers=max(1, min(self.request.concurrency, len(ids)))
        ) as pool:
            fresh = [record for record in pool.map(get, ids) if record and "id" in record]
        self.totals.add(self.writer.write(fresh), 0)
        self.progress.advance(len(fresh), 0)

    def finish(self) -> None:
        """Move the high-water mark and drop the plan, in one transaction."""
        # a quarantined record (created "9999-12-31") must not blind the next incremental sync
        newest_us = one_row(
            self.con.execute(
                "SELECT epoch_us(max(created_at)) FROM predictions WHERE account = ? "
                "AND quarantine_reason IS NULL",
                [self.account],
            )
        )[0]
        newest = from_epoch_us(newest_us) if newest_us is not None else None
        with transaction(self.con):
            if newest is not None:
                st.put_state(
                    self.con, self.account, RESOURCE, "high_water_mark", format_timestamp(newest)
                )
            st.put_state(self.con, self.account, RESOURCE, "run", None)
            st.clear_prefix(self.con, self.account, RESOURCE, "window:")

    def run(self) -> Totals:
        """Resume the unfinished run (same mode) or plan a new one; then page, refresh, finish."""
        run = Plan.load(self.con, self.account)
        mode, _ = self._mode()
        if run is None or (self.request.full and run.mode != "full"):
            run = self.plan()
        elif mode != run.mode:
            self.progress.message(f"resuming the interrupted {run.mode} sync of predictions")
        top, bottom = moment_of(run.newest), moment_of(run.floor or run.low)
        if top is not None and bottom is not None and top > bottom:
            self.progress.set_total((top - bottom).total_seconds())  # seconds of history to page
        self.run_windows(run)
        self.refresh_stale(run)
        self.finish()
        return self.totals
