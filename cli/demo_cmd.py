"""`replicost demo`: the whole path (API -> sync -> DuckDB -> prices -> reports) with no token.

The simulator serves a realistic synthetic account on a real local socket and the ordinary sync
reads it, exactly as it reads api.replicate.com; the reports then run on the database it wrote.

Replicate's API never says which hardware a community or private model runs on (nor what a
deployment ran before its current release), so a real account needs a small pricing file from
its owner. The demo writes that file from the simulator's truth, and deliberately leaves one
private model out so the report shows what an unpriced line looks like.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

import click

from .report_cmd import render_spend_table, render_summary

DEMO_USER = "acme-ai"
LEFT_OUT = "embeddings-worker"  # the private model whose hardware the demo "forgets"


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pricing_text(account) -> str:
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
):
    """Serve the simulated account locally, sync it into `db`, write its pricing file; return both."""
    from replicost.simulator import SimulatedAccount, SimulatorApp, serve
    from replicost.sync import make_progress, sync_account

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
    return summary, prices


@click.command()
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the demo database here (default: a new temporary folder). Must not exist yet.",
)
@click.option(
    "--predictions",
    type=click.IntRange(0, 2_000_000),
    default=20_000,
    show_default=True,
    help="Predictions in the simulated account's history.",
)
@click.option(
    "--trainings",
    type=click.IntRange(0, 100_000),
    default=120,
    show_default=True,
    help="Trainings in the simulated account's history.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Same seed, same account.")
@click.option(
    "--end",
    "end_text",
    help="Last instant of the simulated history (ISO 8601, default: now); the reports are as of it.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def demo(db_path, predictions, trainings, seed, end_text, quiet) -> None:
    """Sync a simulated account (no token, no network) and print its cost summary and spend by model."""
    from rich.console import Console

    from replicost.analytics import reports
    from replicost.errors import InputError

    from .options import parse_instant

    if db_path is None:
        db_path = Path(tempfile.mkdtemp(prefix="replicost-demo-")) / "demo.duckdb"
    elif db_path.exists():
        raise InputError(f"--db {db_path} already exists; the demo writes a new database")
    end = parse_instant(end_text, "--end") or dt.datetime.now(dt.UTC).replace(microsecond=0)
    console = Console(stderr=True)
    console.print(
        f"Simulating Replicate account [bold]{DEMO_USER}[/bold] on a local socket "
        f"({predictions:,} predictions, {trainings:,} trainings, seed {seed}); no token, no network.",
        highlight=False,
    )
    started = time.monotonic()
    sync_summary, prices = build_demo(
        db_path, predictions=predictions, trainings=trainings, seed=seed, end=end, quiet=quiet
    )
    console.print(sync_summary.line(), highlight=False, markup=False)
    console.print(
        f"Wrote {prices}: hardware of the community and private models and older deployment "
        f"releases, from the simulator's truth (Replicate's API does not expose them); "
        f"{DEMO_USER}/{LEFT_OUT} is left out on purpose, so its records are unpriced.",
        highlight=False,
        markup=False,
    )
    out = Console()
    with reports.priced_connection(db_path, pricing_file=prices) as con:
        render_summary(reports.summary(con, now=end), out)
        out.print()
        render_spend_table(reports.spend(con, ["model"]), out)
    console.print(
        f"Done in {time.monotonic() - started:.1f} s. Explore: replicost report spend --db {db_path} "
        f"--pricing {prices} --by month,model",
        highlight=False,
        markup=False,
    )
