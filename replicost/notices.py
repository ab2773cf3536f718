"""Notes a library function has for the person running it, beside its result (never in it).

A report computed the slow way says so (`replicost.analytics.reports.connection`); its output must
stay the same bytes either way, so the note goes to whatever `on_notice` registered: the CLI prints
it on stderr, a library caller gets nothing unless it asks. Each distinct note is given once per
registration.
"""

from __future__ import annotations

from collections.abc import Callable

Handler = Callable[[str], None]
_handlers: list[Handler] = []
_given: set[str] = set()


def on_notice(handler: Handler | None) -> None:
    """Send notes to `handler` from now on (None: drop them, the default)."""
    _handlers.clear()
    _given.clear()
    if handler is not None:
        _handlers.append(handler)


def notice(text: str) -> None:
    """Give `text` to the registered handler, once."""
    if text not in _given:
        _given.add(text)
        for handler in _handlers:
            handler(text)
