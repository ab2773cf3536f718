"""`ReplicateClient`: the one seam between replicost and the generated `replicost_api` package.

The generated client has no timeouts, retries or paging. This runtime owns the `httpx.Client` (and
its async twin) and hands it to the generated `AuthenticatedClient`, so every request, generated or
ours, goes through one retrying transport, one request budget and one set of counters. Tests swap
the inner transport (`transport=` / `async_transport=`).

    from replicost.client import ReplicateClient
    with ReplicateClient(token="r8_...") as client:
        for prediction in client.predictions.iter_all():      # replicost_api PredictionResponse models
            print(prediction.id, prediction.status)
        for record in client.predictions.iter_raw():          # plain dicts, as served (fast)
            ...

Async: `async for p in client.predictions.aiter_all(): ...` (then `await client.aclose()`).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from urllib.parse import quote

import httpx

from replicost import __version__
from replicost.client import base_url as base_urls
from replicost.client.base_url import DEFAULT_BASE_URL
from replicost.client.bounded import ACCEPTED_ENCODINGS, DEFAULT_MAX_RESPONSE_BYTES
from replicost.client.deadline import DEFAULT_REQUEST_DEADLINE, Deadlines
from replicost.client.errors import BadResponseError, NotFoundError
from replicost.client.paging import (
    CursorPager,
    Page,
    aiter_pages,
    iter_pages,
    network_error,
    parsed_body,
)
from replicost.client.results import Account, Hardware, unset_to_none
from replicost.client.retry import (
    AsyncRetryingTransport,
    RequestBudget,
    RequestStats,
    RetryingTransport,
    RetryPolicy,
)
from replicost.errors import InputError, ReplicostError
from replicost.redact import redact, register_secret

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_REQUESTS_PER_MINUTE",
    "Account",
    "Hardware",
    "ReplicateClient",
    "to_model",
]
# Replicate documents 3000 requests/min for list endpoints: the budget starts there and adapts to
# what the server says (429s and their hints lower the pace, quiet seconds raise it back: retry.py).
DEFAULT_REQUESTS_PER_MINUTE = 3000
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)  # per read; the deadlines bound the whole


def _generated_models() -> Any:
    missing = ReplicostError(
        "the generated client (replicost_api) is missing; run `replicost codegen`"
    )
    try:
        import replicost_api.models as models  # imported lazily: a missing client is an error line
    except ImportError:
        raise missing from None
    if not hasattr(models, "PredictionResponse"):
        raise missing
    return models


class _Resource:
    """One list/get endpoint family; `model` names the generated class records become."""

    def __init__(
        self,
        client: ReplicateClient,
        path: str,
        model: str,
        filters: tuple[str, ...] = (),
        key_field: str | None = "id",
        get_model: str | None = None,
        order_field: str | None = None,
    ) -> None:
        self._client, self.path, self.model, self.filters = client, path, model, filters
        self.key_field, self.order_field = key_field, order_field
        self.get_model = get_model or model  # a list item and a single object may differ

    def _params(self, filters: dict[str, Any]) -> dict[str, str]:
        unknown = set(filters) - set(self.filters)
        if unknown:
            raise TypeError(f"{self.path} takes no filter {sorted(unknown)}")
        return {k: _iso(v) for k, v in filters.items() if v is not None}

    def pager(self, *, cursor_url: str | None = None, **filters: Any) -> CursorPager:
        """A fresh pager over this list (or resuming from a saved `next` URL)."""
        return CursorPager(
            self.path,
            self._params(filters),
            cursor_url=cursor_url,
            origin=self._client.origin,
            key_field=self.key_field,
            order_field=self.order_field,
        )

    def iter_pages(self, **filters: Any) -> Iterator[Page]:
        """Every page of the list, newest first, as raw dicts."""
        return iter_pages(self._client.http, self.pager(**filters))

    def iter_raw(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """Every record of the list, newest first, as the dict the API served."""
        for page in self.iter_pages(**filters):
            yield from page.results

    def iter_all(self, **filters: Any) -> Iterator[Any]:
        """Every record of the list, newest first, as generated `replicost_api` models."""
        model = getattr(_generated_models(), self.model)
        for record in self.iter_raw(**filters):
            yield to_model(model, record)

    async def aiter_raw(self, **filters: Any) -> AsyncIterator[dict[str, Any]]:
        """Async `iter_raw`."""
        async for page in aiter_pages(self._client.ahttp, self.pager(**filters)):
            for record in page.results:
                yield record

    async def aiter_all(self, **filters: Any) -> AsyncIterator[Any]:
        """Async `iter_all`."""
        model = getattr(_generated_models(), self.model)
        async for record in self.aiter_raw(**filters):
            yield to_model(model, record)

    def get_raw(self, key: str) -> dict[str, Any]:
        """One record by id (or owner/name) as a dict; NotFoundError if it does not exist."""
        return self._client.get_json(f"{self.path}/{quote(key, safe='/')}")

    def get(self, key: str) -> Any:
        """One record as a generated model."""
        return to_model(getattr(_generated_models(), self.get_model), self.get_raw(key))


class _Models(_Resource):
    """Models: the public list, one model, its versions, and search (`QUERY /models`)."""

    def versions_raw(self, name: str) -> list[dict[str, Any]]:
        """Every version of model `owner/name`, newest first, as dicts (official models: 404)."""
        pager = CursorPager(
            f"{self.path}/{quote(name, safe='/')}/versions", origin=self._client.origin
        )
        return [record for page in iter_pages(self._client.http, pager) for record in page.results]

    def versions(self, name: str) -> list[Any]:
        """Every version of model `owner/name` as generated `VersionResponse` models."""
        model = _generated_models().VersionResponse
        return [to_model(model, record) for record in self.versions_raw(name)]

    def search_raw(self, query: str) -> list[dict[str, Any]]:
        """Public models matching `query` (Replicate's `QUERY /models`), as dicts."""
        response = self._client.request(
            "QUERY", self.path, content=query.encode(), headers={"Content-Type": "text/plain"}
        )
        return list(response["results"])

    def search(self, query: str) -> list[Any]:
        """Public models matching `query`, as generated `ModelResponse` models."""
        model = getattr(_generated_models(), self.model)
        return [to_model(model, record) for record in self.search_raw(query)]


def to_model(model: Any, record: dict[str, Any]) -> Any:
    """Build a generated model from a record, tolerating keys the API left out.

    Replicate omits keys instead of sending null (docs/REPLICATE.md), while the generated `from_dict` pops
    every key the spec calls required; a missing one becomes an explicit null rather than a crash.
    A field the record leaves out is None in the model, never the generator's UNSET
    (`results.unset_to_none`).
    """
    record = dict(record)
    for _ in range(len(record) + 32):
        try:
            return unset_to_none(model.from_dict(record))
        except KeyError as exc:
            key = exc.args[0] if exc.args else None
            if not isinstance(key, str) or key in record:
                raise
            record[key] = None
    raise BadResponseError(f"cannot read a {model.__name__} record {record.get('id')!r}")


def clean_token(token: str | None) -> str:
    """The token without surrounding whitespace (a trailing newline from a file or a paste);
    refused if empty or if a control character is left inside (it cannot be sent as a header)."""
    token = (token or "").strip()
    if not token:
        raise InputError("no API token: set REPLICATE_API_TOKEN or pass --token")
    if any(ord(char) < 32 or 127 <= ord(char) < 160 for char in token):
        raise InputError(
            "the API token holds a control character (a line break or tab inside it?); "
            "check REPLICATE_API_TOKEN or --token"
        )
    if not token.isascii():
        raise InputError(
            "the API token holds a non-ASCII character; check REPLICATE_API_TOKEN or --token"
        )
    return token


def _iso(value: Any) -> str:
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text.replace("+00:00", "Z")
    return str(value)


class ReplicateClient:
    """Replicate's HTTP API with timeouts, retries, a request budget, typed errors and paging."""

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        requests_per_minute: float | None = DEFAULT_REQUESTS_PER_MINUTE,
        max_connections: int = 32,
        on_retry: Callable[[str], None] | None = None,
        request_deadline: float = DEFAULT_REQUEST_DEADLINE,
        deadline: float | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        token = clean_token(token or os.environ.get("REPLICATE_API_TOKEN"))
        register_secret(token)
        self._token = token
        # with or without /v1; --base-url > $REPLICATE_API_BASE_URL > $REPLICATE_BASE_URL
        self.base = base_urls.resolve(base_url)
        self.base_url = self.base.url
        self.origin = self.base.origin
        self._root_confirmed = False  # set by the first 2xx: a later 404 is about a record
        self.retry = retry or RetryPolicy()
        # one response's deadline, and the whole client's (a sync's): counted from now
        # and its size, decoded (client/bounded.py)
        self.deadlines = Deadlines(
            request_deadline, deadline, clock=self.retry.clock, max_body_bytes=max_response_bytes
        )
        self.stats = RequestStats()
        self.budget = RequestBudget(requests_per_minute, clock=self.retry.clock)
        self._on_retry = on_retry
        self._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._headers = {
            "Authorization": f"Bearer {token}",
            "User-Agent": f"replicost/{__version__}",
            "Accept-Encoding": ACCEPTED_ENCODINGS,  # the encodings bounded.py decodes itself
        }
        self._limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        inner = transport or httpx.HTTPTransport(limits=self._limits)
        self.http = httpx.Client(
            base_url=self.base_url + "/",
            headers=self._headers,
            timeout=self._timeout,
            transport=RetryingTransport(
                inner, self.retry, self.budget, self.stats, on_retry, self.deadlines
            ),
            event_hooks={"response": [self._check_root]},
        )
        self._async_inner = async_transport
        self._ahttp: httpx.AsyncClient | None = None
        self._generated: Any = None
        self._add_resources()

    def _add_resources(self) -> None:
        self.predictions = _Resource(
            self,
            "predictions",
            "PredictionResponse",
            filters=("created_after", "created_before", "source"),
            order_field="created_at",  # listed newest first: a page never goes back up in time
        )
        self.trainings = _Resource(self, "trainings", "TrainingResponse", order_field="created_at")
        self.deployments = _Resource(self, "deployments", "DeploymentResponse", key_field="name")
        self.models = _Models(self, "models", "ModelResponse", key_field="name")
        self.collections = _Resource(
            self,
            "collections",
            "CollectionListItem",
            key_field="slug",
            get_model="CollectionResponse",
        )

    def _root_error(self, response: httpx.Response) -> NotFoundError | None:
        """Until an answer succeeds, a 404 on a top-level endpoint means the base URL is wrong."""
        if self._root_confirmed:
            return None
        if response.is_success:
            self._root_confirmed = True
            return None
        if response.status_code != 404:
            return None
        tried = str(response.request.url.copy_with(query=None))
        if not tried.startswith(self.base_url + "/") or "/" in tried[len(self.base_url) + 1 :]:
            return None  # a record (predictions/ID) may well not exist: not the root's fault
        return NotFoundError(
            redact(base_urls.wrong_root_hint(tried, self.base)), url=tried, status=404
        )

    def _check_root(self, response: httpx.Response) -> None:
        error = self._root_error(response)
        if error is not None:
            response.close()
            raise error

    async def _acheck_root(self, response: httpx.Response) -> None:
        error = self._root_error(response)
        if error is not None:
            await response.aclose()
            raise error

    @property
    def ahttp(self) -> httpx.AsyncClient:
        """The async `httpx.AsyncClient`, created on first use (same policy, budget and counters)."""
        if self._ahttp is None:
            inner = self._async_inner or httpx.AsyncHTTPTransport(limits=self._limits)
            self._ahttp = httpx.AsyncClient(
                base_url=self.base_url + "/",
                headers=self._headers,
                timeout=self._timeout,
                transport=AsyncRetryingTransport(
                    inner, self.retry, self.budget, self.stats, self._on_retry, self.deadlines
                ),
                event_hooks={"response": [self._acheck_root]},
            )
        return self._ahttp

    @property
    def generated(self) -> Any:
        """The generated `replicost_api.AuthenticatedClient`, sharing this client's httpx clients."""
        if self._generated is None:
            _generated_models()
            from replicost_api import AuthenticatedClient

            api = AuthenticatedClient(base_url=self.base_url, token=self._token)
            api.set_httpx_client(self.http)
            api.set_async_httpx_client(self.ahttp)
            self._generated = api
        return self._generated

    def get_json(self, path: str, params: dict[str, str] | None = None) -> Any:
        """GET a path under the base URL and return its JSON, raising typed errors."""
        return self.request("GET", path, params=params)

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request to a path under the base URL and return its JSON, raising typed errors."""
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise network_error(exc, f"{self.base_url}/{path}") from None
        return parsed_body(response)

    def account(self) -> Account:
        """GET /account: the user or organization the token belongs to, typed."""
        return Account.from_json(self.account_json())

    def account_json(self) -> Any:
        """GET /account as the JSON the API served (what the sync stores)."""
        return self.get_json("account")

    def hardware(self) -> list[Hardware]:
        """GET /hardware: every hardware SKU with its name, typed."""
        return Hardware.list_from_json(self.hardware_json())

    def hardware_json(self) -> Any:
        """GET /hardware as the JSON the API served (what the sync stores)."""
        return self.get_json("hardware")

    def close(self) -> None:
        self.http.close()

    async def aclose(self) -> None:
        if self._ahttp is not None:
            await self._ahttp.aclose()
        self.http.close()

    def __enter__(self) -> ReplicateClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
