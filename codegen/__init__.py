"""Codegen: a typed Replicate client (`replicost_api`) regenerated from Replicate's OpenAPI spec.

`generate` fetches and validates the spec, applies the documented patches (`patches`), runs the
pinned openapi-python-client with lenient-enum templates (`templates/`), writes the API surface
manifest (`surface`) and build info next to the code, and swaps the result into place only when
every generated module imports. `check` and `diff` compare surfaces and report changes
(`changes`) without generating anything.
"""

from replicost.codegen.generator import GenerateResult, check, diff, generate, project_generated_dir

__all__ = ["GenerateResult", "check", "diff", "generate", "project_generated_dir"]
