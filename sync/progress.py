"""What a sync shows while it runs: a rich bar on a terminal, plain lines otherwise, or nothing.

Every text goes through `redact` (URLs can be in messages; the token never is, but a message from
a proxy could echo a header). Reporters are called from the writer thread only, except `retry`,
which the transport calls from worker threads (a counter behind a lock).
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from replicost.redact import redact


class Progress:
    """Quiet reporter and the interface: counts records, pages and retries per resource."""

    def __init__(self) -> None:
        self.records = 0
        self.pages = 0
        self.retries = 0
        self.resource = ""
        self.started = time.monotonic()
        self._lock = threading.Lock()

    def start(self, resource: str) -> None:
        self.resource = resource

    def advance(self, records: int, pages: int) -> None:
        self.records += records
        self.pages += pages

    def retry(self, reason: str) -> None:
        with self._lock:
            self.retries += 1

    def message(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.records / elapsed if elapsed > 0 else 0.0


class PlainProgress(Progress):
    """One line per resource and at most one progress line every few seconds (logs, CI)."""

    def __init__(self, stream: TextIO | None = None, every_seconds: float = 5.0) -> None:
        super().__init__()
        self.stream = stream or sys.stderr
        self.every = every_seconds
        self.last = 0.0

    def start(self, resource: str) -> None:
        super().start(resource)
        self.message(f"syncing {resource}")

    def advance(self, records: int, pages: int) -> None:
        super().advance(records, pages)
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self.message(
                f"{self.resource}: {self.records} records, {self.pages} pages, "
                f"{self.rate():,.0f} records/s, {self.retries} retries"
            )

    def message(self, text: str) -> None:
        print(redact(text), file=self.stream, flush=True)


class RichProgress(Progress):
    """A live bar on a terminal: resource, records, pages, rate, retries."""

    def __init__(self) -> None:
        super().__init__()
        from rich.console import Console
        from rich.progress import Progress as Bar
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        self.console = Console(stderr=True)
        self.bar = Bar(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self.task = self.bar.add_task("sync", detail="", total=None)
        self.bar.start()

    def start(self, resource: str) -> None:
        super().start(resource)
        self._refresh()

    def advance(self, records: int, pages: int) -> None:
        super().advance(records, pages)
        self._refresh()

    def retry(self, reason: str) -> None:
        super().retry(reason)

    def _refresh(self) -> None:
        self.bar.update(
            self.task,
            description=f"syncing {self.resource}",
            detail=f"{self.records:,} records  {self.pages:,} pages  "
            f"{self.rate():,.0f}/s  {self.retries} retries",
        )

    def message(self, text: str) -> None:
        self.console.print(redact(text), markup=False, highlight=False)

    def close(self) -> None:
        self.bar.stop()


def make_progress(quiet: bool, stream: TextIO | None = None) -> Progress:
    """Nothing with --quiet, a rich bar on a terminal, plain lines otherwise."""
    if quiet:
        return Progress()
    stream = stream or sys.stderr
    if stream.isatty():
        return RichProgress()
    return PlainProgress(stream)
