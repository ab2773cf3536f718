"""`replicost explain ID`: a thin command over `replicost.analytics.explain`."""

from __future__ import annotations

from pathlib import Path

import click

from replicost.escape import terminal

from .options import (
    db_option,
    examples,
    format_option,
    load_settings,
    output_option,
    pricing_options,
)
from .render import deliver, json_text


@click.command()
@examples(
    "replicost explain ufawqhfynnddngldkgtslldrkq",
    "replicost explain ufawqhfynnddngldkgtslldrkq --pricing prices.toml --format json",
)
@click.argument("record_id", metavar="ID")
@format_option(["text", "json"], "text", "Lines for people, or one JSON object.")
@output_option("Write to this file instead of the terminal.")
@pricing_options
@db_option()
def explain(
    record_id: str,
    fmt: str,
    output: Path | None,
    pricing_file: Path | None,
    config_path: Path | None,
    db_path: Path | None,
) -> None:
    """Why one prediction or training costs what it costs: facts, hardware, price, arithmetic."""
    from replicost.analytics import explain as explain_lib

    db, config = load_settings(db_path, config_path)
    explained = explain_lib.explain(db, record_id, pricing_file=pricing_file, config=config)
    if fmt == "json":
        deliver(json_text(explained), output)
    else:
        # the record's texts are the server's: no control codes
        deliver("\n".join(terminal(line) for line in explain_lib.as_text(explained)), output)
