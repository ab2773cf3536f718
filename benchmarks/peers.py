"""The loaders compared with `replicost sync`, each written the way its documentation shows.

    python benchmarks/peers.py PEER --base-url URL --db PATH --token T [options]

Runs one load of every prediction at URL into a new DuckDB file at PATH, in this process, and
prints one JSON line: rows and distinct ids loaded (with a digest of the sorted id set, so the
harness can check that every loader got the same records), seconds, requests where known, and
peak RSS. Imports happen before the clock starts: the figure is the load, not interpreter start.

Peers (PEER):
- `replicost`: `replicost.sync.sync_account` (what `replicost sync` runs), predictions only by
  default, with `--rpm` setting the client's request budget (`none`: no budget).
- `replicost-cli`: `replicost sync --quiet` itself, in this process, with its own defaults.
- `official`: the `replicate` client's `replicate.paginate(client.predictions.list)` (its README's
  "paginate" recipe), collected into a polars DataFrame, then `CREATE TABLE ... AS SELECT * FROM
  frame` in DuckDB (DuckDB scans polars frames directly, as its docs show). Its `Prediction` model
  has no `source`, `deployment`, `data_removed` or `deadline`, and its `status` is a Literal
  without `aborted` (added by Replicate in October 2025): as documented it stops with a pydantic
  ValidationError on the first page holding an aborted prediction. `--widen-status` subclasses the
  model with `status: str` (one line a user would add) so its speed can be measured at all.
- `dlt`: dlt's `rest_api` source (bearer auth, `json_link` paginator on `next`, `data_selector`
  `results`, primary key `id`, write disposition `merge`) run by a pipeline into DuckDB, as in
  dlt's REST API source docs. dlt flattens nested objects into columns and child tables.
- `httpx`: a hand-written loop: one keep-alive httpx client follows `next`, writes each record
  as a JSON line to a file, then DuckDB's `read_ndjson` loads the file (the idiom DuckDB's docs
  recommend over row-by-row inserts, which manage about 420 rows/s here: docs/REPLICATE.md).
- `ceiling`: DuckDB alone: the page bodies are fetched first (untimed) and written one per line,
  then `read_ndjson` + `unnest(results)` loads them. No network, no Python per record: the
  fastest any client could turn the same bytes into a table.
- `fetch`: pages fetched and discarded (no database): what the simulator lets one sequential
  client do.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import sys
import time
import uuid
from pathlib import Path

import duckdb

# Where each peer leaves its predictions (dlt writes into its dataset schema).
TABLES = {
    "replicost": "main.predictions",
    "replicost-cli": "main.predictions",
    "official": "main.predictions",
    "dlt": "replicate.predictions",
    "httpx": "main.predictions",
    "ceiling": "main.predictions",
}
# Which of the fields a cost report needs each peer keeps ("source" and "deployment" are the ones
# the official client's model drops).
KEEPS_SOURCE_AND_DEPLOYMENT = {
    "replicost": True,
    "replicost-cli": True,
    "official": False,
    "dlt": True,
    "httpx": True,
    "ceiling": True,
}


def _root(base_url: str) -> str:
    """The API root without /v1 (the official client adds /v1 to its paths itself)."""
    return base_url[: -len("/v1")] if base_url.endswith("/v1") else base_url


# ----- peers: each returns extra facts for the result line -----------------------------------
def load_replicost(args: argparse.Namespace) -> dict:
    from replicost.sync import sync_account

    options = (
        {}
        if args.rpm == "default"
        else {"requests_per_minute": None if args.rpm == "none" else float(args.rpm)}
    )
    only = tuple(args.only.split(",")) if args.only else None
    if args.concurrency:
        options["concurrency"] = args.concurrency
    summary = sync_account(args.db, token=args.token, base_url=args.base_url, only=only, **options)
    return {
        "requests": summary.requests,
        "retries": summary.retries,
        "new": summary.new,
        "updated": summary.updated,
        "pages": summary.pages,
    }


def load_replicost_cli(args: argparse.Namespace) -> dict:
    """`replicost sync` as a user types it (its own defaults: client budget, concurrency)."""
    import contextlib
    import io
    import re

    from replicost.cli.main import main as replicost_main

    argv = [
        "sync",
        "--db",
        str(args.db),
        "--base-url",
        args.base_url,
        "--token",
        args.token,
        "--quiet",
    ]
    if args.only:
        argv += ["--only", args.only]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        try:
            replicost_main(argv)
        except SystemExit as exit_:
            if exit_.code:
                raise RuntimeError(f"replicost sync exited {exit_.code}") from None
    summary = printed.getvalue()
    found = {
        key: int(value.replace(",", ""))
        for value, key in re.findall(r"([\d,]+) (requests|retries|pages|new|updated)\b", summary)
    }
    return found


def load_official(args: argparse.Namespace) -> dict:
    import polars as pl
    import replicate
    import replicate.prediction

    if args.widen_status:

        class Prediction(replicate.prediction.Prediction):
            status: str  # 1.0.7's Literal does not know "aborted"

        replicate.prediction.Prediction = Prediction

    client = replicate.Client(api_token=args.token, base_url=_root(args.base_url))
    records, pages = [], 0
    for page in replicate.paginate(client.predictions.list):
        pages += 1
        for prediction in page.results:
            metrics = prediction.metrics or {}
            records.append(
                {
                    "id": prediction.id,
                    "model": prediction.model,
                    "version": prediction.version,
                    "status": prediction.status,
                    "created_at": prediction.created_at,
                    "started_at": prediction.started_at,
                    "completed_at": prediction.completed_at,
                    "error": prediction.error,
                    "predict_time": metrics.get("predict_time"),
                    "input": json.dumps(prediction.input),
                    "output": json.dumps(prediction.output),
                    "metrics": json.dumps(metrics),
                }
            )
    frame = pl.DataFrame(records, infer_schema_length=None)
    con = duckdb.connect(str(args.db))
    con.register("frame", frame)
    con.execute(
        "CREATE TABLE predictions AS SELECT * REPLACE ("
        "created_at::TIMESTAMPTZ AS created_at, started_at::TIMESTAMPTZ AS started_at, "
        "completed_at::TIMESTAMPTZ AS completed_at) FROM frame"
    )
    con.close()
    return {"requests": pages}


def load_dlt(args: argparse.Namespace) -> dict:
    import dlt
    from dlt.sources.rest_api import rest_api_source

    source = rest_api_source(
        {
            "client": {
                "base_url": args.base_url.rstrip("/") + "/",
                "auth": {"type": "bearer", "token": args.token},
                "paginator": {"type": "json_link", "next_url_path": "next"},
            },
            "resource_defaults": {"primary_key": "id", "write_disposition": "merge"},
            "resources": [
                {
                    "name": "predictions",
                    "endpoint": {"path": "predictions", "data_selector": "results"},
                },
            ],
        }
    )
    pipeline = dlt.pipeline(
        pipeline_name=f"replicate_{uuid.uuid4().hex[:8]}",
        destination=dlt.destinations.duckdb(str(args.db)),
        dataset_name="replicate",
        pipelines_dir=str(args.db.parent / f"{args.db.stem}-dlt"),
    )
    pipeline.run(source)
    return {}


def load_httpx(args: argparse.Namespace) -> dict:
    import httpx

    lines = args.db.with_suffix(".ndjson")
    url, pages = f"{args.base_url}/predictions", 0
    with (
        httpx.Client(headers={"Authorization": f"Bearer {args.token}"}, timeout=60) as http,
        lines.open("w") as out,
    ):
        while url:
            response = http.get(url)
            response.raise_for_status()
            body = response.json()
            for record in body["results"]:
                out.write(json.dumps(record) + "\n")
            url = body["next"]
            pages += 1
    con = duckdb.connect(str(args.db))
    # sample_size=-1: a key first seen late in the file (a rare `deployment`) must not be an error
    con.execute(
        "CREATE TABLE predictions AS SELECT * FROM read_ndjson(?, sample_size=-1)", [str(lines)]
    )
    con.close()
    lines.unlink()
    return {"requests": pages}


def fetch_pages(base_url: str, token: str, path: Path) -> int:
    """Write every page body of /predictions to `path`, one per line; return the page count."""
    import httpx

    url, pages = f"{base_url}/predictions", 0
    with (
        httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as http,
        path.open("wb") as out,
    ):
        while url:
            response = http.get(url)
            response.raise_for_status()
            out.write(response.content.replace(b"\n", b"") + b"\n")
            url = response.json()["next"]
            pages += 1
    return pages


def load_ceiling(args: argparse.Namespace, pages_file: Path) -> dict:
    con = duckdb.connect(str(args.db))
    con.execute(
        "CREATE TABLE predictions AS SELECT record.* FROM ("
        "SELECT unnest(results) AS record FROM read_ndjson(?, maximum_object_size=1000000000))",
        [str(pages_file)],
    )
    con.close()
    return {}


def load_fetch(args: argparse.Namespace) -> dict:
    import httpx

    url, pages, rows, digest = f"{args.base_url}/predictions", 0, 0, []
    with httpx.Client(headers={"Authorization": f"Bearer {args.token}"}, timeout=60) as http:
        while url:
            body = http.get(url).json()
            rows += len(body["results"])
            digest.extend(record["id"] for record in body["results"])
            url = body["next"]
            pages += 1
    return {
        "requests": pages,
        "rows": rows,
        "distinct_ids": len(set(digest)),
        "ids_digest": id_digest(digest),
    }


LOADERS = {
    "replicost": load_replicost,
    "replicost-cli": load_replicost_cli,
    "official": load_official,
    "dlt": load_dlt,
    "httpx": load_httpx,
    "fetch": load_fetch,
}


# ----- what was loaded -------------------------------------------------------------------------
def id_digest(ids) -> str:
    """A short digest of the sorted set of ids (equal digests: the same records)."""
    return hashlib.sha256("\n".join(sorted(set(ids))).encode()).hexdigest()[:16]


def loaded_ids(peer: str, db: Path) -> list[str]:
    """Every id in the predictions table `peer` wrote into `db` (with repeats, if any)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [row[0] for row in con.execute(f"SELECT id FROM {TABLES[peer]}").fetchall()]
    finally:
        con.close()


