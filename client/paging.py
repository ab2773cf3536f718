"""Replicate's list endpoints as a generator of pages: one small paging protocol, sync and async.

A list answer is `{"results": [...], "next": URL | null, "previous": ...}`, newest first, 100 a
page; `next` is an opaque, absolute URL. `CursorPager` holds the protocol (first request, state read
from the answer, next request, has-next) so that `iter_pages` and `aiter_pages` stay thin, and so the
sync engine can start a pager from a saved cursor after a crash.

Pages are raw: parsed by orjson into dicts, never into attrs models (the sync path needs tens of
thousands of records per second; the typed iterators build models from these dicts).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import AsyncIterator, Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import orjson

from replicost.client.errors import (
    APIError,
    AuthenticationError,
    BadResponseError,
    NetworkError,
    NotFoundError,
    PagingLoopError,
    RateLimitedError,
    ServerError,
)
from replicost.client.retry import PARSED_JSON, UNDECODABLE, load_json
from replicost.redact import redact

# A page whose JSON parses but has the wrong shape is fetched again this many times before giving up.
MALFORMED_PAGE_ATTEMPTS = 3
# No list is longer than this (100 million records): past it, the pages are going round in circles.
MAX_PAGES = 1_000_000


@dataclass(frozen=True)
class Page:
    """One page of a list endpoint: its URL, its records (dicts) and the next page's URL."""

    url: str
    results: list[dict[str, Any]]
    next_url: str | None
    server_date: str | None = None  # the answer's `Date` header: the server's clock, as it says


def _describe(url: str) -> str:
    return redact(url)


def raise_for_status(response: httpx.Response) -> None:
    """Turn a non-2xx answer into the matching typed error (the body's `detail` in the message)."""
    status = response.status_code
    if 200 <= status < 300:
        return
    url = str(response.request.url)
    detail = ""
    try:
        body = orjson.loads(response.content)
        if isinstance(body, dict) and isinstance(body.get("detail"), str):
            detail = f": {body['detail']}"
    except orjson.JSONDecodeError:
        pass
    where = _describe(url)
    if status == 401:
        raise AuthenticationError(
            f"token rejected by {urlsplit(url).netloc} (HTTP 401); check REPLICATE_API_TOKEN or --token",
            url=url,
            status=status,
        )
    if status == 404:
        raise NotFoundError(f"not found: {where}", url=url, status=status)
    if status == 429:
        raise RateLimitedError(
            f"still rate limited after retries: {where}{detail} (the pace was lowered at each 429; "
            "run again later, or start lower with --requests-per-minute)",
            url=url,
            status=status,
        )
    if status >= 500:
        raise ServerError(
            f"server error HTTP {status} after retries: {where}", url=url, status=status
        )
    raise APIError(f"HTTP {status} from {where}{detail}", url=url, status=status)


def parsed_body(response: httpx.Response) -> Any:
    """The JSON body of a 2xx answer (already parsed by the retrying transport when possible)."""
    raise_for_status(response)
    if PARSED_JSON in response.extensions:
        return response.extensions[PARSED_JSON]
    try:
        parsed, undecodable = load_json(response.content)
    except ValueError:
        raise BadResponseError(
            f"the API returned a body that is not JSON (truncated?) for {_describe(str(response.request.url))}",
            url=str(response.request.url),
            status=response.status_code,
        ) from None
    response.extensions[UNDECODABLE] = undecodable
    return parsed


UNDECODABLE_KEY = "replicost_undecodable"  # added to a record that was not UTF-8 (see below)
_SURROGATES = re.compile("[\udc80-\udcff]")


