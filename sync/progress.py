"""What a sync shows while it runs: one rich bar per resource on a terminal, plain lines otherwise.

Counts are per resource: a resource's line says how many of ITS records and pages were fetched,
never a running total across resources. Predictions know how much there is to do: the window
plan covers a time range, and the part of it already paged (each window pages newest first down
to its lower edge) gives a percentage and, through rich, an ETA. Other resources have no known
size (trainings are listed newest first until the last sync's mark) except models (one GET per
model not known yet), so they show a count and the time spent.

Off a terminal (logs, CI, the demo piped), each resource prints one line when it ends, with its
final counts; a resource still running after `every_seconds` also prints a "so far" line at that
pace, so a long sync is never silent in a log.

Every text goes through `redact` (URLs can be in messages; the token never is, but a message from
a proxy could echo a header). Reporters are called from the sync's writer thread, except `retry`,
which the transport calls from worker threads (a counter behind a lock).
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from replicost.escape import terminal
from replicost.redact import redact


@dataclass
class ResourceCounts:
    """One resource's progress: records and pages fetched, and its size when known."""

    name: str
    records: int = 0
    pages: int = 0
    total: float | None = None  # e.g. seconds of history to cover, or models to fetch
    completed: float = 0.0
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None

    def seconds(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, max(0.0, self.completed / self.total))

    def counts_text(self) -> str:
        # models are fetched one GET each: their "pages" are requests
        unit = "request" if self.name == "models" else "page"
        return f"{_count(self.records, 'record')}, {_count(self.pages, unit)}"


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _result_text(result: Any) -> str:
    """'N new, M updated' from a resource's totals (anything with new/updated attributes)."""
    if result is None or not hasattr(result, "new"):
        return ""
    return f" ({result.new:,} new, {result.updated:,} updated)"


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class Progress:
    """Quiet reporter and the interface. The sync calls, per resource:

    `start(name)`, then `set_total(n)` if the size is known, `advance(records, pages)` as pages
    are written, `update(completed)` as the known size is worked off, and `end(name, totals)`.
    """

    def __init__(self) -> None:
        self.retries = 0
        self.resources: dict[str, ResourceCounts] = {}
        self.current: ResourceCounts | None = None
        self.started = time.monotonic()
        self._lock = threading.Lock()

    # ----- the interface the sync calls ------------------------------------------------------
    def start(self, resource: str) -> None:
        self.current = self.resources[resource] = ResourceCounts(resource)

    def set_total(self, total: float | None) -> None:
        if self.current is not None:
            self.current.total = total

    def advance(self, records: int, pages: int) -> None:
        if self.current is not None:
            self.current.records += records
            self.current.pages += pages

    def update(self, completed: float) -> None:
        if self.current is not None:
            self.current.completed = completed

    def end(self, resource: str, result: Any = None) -> None:
        counts = self.resources.get(resource)
        if counts is not None:
            counts.ended = time.monotonic()
            if counts.total:
                counts.completed = counts.total

    def retry(self, reason: str) -> None:
        with self._lock:
            self.retries += 1

    def message(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass

    # ----- derived figures ---------------------------------------------------------------------
    @property
    def records(self) -> int:
        """Records of the current resource (per resource, never summed across resources)."""
        return self.current.records if self.current else 0

    @property
    def pages(self) -> int:
        return self.current.pages if self.current else 0

    def rate(self) -> float:
        counts = self.current
        if counts is None:
            return 0.0
        elapsed = counts.seconds()
        return counts.records / elapsed if elapsed > 0 else 0.0


class PlainProgress(Progress):
    """Off a terminal: one line per resource when it ends; "so far" lines for long resources."""

    def __init__(self, stream: TextIO | None = None, every_seconds: float = 10.0) -> None:
        super().__init__()
        self.stream = stream or sys.stderr
        self.every = every_seconds
        self.last = time.monotonic()

    def start(self, resource: str) -> None:
        super().start(resource)
        self.last = time.monotonic()

    def advance(self, records: int, pages: int) -> None:
        super().advance(records, pages)
        now = time.monotonic()
        if self.current is not None and now - self.last >= self.every:
            self.last = now
            self.message(self._so_far(self.current))

    def _so_far(self, counts: ResourceCounts) -> str:
        text = f"{counts.name}: {counts.counts_text()} so far"
        fraction = counts.fraction()
        if fraction is not None:
            text += f", {fraction:.0%} done"
            if fraction > 0.02:
                left = counts.seconds() * (1 - fraction) / fraction
                text += f", about {_duration(left)} left"
        return text + f" ({self.rate():,.0f} records/s, {self.retries} retries)"

    def end(self, resource: str, result: Any = None) -> None:
        super().end(resource, result)
        counts = self.resources.get(resource)
        if counts is None:
            return
        what = result if isinstance(result, str) else counts.counts_text() + _result_text(result)
        self.message(f"{resource}: {what} in {counts.seconds():.1f}s")

    def message(self, text: str) -> None:
        print(terminal(redact(text)), file=self.stream, flush=True)


class RichProgress(Progress):
    """On a terminal: rich's bar, one row per resource (description, bar, %, counts, time).

    Rows stay when a resource ends (rich's default), so the screen ends with each resource's
    final counts. Predictions show a percentage and rich's time-remaining estimate; resources of
    unknown size show a pulsing bar and the time spent.
    """

    def __init__(self, console: Any = None) -> None:
        super().__init__()
        from rich.console import Console
        from rich.progress import Progress as Bar

        self.console = console or Console(stderr=True)
        self.bar = Bar(*_rich_columns(), console=self.console)
        self.tasks: dict[str, Any] = {}

    def start(self, resource: str) -> None:
        if not self.tasks:
            self.bar.start()  # the live display (and its hidden cursor) starts with a resource
        super().start(resource)
        self.tasks[resource] = self.bar.add_task(resource, total=None, detail="")
        self._refresh()

    def set_total(self, total: float | None) -> None:
        super().set_total(total)
        if self.current is not None and total:
            self.bar.update(self.tasks[self.current.name], total=total)

    def advance(self, records: int, pages: int) -> None:
        super().advance(records, pages)
        self._refresh()

    def update(self, completed: float) -> None:
        super().update(completed)
        self._refresh()

    def end(self, resource: str, result: Any = None) -> None:
        super().end(resource, result)
        counts, task = self.resources.get(resource), self.tasks.get(resource)
        if counts is None or task is None:
            return
        what = result if isinstance(result, str) else counts.counts_text() + _result_text(result)
        size = counts.total or max(1, counts.records)
        self.bar.update(task, total=size, completed=size, detail=what)

    def _refresh(self) -> None:
        counts = self.current
        if counts is None:
            return
        detail = f"{counts.counts_text()}, {self.rate():,.0f}/s"
        if self.retries:
            detail += f", {self.retries} retries"
        self.bar.update(
            self.tasks[counts.name],
            completed=counts.completed if counts.total else 0,
            detail=detail,
        )

    def message(self, text: str) -> None:
        self.console.print(terminal(redact(text)), markup=False, highlight=False)

    def close(self) -> None:
        if self.tasks:
            self.bar.stop()


def _rich_columns() -> list[Any]:
    """Spinner (a tick when done), name, bar, percentage, counts, time spent, time left if known."""
    from rich.progress import (
        BarColumn,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class TimeLeftColumn(TimeRemainingColumn):
        """rich's estimate, shown only while a task of known size runs (no "-:--" otherwise)."""

        def render(self, task: Any) -> Text:
            if task.total is None or task.finished:
                return Text("")
            left = super().render(task)
            return Text.assemble(("eta ", "progress.remaining"), left)

    return [
        SpinnerColumn(finished_text="[green]✓[/green]"),
        TextColumn("{task.description:<11}"),
        BarColumn(bar_width=24),
        TaskProgressColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        TimeLeftColumn(compact=True),
    ]


def make_progress(quiet: bool, stream: TextIO | None = None) -> Progress:
    """Nothing with --quiet, rich bars on a terminal, one line per resource otherwise."""
    if quiet:
        return Progress()
    stream = stream or sys.stderr
    if stream.isatty():
        return RichProgress()
    return PlainProgress(stream)
