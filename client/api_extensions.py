"""Hand-written calls for the operations openapi-python-client cannot generate.

Replicate's `models.search` is `QUERY /models` with a `text/plain` body. QUERY is an HTTP method
OpenAPI 3.1 does not define (3.2 adds it), and openapi-python-client 0.29.1 drops such operations
without a word, so `replicost.codegen.patches` sets it aside and this module serves it, written in
the style of a generated endpoint module (`sync_detailed`, `sync`, `asyncio_detailed`, `asyncio`)
and sending through the generated client's own httpx client, so transports, timeouts and auth
headers apply exactly as for generated calls.

`OPERATIONS` maps each operationId served here to its `sync_detailed` function; together with
`replicost_api.api` it makes every operation of the spec reachable from Python.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import httpx

from replicost_api import errors
from replicost_api.client import AuthenticatedClient, Client
from replicost_api.types import Response


def _models_search_kwargs(query: str) -> dict[str, Any]:
    return {
        "method": "QUERY",
        "url": "/models",
        "content": query.encode("utf-8"),
        "headers": {"Content-Type": "text/plain"},
    }


def _parse_models_search(
    client: AuthenticatedClient | Client, response: httpx.Response
) -> dict[str, Any] | None:
    # the response is an inline schema the generator never saw (no model class exists for it):
    # the decoded page `{"next", "previous", "results": [model objects]}` is returned as is
    if response.status_code == 200:
        return response.json()
    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    return None


def _build(
    client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[dict[str, Any]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_models_search(client, response),
    )


def models_search_sync_detailed(
    *, client: AuthenticatedClient | Client, query: str
) -> Response[dict[str, Any]]:
    """Search public models (`QUERY /models`, operation `models.search`)."""
    response = client.get_httpx_client().request(**_models_search_kwargs(query))
    return _build(client, response)


def models_search_sync(
    *, client: AuthenticatedClient | Client, query: str
) -> dict[str, Any] | None:
    """Search public models; return the decoded page, or None on an undocumented status."""
    return models_search_sync_detailed(client=client, query=query).parsed


async def models_search_asyncio_detailed(
    *, client: AuthenticatedClient | Client, query: str
) -> Response[dict[str, Any]]:
    """Search public models (`QUERY /models`) with the async httpx client."""
    response = await client.get_async_httpx_client().request(**_models_search_kwargs(query))
    return _build(client, response)


async def models_search_asyncio(
    *, client: AuthenticatedClient | Client, query: str
) -> dict[str, Any] | None:
    """Search public models asynchronously; return the decoded page."""
    return (await models_search_asyncio_detailed(client=client, query=query)).parsed


OPERATIONS: dict[str, Callable[..., Response[Any]]] = {
    "models.search": models_search_sync_detailed,
}
