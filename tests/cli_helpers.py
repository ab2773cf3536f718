"""The one way tests run the `replicost` CLI.

- `run_cli(*args)` runs it in this process exactly as the `replicost` entry point does (`main()`
  is `sys.exit(run(argv))`) and returns (code, out, err). Most tests want this: fast, and the
  exit code and both streams are what a user sees.
- `run_cli_process(*args)` runs `python -m replicost` in a separate process, for tests that need
  one (a real stdout/stderr, an environment of its own, a process to kill). `CLI` is that command
  line, for `subprocess.Popen`.

The token for the simulator is whatever the caller puts in `env` (or the environment already has).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

CLI = [sys.executable, "-m", "replicost"]


class CliResult(NamedTuple):
    code: int
    out: str
    err: str


@contextlib.contextmanager
def _environment(env: Mapping[str, str] | None) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in (env or {})}
    os.environ.update(env or {})
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_cli(*args: str | Path, env: Mapping[str, str] | None = None) -> CliResult:
    """Run `replicost ARGS` in this process: (exit code, stdout, stderr)."""
    from replicost.cli.main import run

    out, err = io.StringIO(), io.StringIO()
    with _environment(env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = run([str(arg) for arg in args])
        except SystemExit as exc:  # a command that still exits by itself
            code = exc.code if isinstance(exc.code, int) else 1
    return CliResult(code, out.getvalue(), err.getvalue())


def run_cli_process(
    *args: str | Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
    **kwargs: object,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m replicost ARGS` in its own process, `env` added to this environment."""
    return subprocess.run(
        [*CLI, *(str(arg) for arg in args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        **kwargs,
    )
