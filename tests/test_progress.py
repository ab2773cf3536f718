"""Progress that tells the truth: per-resource counts, a percentage for predictions, final lines.

Syncs run against the simulator on a loopback socket; counts are checked against its ground truth.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from rich.console import Console

from replicost.simulator import SimulatedAccount, SimulatorApp, serve
from replicost.sync import PlainProgress, Progress, sync_account
from replicost.sync.progress import RichProgress, make_progress

END = datetime(2026, 11, 1, tzinfo=UTC)
TOKEN = "r8_ProgressTestToken_77c1"


def make_app(predictions=3000, trainings=40) -> SimulatorApp:
    account = SimulatedAccount(seed=5, predictions=predictions, trainings=trainings, end=END)
    return SimulatorApp(account, token=TOKEN)


def run_sync(app, db, progress, concurrency=4, server=None):
    if server is None:
        with serve(app) as server:
            return run_sync(app, db, progress, concurrency, server)
    return sync_account(
        db,
        token=TOKEN,
        base_url=server.base_url,
        progress=progress,
        concurrency=concurrency,
        requests_per_minute=None,
    )


def truth_counts(app) -> dict[str, int]:
    rows = list(app.account.ground_truth())
    return {
        "predictions": sum(r["kind"] == "prediction" for r in rows),
        "trainings": sum(r["kind"] == "training" for r in rows),
    }


class Recorder(Progress):
    """Keeps every (resource, completed, total) the sync reports."""

    def __init__(self) -> None:
        super().__init__()
        self.updates: list[tuple[str, float, float | None]] = []

    def update(self, completed: float) -> None:
        super().update(completed)
        assert self.current is not None
        self.updates.append((self.current.name, completed, self.current.total))


def test_off_a_terminal_one_line_per_resource_with_its_own_final_counts(tmp_path):
    app = make_app()
    stream = io.StringIO()
    summary = run_sync(app, tmp_path / "r.duckdb", PlainProgress(stream, every_seconds=3600))
    lines = stream.getvalue().splitlines()
    names = [line.split(":", 1)[0] for line in lines]
    assert names == ["account", "hardware", "deployments", "predictions", "trainings", "models"]
    truth = truth_counts(app)
    by_name = dict(zip(names, lines, strict=True))
    assert by_name["account"].startswith(f"account: {summary.account} in ")
    for resource in ("predictions", "trainings"):
        pages = summary.by_resource[resource].pages
        unit = "page" if pages == 1 else "pages"
        want = f"{resource}: {truth[resource]:,} records, {pages:,} {unit} ({truth[resource]:,} new, 0 updated) in "
        assert by_name[resource].startswith(want), by_name[resource]
    models = summary.by_resource["models"].new
    assert by_name["models"].startswith(f"models: {models:,} records, {models:,} requests")


def test_a_second_sync_counts_only_what_it_fetched(tmp_path):
    app = make_app()
    db = tmp_path / "r.duckdb"
    stream = io.StringIO()
    # one server for both, as Replicate is one host: the simulator writes its links on the
    # address it is asked at, so another port would make every record's links change
    with serve(app) as server:
        run_sync(app, db, Progress(), server=server)
        run_sync(app, db, PlainProgress(stream, every_seconds=3600), server=server)
    line = next(x for x in stream.getvalue().splitlines() if x.startswith("predictions:"))
    fetched = int(re.match(r"predictions: ([\d,]+) records", line).group(1).replace(",", ""))
    assert fetched < 200, line  # the overlap page(s), not the 3,000 of the first sync
    assert "(0 new, 0 updated)" in line


def test_predictions_progress_is_a_share_of_the_planned_time_range(tmp_path):
    app = make_app()
    recorder = Recorder()
    run_sync(app, tmp_path / "r.duckdb", recorder, concurrency=4)
    updates = [(done, total) for name, done, total in recorder.updates if name == "predictions"]
    assert len(updates) >= 3
    totals = {total for _, total in updates}
    assert len(totals) == 1
    total = totals.pop()
    # the plan covers the history: from about its oldest record to its newest
    created = sorted(
        r["created_at"] for r in app.account.ground_truth() if r["kind"] == "prediction"
    )
    first, last = (datetime.fromisoformat(created[i].replace("Z", "+00:00")) for i in (0, -1))
    assert 0.5 * (last - first).total_seconds() < total < 1.5 * (last - first).total_seconds()
    done = [d for d, _ in updates]
    assert done == sorted(done)  # never goes back
    assert done[0] < total and abs(done[-1] - total) < 1e-3 * total  # reaches 100%


def test_models_have_a_known_size(tmp_path):
    app = make_app(predictions=500, trainings=5)
    recorder = Recorder()
    summary = run_sync(app, tmp_path / "r.duckdb", recorder)
    models = [(d, t) for name, d, t in recorder.updates if name == "models"]
    n = summary.by_resource["models"].new
    assert models == [(i, n) for i in range(1, n + 1)]


def test_rich_bars_end_with_every_resource_and_its_counts(tmp_path):
    app = make_app(predictions=1500, trainings=10)
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=160, color_system=None)
    summary = run_sync(app, tmp_path / "r.duckdb", RichProgress(console=console))
    screen = buffer.getvalue().split("\r")[-1]  # rich redraws in place; the last frame stays
    for resource in ("account", "hardware", "deployments", "predictions", "trainings", "models"):
        assert re.search(rf"✓ {resource}\s", buffer.getvalue()), resource
    n = summary.by_resource["predictions"].new
    assert f"{n:,} records" in buffer.getvalue() and "100%" in screen


def test_make_progress_picks_by_terminal():
    assert type(make_progress(True)) is Progress
    assert isinstance(make_progress(False, io.StringIO()), PlainProgress)
