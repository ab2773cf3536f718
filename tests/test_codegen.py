"""Codegen end to end: drift against generated/, determinism, lenient parsing, bad inputs, --check."""

from __future__ import annotations

import hashlib
import importlib
import json
import socket
import sys
from datetime import date
from pathlib import Path

import httpx
import pytest
from cli_helpers import run_cli

from replicost.codegen import generator, spec
from replicost.errors import InputError, ReplicostError

REPO_ROOT = Path(__file__).resolve().parents[1]
GENERATED = REPO_ROOT / "generated"


def tree(root: Path, *, skip: frozenset[str] = frozenset()) -> dict[str, bytes]:
    """Every file under `root` (relative path -> bytes), without bytecode caches."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.name not in skip
    }


@pytest.fixture(scope="module")
def fresh_client(tmp_path_factory, specs_dir) -> Path:
    """The newest spec generated into a temporary folder, the way `replicost codegen` does."""
    output = tmp_path_factory.mktemp("fresh") / "replicost_api"
    generator.generate(specs_dir / "openapi.json", output)
    return output


def test_regenerating_reproduces_generated_folder(fresh_client):
    # CHANGELOG.md is history (carried over and appended on regeneration), not a function of the spec
    assert tree(fresh_client, skip=frozenset({"CHANGELOG.md"})) == tree(
        GENERATED, skip=frozenset({"CHANGELOG.md"})
    )


def test_same_spec_twice_gives_identical_trees(fresh_client, specs_dir, tmp_path):
    again = tmp_path / "again" / "replicost_api"
    generator.generate(specs_dir / "openapi.json", again)
    assert tree(again) == tree(fresh_client)
    assert not list(again.parent.glob(".*codegen-*")), "temporary folder left behind"


def test_build_info_records_what_the_client_was_built_from(fresh_client, specs_dir):
    document = json.loads((specs_dir / "openapi.json").read_text())
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    info = json.loads((fresh_client / "BUILD_INFO.json").read_text())
    assert info["spec_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert info["info_version"] == document["info"]["version"] == "1.0.0-a1"
    assert info["openapi"] == "3.1.0"
    assert info["generator"] == "openapi-python-client 0.29.1"
    assert info["set_aside_operations"] == {"models.search": "QUERY /models"}
    surface = json.loads((fresh_client / "SURFACE.json").read_text())
    # structure only, no prose: every entry is type, required-ness, nullability, enum values
    entries = [e for fields in surface["schemas"].values() for e in fields.values()]
    entries += [e for op in surface["operations"].values() for e in op["parameters"].values()]
    assert entries and all(set(e) <= {"type", "required", "nullable", "enum"} for e in entries)
    prediction = surface["schemas"]["schemas_prediction_response"]
    assert prediction["status"]["enum"] == sorted(
        document["components"]["schemas"]["schemas_prediction_response"]["properties"]["status"][
            "enum"
        ]
    )
    assert prediction["id"] == {"type": "string", "required": True}
    assert surface["operations"]["predictions.create"]["parameters"]["header:Cancel-After"] == {
        "type": "string",
        "required": False,
    }


def spec_operation_ids(document: dict) -> set[str]:
    return {
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }


def test_every_operation_of_the_spec_is_reachable_from_python(specs_dir):
    from replicost.client import api_extensions

    operation_ids = spec_operation_ids(json.loads((specs_dir / "openapi.json").read_text()))
    assert len(operation_ids) == 37
    reachable = set()
    for operation_id in operation_ids:
        # generated layout: replicost_api.api.<first segment>.<operationId with dots as underscores>
        module_name = (
            f"replicost_api.api.{operation_id.split('.')[0]}.{operation_id.replace('.', '_')}"
        )
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            if callable(api_extensions.OPERATIONS.get(operation_id)):
                reachable.add(operation_id)
            continue
        if callable(getattr(module, "sync_detailed", None)):
            reachable.add(operation_id)
    assert reachable == operation_ids
    assert set(api_extensions.OPERATIONS) == {"models.search"}


PREDICTION = {
    "id": "ufawqhfynnddngldkgtslldrkq",
    "model": "replicate/hello-world",
    "version": "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa",
    "input": {"text": "Alice"},
    "output": "hello Alice",
    "data_removed": False,
    "error": None,
    "status": "paused_for_maintenance",
    "source": "carrier_pigeon",
    "created_at": "2026-11-20T10:00:00.123456789Z",
    "urls": {
        "web": "https://replicate.com/p/x",
        "get": "https://g",
        "cancel": "https://c",
        "hologram": "h",
    },
    "metrics": {"predict_time": 1.5, "image_count": 2},
    "cost_center": {"team": "search"},
}


def test_unknown_status_and_unknown_fields_pass_through():
    from replicost_api.models import PredictionResponse, PredictionResponseStatus

    prediction = PredictionResponse.from_dict(PREDICTION)
    assert prediction.status == "paused_for_maintenance"
    assert isinstance(prediction.status, PredictionResponseStatus)
    assert "paused_for_maintenance" not in {member.value for member in PredictionResponseStatus}
    assert prediction.source == "carrier_pigeon"
    assert prediction.additional_properties == {"cost_center": {"team": "search"}}
    assert prediction.urls.additional_properties == {"hologram": "h"}
    assert prediction.metrics.additional_properties == {"predict_time": 1.5, "image_count": 2}
    assert prediction.version == PREDICTION["version"]
    # and back: what came in goes out unchanged
    round_trip = prediction.to_dict()
    for key in ("status", "source", "cost_center", "urls", "version", "input"):
        assert round_trip[key] == PREDICTION[key]
    # a known value still is the member itself
    assert PredictionResponse.from_dict({**PREDICTION, "status": "aborted"}).status is (
        PredictionResponseStatus.ABORTED
    )


def test_recorded_response_shapes_parse_missing_keys_and_undeclared_nulls():
    # docs/REPLICATE.md: recorded responses omit keys (even ones the spec marks required) and one
    # serializer writes explicit nulls for fields the spec does not call nullable
    from replicost_api.models import PredictionResponse
    from replicost_api.types import UNSET

    compact = {
        k: v for k, v in PREDICTION.items() if k not in ("error", "urls", "metrics", "output")
    }
    prediction = PredictionResponse.from_dict(compact)
    assert (prediction.error, prediction.urls, prediction.output) == (UNSET, UNSET, UNSET)

    explicit = {**PREDICTION, "completed_at": None, "metrics": None, "logs": None, "error": None}
    prediction = PredictionResponse.from_dict(explicit)
    assert (
        prediction.completed_at is UNSET
        and prediction.metrics is UNSET
        and prediction.logs is UNSET
    )
    assert prediction.error is None  # the spec declares this one nullable: None stays None
    assert prediction.created_at.microsecond == 123456  # 9 fractional digits, cut to 6


def test_unknown_training_status_through_a_real_http_call():
    from replicost_api import Client
    from replicost_api.api.trainings import trainings_list

    training = {
        **{k: PREDICTION[k] for k in ("id", "model", "version", "input", "urls", "created_at")},
        "status": "queued_on_the_moon",
        "output": None,
        "error": None,
        "logs": "",
    }
    page = {"next": None, "previous": None, "results": [training]}

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/trainings"
        return httpx.Response(200, json=page)

    client = Client(base_url="https://api.example/v1")
    client.set_httpx_client(
        httpx.Client(base_url="https://api.example/v1", transport=httpx.MockTransport(handler))
    )
    parsed = trainings_list.sync(client=client)
    assert parsed is not None
    assert [t.status for t in parsed.results] == ["queued_on_the_moon"]


def test_literal_enum_variant_is_lenient_too(tmp_path, specs_dir):
    # the config uses enum classes; the literal-enum template is overridden as well, in case it is
    # switched on: generate with literal_enums and parse the same record
    config = tmp_path / "config.yml"
    config.write_text(
        generator.CONFIG_PATH.read_text().replace("literal_enums: false", "literal_enums: true")
    )
    patched = generator.prepare(spec.load_spec(specs_dir / "openapi.json"))
    package_dir = tmp_path / "literal" / "replicost_api"
    generator.render_package(patched, package_dir, config_path=config)
    status_module = (package_dir / "models" / "prediction_response_status.py").read_text()
    assert "Literal[" in status_module and "def check_prediction_response_status" in status_module
    generator.smoke_import(package_dir.parent)
    probe = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(package_dir.parent)!r})\n"
        "from replicost_api.models import PredictionResponse\n"
        f"p = PredictionResponse.from_dict(json.loads({json.dumps(json.dumps(PREDICTION))}))\n"
        "print(p.status, p.source)\n"
    )
    import subprocess

    completed = subprocess.run(
        [sys.executable, "-B", "-c", probe], capture_output=True, text=True, check=True
    )
    assert completed.stdout.split() == ["paused_for_maintenance", "carrier_pigeon"]


def test_models_search_extension_sends_a_query_request():
    from replicost.client.api_extensions import models_search_sync, models_search_sync_detailed
    from replicost_api import AuthenticatedClient

    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, json={"next": None, "previous": None, "results": [{"name": "flux"}]}
        )

    client = AuthenticatedClient(base_url="https://api.example/v1", token="r8_secret")
    client.set_httpx_client(
        httpx.Client(
            base_url="https://api.example/v1",
            transport=httpx.MockTransport(handler),
            headers={"Authorization": "Bearer r8_secret"},
        )
    )
    assert models_search_sync(client=client, query="flux schnell") == {
        "next": None,
        "previous": None,
        "results": [{"name": "flux"}],
    }
    request = seen[0]
    assert (request.method, request.url.path) == ("QUERY", "/v1/models")
    assert request.content == b"flux schnell"
    assert request.headers["content-type"] == "text/plain"
    assert models_search_sync_detailed(client=client, query="x").status_code == 200


# -- bad inputs: one line, non-zero exit, output untouched ------------------------------------


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/openapi.json"


@pytest.fixture
def existing_output(tmp_path) -> Path:
    output = tmp_path / "out" / "replicost_api"
    output.mkdir(parents=True)
    (output / "__init__.py").write_text('"""an older client"""\n')
    (output / "BUILD_INFO.json").write_text('{"spec_sha256": "old"}\n')
    return output


@pytest.mark.parametrize(
    ("case", "exit_code", "message"),
    [
        ("truncated", 2, "is not valid JSON"),
        ("not_openapi", 2, "is not an OpenAPI 3.0/3.1 document"),
        ("invalid_openapi", 2, "is not a valid OpenAPI 3.0.3 document"),
        ("missing", 2, "spec file not found"),
        ("unreachable", 1, "cannot fetch spec"),
    ],
)
def test_bad_spec_is_one_line_error_and_output_untouched(
    case, exit_code, message, tmp_path, existing_output, specs_dir
):
    if case == "truncated":
        source = tmp_path / "truncated.json"
        source.write_bytes((specs_dir / "openapi.json").read_bytes()[:5000])
    elif case == "not_openapi":
        source = tmp_path / "package.json"
        source.write_text('{"name": "left-pad", "version": "1.3.0"}')
    elif case == "invalid_openapi":
        source = tmp_path / "invalid.json"
        source.write_text(
            json.dumps({"openapi": "3.0.3", "info": {"title": "x"}, "paths": {"/a": {"get": {}}}})
        )
    elif case == "missing":
        source = tmp_path / "nope.json"
    else:
        source = closed_port_url()
    before = tree(existing_output.parent)
    code, out, err = run_cli("codegen", "--spec", str(source), "--output", str(existing_output))
    assert code == exit_code
    assert err.startswith("error: ") and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert tree(existing_output.parent) == before  # nothing added, nothing changed


def test_refuses_to_replace_a_folder_codegen_did_not_write(tmp_path, specs_dir):
    project = tmp_path / "someone_elses_project"
    project.mkdir()
    (project / "main.py").write_text("print('precious')\n")
    before = tree(project)
    code, _, err = run_cli(
        "codegen", "--spec", str(specs_dir / "openapi.json"), "--output", str(project)
    )
    assert code == 2 and "refusing to replace it" in err
    assert tree(project) == before


def test_failure_after_generation_keeps_old_output(existing_output, specs_dir, monkeypatch):
    def broken_import(parent: Path) -> int:
        assert (parent / "replicost_api" / "client.py").is_file()  # generated, then rejected
        raise ReplicostError("generated client does not import: SyntaxError")

    monkeypatch.setattr(generator, "smoke_import", broken_import)
    before = tree(existing_output.parent)
    with pytest.raises(ReplicostError, match="does not import"):
        generator.generate(specs_dir / "openapi.json", existing_output)
    assert tree(existing_output.parent) == before


def test_default_output_is_the_project_generated_folder(monkeypatch, tmp_path):
    assert generator.project_generated_dir() == GENERATED
    # installed without a project folder around it: the output must be named
    installed = tmp_path / "site-packages" / "replicost" / "codegen"
    installed.mkdir(parents=True)
    monkeypatch.setattr(generator, "CODEGEN_DIR", installed)
    with pytest.raises(InputError, match="pass --output DIR"):
        generator.project_generated_dir()


# -- regeneration, changelog, --check ---------------------------------------------------------


def test_regeneration_appends_dated_change_report_and_check_exit_codes(tmp_path, specs_dir):
    history = specs_dir / "history"
    before_aborted = history / "2025-10-22_edf2c237ea9e.json"
    with_aborted = history / "2025-10-23_988ee7851fe9.json"
    output = tmp_path / "client" / "replicost_api"

    generator.generate(before_aborted, output)
    assert "## " not in (output / "CHANGELOG.md").read_text()  # nothing to compare with yet

    code, out, _ = run_cli(
        "codegen", "--check", "--spec", str(before_aborted), "--output", str(output)
    )
    assert code == 0 and out.startswith("up to date")
    code, out, err = run_cli(
        "codegen", "--check", "--spec", str(with_aborted), "--output", str(output)
    )
    assert code == 1
    assert "out of date" in err and "status (enum values added: aborted; breaking" in out
    for fail_on, expected in (("any", 1), ("breaking", 1), ("none", 0)):
        args = ["codegen", "--check", "--spec", str(with_aborted), "--output", str(output)]
        code, out, err = run_cli(*args, "--fail-on", fail_on)
        assert code == expected, (fail_on, err)
        assert "out of date" in err and "2 breaking" in out
    assert not (output / "models" / "prediction_response_status.py").read_text().count("ABORTED")

    result = generator.generate(with_aborted, output, today=date(2026, 1, 2))
    assert result.report is not None and len(result.report.changes) == 2
    changelog = (output / "CHANGELOG.md").read_text()
    assert "## 2026-01-02: spec " in changelog
    assert changelog.count("enum values added: aborted") == 2  # prediction and training status
    assert "ABORTED" in (output / "models" / "prediction_response_status.py").read_text()

    # the same spec again: no new entry, identical tree
    snapshot = tree(output)
    generator.generate(with_aborted, output, today=date(2026, 2, 3))
    assert tree(output) == snapshot


def test_check_against_project_generated_folder(specs_dir):
    code, out, _ = run_cli("codegen", "--check", "--spec", str(specs_dir / "openapi.json"))
    assert (code, out.split(":")[0]) == (0, "up to date")


def test_diff_command_reports_the_october_2025_header_rename(specs_dir):
    history = specs_dir / "history"
    code, out, err = run_cli(
        "codegen",
        "diff",
        history / "2025-10-07_9ebe87e8e48f.json",
        history / "2025-10-22_edf2c237ea9e.json",
    )
    assert code == 1 and "3 breaking change(s) (--fail-on breaking)" in err  # the default
    renamed = [
        line
        for line in out.splitlines()
        if "header:Replicate-Max-Lifetime -> header:Cancel-After" in line
    ]
    assert len(renamed) == 3 and all(line.strip().startswith("BREAKING") for line in renamed)


def test_generated_package_public_names():
    # the names the client runtime imports
    from replicost_api import AuthenticatedClient, Client  # noqa: F401
    from replicost_api.api.deployments import deployments_list  # noqa: F401
    from replicost_api.api.predictions import predictions_list
    from replicost_api.api.trainings import trainings_list  # noqa: F401
    from replicost_api.models import (  # noqa: F401
        DeploymentResponse,
        DeploymentsListResponse200,
        PredictionResponse,
        PredictionsListResponse200,
        TrainingResponse,
        TrainingsListResponse200,
    )

    assert callable(predictions_list.sync_detailed)


def test_spec_fingerprint_ignores_formatting(tmp_path, specs_dir):
    document = json.loads((specs_dir / "openapi.json").read_text())
    compact = tmp_path / "compact.json"
    compact.write_text(json.dumps(document, separators=(",", ":")))
    assert spec.load_spec(compact).sha256 == spec.load_spec(specs_dir / "openapi.json").sha256
