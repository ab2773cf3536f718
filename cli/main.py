"""Entry point of the `replicost` command.

Commands are loaded lazily (each lives in its own module and imports only what it needs, so
`replicost sync` never pays for polars or Pillow). Every library error becomes one line on
stderr with the documented exit code; tracebacks are shown only with REPLICOST_DEBUG=1.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from replicost import __version__
from replicost.errors import ReplicostError
from replicost.escape import terminal
from replicost.notices import on_notice
from replicost.redact import redact

# command name -> "module:attribute" under replicost.cli
COMMANDS = {
    "codegen": "replicost.cli.codegen_cmd:codegen",
    "simulate": "replicost.cli.simulate_cmd:simulate",
    "sync": "replicost.cli.sync_cmd:sync",
    "pricing": "replicost.cli.pricing_cmd:pricing",
    "report": "replicost.cli.report_cmd:report",
    "budget": "replicost.cli.budget_cmd:budget",
    "export": "replicost.cli.export_cmd:export",
    "demo": "replicost.cli.demo_cmd:demo",
    "explain": "replicost.cli.explain_cmd:explain",
    "reprice": "replicost.cli.reprice_cmd:reprice",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self._load(name) is not None)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # command not built yet
                return None
            raise
        return getattr(module, attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="replicost")
def cli() -> None:
    """Know what your Replicate bill is made of: sync, price and report.

    Examples:

    \b
      replicost demo
      replicost report spend --by month,model --since 2026-10-01
    """
    # how a report was computed (e.g. priced in memory: no stored bill) goes to stderr once the
    # command has succeeded: a command that fails says one line, its error
    on_notice(_notes.append)


def one_line(text: str) -> str:
    """Escape newlines and other control characters: an error is one line and cannot drive the terminal."""
    return terminal(text.strip())


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, turning errors into one line and an exit code (0 ok, 2 bad input, 1 failure)."""
    sys.exit(run(argv))


_notes: list[str] = []


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (tests and embedders call this; `main` exits with it)."""
    _notes.clear()
    try:
        # standalone_mode=False makes click return ctx.exit(code) instead of raising it
        code = cli.main(args=argv, prog_name="replicost", standalone_mode=False)
        for note in _notes:
            click.echo(one_line(note), err=True)
        return code if isinstance(code, int) else 0
    except ReplicostError as exc:
        click.echo(f"error: {one_line(redact(exc.message))}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.UsageError as exc:  # a bad flag: one line too, with where to look
        where = exc.ctx.command_path if exc.ctx is not None else "replicost"
        click.echo(f"error: {one_line(exc.format_message())} (see `{where} --help`)", err=True)
        return exc.exit_code  # 2, or 3 for `budget check` (a monitoring check: could not check)
    except click.ClickException as exc:
        click.echo(f"error: {one_line(redact(exc.format_message()))}", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except Exception as exc:  # a bug: still one line unless debugging
        if os.environ.get("REPLICOST_DEBUG"):
            raise
        message, code = unexpected(exc)
        click.echo(f"error: {one_line(redact(message))}", err=True)
        return code


def unexpected(exc: Exception) -> tuple[str, int]:
    """The line and exit code for an exception no library code turned into a ReplicostError: a
    damaged database file is bad input (2), anything else a bug (1)."""
    from replicost.store.db import damage_message

    damaged = damage_message(exc)
    if damaged:
        return damaged, 2
    return f"unexpected {type(exc).__name__}: {exc}", 1


if __name__ == "__main__":
    main()
