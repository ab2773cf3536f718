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
from urllib.parse import parse_qsl, urlencode

import orjson

from replicost.simulator import faults as fault_kinds
from replicost.simulator.account import DAY_NS, SimulatedAccount
from replicost.simulator.catalog import HARDWARE
from replicost.simulator.faults import FaultConfig, FaultInjector
from replicost.simulator.ratelimit import TokenBucket, retry_after_seconds
from replicost.simulator.timefmt import format_ns, parse_iso_ns

PAGE_SIZE = 100
WEB_SOURCE_WINDOW_NS = 14 * DAY_NS  # `source=web` only covers the last 14 days
UNAUTHENTICATED = {
    "title": "Unauthenticated",
    "detail": "You did not pass a valid authentication token",
    "status": 401,
}
_JSON = "application/json"
_PROBLEM = "application/problem+json"
STABLE_CACHE_RECORDS = 50_000  # serialized records that can no longer change (about 40 MB)
_ID_CACHE_LIMIT = 100_000  # id -> index for records already served in lists
_CACHEABLE_BYTES = 16_384  # never cache the rare data-URL records


@dataclass
class SimulatedResponse:
    """A response before it meets the wire; `fault` tells the adapter to misbehave."""

    status: int
    body: bytes
    content_type: str = _JSON
    headers: dict[str, str] = field(default_factory=dict)
    fault: str | None = None  # 'drop': send Content-Length of the full body, then close early


@dataclass
class Stats:
    """What the simulator served (tests assert retries and request counts with it)."""

    requests: int = 0
    by_route: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    faults: Counter = field(default_factory=Counter)
    rows: int = 0  # records served in list pages


