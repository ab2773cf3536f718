"""Page a plan's windows concurrently: pager threads fetch, this thread writes, idle pagers steal.

Pager threads fetch pages and encode them (see writer.py); the calling thread, the only one that
touches DuckDB, adds each group of pages to an open transaction and commits every
`COMMIT_SECONDS` (or `COMMIT_ROWS` rows), each window's next cursor in the same transaction as its
rows, so a crash resumes every window from its last committed page.

Work stealing. Windows planned by time are uneven (usage grows, bursts happen), so the last
windows would run alone while other pagers sit idle, which a rate budget pays for in full: with
150 ms pages and a 3,000/min budget about 7.5 requests must be in flight at all times. So a pager
that runs out of windows says so, and the writer splits the window with the most pages left
(estimated from its position and the time its last page covered) at the middle `mid` of what
remains: a new window `[its lower edge, mid)` goes to the idle pager, and the old window gets
`stop_at = mid`: its pager stops after the page that crosses `mid`, and the writer drops the
records of that page older than `mid` (they are the new window's). The split is part of the plan
(`run` in sync_state), committed with the next pages, before any page of the new window, so a
crash never loses the range between. Edges are compared at microsecond precision, and `mid` is a
whole microsecond: a record created at t belongs to the old window iff floor_us(t) >= mid iff
t >= mid, exactly the API's `created_before=mid` boundary for the new one.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from replicost.client.paging import fetch_page
from replicost.sync import door
from replicost.sync.plan import RESOURCE, Plan, Window, WindowProgress, window_key
from replicost.sync.timestamps import format_timestamp, parse_timestamp
from replicost.sync.writer import Encoded, RecordWriter, encode

if TYPE_CHECKING:
    from replicost.client import ReplicateClient
    from replicost.sync.predictions import Totals
    from replicost.sync.progress import Progress

COMMIT_SECONDS = 0.3  # at most this much work is lost to a crash; a COMMIT costs ~15 ms
COMMIT_ROWS = 20_000  # and at most this many rows wait in the open transaction
# ...but when no page is waiting, the writer would only wait: it commits after this long, so a
# sync bound by the network (most are) keeps its committed progress within a few pages.
COMMIT_IDLE_SECONDS = 0.05
MAX_PAGES_PER_INSERT = 50
PAGE_SIZE = 100  # records per page of Replicate's lists
MIN_SPLIT_PAGES = 2.0  # split a window with at least this many pages left (one each)
_IDLE = object()  # a pager's message: it has no window left


def moment_of(value: Any) -> datetime | None:
    """A record's created_at as a datetime, or None if it is missing or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        return parse_timestamp(value)
    except ValueError:
        return None


@dataclass(eq=False)
class _Live:
    """A window while it runs: its plan entry, cursor, and what the writer has seen of it."""

    window: Window
    cursor: str | None
    stop: datetime | None  # stop_at, parsed (read by its pager to stop early)
    position: datetime | None = None  # the oldest created_at written so far
    per_record: timedelta | None = None  # time between records on its latest page
    done: bool = False


