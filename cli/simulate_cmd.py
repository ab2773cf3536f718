"""`replicost simulate`: run the simulated Replicate API on loopback, or dump its ground truth."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from replicost.errors import InputError

from .options import INSTANT, WHEN_METAVAR, examples

if TYPE_CHECKING:
    from replicost.simulator import SimulatedAccount, SimulatorApp

_F = TypeVar("_F", bound=Callable[..., Any])


def _build_app(
    *,
    seed: int,
    predictions: int,
    trainings: int,
    username: str,
    end: datetime | None,
    data_url_rate: float,
    token: str | None = None,
    latency_ms: float = 0,
    rate_limit: float | None = None,
    fault_rate: float = 0.0,
    faults: str | None = None,
    low_credit: bool = False,
    plant: tuple[str, ...] = (),
    no_failures: bool = False,
    no_aborted: bool = False,
) -> SimulatorApp:
    from replicost.simulator import FAULT_KINDS, FaultConfig, SimulatedAccount, SimulatorApp
    from replicost.simulator.scenarios import parse_plant

    kinds = tuple(k.strip() for k in faults.split(",") if k.strip()) if faults else FAULT_KINDS
    try:
        fault_config = FaultConfig(rate=fault_rate, kinds=kinds, seed=seed)
        account = SimulatedAccount(
            seed=seed,
            predictions=predictions,
            trainings=trainings,
            username=username,
            end=end.astimezone(UTC) if end else None,
            data_url_rate=data_url_rate,
            scenarios=[parse_plant(text) for text in plant],
            failures=not no_failures,
            aborted=not no_aborted,
        )
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return SimulatorApp(
        account,
        token=token,
        latency_ms=latency_ms,
        rate_limit_rpm=rate_limit,
        faults=fault_config,
        low_credit=low_credit,
    )


def _write_dump(account: SimulatedAccount, path: Path) -> int:
    import orjson

    rows = 0
    try:
        with path.open("wb") as out:
            for row in account.ground_truth():
                out.write(orjson.dumps(row) + b"\n")
                rows += 1
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    return rows


# for a deterministic client test: what the account draws, not what a client asks for
_OUTCOME_OPTIONS = (
    click.option(
        "--no-failures",
        is_flag=True,
        help="Draw no failed or canceled records (about 8% otherwise): they succeed "
        "instead. Canceling through the API still cancels.",
    ),
    click.option(
        "--no-aborted",
        is_flag=True,
        help="Draw no aborted predictions (about 1.5% otherwise): they succeed instead.",
    ),
)


def _account_options(command: _F) -> _F:
    options = [
        click.option(
            "--seed",
            type=int,
            default=7,
            show_default=True,
            help="Seed of the synthetic account (same seed, same account).",
        ),
        click.option(
            "--predictions",
            type=click.IntRange(min=0),
            default=5000,
            show_default=True,
            help="Number of predictions in the account's history.",
        ),
        click.option(
            "--trainings",
            type=click.IntRange(min=0),
            default=200,
            show_default=True,
            help="Number of trainings in the account's history.",
        ),
        click.option(
            "--username",
            default="acme-ai",
            show_default=True,
            help="Username of the simulated account.",
        ),
        click.option(
            "--end",
            type=INSTANT,
            metavar=WHEN_METAVAR,
            help="When the history ends (a date or date-time; naive is UTC); default now.",
        ),
        click.option(
            "--data-url-rate",
            type=click.FloatRange(0, 1),
            default=0.0002,
            show_default=True,
            help="Share of records carrying a data URL of 100-400 KB.",
        ),
        click.option(
            "--plant",
            multiple=True,
            help="Plant a finding for `report insights` (repeatable): spike:OWNER/MODEL:DAY, "
            "idle:NAME:OWNER/MODEL:SKU:DAY or bad-version:OWNER/MODEL:DAY.",
        ),
        *_OUTCOME_OPTIONS,
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.group()
@examples("replicost simulate serve --port 8000", "replicost simulate dump truth.jsonl")
def simulate() -> None:
    """Run a simulated Replicate API serving a synthetic account."""


@simulate.command()
@examples(
    "replicost simulate serve --port 8000 --predictions 100000",
    "replicost simulate serve --rate-limit 600 --fault-rate 0.05 --token r8_test",
)
@_account_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    help="Port to listen on (default: any free port).",
)
@click.option("--token", help="Accept only this API token (default: any bearer token).")
@click.option("--latency-ms", type=click.FloatRange(min=0), default=0, help="Delay every response.")
@click.option(
    "--rate-limit",
    type=click.FloatRange(min=0, min_open=True),
    help="Requests per minute before 429 (token bucket).",
)
@click.option(
    "--fault-rate",
    type=click.FloatRange(0, 1),
    default=0.0,
    help="Share of requests that get a fault (5xx, 429, slow, dropped, truncated, non-JSON).",
)
@click.option("--faults", help="Comma-separated fault kinds to draw from (default: all).")
@click.option(
    "--low-credit", is_flag=True, help="429 bodies carry retry_after, as for low-credit accounts."
)
@click.option(
    "--dump",
    "dump",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the ground truth (JSON lines) to this file before serving.",
)
@click.option(
    "--cache-records",
    type=click.IntRange(min=0),
    default=50_000,
    show_default=True,
    help="Finished records kept serialized in memory (about 800 bytes each).",
)
@click.option(
    "--warm",
    is_flag=True,
    help="Serialize the newest --cache-records predictions before printing the URL, "
    "so a benchmark measures its client, not the simulator.",
)
def serve(
    seed: int,
    predictions: int,
    trainings: int,
    username: str,
    end: datetime | None,
    data_url_rate: float,
    plant: tuple[str, ...],
    no_failures: bool,
    no_aborted: bool,
    host: str,
    port: int,
    token: str | None,
    latency_ms: float,
    rate_limit: float | None,
    fault_rate: float,
    faults: str | None,
    low_credit: bool,
    dump: Path | None,
    cache_records: int,
    warm: bool,
) -> None:
    """Serve the simulated API on loopback until Ctrl-C; prints the base URL.

    The first line on stdout is the API root (http://127.0.0.1:PORT/v1); official clients take
    the host part (REPLICATE_BASE_URL=http://127.0.0.1:PORT). Operations of Replicate's spec the
    simulator does not serve (files, webhooks, creating or changing models and deployments)
    answer 501 with their name. Every link it returns is served on its own address: urls.get
    and urls.cancel, urls.stream (server-sent events) and output files (a few fixed bytes).
    """
    app = _build_app(
        seed=seed,
        predictions=predictions,
        trainings=trainings,
        username=username,
        end=end,
        data_url_rate=data_url_rate,
        token=token,
        latency_ms=latency_ms,
        rate_limit=rate_limit,
        fault_rate=fault_rate,
        faults=faults,
        low_credit=low_credit,
        plant=plant,
        no_failures=no_failures,
        no_aborted=no_aborted,
    )
    app.cache_records = cache_records
    if dump:
        rows = _write_dump(app.account, dump)
        click.echo(f"wrote {rows} ground-truth rows to {dump}", err=True)
    app.account.follow_real_time()
    _serve_until_interrupted(app, host, port, token, warm)


def _serve_until_interrupted(
    app: SimulatorApp, host: str, port: int, token: str | None, warm: bool
) -> None:
    from replicost.simulator import SimulatorServer

    try:
        server = SimulatorServer(app, host, port)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    if warm:  # with the address, so the cached records' links point here already
        click.echo(f"warmed {app.warm(base=server.origin)} predictions", err=True)
    click.echo(server.base_url)
    host_url = server.base_url.removesuffix("/v1")
    click.echo(
        f"official clients: REPLICATE_BASE_URL={host_url}; replicost: --base-url {host_url}",
        err=True,
    )
    click.echo(
        "serving until Ctrl-C; any bearer token is accepted"
        if token is None
        else "serving until Ctrl-C",
        err=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.httpd.server_close()


@simulate.command()
@examples(
    "replicost simulate dump truth.jsonl",
    "replicost simulate dump truth.jsonl --seed 3 --predictions 1000 --end 2026-11-01",
)
@_account_options
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def dump(
    seed: int,
    predictions: int,
    trainings: int,
    username: str,
    end: datetime | None,
    data_url_rate: float,
    plant: tuple[str, ...],
    no_failures: bool,
    no_aborted: bool,
    file: Path,
) -> None:
    """Write the synthetic account's ground truth (JSON lines) to FILE and exit."""
    app = _build_app(
        seed=seed,
        predictions=predictions,
        trainings=trainings,
        username=username,
        end=end,
        data_url_rate=data_url_rate,
        plant=plant,
        no_failures=no_failures,
        no_aborted=no_aborted,
    )
    rows = _write_dump(app.account, file)
    click.echo(f"wrote {rows} ground-truth rows to {file}", err=True)
