"""Drift checks between the CLI and its documentation: every command has help, is in the README
and ends its --help with examples that parse (and, where cheap, run on a demo database)."""

from __future__ import annotations

import shlex
import shutil
from importlib import resources
from pathlib import Path

import click
import pytest
from cli_helpers import run_cli

from replicost.cli.main import COMMANDS, cli

REPO_ROOT = Path(__file__).resolve().parents[1]

README = (REPO_ROOT / "README.md").read_text()


def _walk(command: click.Command, path: tuple[str, ...]):
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            yield from _walk(command.get_command(ctx, name), (*path, name))


ALL = [(path, cmd) for path, cmd in _walk(cli, ()) if path]


def test_every_listed_command_is_built():
    ctx = click.Context(cli)
    assert sorted(cli.list_commands(ctx)) == sorted(COMMANDS)


@pytest.mark.parametrize("path,command", ALL, ids=[" ".join(p) for p, _ in ALL])
def test_command_has_help_and_is_in_the_readme(path, command):
    assert (command.help or "").strip(), f"replicost {' '.join(path)} has no help text"
    assert f"replicost {' '.join(path)}" in README, (
        f"`replicost {' '.join(path)}` is not in README.md"
    )
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden and param.name != "help":
            assert (param.help or "").strip() or param.is_flag, (
                f"replicost {' '.join(path)} {param.opts[0]} has no help text"
            )


def test_readme_opens_with_the_two_commands():
    first_block = README.split("```bash", 1)[1].split("```", 1)[0]
    assert "replicost demo" in first_block
    assert "./scripts/check" in first_block
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert "./scripts/check" in ci


# ----- examples ---------------------------------------------------------------------------------
WITH_ROOT = [((), cli), *ALL]


def examples_of(command: click.Command) -> list[str]:
    """The command lines of the `Examples:` block that ends a command's help."""
    head, marker, block = (command.help or "").rpartition("Examples:")
    assert marker, "no Examples: block"
    lines = [line.strip() for line in block.strip().splitlines()]
    assert lines[0] == "\b", "the block must start with click's \\b (keeps lines as written)"
    return lines[1:]


@pytest.mark.parametrize(
    "path,command", WITH_ROOT, ids=[" ".join(p) or "replicost" for p, _ in WITH_ROOT]
)
def test_help_ends_with_one_or_two_examples_shown_as_written(path, command):
    lines = examples_of(command)
    assert 1 <= len(lines) <= 2 and all(line.startswith("replicost ") for line in lines), lines
    assert all(len(line) <= 100 for line in lines), "an example must fit a terminal line"
    ctx = click.Context(command, info_name=" ".join(("replicost", *path)))
    shown = command.get_help(ctx)
    for line in lines:
        assert f"\n    {line}\n" in shown  # kept whole, not rewrapped
    assert shown.index("Examples:") > shown.index(command.help.split("\n", 1)[0][:40])


def parse(argv: list[str]) -> click.Command:
    """Parse a command line as `replicost` would, without running it; returns the leaf command.
    Unknown options, bad choices and unreadable dates or numbers raise."""
    assert argv[0] == "replicost"
    command: click.Command = cli
    ctx, name, args = None, "replicost", argv[1:]
    while True:
        ctx = command.make_context(name, list(args), parent=ctx)
        rest = [*ctx._protected_args, *ctx.args]
        if not isinstance(command, click.Group) or not rest:
            return command
        name, found, args = command.resolve_command(ctx, rest)
        assert found is not None, f"{argv}: no command {name}"
        command = found


ALL_EXAMPLES = sorted({line for _, command in WITH_ROOT for line in examples_of(command)})


@pytest.mark.parametrize("line", ALL_EXAMPLES)
def test_every_example_parses(line):
    parse(shlex.split(line))


# examples that need the network, a server that runs until Ctrl-C, a record id of the reader's
# account, or build a database of their own: parsed above, not run here
NOT_RUN = (
    "replicost sync",
    "replicost simulate serve",
    "replicost codegen",
    "replicost explain",
    "replicost demo",
    "replicost pricing update --from https",
)
RUN = [line for line in ALL_EXAMPLES if not line.startswith(NOT_RUN)]


def test_the_examples_that_are_not_run_are_few():
    assert len(RUN) >= 20 and len(ALL_EXAMPLES) - len(RUN) <= 14


@pytest.mark.parametrize("line", RUN)
def test_every_example_runs_on_a_demo_database(line, demo_db, tmp_path, monkeypatch):
    db, prices = demo_db
    shutil.copy(prices, tmp_path / "prices.toml")  # the files the examples name
    shutil.copy(prices, tmp_path / "old.toml")
    catalog = resources.files("replicost.billing").joinpath("catalog.toml")
    (tmp_path / "catalog.toml").write_text(catalog.read_text("utf-8"), encoding="utf-8")
    shutil.copy(db, tmp_path / "replicost.duckdb")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REPLICOST_DB", str(tmp_path / "replicost.duckdb"))
    code, out, err = run_cli(*shlex.split(line)[1:])
    allowed = (0, 1, 2) if line.startswith("replicost budget check") else (0,)  # its verdicts
    assert code in allowed, err
    assert "error:" not in err and (out or err)
