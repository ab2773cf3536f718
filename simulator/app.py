"""The simulated API: routes, auth, rate limit, faults and cursor paging over a SimulatedAccount.

`SimulatorApp.handle` takes a plain request (method, path, query, headers, body) and returns a
`SimulatedResponse`; the in-process httpx transport and the socket server are thin adapters, so
both run exactly the same code. Lists page like Replicate's (Django REST framework's cursor
paging): 100 records, newest first, opaque `next`/`previous` URLs whose cursor encodes the
`created_at` of the page's edge record, never an offset, so a cursor taken before new predictions
were created still pages through the same records.
"""

from __future__ import annotations

import base64
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

import orjson

from replicost.simulator import faults as fault_kinds
from replicost.simulator import links
from replicost.simulator.account import DAY_NS, SimulatedAccount
from replicost.simulator.catalog_routes import UNSERVED, CatalogRoutes, unserved
from replicost.simulator.faults import FaultConfig, FaultInjector
from replicost.simulator.growth import cancel, create_training, find_trainer
from replicost.simulator.ratelimit import TokenBucket, retry_after_seconds
from replicost.simulator.responses import (
    PROBLEM,
    ApiError,
    SimulatedResponse,
    json_body,
    json_response,
)
from replicost.simulator.timefmt import format_ns, parse_iso_ns

if TYPE_CHECKING:
    from replicost.simulator.transport import AsyncSimulatorTransport, SimulatorTransport

PAGE_SIZE = 100
WEB_SOURCE_WINDOW_NS = 14 * DAY_NS  # `source=web` only covers the last 14 days
UNAUTHENTICATED = {
    "title": "Unauthenticated",
    "detail": "You did not pass a valid authentication token",
    "status": 401,
}
STABLE_CACHE_RECORDS = 50_000  # serialized records that can no longer change (about 40 MB)
_ID_CACHE_LIMIT = 100_000  # id -> index for records already served in lists
_CACHEABLE_BYTES = 16_384  # never cache the rare data-URL records
HIDDEN = "hidden"  # what predictions of official models show as their version
INVALID_VERSION = "Invalid version or not permitted"
INVALID_VERSION_DETAIL = (
    "The specified version does not exist (or perhaps you don't have permission to use it?)"
)

# (method, path under /v1 with "*" for a parameter, operationId, handler): Replicate's spec
ROUTES: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("GET", ("predictions",), "predictions.list", "_list_predictions"),
    ("POST", ("predictions",), "predictions.create", "_post_prediction"),
    ("GET", ("predictions", "*"), "predictions.get", "_get_prediction"),
    ("POST", ("predictions", "*", "cancel"), "predictions.cancel", "_cancel_prediction"),
    ("GET", ("trainings",), "trainings.list", "_list_trainings"),
    ("GET", ("trainings", "*"), "trainings.get", "_get_training"),
    ("POST", ("trainings", "*", "cancel"), "trainings.cancel", "_cancel_training"),
    ("GET", ("deployments",), "deployments.list", "_list_deployments"),
    ("GET", ("deployments", "*", "*"), "deployments.get", "_get_deployment"),
    (
        "POST",
        ("deployments", "*", "*", "predictions"),
        "deployments.predictions.create",
        "_post_deployment_prediction",
    ),
    ("GET", ("models",), "models.list", "_list_models"),
    ("QUERY", ("models",), "models.search", "_search_models"),
    ("GET", ("models", "*", "*"), "models.get", "_get_model"),
    (
        "POST",
        ("models", "*", "*", "predictions"),
        "models.predictions.create",
        "_post_model_prediction",
    ),
    ("GET", ("models", "*", "*", "versions"), "models.versions.list", "_list_versions"),
    ("GET", ("models", "*", "*", "versions", "*"), "models.versions.get", "_get_version"),
    (
        "POST",
        ("models", "*", "*", "versions", "*", "trainings"),
        "trainings.create",
        "_post_training",
    ),
    ("GET", ("collections",), "collections.list", "_list_collections"),
    ("GET", ("collections", "*"), "collections.get", "_get_collection"),
    ("GET", ("hardware",), "hardware.list", "_hardware"),
    ("GET", ("account",), "account.get", "_account"),
)


@dataclass
class Stats:
    """What the simulator served (tests assert retries and request counts with it)."""

    requests: int = 0
    by_route: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    faults: Counter = field(default_factory=Counter)
    rows: int = 0  # records served in list pages


