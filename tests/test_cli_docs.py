"""Drift checks between the CLI and its documentation: every command has help and is in the README."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

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
