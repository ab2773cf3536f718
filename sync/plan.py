"""The prediction sync's plan: typed windows, stored as JSON in `sync_state` (see state.py).

A run is planned once (predictions.py), committed before its first page, changed only by splits
(windows.py), and read back after a crash. The JSON shape is the one earlier versions wrote (a
plan interrupted before an upgrade still resumes): `run` = `{"mode", "low", "floor"?, "newest"?, "windows"}`,
each window `{"id", "after", "before", "fresh", "stop_at"?}`, and each window's progress
`window:<id>` = `{"cursor", "done"}`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from replicost.sync import state as st

RESOURCE = "predictions"


def window_key(window_id: int) -> str:
    return f"window:{window_id}"


@dataclass
class Window:
    """Records created in `[after, before)` (either edge open when None), paged newest first.

    `fresh`: no stored row lay in the range when it was planned (its pages need no lookups).
    `stop_at`: set when the window was split; its pager stops at this edge (the rest went to a
    new window).
    """

    id: int
    after: str | None
    before: str | None
    fresh: bool = False
    stop_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "after": self.after,
            "before": self.before,
            "fresh": self.fresh,
        }
        if self.stop_at is not None:
            data["stop_at"] = self.stop_at
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Window:
        return cls(
            id=int(data["id"]),
            after=data.get("after"),
            before=data.get("before"),
            fresh=bool(data.get("fresh")),
            stop_at=data.get("stop_at"),
        )


@dataclass
class WindowProgress:
    """How far a window got: the next page's URL (None before its first page) and whether it ended."""

    cursor: str | None = None
    done: bool = False

    def dumps(self) -> str:
        return st.dumps({"cursor": self.cursor, "done": self.done})

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, account: str, window_id: int) -> WindowProgress:
        data = st.get_json(con, account, RESOURCE, window_key(window_id)) or {}
        return cls(cursor=data.get("cursor"), done=bool(data.get("done")))


@dataclass
class Plan:
    """One run: its mode (full, since, incremental), lower bound, the floor estimate and windows."""

    mode: str
    low: str | None
    windows: list[Window] = field(default_factory=list)
    floor: str | None = None
    newest: str | None = None  # the newest created_at the probe saw (progress is measured to it)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"mode": self.mode, "low": self.low}
        if self.floor is not None:
            data["floor"] = self.floor
        if self.newest is not None:
            data["newest"] = self.newest
        data["windows"] = [window.to_json() for window in self.windows]
        return data

    def dumps(self) -> str:
        return st.dumps(self.to_json())

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        return cls(
            mode=str(data.get("mode")),
            low=data.get("low"),
            windows=[Window.from_json(window) for window in data.get("windows", [])],
            floor=data.get("floor"),
            newest=data.get("newest"),
        )

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, account: str) -> Plan | None:
        """The unfinished run's plan, or None."""
        data = st.get_json(con, account, RESOURCE, "run")
        return cls.from_json(data) if data is not None else None

    def next_id(self) -> int:
        return max((window.id for window in self.windows), default=-1) + 1