class _ApiError(Exception):
    def __init__(self, status: int, detail: str, title: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail
        self.title = title or {
            400: "Bad request",
            404: "Not found",
            405: "Method not allowed",
            422: "Invalid input",
        }.get(status, "Error")


class SimulatorApp:
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
        self._cache: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()
        self._ids: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._routes: dict[tuple[str, str], Callable] = {
            ("GET", "predictions"): self._list_predictions,
            ("POST", "predictions"): self._post_prediction,
            ("GET", "trainings"): self._list_trainings,
            ("GET", "deployments"): self._list_deployments,
            ("GET", "hardware"): self._hardware,
            ("GET", "account"): self._account,
        }

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

    def create_prediction(self, **kwargs) -> dict:
        """Grow the account as POST /v1/predictions does; returns the new prediction."""
        return self.account.create_prediction(**kwargs)

    def httpx_transport(self):
        """An httpx transport that serves this app in-process (no socket)."""
        from replicost.simulator.transport import SimulatorTransport

        return SimulatorTransport(self)

    def httpx_async_transport(self):
        """The asyncio flavour of `httpx_transport`."""
        from replicost.simulator.transport import AsyncSimulatorTransport

        return AsyncSimulatorTransport(self)

    def warm(self, records: int | None = None) -> int:
        """Serialize the newest `records` predictions into the cache now; returns how many.

        Generating a record costs tens of microseconds of Python; a benchmark that wants to
        measure a sync, not the simulator, warms the records it will page through first.
        """
        now = self.account.now_ns()
        count = self.account.count("prediction")
        wanted = min(count, self.cache_records if records is None else records)
        for index in range(count - 1, count - 1 - wanted, -1):
            self._record_bytes("prediction", index, now)
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
        route, handler, params = self._route(method, path)
        with self._stats_lock:
            self.stats.requests += 1
            self.stats.by_route[route] += 1
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        response = self._respond(route, handler, params, method, query, headers, body, base)
        with self._stats_lock:
            self.stats.by_status[response.status] += 1
            if response.fault:
                self.stats.faults[response.fault] += 1
        return response

    def _respond(self, route, handler, params, method, query, headers, body, base):
        if not self._authorized(headers.get("authorization", "")):
            return _json_response(401, UNAUTHENTICATED, _PROBLEM)
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
                raise _ApiError(404, "The requested resource could not be found.")
            response = handler(params, _parse_query(query), body, base)
        except _ApiError as exc:
            return _json_response(
                exc.status,
                {"title": exc.title, "detail": exc.detail, "status": exc.status},
                _PROBLEM,
            )
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
        response = _json_response(429, payload)
        response.headers["Retry-After"] = str(seconds)
        response.fault = fault
        return response

    def _server_error(self) -> SimulatedResponse:
        status = (500, 502, 503)[self._faults.draw(str(self.stats.requests)) % 3]
        if status == 500:
            response = _json_response(
                500,
                {
                    "title": "Internal Server Error",
                    "detail": "An unexpected error occurred.",
                    "status": 500,
                },
                _PROBLEM,
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

    def _route(self, method: str, path: str):
        """(route name, handler, path params) for a request."""
        parts = [part for part in path.split("/") if part]
        if not parts or parts[0] != "v1":
            return "unknown", None, ()
        parts = parts[1:]
        if len(parts) == 1:
            handler = self._routes.get((method, parts[0]))
            name = f"{parts[0]}.{'create' if method == 'POST' else 'list'}"
            if parts[0] in ("hardware", "account"):
                name = f"{parts[0]}.{'list' if parts[0] == 'hardware' else 'get'}"
            return (name, handler, ()) if handler else ("unknown", None, ())
        if len(parts) == 2 and method == "GET" and parts[0] in ("predictions", "trainings"):
            return f"{parts[0]}.get", self._get_record, (parts[0][:-1], parts[1])
        if len(parts) == 3 and parts[0] in ("deployments", "models"):
            if method == "GET":
                handler = self._get_deployment if parts[0] == "deployments" else self._get_model
                return f"{parts[0]}.get", handler, (parts[1], parts[2])
        if len(parts) == 4 and parts[0] in ("deployments", "models") and parts[3] == "predictions":
            if method == "POST":
                return (
                    f"{parts[0]}.predictions.create",
                    self._post_prediction,
                    (parts[0], parts[1], parts[2]),
                )
        return "unknown", None, ()

    # ----- records and pages -------------------------------------------------------------
    def _record_bytes(self, kind: str, index: int, now_ns: int) -> tuple[bytes, str]:
        key = (kind, index)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        plan = self.account.plan(kind, index)
        record, stable = self.account.render(plan, now_ns, list_item=True)
        data = orjson.dumps(record)
        source = plan.source or ""
        with self._cache_lock:
            if stable and len(data) <= _CACHEABLE_BYTES:
                # orjson's bytes keep their 8 KB working buffer (tracemalloc: 8,000 B for a
                # 780-byte record); an exact copy makes the cache 10x smaller (1M records: ~1 GB)
                data = bytes(memoryview(data))
                self._cache[key] = (data, source)
                if len(self._cache) > self.cache_records:
                    self._cache.popitem(last=False)
            self._ids[(kind, plan.id)] = index
            if len(self._ids) > _ID_CACHE_LIMIT:
                self._ids.popitem(last=False)
        return data, source

    def _page(self, kind: str, query: dict, base: str, path: str) -> SimulatedResponse:
        account = self.account
        now = account.now_ns()
        count = account.count(kind)
        low, high = 0, count
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
                    raise _ApiError(400, f"Invalid source {source!r}: only 'web' is supported.")
                web_only = True
                low = max(low, account.first_index_at_or_after(kind, now - WEB_SOURCE_WINDOW_NS))
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
            data, source_value = self._record_bytes(kind, index, now)
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
        return SimulatedResponse(200, body)

    def _list_predictions(self, params, query, body, base):
        return self._page("prediction", query, base, "/v1/predictions")

    def _list_trainings(self, params, query, body, base):
        # GET /v1/trainings takes no filters: only the cursor means something
        return self._page(
            "training",
            {"cursor": query.get("cursor")} if "cursor" in query else {},
            base,
            "/v1/trainings",
        )

    def _get_record(self, params, query, body, base):
        kind, record_id = params
        index = self._ids.get((kind, record_id))
        if index is None:
            index = self.account.find(kind, record_id)
        if index is None:
            raise _ApiError(404, "Not found.")
        return _json_response(200, self.account.record(kind, index, list_item=False))

    def _post_prediction(self, params, query, body, base):
        try:
            payload = orjson.loads(body or b"{}")
        except orjson.JSONDecodeError:
            raise _ApiError(400, "The request body is not valid JSON.") from None
        if not isinstance(payload, dict) or not isinstance(payload.get("input"), dict):
            raise _ApiError(422, "input is required and must be an object")
        model = version = deployment = None
        if params and params[0] == "deployments":
            if params[1] != self.account.username:
                raise _ApiError(404, "Deployment not found.")
            deployment = f"{params[1]}/{params[2]}"
        elif params and params[0] == "models":
            model = f"{params[1]}/{params[2]}"
        else:
            version = payload.get("version")
            if not isinstance(version, str) or not version:
                raise _ApiError(422, "version is required")
            if ":" in version:
                model, version = version.split(":", 1)
            elif "/" in version:
                model, version = version, None
        try:
            record = self.account.create_prediction(
                model=model, version=version, deployment=deployment, input=payload["input"]
            )
        except LookupError as exc:
            raise _ApiError(404 if params else 422, str(exc)) from None
        return _json_response(201, record)

    # ----- small resources ---------------------------------------------------------------
    def _list_deployments(self, params, query, body, base):
        now = self.account.now_ns()
        results = [d for d in (self._deployment(dep, now) for dep in self.account.deployments) if d]
        results.sort(key=lambda d: d["current_release"]["created_at"], reverse=True)
        return _json_response(200, {"next": None, "previous": None, "results": results})

    def _get_deployment(self, params, query, body, base):
        owner, name = params
        spec = self.account.deployment_spec(name) if owner == self.account.username else None
        found = self._deployment(spec, self.account.now_ns()) if spec else None
        if not found:
            raise _ApiError(404, "Deployment not found.")
        return _json_response(200, found)

    def _deployment(self, spec, now_ns: int) -> dict | None:
        current = self.account.current_release(spec, now_ns)
        if current is None:
            return None
        release, created_ns = current
        return {
            "owner": self.account.username,
            "name": spec.name,
            "current_release": {
                "number": release.number,
                "model": release.model,
                "version": release.version,
                "created_at": format_ns(created_ns, 6, strip=False),
                "created_by": self._owner(),
                "configuration": {
                    "hardware": release.hardware,
                    "min_instances": release.min_instances,
                    "max_instances": release.max_instances,
                },
            },
        }

    def _owner(self) -> dict:
        username = self.account.username
        return {
            "type": "organization",
            "username": username,
            "name": username.replace("-", " ").title(),
            "avatar_url": f"https://cdn.replicate.com/avatars/{username}.png",
            "github_url": f"https://github.com/{username}",
        }

    def _account(self, params, query, body, base):
        return _json_response(200, self._owner())

    def _hardware(self, params, query, body, base):
        return _json_response(200, HARDWARE)

    def _get_model(self, params, query, body, base):
        name = f"{params[0]}/{params[1]}"
        spec = self.account.model_spec(name)
        latest = None
        if spec is not None:
            era = spec.eras[-1]
            description, visibility, official = (
                spec.description,
                spec.visibility,
                spec.kind == "official",
            )
            if era.version != "hidden":
                span = self.account.end_ns - self.account.start_ns
                created = self.account.start_ns + int(era.since * span)
                latest = {
                    "id": era.version,
                    "cog_version": "0.9.6",
                    "openapi_schema": None,
                    "created_at": format_ns(created // 1000 * 1000, 6, strip=False),
                }
        else:
            # trainers and the private models trainings push versions to
            trainer = next(
                (t for t in self.account.trainers if name in (t.name, t.destination)), None
            )
            if trainer is None:
                raise _ApiError(404, "Model not found.")
            official = False
            if name == trainer.name:
                description, visibility = "Fine-tune a model on your own images", "public"
                latest = {
                    "id": trainer.version,
                    "cog_version": "0.9.6",
                    "openapi_schema": None,
                    "created_at": format_ns(self.account.start_ns // 10**9 * 10**9, 6),
                }
            else:
                description, visibility = f"Trained with {trainer.name}", "private"
        owner, model_name = name.split("/")
        return _json_response(
            200,
            {
                "url": f"https://replicate.com/{name}",
                "owner": owner,
                "name": model_name,
                "description": description or None,
                "visibility": visibility,
                "github_url": None,
                "paper_url": None,
                "license_url": None,
                "run_count": 1000 + sum(ord(c) for c in name) * 997,
                "cover_image_url": None,
                "default_example": None,
                "latest_version": latest,
                "is_official": official,
            },
        )


def _json_response(status: int, payload, content_type: str = _JSON) -> SimulatedResponse:
    return SimulatedResponse(status, orjson.dumps(payload), content_type)


def _parse_query(query: str) -> dict[str, str]:
    return dict(parse_qsl(query, keep_blank_values=False))


def _parse_time(text: str, name: str) -> int:
    try:
        return parse_iso_ns(text)
    except ValueError:
        raise _ApiError(400, f"Invalid {name}: expected an ISO 8601 date-time.") from None


def _decode_cursor(cursor: str | None) -> tuple[bool, int | None]:
    """(reverse, position ns) of a cursor; (False, None) without one."""
    if not cursor:
        return False, None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        fields = dict(parse_qsl(base64.urlsafe_b64decode(padded).decode("ascii")))
        return fields.get("r") == "1", parse_iso_ns(fields["p"])
    except (ValueError, KeyError, UnicodeDecodeError):
        raise _ApiError(400, "Invalid cursor") from None


def _page_url(base: str, path: str, query: dict, reverse: bool, position_ns: int) -> str:
    """A full page URL: the original filters plus a cursor at `position_ns`."""
    fields = {"p": format_ns(position_ns, 9)}
    if reverse:
        fields = {"r": "1", **fields}
    cursor = base64.urlsafe_b64encode(urlencode(fields).encode()).decode().rstrip("=")
    params = {k: v for k, v in query.items() if k != "cursor"}
    params["cursor"] = cursor
    return f"{base}{path}?{urlencode(params)}"
