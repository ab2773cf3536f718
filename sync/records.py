"""From a record as served to the columns of its row: plain dict lookups, no model objects.

The sync path never builds attrs models: at tens of thousands of records per second the per-record
cost must stay a few dict lookups and one `orjson.dumps` (the `raw` column). Timestamps stay
strings here and are cast by DuckDB in the same vectorized INSERT (0 to 9 fractional digits with
`Z`; DuckDB keeps microseconds, `raw` keeps the original string).

Large data URLs: an input or output can carry a `data:...;base64,...` string of megabytes. Any such
string longer than `DATA_URL_THRESHOLD` characters is replaced in `raw` by
`{"replicost_placeholder": "data-url", "media_type": ..., "bytes": <length of the URL string>,
"sha256": <hex digest of the URL string>}`; everything else in the record is kept as served.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from replicost.store import billing_inputs

DATA_URL_THRESHOLD = 4096  # characters; smaller data URLs are kept verbatim
_DATA_MARKER = b'"data:'

# Columns shared by predictions and trainings, in INSERT order; metrics keys map 1:1.
RECORD_COLUMNS = (
    "id",
    "model",
    "version",
    "status",
    "source",
    "deployment",
    "created_at",
    "started_at",
    "completed_at",
    "predict_time",
    "total_time",
    "input_token_count",
    "output_token_count",
    "image_count",
    "error",
    "data_removed",
    "raw",
    # billed per output (store/billing_inputs.py): typed metrics and the short inputs
    *billing_inputs.COLUMNS,
)
TRAINING_EXTRA_COLUMNS = ("destination", "output_version")
TERMINAL_STATUSES = ("succeeded", "failed", "canceled", "aborted")
# A record's states before it finishes (trainings once showed `running`); a finished record never
# returns to one of them, so an answer saying so is not taken (writer.py). A status Replicate adds
# later is neither, and is stored as served.
UNFINISHED_STATUSES = ("starting", "processing", "queued", "running")


def placeholder(url: str) -> dict[str, Any]:
    """The small object stored instead of a large data URL."""
    media_type = url[5 : url.find(";")] if ";" in url[:200] else url[5 : url.find(",")][:100]
    return {
        "replicost_placeholder": "data-url",
        "media_type": media_type,
        "bytes": len(url),
        "sha256": hashlib.sha256(url.encode()).hexdigest(),
    }


def strip_data_urls(value: Any) -> Any:
    """Return `value` with every large data URL (at any depth) replaced by its placeholder."""
    if isinstance(value, str):
        if len(value) > DATA_URL_THRESHOLD and value.startswith("data:"):
            return placeholder(value)
        return value
    if isinstance(value, dict):
        return {key: strip_data_urls(item) for key, item in value.items()}
    if isinstance(value, list):
        return [strip_data_urls(item) for item in value]
    return value


def raw_json(record: dict[str, Any]) -> str:
    """The record as JSON text for the `raw` column, large data URLs replaced."""
    data = orjson.dumps(record)
    if _DATA_MARKER in data and len(data) > DATA_URL_THRESHOLD:
        data = orjson.dumps(strip_data_urls(record))
    return data.decode()


def _number(value: Any) -> float | None:
    # bool is an int in Python; a metric of `true` is not a duration
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _count(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


def _short(value: Any) -> Any:
    """`value` with every string longer than LONG_TEXT replaced by None (keys too: None overall)."""
    if isinstance(value, str):
        return None if len(value) > billing_inputs.LONG_TEXT else value
    if isinstance(value, list):
        return [_short(item) for item in value]
    if isinstance(value, dict):
        if any(len(key) > billing_inputs.LONG_TEXT for key in value):
            raise ValueError("long key")
        return {key: _short(item) for key, item in value.items()}
    return value


def price_inputs(record: dict[str, Any], metric_counted: bool) -> dict[str, Any] | None:
    """The `price_inputs` of a record (store/billing_inputs.py), as the writer's SQL makes it;
    `metric_counted`: one of its billing metric columns holds a value."""
    given = record.get("input")
    if not isinstance(given, dict) or not (record.get("version") == "hidden" or metric_counted):
        return None
    try:
        return _short(given)
    except ValueError:
        return None


def columns(records: list[dict[str, Any]], *, training: bool = False) -> dict[str, list[Any]]:
    """Column lists (one per table column) for a batch of records, ready for a vectorized INSERT."""
    names = RECORD_COLUMNS + (TRAINING_EXTRA_COLUMNS if training else ())
    cols: dict[str, list[Any]] = {name: [] for name in names}
    (
        ids,
        models,
        versions,
        statuses,
        sources,
        deployments,
        created,
        started,
        completed,
        predict,
        total,
        tokens_in,
        tokens_out,
        images,
        errors,
        removed,
        raws,
    ) = (cols[n] for n in RECORD_COLUMNS[: -len(billing_inputs.COLUMNS)])
    for record in records:
        get = record.get
        metrics = get("metrics")
        if not isinstance(metrics, dict):
            metrics = {}
        ids.append(record["id"])
        models.append(_text(get("model")))
        versions.append(_text(get("version")))
        statuses.append(_text(get("status")))
        sources.append(_text(get("source")))
        deployments.append(_text(get("deployment")))
        created.append(_text(get("created_at")))
        started.append(_text(get("started_at")))
        completed.append(_text(get("completed_at")))
        predict.append(_number(metrics.get("predict_time")))
        total.append(_number(metrics.get("total_time")))
        tokens_in.append(_count(metrics.get("input_token_count")))
        tokens_out.append(_count(metrics.get("output_token_count")))
        images.append(_count(metrics.get("image_count")))
        errors.append(_text(get("error")))
        flag = get("data_removed")
        removed.append(flag if isinstance(flag, bool) else None)
        raws.append(raw_json(record))
        counted = False
        for name, (kind, path) in billing_inputs.METRIC_COLUMNS.items():
            value = (_count if kind == "BIGINT" else _number)(metrics.get(path.rsplit(".", 1)[1]))
            counted = counted or value is not None
            cols[name].append(value)
        cols[billing_inputs.PRICE_INPUTS].append(price_inputs(record, counted))
        if training:
            output = get("output")
            cols["destination"].append(_text(get("destination")))
            cols["output_version"].append(
                _text(output.get("version")) if isinstance(output, dict) else None
            )
    return cols
