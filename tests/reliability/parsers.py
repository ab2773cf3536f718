"""Cases: fuzzed TOML, API pages and OpenAPI specs through the parsers and codegen."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import orjson
from cli_helpers import run_cli

from reliability.common import ROOT, CaseResult, fresh, one_clear_line, tree_digest


def toml_documents():
    """Hypothesis strategy: TOML text of documents shaped roughly like pricing/config files."""
    import json
    import math
    from datetime import date

    from hypothesis import strategies as st

    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, float):
            return (
                "nan"
                if math.isnan(v)
                else ("inf" if v > 0 else "-inf")
                if math.isinf(v)
                else repr(v)
            )
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, datetime | date):
            return v.isoformat()
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return "{" + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + "}"

    keys = st.one_of(
        st.sampled_from(
            [
                "hardware",
                "models",
                "units",
                "deployments",
                "hardware_prices",
                "gpu-t4",
                "gpu-2x-l40s",
                "cpu",
                "acme/x",
                "acme/x:v1",
                "image",
                "input_token_per_million",
                "output_token",
                "usd_per_second",
                "usd_per_unit",
                "effective_from",
                "min_instances",
                "source",
                "note",
                "sku",
                "db",
                "pricing",
                "tags",
                "meta",
            ]
        ),
        st.text(max_size=8),
    )
    scalars = st.one_of(
        st.booleans(),
        st.integers(-(2**63), 2**63 - 1),
        st.floats(),
        st.text(max_size=10),
        st.dates(),
        st.datetimes(timezones=st.just(UTC)),
        st.sampled_from(["gpu-t4", "2025-01-01", "", "gpu-2x-l40s", "0.001"]),
    )
    values = st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)
        ),
        max_leaves=12,
    )
    documents = st.dictionaries(
        keys, st.one_of(values, st.dictionaries(keys, values, max_size=4)), max_size=5
    )
    return documents.map(
        lambda doc: "".join(f"{json.dumps(k)} = {value(v)}\n" for k, v in doc.items())
    )


# ----- case: bad pages ---------------------------------------------------------------------------
def page_bodies(string_ids: bool):
    """Hypothesis strategy: JSON bytes of list pages, well-formed or not (as the wire delivers them)."""
    from hypothesis import strategies as st

    scalar = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**63), 2**64 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=12),
        st.sampled_from(
            [
                "2025-01-01T00:00:00Z",
                "2025-01-01T00:00:00.123456789Z",
                "2025-02-30T00:00:00Z",
                "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999+14:00",
                "2025-01-01",
                "succeeded",
                "data:image/png;base64," + "A" * 5000,
            ]
        ),
    )
    json_value = st.recursive(
        scalar,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
        ),
        max_leaves=10,
    )
    metrics = st.dictionaries(
        st.sampled_from(
            [
                "predict_time",
                "total_time",
                "input_token_count",
                "output_token_count",
                "image_count",
                "tokens_per_second",
            ]
        ),
        scalar,
        max_size=5,
    )
    fields = {
        name: json_value
        for name in (
            "model",
            "version",
            "status",
            "source",
            "deployment",
            "created_at",
            "started_at",
            "completed_at",
            "error",
            "data_removed",
            "output",
            "input",
            "urls",
            "destination",
        )
    }
    fields["metrics"] = metrics
    ids = (
        st.text(max_size=20)
        if string_ids
        else st.one_of(
            st.none(),
            st.integers(-(2**63), 2**63 - 1),
            st.floats(allow_nan=False),
            st.lists(st.text(max_size=3), max_size=2),
            st.booleans(),
        )
    )
    record = st.fixed_dictionaries({"id": ids}, optional=fields)
    page = st.fixed_dictionaries(
        {
            "results": st.lists(
                st.one_of(record, json_value) if not string_ids else record, max_size=5
            )
        },
        optional={"next": st.one_of(st.none(), st.text(max_size=30), json_value)},
    )
    return st.one_of(page, json_value).map(orjson.dumps)


def bad_pages(*, workdir: Path, examples: int) -> CaseResult:
    """The page parser (`CursorPager.read_page`) and the record writer on fuzzed pages: a page is
    either refused as malformed (BadResponseError naming its URL) or written whole; never anything
    else. A second property feeds records whose `id` is not a string."""
    from hypothesis import HealthCheck, given, settings

    from replicost.client.errors import BadResponseError
    from replicost.client.paging import CursorPager
    from replicost.store import connect
    from replicost.sync.writer import RecordWriter

    result = CaseResult(
        "Bad pages (page and record parser)",
        f"hypothesis: {examples} fuzzed list pages "
        "(wrong shapes, odd timestamps, odd metrics, big data URLs) parsed and written into "
        f"DuckDB, then {max(examples // 4, 10)} pages whose records have a non-string id",
    )
    workdir.mkdir(parents=True, exist_ok=True)
    con = connect(fresh(workdir / "pages.duckdb"))
    url = "http://127.0.0.1:1/v1/predictions?cursor=abc"
    counter = {"examples": 0}

    def check(raw: bytes, training: bool) -> None:
        counter["examples"] += 1
        body = orjson.loads(raw)  # what the retrying transport hands over
        pager = CursorPager("http://127.0.0.1:1/v1/predictions", origin="http://127.0.0.1:1")
        try:
            page = pager.read_page(url, body)
        except BadResponseError as exc:
            if url not in str(exc) or "\n" in str(exc):
                raise AssertionError(f"refusal without the page URL on one line: {exc}") from None
            return
        table = "trainings" if training else "predictions"
        before = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        written = RecordWriter(con, table, "fuzz").write(
            page.results, {(table, "fuzz-cursor"): url}
        )
        after = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        if after - before != written.new:
            raise AssertionError(f"{written.new} new records reported, {after - before} rows added")

    fuzz_settings = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    from hypothesis import strategies as st

    @fuzz_settings
    @given(page_bodies(string_ids=True), st.booleans())
    def well_typed_ids(raw: bytes, training: bool) -> None:
        check(raw, training)

    @settings(
        max_examples=max(examples // 4, 10),
        deadline=None,
        database=None,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(page_bodies(string_ids=False))
    def other_ids(raw: bytes) -> None:
        check(raw, False)

    for name, property_test in (
        ("pages", well_typed_ids),
        ("pages with non-string ids", other_ids),
    ):
        try:
            property_test()
        except Exception as exc:  # noqa: BLE001 - hypothesis re-raises the shrunk failing example
            result.fail(f"{name}: {type(exc).__name__}: {str(exc).strip().splitlines()[0][:300]}")
    con.close()
    result.runs = counter["examples"]
    return result


# ----- case: bad specs for codegen --------------------------------------------------------------
def spec_mutations(document: dict):
    """Hypothesis strategy: a real spec with one to three nodes deleted, retyped or replaced."""
    import copy

    from hypothesis import strategies as st

    paths: list[tuple] = []

    def walk(node, path: tuple) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for key, item in node.items():
                walk(item, (*path, key))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, (*path, index))

    walk(document, ())
    replacement = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.text(max_size=8),
        st.just({}),
        st.just([]),
        st.sampled_from(
            [
                "#/components/schemas/Nope",
                "object",
                "array",
                "integer",
                "class",
                "def",
                "",
                "$ref",
                {"$ref": "#/components/schemas/Nope"},
                {"type": "weird"},
                {"oneOf": []},
            ]
        ),
    )
    edit = st.tuples(
        st.integers(1, len(paths) - 1),
        st.sampled_from(["delete", "replace", "rename"]),
        replacement,
    )

    def apply(edits) -> dict:
        mutated = copy.deepcopy(document)
        for index, action, value in edits:
            path = paths[index]
            parent = mutated
            try:
                for part in path[:-1]:
                    parent = parent[part]
                key = path[-1]
                if action == "delete":
                    del parent[key]
                elif action == "replace":
                    parent[key] = value
                elif isinstance(parent, dict):
                    parent[
                        f"{key}_renamed" if not isinstance(value, str) or not value else value
                    ] = parent.pop(key)
            except (KeyError, IndexError, TypeError):
                continue  # an earlier edit removed the way there
        return mutated

    return st.lists(edit, min_size=1, max_size=3).map(apply)


def codegen_specs(
    *, workdir: Path, examples: int, truncations: int = 8, spec_path: Path | None = None
) -> CaseResult:
    """`replicost codegen` on truncated and fuzzed real specs: a generated client that imports
    (exit 0), or one clear line and the output folder exactly as before."""
    import json

    from hypothesis import HealthCheck, given, settings

    history = ROOT / "specs" / "replicate-openapi" / "history"
    spec_path = spec_path or sorted(history.glob("*.json"))[-1]
    result = CaseResult(
        "Bad specs for codegen",
        f"{truncations} truncations and {examples} hypothesis mutations "
        f"(delete, retype, rename nodes) of {spec_path.name}: error in one line and output "
        "folder unchanged, or a client that imports",
    )
    workdir.mkdir(parents=True, exist_ok=True)
    output = workdir / "out" / "replicost_api"
    code, out, err = run_cli("codegen", "--spec", str(spec_path), "--output", str(output))
    if code != 0:
        result.fail(f"the real spec did not generate: {err.strip()[:300]}")
        return result
    raw = spec_path.read_bytes()
    outcomes: dict[str, int] = {}

    def attempt(content: bytes, label: str) -> None:
        source = workdir / "spec.json"
        source.write_bytes(content)
        before = tree_digest(output.parent)
        code, out, err = run_cli("codegen", "--spec", str(source), "--output", str(output))
        result.runs += 1
        if code == 0:
            outcomes["generated a client that imports"] = (
                outcomes.get("generated a client that imports", 0) + 1
            )
            return
        problem = one_clear_line(err)
        if problem:
            result.fail(f"{label}: exit {code}, {problem}")
        elif code not in (1, 2):
            result.fail(f"{label}: exit {code}")
        if tree_digest(output.parent) != before:
            result.fail(f"{label}: the output folder changed on a failed run")
        key = err.strip().removeprefix("error: ").split(":")[0][:60]
        outcomes[f"refused: {key}"] = outcomes.get(f"refused: {key}", 0) + 1

    chance = random.Random(len(raw))
    for cut in sorted(chance.sample(range(1, len(raw) - 1), truncations)):
        attempt(raw[:cut], f"truncated at byte {cut}")
    document = json.loads(raw)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(spec_mutations(document))
    def mutated(spec: dict) -> None:
        attempt(json.dumps(spec).encode(), "mutated spec")

    try:
        mutated()
    except Exception as exc:  # noqa: BLE001
        result.fail(f"mutated specs: {type(exc).__name__}: {str(exc)[:300]}")
    result.notes += [f"{name}: {count}" for name, count in sorted(outcomes.items())]
    return result
