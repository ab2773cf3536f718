from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.prediction_response_source import PredictionResponseSource
from ..models.prediction_response_status import PredictionResponseStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.prediction_response_input import PredictionResponseInput
    from ..models.prediction_response_metrics import PredictionResponseMetrics
    from ..models.prediction_response_urls import PredictionResponseUrls


T = TypeVar("T", bound="PredictionResponse")


@_attrs_define
class PredictionResponse:
    """
    Attributes:
        completed_at (datetime.datetime | Unset): The time that the model completed the prediction and all outputs were
            uploaded
        created_at (datetime.datetime | Unset): The time that the prediction was created
        data_removed (bool | Unset): Whether the prediction output has been deleted
        deadline (datetime.datetime | Unset): The absolute time at which the prediction will be automatically canceled
            if it has not completed
        deployment (str | Unset): The name of the deployment that created the prediction
        error (None | str | Unset): An error string if the model status is `"failed"`
        id (str | Unset):
        input_ (PredictionResponseInput | Unset): The prediction input
        logs (str | Unset): The log output from the model
        metrics (PredictionResponseMetrics | Unset): Additional metrics associated with the prediction
        model (str | Unset): The name of the model that created the prediction
        output (Any | Unset): The prediction output, which can be any JSON-serializable value, depending on the model
        source (PredictionResponseSource | Unset): Indicates how the prediction was created
        started_at (datetime.datetime | Unset): The time that the model began the prediction
        status (PredictionResponseStatus | Unset): The prediction status. `canceled` means the prediction was canceled
            (either by the user or because it reached its deadline while running). `aborted` means the prediction was
            terminated before it started running (for example, when a deadline is reached before the prediction starts).
        urls (PredictionResponseUrls | Unset): URLs for working with the prediction
        version (str | Unset):
    """

    completed_at: datetime.datetime | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    data_removed: bool | Unset = UNSET
    deadline: datetime.datetime | Unset = UNSET
    deployment: str | Unset = UNSET
    error: None | str | Unset = UNSET
    id: str | Unset = UNSET
    input_: PredictionResponseInput | Unset = UNSET
    logs: str | Unset = UNSET
    metrics: PredictionResponseMetrics | Unset = UNSET
    model: str | Unset = UNSET
    output: Any | Unset = UNSET
    source: PredictionResponseSource | Unset = UNSET
    started_at: datetime.datetime | Unset = UNSET
    status: PredictionResponseStatus | Unset = UNSET
    urls: PredictionResponseUrls | Unset = UNSET
    version: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        completed_at: str | Unset = UNSET
        if not isinstance(self.completed_at, Unset):
            completed_at = self.completed_at.isoformat()

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        data_removed = self.data_removed

        deadline: str | Unset = UNSET
        if not isinstance(self.deadline, Unset):
            deadline = self.deadline.isoformat()

        deployment = self.deployment

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        id = self.id

        input_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.input_, Unset):
            input_ = self.input_.to_dict()

        logs = self.logs

        metrics: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metrics, Unset):
            metrics = self.metrics.to_dict()

        model = self.model

        output = self.output

        source: str | Unset = UNSET
        if not isinstance(self.source, Unset):
            source = self.source.value

        started_at: str | Unset = UNSET
        if not isinstance(self.started_at, Unset):
            started_at = self.started_at.isoformat()

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        urls: dict[str, Any] | Unset = UNSET
        if not isinstance(self.urls, Unset):
            urls = self.urls.to_dict()

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if data_removed is not UNSET:
            field_dict["data_removed"] = data_removed
        if deadline is not UNSET:
            field_dict["deadline"] = deadline
        if deployment is not UNSET:
            field_dict["deployment"] = deployment
        if error is not UNSET:
            field_dict["error"] = error
        if id is not UNSET:
            field_dict["id"] = id
        if input_ is not UNSET:
            field_dict["input"] = input_
        if logs is not UNSET:
            field_dict["logs"] = logs
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if model is not UNSET:
            field_dict["model"] = model
        if output is not UNSET:
            field_dict["output"] = output
        if source is not UNSET:
            field_dict["source"] = source
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if status is not UNSET:
            field_dict["status"] = status
        if urls is not UNSET:
            field_dict["urls"] = urls
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.prediction_response_input import PredictionResponseInput
        from ..models.prediction_response_metrics import PredictionResponseMetrics
        from ..models.prediction_response_urls import PredictionResponseUrls

        d = {
            key: value
            for key, value in src_dict.items()
            if value is not None
            or key
            not in {
                "completed_at",
                "created_at",
                "data_removed",
                "deadline",
                "deployment",
                "id",
                "input",
                "logs",
                "metrics",
                "model",
                "source",
                "started_at",
                "status",
                "urls",
                "version",
            }
        }
        _completed_at = d.pop("completed_at", UNSET)
        completed_at: datetime.datetime | Unset
        if isinstance(_completed_at, Unset):
            completed_at = UNSET
        else:
            completed_at = datetime.datetime.fromisoformat(_completed_at)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        data_removed = d.pop("data_removed", UNSET)

        _deadline = d.pop("deadline", UNSET)
        deadline: datetime.datetime | Unset
        if isinstance(_deadline, Unset):
            deadline = UNSET
        else:
            deadline = datetime.datetime.fromisoformat(_deadline)

        deployment = d.pop("deployment", UNSET)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        id = d.pop("id", UNSET)

        _input_ = d.pop("input", UNSET)
        input_: PredictionResponseInput | Unset
        if isinstance(_input_, Unset):
            input_ = UNSET
        else:
            input_ = PredictionResponseInput.from_dict(_input_)

        logs = d.pop("logs", UNSET)

        _metrics = d.pop("metrics", UNSET)
        metrics: PredictionResponseMetrics | Unset
        if isinstance(_metrics, Unset):
            metrics = UNSET
        else:
            metrics = PredictionResponseMetrics.from_dict(_metrics)

        model = d.pop("model", UNSET)

        output = d.pop("output", UNSET)

        _source = d.pop("source", UNSET)
        source: PredictionResponseSource | Unset
        if isinstance(_source, Unset):
            source = UNSET
        else:
            source = PredictionResponseSource(_source)

        _started_at = d.pop("started_at", UNSET)
        started_at: datetime.datetime | Unset
        if isinstance(_started_at, Unset):
            started_at = UNSET
        else:
            started_at = datetime.datetime.fromisoformat(_started_at)

        _status = d.pop("status", UNSET)
        status: PredictionResponseStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = PredictionResponseStatus(_status)

        _urls = d.pop("urls", UNSET)
        urls: PredictionResponseUrls | Unset
        if isinstance(_urls, Unset):
            urls = UNSET
        else:
            urls = PredictionResponseUrls.from_dict(_urls)

        version = d.pop("version", UNSET)

        prediction_response = cls(
            completed_at=completed_at,
            created_at=created_at,
            data_removed=data_removed,
            deadline=deadline,
            deployment=deployment,
            error=error,
            id=id,
            input_=input_,
            logs=logs,
            metrics=metrics,
            model=model,
            output=output,
            source=source,
            started_at=started_at,
            status=status,
            urls=urls,
            version=version,
        )

        prediction_response.additional_properties = d
        return prediction_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
