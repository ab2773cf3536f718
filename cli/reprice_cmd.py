"""`replicost reprice`: price every record again and store the bill (a thin command over
`replicost.billing.ledger.store`)."""

from __future__ import annotations

from pathlib import Path

import click

from .options import db_option, examples, load_settings, pricing_options


@click.command()
@examples("replicost reprice", "replicost reprice --pricing prices.toml")
@pricing_options
@db_option()
def reprice(pricing_file: Path | None, config_path: Path | None, db_path: Path | None) -> None:
    """Price every record again and store the bill in the database, after a catalog update, a
    pricing-file change or a hand edit (`replicost sync` keeps it current otherwise)."""
    from replicost.billing import ledger

    db, config = load_settings(db_path, config_path)
    result = ledger.store(db, pricing_file=pricing_file, config=config, full=True)
    click.echo(result.line())
