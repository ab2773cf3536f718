"""Case: the API token never appears in the database, logs, errors, progress or snapshots."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import orjson
from cli_helpers import CLI, run_cli_process

from replicost.client import RetryPolicy
from replicost.simulator import FaultConfig, SimulatorApp, serve

from reliability.common import TOKEN, TOKEN_ENV, CaseResult, fresh, make_app


# ----- case: secrets ------------------------------------------------------------------------------
class EchoingApp(SimulatorApp):
    """A hostile server: its error bodies echo the Authorization header back."""

    def handle(self, method, path, query="", headers=None, body=b"", base="http://127.0.0.1"):
        response = super().handle(method, path, query, headers, body, base)
        if response.status >= 400:
            echoed = (headers or {}).get("authorization", "")
            response.body = orjson.dumps(
                {
                    "detail": f"request with header Authorization: {echoed} refused",
                    "status": response.status,
                }
            )
            response.content_type = "application/json"
        return response


def secrets(*, workdir: Path) -> CaseResult:
    """Failing scenarios with a distinctive token: the token (and any Authorization header) is in
    no byte replicost writes or prints: database and WAL, DEBUG logs of httpx/httpcore/replicost,
    progress output, exception messages and tracebacks, CLI stdout/stderr."""
    import io
    import logging
    import traceback

    from replicost.store import connect
    from replicost.sync import sync_account
    from replicost.sync.progress import PlainProgress

    result = CaseResult(
        "Secrets",
        "401, 5xx storm, malformed pages, network down, damaged database, hostile "
        "server echoing the header, faults with retries, kill -9 mid-sync: token searched in db+WAL "
        "bytes, DEBUG logs, progress, exceptions, CLI output",
    )
    workdir.mkdir(parents=True, exist_ok=True)
    secret = TOKEN
    log_stream = io.StringIO()
    handler = logging.StreamHandler(log_stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    loggers = [logging.getLogger(name) for name in ("httpx", "httpcore", "replicost", "")]
    saved_levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    texts: dict[str, str] = {}

    def scenario(
        name: str, app: SimulatorApp | None, db: Path, *, token: str = secret, **kwargs
    ) -> None:
        progress_stream = io.StringIO()
        progress = PlainProgress(progress_stream, every_seconds=0)
        captured = ""
        result.runs += 1
        server = serve(app) if app is not None else contextlib.nullcontext(None)
        with server as running:
            base_url = running.base_url if running is not None else "http://127.0.0.1:9/v1"
            try:
                summary = sync_account(
                    db,
                    token=token,
                    base_url=base_url,
                    progress=progress,
                    requests_per_minute=None,
                    retry=RetryPolicy(max_attempts=3, backoff_base=0.01),
                    **kwargs,
                )
                captured = summary.line()
            except Exception as exc:  # noqa: BLE001 - the exception's text is what is checked
                captured = f"{exc}\n{exc!r}\n{''.join(traceback.format_exception(exc))}"
        texts[f"{name}: exception or summary"] = captured
        texts[f"{name}: progress"] = progress_stream.getvalue()

    try:
        scenario("401", make_app(300), fresh(workdir / "s401.duckdb"), token=secret + "-revoked")
        scenario(
            "5xx storm",
            make_app(300, faults=FaultConfig(rate=1.0, kinds=("server_error",))),
            fresh(workdir / "s5xx.duckdb"),
        )
        scenario(
            "malformed pages",
            make_app(
                300,
                faults=FaultConfig(
                    rate=1.0, kinds=("non_json", "truncate"), routes=frozenset({"predictions.list"})
                ),
            ),
            fresh(workdir / "smalformed.duckdb"),
        )
        scenario("network down", None, fresh(workdir / "snetwork.duckdb"))
        damaged = workdir / "sdamaged.duckdb"
        damaged.write_bytes(b"not a database" * 1000)
        scenario("damaged database", make_app(300), damaged)
        scenario(
            "server echoing the header",
            make_app(
                300, app_class=EchoingApp, faults=FaultConfig(rate=0.3, kinds=("server_error",))
            ),
            fresh(workdir / "secho.duckdb"),
        )
        scenario(
            "server echoing the header, 401",
            make_app(300, app_class=EchoingApp),
            fresh(workdir / "secho401.duckdb"),
            token=secret + "-revoked",
        )
        scenario(
            "faults and retries",
            make_app(600, faults=FaultConfig(rate=0.3, slow_ms=50, burst=1)),
            fresh(workdir / "sfaults.duckdb"),
        )
        con = connect(workdir / "sfaults.duckdb")
        texts["sync_log messages"] = "\n".join(
            str(m) for (m,) in con.execute("SELECT message FROM sync_log").fetchall()
        )
        con.close()
    finally:
        logging.getLogger().removeHandler(handler)
        for logger, level in zip(loggers, saved_levels, strict=True):
            logger.setLevel(level)
    texts["DEBUG logs"] = log_stream.getvalue()
    # the CLI, with the token on the command line, killed mid-sync (the WAL stays behind), then failing
    app = make_app(3000, latency_ms=10)
    killed_db = fresh(workdir / "skilled.duckdb")
    with serve(app) as server:
        process = subprocess.Popen(
            [
                *CLI,
                "sync",
                "--db",
                str(killed_db),
                "--base-url",
                server.base_url,
                "--token",
                secret,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={k: v for k, v in os.environ.items() if k != "REPLICATE_API_TOKEN"},
        )
        while app.stats.by_route["predictions.list"] < 8 and process.poll() is None:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        out, err = process.communicate()
        result.runs += 1
        texts["CLI killed: stdout+stderr"] = out + err
        if not Path(f"{killed_db}.wal").exists():
            result.notes.append(
                "no WAL was left behind by the killed sync (killed between checkpoints)"
            )
        revoked = run_cli_process(
            "sync",
            "--db",
            str(fresh(workdir / "scli401.duckdb")),
            "--base-url",
            server.base_url,
            "--token",
            secret + "-revoked",
            env=TOKEN_ENV,
        )
        result.runs += 1
        texts["CLI 401: stdout+stderr"] = revoked.stdout + revoked.stderr
        if revoked.returncode != 2 or "token rejected" not in revoked.stderr:
            result.fail(f"CLI 401: exit {revoked.returncode}: {revoked.stderr.strip()[:200]}")
    for name, text in texts.items():
        if secret in text:
            result.fail(f"the token appears in {name}")
        if name == "DEBUG logs" and "authorization" in text.lower():
            result.fail("an Authorization header appears in the DEBUG logs")
        if name.endswith("exception or summary") and "authorization: bearer r8_" in text.lower():
            result.fail(f"{name}: the echoed header survived redaction")
    files = [path for path in workdir.rglob("*") if path.is_file()]
    for path in files:
        if secret.encode() in path.read_bytes():
            result.fail(f"the token appears in the bytes of {path.name}")
    result.notes.append(
        f"searched {len(texts)} captured texts ({sum(map(len, texts.values())):,} characters, "
        f"{texts['DEBUG logs'].count(chr(10)):,} DEBUG log lines) and {len(files)} files "
        f"({sum(p.stat().st_size for p in files):,} bytes, WAL files included: "
        f"{sum(p.suffix == '.wal' for p in files)})"
    )
    return result