def peak_rss_mb() -> float:
    """Peak resident memory of this process and any children it waited for, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux reports kilobytes


def process_seconds() -> float | None:
    """Seconds since this process started (interpreter start and imports included)."""
    try:
        import psutil
    except ImportError:
        return None
    return time.time() - psutil.Process().create_time()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("peer", choices=[*LOADERS, "ceiling"])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument(
        "--concurrency", type=int, help="replicost: worker threads (default: the library's)"
    )
    parser.add_argument(
        "--rpm",
        default="default",
        help="replicost: client budget in requests/min, 'none', or 'default'",
    )
    parser.add_argument(
        "--only",
        default="predictions",
        help="replicost: resources to sync ('' for all, as `replicost sync` does)",
    )
    parser.add_argument(
        "--widen-status",
        action="store_true",
        help="official: accept statuses its model does not know (see above)",
    )
    args = parser.parse_args(argv)

    # Import the peer's libraries before the clock starts.
    preload = {
        "official": ("polars", "replicate"),
        "dlt": ("dlt", "dlt.sources.rest_api"),
        "replicost": ("replicost.sync",),
        "replicost-cli": ("replicost.sync", "replicost.cli.main"),
        "httpx": ("httpx",),
        "fetch": ("httpx",),
    }
    for module in preload.get(args.peer, ()):
        __import__(module)
    baseline = peak_rss_mb()

    if args.peer == "ceiling":
        pages_file = args.db.with_suffix(".pages.ndjson")
        pages = fetch_pages(args.base_url, args.token, pages_file)
        started = time.perf_counter()
        extra = load_ceiling(args, pages_file) | {"requests": pages}
        seconds = time.perf_counter() - started
        pages_file.unlink()
    else:
        started = time.perf_counter()
        extra = LOADERS[args.peer](args)
        seconds = time.perf_counter() - started

    result = {
        "peer": args.peer,
        "ok": True,
        "seconds": seconds,
        "peak_rss_mb": peak_rss_mb(),
        "baseline_rss_mb": baseline,
        "process_seconds": process_seconds(),
    }
    if args.peer != "fetch":
        ids = loaded_ids(args.peer, args.db)
        result |= {"rows": len(ids), "distinct_ids": len(set(ids)), "ids_digest": id_digest(ids)}
    result |= extra
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
