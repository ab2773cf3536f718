"""Routes of the account's small resources: models, versions, collections, deployments, hardware,
the account, and the spec's operations the simulator does not serve.

A mixin of `SimulatorApp` (which supplies `self.account`), so that app.py keeps the paging and
record routes and this module the catalog. Every handler takes `(params, query, body, base)`:
the path parameters, the parsed query, the raw body and scheme://host.
"""

from __future__ import annotations

from typing import Any

from replicost.simulator import resources
from replicost.simulator.account import SimulatedAccount
from replicost.simulator.catalog import HARDWARE
from replicost.simulator.responses import ApiError, json_response, page_response

Params = tuple[str, ...]
Query = dict[str, str]

# Operations of Replicate's spec the simulator does not serve: answered 501 with their name, so a
# client sees at once that this is the simulator's limit, not a missing object.
UNSERVED: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("POST", ("deployments",), "deployments.create"),
    ("PATCH", ("deployments", "*", "*"), "deployments.update"),
    ("DELETE", ("deployments", "*", "*"), "deployments.delete"),
    ("GET", ("files",), "files.list"),
    ("POST", ("files",), "files.create"),
    ("GET", ("files", "*"), "files.get"),
    ("DELETE", ("files", "*"), "files.delete"),
    ("GET", ("files", "*", "download"), "files.download"),
    ("POST", ("models",), "models.create"),
    ("PATCH", ("models", "*", "*"), "models.update"),
    ("DELETE", ("models", "*", "*"), "models.delete"),
    ("GET", ("models", "*", "*", "examples"), "models.examples.list"),
    ("GET", ("models", "*", "*", "readme"), "models.readme.get"),
    ("DELETE", ("models", "*", "*", "versions", "*"), "models.versions.delete"),
    ("GET", ("search",), "search"),
    ("GET", ("webhooks", "default", "secret"), "webhooks.default.secret.get"),
)


class CatalogRoutes:
    """Handlers for the catalog's routes (mixed into SimulatorApp)."""

    account: SimulatedAccount

    def _list_models(self, params: Params, query: Query, body: bytes, base: str) -> Any:
        sort_by = query.get("sort_by", "latest_version_created_at")
        direction = query.get("sort_direction", "desc")
        if sort_by not in ("model_created_at", "latest_version_created_at"):
            raise ApiError(400, f"Invalid sort_by {sort_by!r}.")
        if direction not in ("asc", "desc"):
            raise ApiError(400, f"Invalid sort_direction {direction!r}.")
        return page_response(resources.public_models(self.account, sort_by, direction == "desc"))

    def _search_models(self, params: Params, query: Query, body: bytes, base: str) -> Any:
        try:
            text = body.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise ApiError(400, "The search query must be UTF-8 text.") from None
        if not text:
            raise ApiError(400, "A search query is required (the request body, text/plain).")
        return page_response(resources.search(self.account, text))

    def _get_model(self, params: Params, query: Query, body: bytes, base: str) -> Any:
        found = resources.model_object(self.account, "/".join(params))
        if found is None:
            raise ApiError(404, "Model not found.")
        return json_response(200, found)

    def _list_versions(self, params: Params, query: Query, body: bytes, base: str) -> Any:
        try:
            found = resources.versions(self.account, "/".join(params))
        except PermissionError as exc:
            raise ApiError(404, str(exc)) from None
        if found is None:
            raise ApiError(404, "Model not found.")
        return page_response(found)

    def _get_version(self, params: Params, query: Query, body: bytes, base: str) -> Any:
        owner, name, version_id = params
        try:
            found = resources.versions(self.account, f"{owner}/{name}") or []
        except PermissionError as exc:
            raise ApiError(404, str(exc)) from None
        for version in found:
            if version["id"] == version_id:
                return json_response(200, version)
        raise ApiError(404, "Version not found.")

    def _list_collections(self, params: Params, query: Query, body: bytes, base: str) -> Any:
        return page_response(resources.collections(self.account))

    def _get_collection(self, params: Params, query: Query, body: bytes, base: str) -> Any:
        found = resources.collection(self.account, params[0])
        if found is None:
            raise ApiError(404, "Collection not found.")
        return json_response(200, found)

    def _list_deployments(self, params: Params, query: Query, body: bytes, base: str) -> Any:
        now = self.account.now_ns()
        found = (resources.deployment(self.account, dep, now) for dep in self.account.deployments)
        results = [dep for dep in found if dep]
        results.sort(key=lambda d: d["current_release"]["created_at"], reverse=True)
        return page_response(results)

    def _get_deployment(self, params: Params, query: Query, body: bytes, base: str) -> Any:
        owner, name = params
        spec = self.account.deployment_spec(name) if owner == self.account.username else None
        found = resources.deployment(self.account, spec, self.account.now_ns()) if spec else None
        if not found:
            raise ApiError(404, "Deployment not found.")
        return json_response(200, found)

    def _account(self, params: Params, query: Query, body: bytes, base: str) -> Any:
        return json_response(200, resources.owner(self.account))

    def _hardware(self, params: Params, query: Query, body: bytes, base: str) -> Any:
        return json_response(200, HARDWARE)


def unserved(operation: str, params: Params, query: Query, body: bytes, base: str) -> Any:
    """The answer to an operation of the spec the simulator does not serve."""
    raise ApiError(
        501,
        f"replicost's simulator does not serve {operation}; Replicate's API does "
        "(README: the simulator as a test server)",
    )
