"""`replicost codegen`: regenerate the typed Replicate client, check it against the spec, diff specs."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from replicost.errors import InputError, ReplicostError

from .options import examples

if TYPE_CHECKING:
    from replicost.codegen.changes import ChangeReport

SPEC_HELP = "Spec URL or local path (default: https://api.replicate.com/openapi.json)."
FAIL_ON_CHOICES = click.Choice(["breaking", "any", "none"])


def _fail(report: ChangeReport, fail_on: str, what: str) -> None:
    """Exit 1 (one error line; the report above is the details) when `fail_on` is met."""
    if report.fails(fail_on):
        count = len(report.breaking) if fail_on == "breaking" else len(report.changes)
        kind = "breaking change(s)" if fail_on == "breaking" else "change(s)"
        raise ReplicostError(f"{what}: {count} {kind} (--fail-on {fail_on})")


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
    help="Generate nothing: compare the spec with what generated/ was built from and print the "
    "change report; exit 1 as --fail-on says.",
)
@click.option(
    "--fail-on",
    type=FAIL_ON_CHOICES,
    default=None,
    help="With --check: exit 1 on `any` difference from the spec generated/ was built from "
    "(default: regenerate whenever Replicate's spec moved), only on `breaking` changes, or "
    "`none` (report only).",
)
@examples("replicost codegen --check --fail-on breaking", "replicost codegen --spec openapi.json")
@click.pass_context
def codegen(
    ctx: click.Context,
    spec_source: str | None,
    output: Path | None,
    check_only: bool,
    fail_on: str | None,
) -> None:
    """Regenerate the typed Replicate client (replicost_api) from Replicate's OpenAPI spec."""
    if ctx.invoked_subcommand is not None:
        return
    from replicost.codegen import generator, spec

    source = spec_source or spec.DEFAULT_SPEC_URL
    if fail_on is not None and not check_only:
        raise InputError("--fail-on applies to --check (and to `replicost codegen diff`)")
    if check_only:
        _check(source, output, fail_on or "any")
        return

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


def _check(source: str, output: Path | None, fail_on: str) -> None:
    from replicost.codegen import generator

    result = generator.check(source, output)
    if result.matches:
        click.echo(
            f"up to date: {source} is the spec {result.spec_sha256[:12]} the client was built from"
        )
        return
    click.echo(result.report.render())
    moved = (
        f"out of date: spec {result.spec_sha256[:12]} differs from the one the client was "
        f"built from ({result.built_from_sha256[:12] or 'unknown'}); run `replicost codegen`"
    )
    if fail_on == "any":  # the spec moved, even where the API surface did not
        raise ReplicostError(moved)
    _fail(result.report, fail_on, moved)
    click.echo(moved, err=True)


@codegen.command("diff")
@examples(
    "replicost codegen diff old-openapi.json new-openapi.json",
    "replicost codegen diff old-openapi.json https://api.replicate.com/openapi.json --fail-on any",
)
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option(
    "--fail-on",
    type=FAIL_ON_CHOICES,
    default="breaking",
    show_default=True,
    help="Exit 1 when the report has a breaking change, any change, or never (none).",
)
def diff_command(old: str, new: str, fail_on: str) -> None:
    """Print the API surface change report between two specs (URLs or paths)."""
    from replicost.codegen import generator

    report = generator.diff(old, new)
    click.echo(report.render())
    _fail(report, fail_on, f"{old} -> {new}")
