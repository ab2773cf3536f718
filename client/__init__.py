"""Client runtime over the generated `replicost_api` package: retries, timeouts, paging, typed errors."""

from replicost.client.client import DEFAULT_BASE_URL, DEFAULT_REQUESTS_PER_MINUTE, ReplicateClient
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
from replicost.client.paging import CursorPager, Page
from replicost.client.results import Account, Hardware
from replicost.client.retry import RequestBudget, RequestStats, RetryPolicy

__all__ = [
    "APIError",
    "Account",
    "AuthenticationError",
    "BadResponseError",
    "CursorPager",
    "DEFAULT_BASE_URL",
    "DEFAULT_REQUESTS_PER_MINUTE",
    "Hardware",
    "NetworkError",
    "NotFoundError",
    "Page",
    "PagingLoopError",
    "RateLimitedError",
    "ReplicateClient",
    "RequestBudget",
    "RequestStats",
    "RetryPolicy",
    "ServerError",
]
