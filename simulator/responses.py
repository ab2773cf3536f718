"""What every route of the simulator answers with: responses, API errors and request bodies.

Errors are Replicate's problem documents (`{"title", "detail", "status"}`, served as
`application/problem+json`), which is what the official client's `ReplicateError` reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

JSON = "application/json"
PROBLEM = "application/problem+json"
_TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    422: "Invalid input",
    501: "Not implemented",
}


@dataclass
class SimulatedResponse:
    """A response before it meets the wire; `fault` tells the adapter to misbehave."""

    status: int
    body: bytes
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)
    fault: str | None = None  # 'drop': send Content-Length of the full body, then close early
    local: bool = False  # the body's links already point at the simulator (simulator/links.py)


class ApiError(Exception):
    """An error answer: its status, detail and title become the problem document."""

    def __init__(self, status: int, detail: str, title: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail
        self.title = title or _TITLES.get(status, "Error")

    def response(self) -> SimulatedResponse:
        problem = {"title": self.title, "detail": self.detail, "status": self.status}
        return json_response(self.status, problem, PROBLEM)


def json_response(status: int, payload: Any, content_type: str = JSON) -> SimulatedResponse:
    return SimulatedResponse(status, orjson.dumps(payload), content_type)


def page_response(results: list[Any]) -> SimulatedResponse:
    """A list that fits one page (the catalog's lists are a few dozen objects)."""
    return json_response(200, {"next": None, "previous": None, "results": results})


def json_body(body: bytes) -> dict[str, Any]:
    """A request's JSON object; 400 if it is not JSON, 422 if it is not an object."""
    try:
        payload = orjson.loads(body or b"{}")
    except orjson.JSONDecodeError:
        raise ApiError(400, "The request body is not valid JSON.") from None
    if not isinstance(payload, dict):
        raise ApiError(422, "The request body must be a JSON object.")
    return payload
