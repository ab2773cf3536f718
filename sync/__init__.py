"""Sync a Replicate account into DuckDB: `sync_account(db, token=...)` returns a `SyncSummary`."""

from replicost.sync.engine import RESOURCES, SyncSummary, parse_only, sync_account
from replicost.sync.predictions import OVERLAP, PredictionSync, SyncRequest
from replicost.sync.progress import PlainProgress, Progress, make_progress
from replicost.sync.records import DATA_URL_THRESHOLD

__all__ = [
    "DATA_URL_THRESHOLD",
    "OVERLAP",
    "PlainProgress",
    "PredictionSync",
    "Progress",
    "RESOURCES",
    "SyncRequest",
    "SyncSummary",
    "make_progress",
    "parse_only",
    "sync_account",
]