def set_apart_undecodable(body: Any) -> Any:
    """A page whose strings hold bytes that are not UTF-8 (`load_json`), each such record made
    storable: its strings with U+FFFD for the bad bytes, and `replicost_undecodable` = {reason,
    raw_base64 (the record's JSON as served, bytes and all)}. The writer quarantines it with that
    reason (never priced); the other records of the page are untouched."""
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        return body
    results = []
    for record in body["results"]:
        fields = (
            sorted(
                key for key, value in record.items() if _has_bad_bytes(key) or _has_bad_bytes(value)
            )
            if isinstance(record, dict)
            else []
        )
        if not fields:
            results.append(record)
            continue
        raw = json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogateescape")
        clean = _replace_bad_bytes(record)
        clean[UNDECODABLE_KEY] = {
            "reason": f"not UTF-8: {', '.join(_replace_bad_bytes(field) for field in fields)}",
            "raw_base64": base64.b64encode(raw).decode("ascii"),
        }
        results.append(clean)
    return {**body, "results": results}


def _has_bad_bytes(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATES.search(value) is not None
    if isinstance(value, dict):
        return any(_has_bad_bytes(k) or _has_bad_bytes(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_bad_bytes(item) for item in value)
    return False


def _replace_bad_bytes(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATES.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_replace_bad_bytes(k): _replace_bad_bytes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_bad_bytes(item) for item in value]
    return value


def network_error(exc: httpx.HTTPError, url: str) -> NetworkError:
    """One clear line for a host that cannot be reached (DNS, refused, timeouts)."""
    host = urlsplit(url).netloc or url
    kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "cannot connect"
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return NetworkError(f"{kind} to {host} after retries: {first}", url=url)


class CursorPager:
    """Paging protocol over `next` cursors: `first_request`, `read_page`, `next_request`, `has_next`."""

    def __init__(
        self,
        url: str,
        params: dict[str, str] | None = None,
        *,
        cursor_url: str | None = None,
        origin: str | None = None,
        key_field: str | None = "id",
        order_field: str | None = None,
        max_pages: int = MAX_PAGES,
    ) -> None:
        self.url = url
        self.key_field = key_field
        self.order_field, self.max_pages = order_field, max_pages
        self.pages = 0
        self.seen: set[str] = set()  # request URLs of this list (a cursor must never repeat)
        self.last_keys: list[Any] | None = None
        self.last_newest: datetime | None = None
        self.params = {k: v for k, v in (params or {}).items() if v is not None}
        # resuming from a saved cursor: the saved URL may name another origin (a moved base URL)
        self.resume_url = rebase(cursor_url, origin) if cursor_url else None
        self.origin = origin
        self.next_url: str | None = None
        self.started = False

    def first_request(self) -> tuple[str, dict[str, str] | None]:
        if self.resume_url:
            return self.resume_url, None
        return self.url, self.params

    def read_page(self, request_url: str, body: Any, server_date: str | None = None) -> Page:
        """Validate a page's shape; a wrong shape raises BadResponseError naming the URL."""
        if not isinstance(body, dict) or not isinstance(body.get("results"), list):
            raise BadResponseError(
                f"malformed page (no results list) from {_describe(request_url)}", url=request_url
            )
        next_url = body.get("next")
        if next_url is not None and not isinstance(next_url, str):
            raise BadResponseError(
                f"malformed page (bad next cursor) from {_describe(request_url)}", url=request_url
            )
        key = self.key_field
        # the key must be a string: an id of null, 7 or [] would reach the database writer
        if any(
            not isinstance(record, dict) or (key and not isinstance(record.get(key), str))
            for record in body["results"]
        ):
            raise BadResponseError(
                f"malformed page (a record without a string {key}) from {_describe(request_url)}",
                url=request_url,
            )
        self.started = True
        self.next_url = rebase(next_url, self.origin) if next_url else None
        self._refuse_loop(request_url, body["results"])
        return Page(request_url, body["results"], self.next_url, server_date)

    def _refuse_loop(self, request_url: str, results: list[dict[str, Any]]) -> None:
        """Stop a list that cannot end: a cursor seen before (one pointing at its own page), the
        same page twice in a row, a page wholly newer than the one before (the API lists newest
        first, so such pages go round in circles), or more pages than any list holds (`max_pages`)."""
        self.seen.add(request_url)
        self.pages += 1
        where = _describe(request_url)
        problem = None
        keys = [record.get(self.key_field) for record in results] if self.key_field else None
        span = self._span(results)
        if self.next_url is not None and self.next_url in self.seen:
            problem = f"its next cursor repeats a page already fetched ({_describe(self.next_url)})"
        elif keys and keys == self.last_keys:
            problem = "the page is identical to the one before it"
        elif span and self.last_newest and span[0] > self.last_newest:
            problem = (
                f"the page goes back up in time (every {self.order_field} on it is newer than "
                "on the page before)"
            )
        elif self.pages > self.max_pages:
            problem = f"more than {self.max_pages:,} pages"
        if problem:
            raise PagingLoopError(
                f"paging stopped at {where}: {problem}; pages already stored are kept",
                url=request_url,
            )
        self.last_keys = keys
        self.last_newest = span[1] if span else self.last_newest

    def _span(self, results: list[dict[str, Any]]) -> tuple[datetime, datetime] | None:
        """(oldest, newest) `order_field` on the page, or None when it has none readable."""
        if not self.order_field:
            return None
        moments = []
        for record in results:
            value = record.get(self.order_field)
            if isinstance(value, str):
                try:
                    moment = datetime.fromisoformat(value)
                except ValueError:
                    continue
                moments.append(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
        return (min(moments), max(moments)) if moments else None

    def has_next(self) -> bool:
        return not self.started or self.next_url is not None

    def next_request(self) -> tuple[str, dict[str, str] | None]:
        if not self.started:
            return self.first_request()
        assert self.next_url is not None
        return self.next_url, None


def rebase(url: str, origin: str | None) -> str:
    """Point an absolute cursor URL at `origin` (scheme://host[:port]), keeping path and query."""
    if not origin:
        return url
    parts, base = urlsplit(url), urlsplit(origin)
    if not parts.scheme:
        return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))


def _fetch_steps(
    request_url: str, pager: CursorPager
) -> Generator[None, httpx.Response | httpx.HTTPError, Page]:
    """Fetching one page, written once for both clients: the driver sends each answer (or the
    httpx error) in; a malformed page is asked for again a few times before it is refused."""
    for attempt in range(1, MALFORMED_PAGE_ATTEMPTS + 1):
        answer = yield
        if isinstance(answer, httpx.HTTPError):
            raise network_error(answer, request_url) from None
        try:
            body = parsed_body(answer)
            if answer.extensions.get(UNDECODABLE):
                body = set_apart_undecodable(body)
            return pager.read_page(request_url, body, answer.headers.get("date"))
        except BadResponseError:
            if attempt == MALFORMED_PAGE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def fetch_page(http: httpx.Client, pager: CursorPager) -> Page:
    """Fetch the pager's next page, re-fetching a malformed one a few times before giving up."""
    url, params = pager.next_request()
    steps = _fetch_steps(str(http.build_request("GET", url, params=params).url), pager)
    next(steps)
    while True:
        answer: httpx.Response | httpx.HTTPError
        try:
            answer = http.get(url, params=params)
        except httpx.HTTPError as exc:
            answer = exc
        try:
            steps.send(answer)
        except StopIteration as done:
            return done.value


def iter_pages(http: httpx.Client, pager: CursorPager) -> Iterator[Page]:
    """Yield every page until the API says there is no next one."""
    while pager.has_next():
        yield fetch_page(http, pager)


async def aiter_pages(http: httpx.AsyncClient, pager: CursorPager) -> AsyncIterator[Page]:
    """`iter_pages` over the async client (the same steps, awaited)."""
    while pager.has_next():
        url, params = pager.next_request()
        steps = _fetch_steps(str(http.build_request("GET", url, params=params).url), pager)
        next(steps)
        while True:
            answer: httpx.Response | httpx.HTTPError
            try:
                answer = await http.get(url, params=params)
            except httpx.HTTPError as exc:
                answer = exc
            try:
                steps.send(answer)
            except StopIteration as done:
                yield done.value
                break
