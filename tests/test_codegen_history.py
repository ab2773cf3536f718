"""Every stored version of Replicate's spec generates a client whose every module imports.

29 generations take about a minute of CPU, so they run two at a time (this machine has 2 cores).
"""

from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from replicost.codegen import generator


def generate_one(spec_path: str, output: str) -> int:
    return generator.generate(spec_path, Path(output)).module_count


@pytest.mark.slow
def test_every_history_spec_generates_and_imports(specs_dir, tmp_path):
    specs = [*sorted((specs_dir / "history").glob("*.json")), specs_dir / "openapi.json"]
    assert len(specs) >= 29
    outputs = {spec: tmp_path / spec.stem / "replicost_api" for spec in specs}
    with ProcessPoolExecutor(
        max_workers=2, mp_context=multiprocessing.get_context("spawn")
    ) as pool:
        futures = {spec: pool.submit(generate_one, str(spec), str(outputs[spec])) for spec in specs}
        imported = {spec: future.result() for spec, future in futures.items()}

    for spec, output in outputs.items():
        python_files = list(output.rglob("*.py"))
        # the import check inside generate() imported each module (packages included) once
        assert imported[spec] == len(python_files), spec.name
        document = json.loads(spec.read_text())
        for path_item in document["paths"].values():
            for method, operation in path_item.items():
                if method == "query":  # not generated: served by replicost.client.api_extensions
                    continue
                operation_id = operation["operationId"]
                module = (
                    output
                    / "api"
                    / operation_id.split(".")[0]
                    / f"{operation_id.replace('.', '_')}.py"
                )
                assert module.is_file(), f"{spec.name}: {operation_id}"