class WindowRun:
    """One `run_windows` call: threads, queues, the writer loop and the splits.

    It is handed what it uses: the plan and each window's saved progress, the client its pagers
    fetch with, the writer (the only user of the database connection), the progress display and
    the totals it adds each commit to.
    """

    def __init__(
        self,
        run: Plan,
        saved: dict[int, WindowProgress],
        *,
        client: ReplicateClient,
        writer: RecordWriter,
        progress: Progress,
        totals: Totals,
        concurrency: int,
    ) -> None:
        self.run_plan = run
        self.client, self.writer, self.progress, self.totals = client, writer, progress, totals
        self.floor = moment_of(run.floor)
        self.lives: list[_Live] = []
        for window in run.windows:
            state = saved.get(window.id) or WindowProgress()
            if not state.done:
                self.lives.append(_Live(window, state.cursor, moment_of(window.stop_at)))
        self.by_id = {live.window.id: live for live in self.lives}
        self.top = moment_of(run.newest)
        self.bottom = self.floor or moment_of(run.low)
        self.next_id = run.next_id()
        self.workers = max(1, min(concurrency, len(self.lives)))
        self.work: queue.Queue = queue.Queue()
        self.pages: queue.Queue = queue.Queue(
            maxsize=self.workers * 4
        )  # bounded: memory stays flat
        self.stop = threading.Event()
        self.state: dict[tuple[str, str], str | None] = {}  # what the next commit writes
        self.waiting = 0  # idle pagers not yet given a window
        self.pages_pending = 0

    # ----- pager threads ---------------------------------------------------------------------
    def _pager(self) -> None:
        client = self.client
        while not self.stop.is_set():
            try:
                live = self.work.get_nowait()
            except queue.Empty:
                self.pages.put(
                    _IDLE
                )  # the writer answers with a split window (None: the run is over)
                live = self.work.get()
            if live is None:
                return
            window = live.window
            pager = client.predictions.pager(
                cursor_url=live.cursor,
                created_after=window.after,
                created_before=window.before,
            )
            while pager.has_next() and not self.stop.is_set():
                try:
                    page = fetch_page(client.http, pager)
                    # encoded here, not in the writer: see writer.py
                    item = encode(page.results, door.not_after(page.server_date))
                except BaseException as exc:  # handed to the writer, which stops the run
                    self.pages.put((live, None, exc))
                    return
                self.pages.put((live, page.next_url, item))
                stop = live.stop  # set by the writer when it splits this window
                if stop is not None and item.created:
                    oldest = moment_of(item.created[-1])
                    if oldest is not None and oldest < stop:
                        break

    # ----- the writer --------------------------------------------------------------------------
    def run(self) -> None:
        if not self.lives:
            return
        for live in self.lives:
            self.work.put(live)
        threads = [
            threading.Thread(target=self._pager, daemon=True, name=f"replicost-pager-{i}")
            for i in range(self.workers)
        ]
        for thread in threads:
            thread.start()
        writer = self.writer
        remaining = len(self.lives)
        deadline: float | None = None
        opened = 0.0
        try:
            while remaining:
                timeout = 1.0 if deadline is None else max(0.0, deadline - time.monotonic())
                try:
                    items = [self.pages.get(timeout=timeout)]
                except queue.Empty:
                    if deadline is not None:
                        self._commit()
                        deadline = None
                    elif not any(thread.is_alive() for thread in threads) and self.pages.empty():
                        raise RuntimeError("pager threads ended before their windows") from None
                    continue
                while len(items) < MAX_PAGES_PER_INSERT:
                    try:
                        items.append(self.pages.get_nowait())
                    except queue.Empty:
                        break
                remaining, error = self._take(items, remaining)
                now = time.monotonic()
                if deadline is None and self.state:
                    opened, deadline = now, now + COMMIT_SECONDS
                if self.state and (
                    error is not None
                    or not remaining
                    or (deadline is not None and now >= deadline)
                    or writer.pending_rows >= COMMIT_ROWS
                    or (self.pages.empty() and now - opened >= COMMIT_IDLE_SECONDS)
                ):
                    self._commit()
                    deadline = None
                if error is not None:
                    raise error
        finally:
            writer.rollback()  # nothing is open after a commit; after an error, drop the partial batch
            self.stop.set()
            for _ in threads:
                self.work.put(None)
            while any(thread.is_alive() for thread in threads):
                try:  # unblock pagers waiting on a full queue
                    self.pages.get(timeout=0.05)
                except queue.Empty:
                    pass

    def _take(self, items: list, remaining: int) -> tuple[int, BaseException | None]:
        """Add a group of pages to the open transaction; answer idle pagers. -> (remaining, error)."""
        group: list[Encoded] = []
        fresh = True
        error: BaseException | None = None
        for item in items:
            if item is _IDLE:
                self.waiting += 1  # answered below, once a window has shown where it is
                continue
            live, next_url, page = item
            if isinstance(page, BaseException):
                error = error or page
                continue
            if live.done:
                continue  # fetched past a new edge before its pager heard of it
            page, done = self._cut(live, next_url, page)
            group.append(page)
            fresh = fresh and live.window.fresh
            self.state[(RESOURCE, window_key(live.window.id))] = WindowProgress(
                next_url, done
            ).dumps()
            self.pages_pending += 1
            if done:
                live.done = True
                remaining -= 1
        if group:
            self.writer.add(group, fresh=fresh)
            self.progress.advance(sum(len(page) for page in group), len(group))
            self.progress.update(self.covered_seconds())
        while self.waiting and self._split():
            self.waiting -= 1
            remaining += 1
        return remaining, error

    def covered_seconds(self) -> float:
        """Seconds of the plan's history paged so far: each window pages down from its upper edge.

        Windows partition [bottom, top) (a split hands the lower part of one window to a new
        one), so the sum reaches top - bottom when every window is done.
        """
        covered = 0.0
        for window in self.run_plan.windows:
            upper = moment_of(window.before) or self.top
            lower = moment_of(window.stop_at) or moment_of(window.after) or self.bottom
            if upper is None or lower is None or upper <= lower:
                continue
            span = (upper - lower).total_seconds()
            live = self.by_id.get(window.id)
            if live is None or live.done:  # finished, in this run or before a resume
                covered += span
            elif live.position is not None:
                covered += min(span, max(0.0, (upper - live.position).total_seconds()))
        return covered

    def _cut(self, live: _Live, next_url: str | None, page: Encoded) -> tuple[Encoded, bool]:
        """Drop the records past the window's stop_at; note where the window is. -> (page, done)."""
        done = next_url is None
        if live.stop is not None and page.created:
            oldest = moment_of(page.created[-1])
            if oldest is not None and oldest < live.stop:
                keep = [
                    i
                    for i, created in enumerate(page.created)
                    if (moment := moment_of(created)) is None or moment >= live.stop
                ]
                page, done = page.select(keep), True
        if page.created:
            newest, oldest = moment_of(page.created[0]), moment_of(page.created[-1])
            if oldest is not None:
                live.position = oldest
                if newest is not None and len(page) >= 2 and not done:
                    live.per_record = (newest - oldest) / (len(page) - 1)
        return page, done

    def _split(self) -> bool:
        """Give an idle pager the older half of the window with the most pages left, if any.

        A pager not answered waits (a window may show its size with its next page); at the end
        of the run every waiting pager is released.
        """
        best: _Live | None = None
        best_pages, best_lower = MIN_SPLIT_PAGES, None
        for live in self.lives:
            if live.done or live.position is None or not live.per_record:
                continue
            lower = live.stop or moment_of(live.window.after) or self.floor
            if lower is None or live.position <= lower:
                continue
            pages = (live.position - lower) / live.per_record / PAGE_SIZE
            if pages >= best_pages:
                best, best_pages, best_lower = live, pages, lower
        if best is None or best_lower is None or best.position is None:
            return False
        mid = best_lower + (best.position - best_lower) / 2
        mid_text = format_timestamp(mid)
        old = best.window
        new = Window(self.next_id, old.stop_at or old.after, mid_text, old.fresh)
        self.next_id += 1
        old.stop_at = mid_text
        best.stop = parse_timestamp(mid_text)
        self.run_plan.windows.append(new)
        live = _Live(new, None, None)
        self.lives.append(live)
        self.by_id[new.id] = live
        self.state[(RESOURCE, "run")] = self.run_plan.dumps()
        self.state[(RESOURCE, window_key(new.id))] = WindowProgress().dumps()
        self.work.put(live)
        return True

    def _commit(self) -> None:
        result = self.writer.commit(self.state)
        self.totals.add(result, self.pages_pending)
        self.state, self.pages_pending = {}, 0
