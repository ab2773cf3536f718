"""The demo pipeline: a simulated account served on a local socket, synced, and its pricing file.

The simulator serves a realistic synthetic account on a real local socket and the ordinary sync
reads it, exactly as it reads api.replicate.com; the reports then run on the database it wrote.
`replicost demo`, the tests and the notebook all build their database here.

Replicate's API never says which hardware a community or private model runs on (nor what a
deployment ran before its current release), so a real account needs a small pricing file from
its owner. The demo writes that file from the simulator's truth, and deliberately leaves one
private model out so the report shows what an unpriced line looks like.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from replicost.billing import ledger
from replicost.simulator import SimulatedAccount, SimulatorApp, serve
from replicost.sync import SyncSummary, make_progress, sync_account

DEMO_USER = "acme-ai"
LEFT_OUT = "embeddings-worker"  # the private model whose hardware the demo "forgets"


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pricing_text(account: SimulatedAccount) -> str:
    """The pricing file a team would write for the simulated account, from the simulator's truth."""
    left_out = f"{account.username}/{LEFT_OUT}"
    lines = [
        "# Written by `replicost demo` from the simulator's truth. Replicate's API does not say which",
        "# hardware a community or private model runs on, so a real account needs this file from you.",
        f"# {left_out} is left out on purpose: its records show up as unpriced.",
        "",
        "[models]",
    ]
    for model in account.models:
        if model.kind == "official" or model.name == left_out:
            continue
        for era in model.eras:
            lines.append(
                f"{_toml_string(f'{model.name}:{era.version}')} = {_toml_string(era.hardware)}"
            )
    for trainer in account.trainers:
        lines.append(
            f"{_toml_string(f'{trainer.name}:{trainer.version}')} = {_toml_string(trainer.hardware)}"
        )
    lines += [
        "",
        "# Deployment releases before the one the API serves (Replicate keeps no history).",
        "[deployments]",
    ]
    by_deployment: dict[str, list[dict]] = {}
    for release in account.deployment_history():
        by_deployment.setdefault(f"{release['owner']}/{release['name']}", []).append(release)
    for name, releases in by_deployment.items():
        rows = ", ".join(
            f"{{ hardware = {_toml_string(r['hardware'])}, effective_from = {_toml_string(r['created_at'])}, "
            f"min_instances = {r['min_instances']} }}"
            for r in sorted(releases, key=lambda r: r["number"])
        )
        lines.append(f"{_toml_string(name)} = [{rows}]")
    return "\n".join(lines) + "\n"


def build_demo(
    db: Path, *, predictions: int, trainings: int, seed: int, end: dt.datetime, quiet: bool
) -> tuple[SyncSummary, Path]:
    """Serve the simulated account locally, sync it into `db`, write its pricing file; return both."""
    account = SimulatedAccount(
        seed=seed, predictions=predictions, trainings=trainings, username=DEMO_USER, end=end
    )
    app = SimulatorApp(account, token=None, latency_ms=0)
    with serve(app, host="127.0.0.1", port=0) as server:
        summary = sync_account(
            db,
            token="demo-no-real-token",  # the simulator accepts any token; nothing leaves this machine
            base_url=server.base_url,
            progress=make_progress(quiet),
            requests_per_minute=None,
        )
    prices = db.with_name(db.stem + "-prices.toml")
    prices.write_text(pricing_text(account), encoding="utf-8")
    ledger.store(db, pricing_file=prices)  # the bill stored, as `replicost sync` leaves it
    return summary, prices


def write_demo_files(db: Path, prices: Path, *, end: dt.datetime) -> tuple[Path, Path]:
    """Beside the demo database: a PNG chart of spend by month and model, and the HTML report.

    So the README's first command alone shows both (the chart needs no extra install, the report
    no network); returns (chart, report).
    """
    from . import charts, reports
    from .html_report import build_report

    chart = db.with_name(db.stem + "-spend-by-month-model.png")
    page = db.with_name(db.stem + "-report.html")
    with reports.priced_connection(db, pricing_file=prices) as con:
        charts.write_chart(reports.spend(con, ["month", "model"]), chart)
        page.write_text(build_report(con, now=end, pricing_file=prices), encoding="utf-8")
    return chart, page