class SimulatorApp(CatalogRoutes):
    """Replicate's HTTP API over a simulated account, with auth, limits and faults."""

    def __init__(
        self,
        account: SimulatedAccount,
        token: str | None = None,
        latency_ms: float = 0,
        rate_limit_rpm: float | None = None,
        faults: FaultConfig | None = None,
        *,
        rate_limit_burst: int | None = None,
        low_credit: bool = False,
        cache_records: int = STABLE_CACHE_RECORDS,
    ) -> None:
        self.account = account
        self.token = token
        self.latency_ms = latency_ms
        self.low_credit = low_credit
        self.cache_records = cache_records
        self.stats = Stats()
        self._stats_lock = threading.Lock()
        self._faults = FaultInjector(faults or FaultConfig())
        self._bucket = (
            TokenBucket(rate_limit_rpm, rate_limit_burst, self._limiter_clock)
            if rate_limit_rpm
            else None
        )
        # (kind, index) -> (bytes, source, the address its links point at; None: Replicate's)
        self._cache: OrderedDict[tuple, tuple[bytes, str, str | None]] = OrderedDict()
        self._ids: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._cache_lock = threading.Lock()
        # (method, number of path segments) -> [(pattern, route name, handler)], "*" = a param
        self._routes: dict[tuple[str, int], list[tuple[tuple[str, ...], str, Callable]]] = {}
        for method, pattern, name, handler in ROUTES:
            entry = (pattern, name, getattr(self, handler))
            self._routes.setdefault((method, len(pattern)), []).append(entry)
        for method, pattern, name in UNSERVED:
            entry = (pattern, name, partial(unserved, name))
            self._routes.setdefault((method, len(pattern)), []).append(entry)

    # ----- configuration at run time ------------------------------------------------------
    @property
    def faults(self) -> FaultConfig:
        return self._faults.config

    @faults.setter
    def faults(self, config: FaultConfig) -> None:
        """Switch faults on or off while running (the request count starts again)."""
        self._faults = FaultInjector(config)

    def advance(self, seconds: float) -> None:
        """Move the simulated clock forward (running predictions finish, limits refill)."""
        self.account.advance(seconds)

    def create_prediction(self, **kwargs: Any) -> dict:
        """Grow the account as POST /v1/predictions does; returns the new prediction."""
        return self.account.create_prediction(**kwargs)

    def httpx_transport(self) -> SimulatorTransport:
        """An httpx transport that serves this app in-process (no socket)."""
        from replicost.simulator.transport import SimulatorTransport

        return SimulatorTransport(self)

    def httpx_async_transport(self) -> AsyncSimulatorTransport:
        """The asyncio flavour of `httpx_transport`."""
        from replicost.simulator.transport import AsyncSimulatorTransport

        return AsyncSimulatorTransport(self)

    def warm(self, records: int | None = None, base: str | None = None) -> int:
        """Serialize the newest `records` predictions into the cache now; returns how many.

        Generating a record costs tens of microseconds of Python; a benchmark that wants to
        measure a sync, not the simulator, warms the records it will page through first, with
        the address it will serve them on (`SimulatorServer.origin`), so their links are ready.
        """
        now = self.account.now_ns()
        count = self.account.count("prediction")
        wanted = min(count, self.cache_records if records is None else records)
        for index in range(count - 1, count - 1 - wanted, -1):
            self._record_bytes("prediction", index, now, base)
        return wanted

    def _limiter_clock(self) -> float:
        # Real time always refills the bucket; advancing the simulated clock does too.
        return time.monotonic() + self.account.advanced_seconds

    # ----- entry point -------------------------------------------------------------------
    def handle(
        self,
        method: str,
        path: str,
        query: str = "",
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        base: str = "http://127.0.0.1",
    ) -> SimulatedResponse:
        """Serve one request. `headers` keys are lowercase; `base` is scheme://host[:port]."""
        headers = headers or {}
        link = links.route_name(path)  # a file or a stream: outside the API's limits and faults
        route, handler, params = (link, None, ()) if link else self._route(method, path)
        with self._stats_lock:
            self.stats.requests += 1
            self.stats.by_route[route] += 1
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        if link:
            authorized = self._authorized(headers.get("authorization", ""))
            response = links.serve(self.account, method, path, authorized)
        else:
            response = self._respond(route, handler, params, method, query, headers, body, base)
        with self._stats_lock:
            self.stats.by_status[response.status] += 1
            if response.fault:
                self.stats.faults[response.fault] += 1
        return response

    def _respond(
        self,
        route: str,
        handler: Callable | None,
        params: tuple[str, ...],
        method: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
        base: str,
    ) -> SimulatedResponse:
        if not self._authorized(headers.get("authorization", "")):
            return json_response(401, UNAUTHENTICATED, PROBLEM)
        if self._bucket is not None:
            wait = self._bucket.take()
            if wait:
                return self._throttled(retry_after_seconds(wait))
        fault = self._faults.decide(route)
        if fault == fault_kinds.THROTTLE:
            return self._throttled(self.faults.retry_after, fault=fault)
        if fault == fault_kinds.SERVER_ERROR:
            return self._server_error()
        if fault == fault_kinds.NON_JSON:
            return SimulatedResponse(
                200,
                b"<html><body><h1>Down for maintenance</h1></body></html>",
                "text/html; charset=utf-8",
                fault=fault,
            )
        if fault == fault_kinds.SLOW:
            time.sleep(self.faults.slow_ms / 1000)
        try:
            if handler is None:
                raise ApiError(404, "The requested resource could not be found.")
            response = handler(params, _parse_query(query), body, base)
        except ApiError as exc:
            return exc.response()
        if not response.local:
            response.body = links.localize(response.body, base)  # every link on this address
        if fault == fault_kinds.DROP:
            response.fault = fault
        elif fault == fault_kinds.TRUNCATE:
            response.body = response.body[: max(1, len(response.body) // 2)]
            response.fault = fault
        elif fault == fault_kinds.SLOW:
            response.fault = fault
        return response

    def _authorized(self, header: str) -> bool:
        scheme, _, credential = header.partition(" ")
        credential = credential.strip()
        if scheme.lower() not in ("bearer", "token") or not credential:
            return False
        return self.token is None or credential == self.token

    def _throttled(self, seconds: int, fault: str | None = None) -> SimulatedResponse:
        unit = "second" if seconds == 1 else "seconds"
        payload: dict = {
            "detail": f"Request was throttled. Expected available in {seconds} {unit}."
        }
        if self.low_credit:
            payload["retry_after"] = seconds
        response = json_response(429, payload)
        response.headers["Retry-After"] = str(seconds)
        response.fault = fault
        return response

    def _server_error(self) -> SimulatedResponse:
        status = (500, 502, 503)[self._faults.draw(str(self.stats.requests)) % 3]
        if status == 500:
            response = json_response(
                500,
                {
                    "title": "Internal Server Error",
                    "detail": "An unexpected error occurred.",
                    "status": 500,
                },
                PROBLEM,
            )
        else:  # what a load balancer in front of the API answers
            reason = "Bad Gateway" if status == 502 else "Service Unavailable"
            response = SimulatedResponse(
                status,
                f"<html><head><title>{status} {reason}</title></head><body><center><h1>"
                f"{status} {reason}</h1></center></body></html>".encode(),
                "text/html",
            )
        response.fault = fault_kinds.SERVER_ERROR
        return response

    def _route(self, method: str, path: str) -> tuple[str, Callable | None, tuple[str, ...]]:
        """(route name, handler, path params) for a request; ("unknown", None, ()) if none."""
        parts = tuple(part for part in path.split("/") if part)
        if not parts or parts[0] != "v1":
            return "unknown", None, ()
        parts = parts[1:]
        for pattern, name, handler in self._routes.get((method, len(parts)), ()):
            if all(want in ("*", part) for want, part in zip(pattern, parts, strict=True)):
                params = tuple(p for p, want in zip(parts, pattern, strict=True) if want == "*")
                return name, handler, params
        return "unknown", None, ()

    # ----- records and pages -------------------------------------------------------------
    def _record_bytes(
        self, kind: str, index: int, now_ns: int, base: str | None
    ) -> tuple[bytes, str]:
        """A record as served to `base` (its links on that address), cached once it is final."""
        key = (kind, index)
        cached = self._cache.get(key)
        if cached is not None and cached[2] in (base, None):
            data, source = cached[0], cached[1]
            if cached[2] != base:  # warmed without an address: its links move here once
                data = links.localize(data, base or "")
                with self._cache_lock:
                    self._cache[key] = (data, source, base)
            return data, source
        plan = self.account.plan(kind, index)
        record, stable = self.account.render(plan, now_ns, list_item=True)
        data = links.localize(orjson.dumps(record), base) if base else orjson.dumps(record)
        source = plan.source or ""
        with self._cache_lock:
            if stable and len(data) <= _CACHEABLE_BYTES:
                # orjson's bytes keep their 8 KB working buffer (tracemalloc: 8,000 B for a
                # 780-byte record); an exact copy makes the cache 10x smaller (1M records: ~1 GB)
                data = bytes(memoryview(data))
                self._cache[key] = (data, source, base)
                if len(self._cache) > self.cache_records:
                    self._cache.popitem(last=False)
            self._ids[(kind, plan.id)] = index
            if len(self._ids) > _ID_CACHE_LIMIT:
                self._ids.popitem(last=False)
        return data, source

    def _filtered_range(self, kind: str, query: dict, now: int) -> tuple[int, int, bool]:
        """(low, high, web only): the index range the list's filters leave."""
        account = self.account
        low, high = 0, account.count(kind)
        web_only = False
        if kind == "prediction":
            after, before = query.get("created_after"), query.get("created_before")
            if after:
                low = account.first_index_at_or_after(kind, _parse_time(after, "created_after"))
            if before:
                high = account.first_index_at_or_after(kind, _parse_time(before, "created_before"))
            source = query.get("source")
            if source:
                if source != "web":
                    raise ApiError(400, f"Invalid source {source!r}: only 'web' is supported.")
                web_only = True
                low = max(low, account.first_index_at_or_after(kind, now - WEB_SOURCE_WINDOW_NS))
        return low, high, web_only

    def _page(self, kind: str, query: dict, base: str, path: str) -> SimulatedResponse:
        account = self.account
        now = account.now_ns()
        low, high, web_only = self._filtered_range(kind, query, now)
        reverse, position = _decode_cursor(query.get("cursor"))
        if position is not None:
            if reverse:  # records newer than the position
                low = max(low, account.first_index_at_or_after(kind, position + 1))
            else:  # records older than the position
                high = min(high, account.first_index_at_or_after(kind, position))
        # Walk from the cursor's edge, one extra match to know whether another page exists.
        indices = range(low, high) if reverse else range(high - 1, low - 1, -1)
        picked: list[tuple[int, bytes]] = []
        more = False
        for index in indices:
            data, source_value = self._record_bytes(kind, index, now, base)
            if web_only and source_value != "web":
                continue
            if len(picked) == PAGE_SIZE:
                more = True
                break
            picked.append((index, data))
        if reverse:
            picked.reverse()  # always newest first
        next_url = previous_url = None
        if picked:
            newest, oldest = picked[0][0], picked[-1][0]
            older_exist = more if not reverse else position is not None
            newer_exist = more if reverse else position is not None
            if older_exist:
                next_url = _page_url(base, path, query, False, account.created_ns(kind, oldest))
            if newer_exist:
                previous_url = _page_url(base, path, query, True, account.created_ns(kind, newest))
        with self._stats_lock:
            self.stats.rows += len(picked)
        body = b"".join(
            (
                b'{"next":',
                orjson.dumps(next_url),
                b',"previous":',
                orjson.dumps(previous_url),
                b',"results":[',
                b",".join(data for _, data in picked),
                b"]}",
            )
        )
        return SimulatedResponse(200, body, local=True)  # its records' links are here already

    def _list_predictions(
        self, params: tuple[str, ...], query: dict[str, str], body: bytes, base: str
    ) -> SimulatedResponse:
        return self._page("prediction", query, base, "/v1/predictions")

    def _list_trainings(
        self, params: tuple[str, ...], query: dict[str, str], body: bytes, base: str
    ) -> SimulatedResponse:
        # GET /v1/trainings takes no filters: only the cursor means something
        return self._page(
            "training",
            {"cursor": query.get("cursor")} if "cursor" in query else {},
            base,
            "/v1/trainings",
        )

    def _index(self, kind: str, record_id: str) -> int:
        index = self._ids.get((kind, record_id))
        if index is None:
            index = self.account.find(kind, record_id)
        if index is None:
            raise ApiError(404, "Not found.")
        return index

    def _get_prediction(
        self, params: tuple[str, ...], query: dict[str, str], body: bytes, base: str
    ) -> SimulatedResponse:
        index = self._index("prediction", params[0])
        return json_response(200, self.account.record("prediction", index, list_item=False))

    def _get_training(
        self, params: tuple[str, ...], query: dict[str, str], body: bytes, base: str
    ) -> SimulatedResponse:
        index = self._index("training", params[0])
        return json_response(200, self.account.record("training", index, list_item=False))

    def _cancel_prediction(
        self, params: tuple[str, ...], query: dict[str, str], body: bytes, base: str
    ) -> SimulatedResponse:
        return self._cancel("prediction", params[0])

    def _cancel_training(
        self, params: tuple[str, ...], query: dict[str, str], body: bytes, base: str
    ) -> SimulatedResponse:
        return self._cancel("training", params[0])

    def _cancel(self, kind: str, record_id: str) -> SimulatedResponse:
        # only unfinished records change, and those are never in the cache
        record = cancel(self.account, kind, record_id)
        if record is None:
            raise ApiError(404, "Not found.")
        return json_response(200, record)

    def _post_prediction(
        self, params: tuple[str, ...], query: dict[str, str], body: bytes, base: str
    ) -> SimulatedResponse:
        """POST /predictions: `version` is `owner/name` (official models only),
        `owner/name:VERSION_ID` or `VERSION_ID`, as Replicate takes it."""
        payload = _prediction_body(body)
        version = payload.get("version")
        if not isinstance(version, str) or not version:
            raise ApiError(422, "- version: version is required\n", "Input validation failed")
        model: str | None = None
        if ":" in version:
            model, version = version.split(":", 1)
        elif "/" in version:
            spec = self.account.model_spec(version)
            if spec is None or spec.kind != "official":  # only official models run by name
                raise ApiError(422, INVALID_VERSION_DETAIL, INVALID_VERSION)
            model, version = version, None
        if version == HIDDEN:  # shown on official models' predictions, never accepted
            raise ApiError(422, INVALID_VERSION_DETAIL, INVALID_VERSION)
        try:
            record = self.account.create_prediction(
                model=model, version=version, input=payload["input"]
            )
        except LookupError:
            raise ApiError(422, INVALID_VERSION_DETAIL, INVALID_VERSION) from None
        return json_response(201, record)

    def _post_model_prediction(
        self, params: tuple[str, ...], query: dict[str, str], body: bytes, base: str
    ) -> SimulatedResponse:
        payload = _prediction_body(body)
        try:
            record = self.account.create_prediction(model="/".join(params), input=payload["input"])
        except LookupError as exc:
            raise ApiError(404, str(exc)) from None
        return json_response(201, record)

    def _post_deployment_prediction(
        self, params: tuple[str, ...], query: dict[str, str], body: bytes, base: str
    ) -> SimulatedResponse:
        payload = _prediction_body(body)
        if params[0] != self.account.username:
            raise ApiError(404, "Deployment not found.")
        try:
            record = self.account.create_prediction(
                deployment="/".join(params), input=payload["input"]
            )
        except LookupError:
            raise ApiError(404, "Deployment not found.") from None
        return json_response(201, record)

    def _post_training(
        self, params: tuple[str, ...], query: dict[str, str], body: bytes, base: str
    ) -> SimulatedResponse:
        owner, name, version = params
        payload = json_body(body)
        destination = payload.get("destination")
        if not isinstance(destination, str) or destination.count("/") != 1:
            raise ApiError(422, "destination is required, as owner/name")
        if not isinstance(payload.get("input", {}), dict):
            raise ApiError(422, "input must be an object")
        try:
            trainer = find_trainer(self.account, f"{owner}/{name}", version)
        except LookupError as exc:
            raise ApiError(404, str(exc)) from None
        known = {t.destination for t in self.account.trainers} | {
            m.name for m in self.account.models if m.kind == "private"
        }
        if destination not in known:
            raise ApiError(404, "The specified training destination does not exist")
        record = create_training(self.account, trainer, destination, payload.get("input", {}))
        return json_response(201, record)


def _prediction_body(body: bytes) -> dict:
    payload = json_body(body)
    if not isinstance(payload.get("input"), dict):
        raise ApiError(422, "- input: input is required\n", "Input validation failed")
    return payload


def _parse_query(query: str) -> dict[str, str]:
    return dict(parse_qsl(query, keep_blank_values=False))


def _parse_time(text: str, name: str) -> int:
    try:
        return parse_iso_ns(text)
    except ValueError:
        raise ApiError(400, f"Invalid {name}: expected an ISO 8601 date-time.") from None


def _decode_cursor(cursor: str | None) -> tuple[bool, int | None]:
    """(reverse, position ns) of a cursor; (False, None) without one."""
    if not cursor:
        return False, None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        fields = dict(parse_qsl(base64.urlsafe_b64decode(padded).decode("ascii")))
        return fields.get("r") == "1", parse_iso_ns(fields["p"])
    except (ValueError, KeyError, UnicodeDecodeError):
        raise ApiError(400, "Invalid cursor") from None


def _page_url(base: str, path: str, query: dict, reverse: bool, position_ns: int) -> str:
    """A full page URL: the original filters plus a cursor at `position_ns`."""
    fields = {"p": format_ns(position_ns, 9)}
    if reverse:
        fields = {"r": "1", **fields}
    cursor = base64.urlsafe_b64encode(urlencode(fields).encode()).decode().rstrip("=")
    params = {k: v for k, v in query.items() if k != "cursor"}
    params["cursor"] = cursor
    return f"{base}{path}?{urlencode(params)}"
