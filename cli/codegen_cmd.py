"""`replicost codegen`: regenerate the typed Replicate client, check it against the spec, diff specs."""

from __future__ import annotations

import time
from pathlib import Path

import click

from replicost.errors import ReplicostError

SPEC_HELP = "Spec URL or local path (default: https://api.replicate.com/openapi.json)."


@click.group(invoke_without_command=True)
@click.option("--spec", "spec_source", metavar="URL_OR_PATH", default=None, help=SPEC_HELP)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Package folder to write (default: the project's generated/).",
)
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Generate nothing: exit 0 if generated/ matches the spec, 1 with the change report if not.",
)
@click.pass_context
def codegen(
    ctx: click.Context, spec_source: str | None, output: Path | None, check_only: bool
) -> None:
    """Regenerate the typed Replicate client (replicost_api) from Replicate's OpenAPI spec."""
    if ctx.invoked_subcommand is not None:
        return
    from replicost.codegen import generator, spec

    source = spec_source or spec.DEFAULT_SPEC_URL
    if check_only:
        result = generator.check(source, output)
        if result.matches:
            click.echo(
                f"up to date: {source} is the spec {result.spec_sha256[:12]} the client was built from"
            )
            return
        click.echo(result.report.render())
        # an error line (and exit 1) rather than ctx.exit: the report above is the details
        raise ReplicostError(
            f"out of date: spec {result.spec_sha256[:12]} differs from the one the client was "
            f"built from ({result.built_from_sha256[:12] or 'unknown'}); run `replicost codegen`"
        )

    started = time.perf_counter()
    result = generator.generate(source, output)
    seconds = time.perf_counter() - started
    if result.report is not None:
        click.echo(result.report.render())
    for operation_id, where in result.set_aside.items():
        click.echo(
            f"note: {operation_id} ({where}) is not generated; it is served by replicost.client.api_extensions",
            err=True,
        )
    click.echo(
        f"generated {result.module_count} modules into {result.output} in {seconds:.1f}s (spec {result.spec_sha256[:12]})"
    )


@codegen.command("diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
def diff_command(old: str, new: str) -> None:
    """Print the API surface change report between two specs (URLs or paths)."""
    from replicost.codegen import generator

    report = generator.diff(old, new)
    click.echo(report.render())
