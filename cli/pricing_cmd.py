"""`replicost pricing`: print the price catalog in effect, or check a pricing file line by line."""

from __future__ import annotations

from pathlib import Path

import click

from replicost.errors import InputError
from replicost.escape import terminal

from .options import (
    db_option,
    examples,
    format_option,
    load_settings,
    output_option,
    pricing_options,
)
from .render import deliver, json_text, write_text


@click.group()
@examples("replicost pricing show", "replicost pricing suggest --output prices.toml")
def pricing() -> None:
    """Show the prices replicost uses, update its catalog, or validate a pricing file."""


@pricing.command()
@examples(
    "replicost pricing show --pricing prices.toml",
    "replicost pricing show --format json --output catalog.json",
)
@pricing_options
@format_option(
    ["text", "json"], "text", "Lines for people, or the merged catalog as JSON.", json_alias=True
)
@output_option("Write to this file instead of the terminal.")
def show(
    pricing_file: Path | None, config_path: Path | None, fmt: str, output: Path | None
) -> None:
    """Print which catalog is in use and its date, then the merged prices with their sources."""
    from replicost.billing import pricing as pricing_lib
    from replicost.config import load_config

    catalog = pricing_lib.load_catalog(pricing_file, config=load_config(config_path))
    described = pricing_lib.describe(catalog)
    if fmt == "json":
        deliver(json_text(described), output)
        return
    # keys come from a user's file: no control or bidi characters
    deliver("\n".join(terminal(line) for line in _format(described)), output)
    for warning in catalog.warnings:
        click.echo(terminal(str(warning)), err=True)


def _format(described: dict) -> list[str]:
    since = lambda day: f"from {day}" if day else "always"  # noqa: E731
    origin = described["catalog"]
    where = f"updated, {origin['path']}" if origin.get("kind") == "updated" else "shipped"
    lines = [f"Catalog in use: {where} (snapshot {origin.get('snapshot')})"]
    lines.append(f"Merged from: {', '.join(described['layers'])}")
    if described["note"]:
        lines.append(f"Note: {described['note']}")
    lines += ["", "Hardware (USD per second; -Nx multiples cost N times the base unless listed)"]
    for row in described["hardware"]:
        lines.append(
            f"  {row['sku']:<22} {row['usd_per_second']:>12}  {since(row['effective_from']):<16} "
            f"{row['source']}"
        )
        if row["note"]:
            lines.append(f"  {'':<22} {'':>12}  note: {row['note']}")
    lines += ["", "Per-unit prices of official models (USD per unit)"]
    for row in described["units"]:
        when = ", ".join(f"{k}={'|'.join(map(str, v))}" for k, v in row["when"].items())
        kind = f" [{row['source_kind']}, read {row['read']}]" if row["source_kind"] else ""
        lines.append(
            f"  {row['model']:<46} {row['unit']:<20} {row['usd_per_unit']:>12}  "
            f"{since(row['effective_from']):<16} {when + '  ' if when else ''}{row['source']}{kind}"
        )
    lines += ["", "Model map (model or model:version -> hardware)"]
    if not described["models"]:
        lines.append("  (none: add [models] to your pricing file to price your own models)")
    for ref, sku in described["models"].items():
        lines.append(f"  {ref:<60} {sku}")
    lines += ["", "Public models' hardware (shipped map; prices from it are estimated)"]
    for row in described["public_models"]:
        lines.append(
            f"  {row['model']:<50} {row['hardware']:<16} read {row['read']}: {row['source']}"
        )
    if described["deployments"]:
        lines += ["", "Deployment hardware before their earliest observed release"]
        for row in described["deployments"]:
            lines.append(
                f"  {row['deployment']:<40} {row['hardware']:<20} {since(row['effective_from']):<16} "
                f"min_instances={row['min_instances']}"
            )
    return lines


@pricing.command()
@examples(
    "replicost pricing suggest --output prices.toml",
    "replicost pricing suggest --pricing prices.toml --output more-prices.toml",
)
@pricing_options
@db_option()
@output_option("Write the file here instead of printing it.")
def suggest(
    pricing_file: Path | None, config_path: Path | None, db_path: Path | None, output: Path | None
) -> None:
    """Write a pricing file for everything unpriced, ranked by predict seconds."""
    from replicost.analytics import suggest as suggest_lib

    db, config = load_settings(db_path, config_path)
    text = suggest_lib.suggest(db, pricing_file=pricing_file, config=config)
    if output is None:
        click.echo(text, nl=False)
        return
    write_text(output, text)
    click.echo(
        f"wrote {output}; check it, then: replicost report spend --pricing {output}", err=True
    )


@pricing.command()
@examples(
    "replicost pricing update --from catalog.toml",
    "replicost pricing update --from https://example.com/replicost/catalog.toml",
)
@click.option(
    "--from",
    "source",
    required=True,
    metavar="FILE|URL",
    help="A catalog in the shipped format (a file, or an http(s) URL).",
)
def update(source: str) -> None:
    """Check a newer price catalog and keep it beside the config file; every command uses it."""
    from replicost.billing.pricing.update import update_catalog

    kept = update_catalog(source)
    click.echo(
        terminal(
            f"saved the catalog of {kept['snapshot']} ({kept['official_models']} official models, "
            f"{kept['hardware']} hardware SKUs) to {kept['path']}; `replicost pricing show` "
            "says which catalog is in use"
        )
    )


@pricing.command()
@examples(
    "replicost pricing validate prices.toml",
    "replicost pricing validate prices.toml --db replicost.duckdb",
)
@click.argument("file", type=click.Path(path_type=Path))
@db_option(
    help="Also warn about [deployments] and [models] entries naming nothing in this database."
)
def validate(file: Path, db_path: Path | None) -> None:
    """Report every problem of a pricing file with its line number (exit 2 if any error)."""
    from replicost.billing import pricing as pricing_lib

    problems = pricing_lib.validate_file(file)
    if db_path is not None:
        from replicost.analytics import suggest as suggest_lib

        problems = sorted(
            problems + suggest_lib.unknown_names(file, db_path), key=lambda problem: problem.line
        )
    for problem in problems:
        click.echo(str(problem))
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    if errors:
        raise InputError(f"{file}: {errors} error(s), {warnings} warning(s)")
    click.echo(f"{file}: ok" + (f" ({warnings} warning(s))" if warnings else ""))
