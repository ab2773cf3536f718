"""`replicost explain ID`: a thin command over `replicost.analytics.explain`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from replicost.escape import terminal

from .options import db_option, load_settings, pricing_options


@click.command()
@click.argument("record_id", metavar="ID")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Lines for people, or one JSON object.",
)
@pricing_options
@db_option()
def explain(
    record_id: str,
    fmt: str,
    pricing_file: Path | None,
    config_path: Path | None,
    db_path: Path | None,
) -> None:
    """Why one prediction or training costs what it costs: facts, hardware, price, arithmetic."""
    from replicost.analytics import explain as explain_lib

    db, config = load_settings(db_path, config_path)
    explained = explain_lib.explain(db, record_id, pricing_file=pricing_file, config=config)
    if fmt == "json":
        click.echo(json.dumps(explained, indent=2))
    else:
        for line in explain_lib.as_text(explained):
            click.echo(terminal(line))  # the record's texts are the server's: no control codes
