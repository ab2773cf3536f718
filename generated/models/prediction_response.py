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
        created_at (datetime.datetime): The time that the prediction was created
        data_removed (bool): Whether the prediction output has been deleted
        error (None | str): An error string if the model status is `"failed"`
        id (str):
        input_ (PredictionResponseInput): The prediction input
        model (str): The name of the model that created the prediction
        output (Any): The prediction output, which can be any JSON-serializable value, depending on the model
        status (PredictionResponseStatus): The prediction status. `canceled` means the prediction was canceled (either
            by the user or because it reached its deadline while running). `aborted` means the prediction was terminated
            before it started running (for example, when a deadline is reached before the prediction starts).
        urls (PredictionResponseUrls): URLs for working with the prediction
        version (str):
        completed_at (datetime.datetime | Unset): The time that the model completed the prediction and all outputs were
            uploaded
        deadline (datetime.datetime | Unset): The absolute time at which the prediction will be automatically canceled
            if it has not completed
        deployment (str | Unset): The name of the deployment that created the prediction
        logs (str | Unset): The log output from the model
        metrics (PredictionResponseMetrics | Unset): Additional metrics associated with the prediction
        source (PredictionResponseSource | Unset): Indicates how the prediction was created
        started_at (datetime.datetime | Unset): The time that the model began the prediction
    """

    created_at: datetime.datetime
    data_removed: bool
    error: None | str
    id: str
    input_: PredictionResponseInput
    model: str
    output: Any
    status: PredictionResponseStatus
    urls: PredictionResponseUrls
    version: str
    completed_at: datetime.datetime | Unset = UNSET
    deadline: datetime.datetime | Unset = UNSET
    deployment: str | Unset = UNSET
    logs: str | Unset = UNSET
    metrics: PredictionResponseMetrics | Unset = UNSET
    source: PredictionResponseSource | Unset = UNSET
    started_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        data_removed = self.data_removed

        error: None | str
        error = self.error

        id = self.id

        input_ = self.input_.to_dict()

        model = self.model

        output = self.output

        status = self.status.value

        urls = self.urls.to_dict()

        version = self.version

        completed_at: str | Unset = UNSET
        if not isinstance(self.completed_at, Unset):
            completed_at = self.completed_at.isoformat()

        deadline: str | Unset = UNSET
        if not isinstance(self.deadline, Unset):
            deadline = self.deadline.isoformat()

        deployment = self.deployment

        logs = self.logs

        metrics: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metrics, Unset):
            metrics = self.metrics.to_dict()

        source: str | Unset = UNSET
        if not isinstance(self.source, Unset):
            source = self.source.value

        started_at: str | Unset = UNSET
        if not isinstance(self.started_at, Unset):
            started_at = self.started_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "data_removed": data_removed,
                "error": error,
                "id": id,
                "input": input_,
                "model": model,
                "output": output,
                "status": status,
                "urls": urls,
                "version": version,
            }
        )
        if completed_at is not UNSET:
            field_dict["completed_at"] = completed_at
        if deadline is not UNSET:
            field_dict["deadline"] = deadline
        if deployment is not UNSET:
            field_dict["deployment"] = deployment
        if logs is not UNSET:
            field_dict["logs"] = logs
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if source is not UNSET:
            field_dict["source"] = source
        if started_at is not UNSET:
            field_dict["started_at"] = started_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.prediction_response_input import PredictionResponseInput
        from ..models.prediction_response_metrics import PredictionResponseMetrics
        from ..models.prediction_response_urls import PredictionResponseUrls

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        data_removed = d.pop("data_removed")

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))

        id = d.pop("id")

        input_ = PredictionResponseInput.from_dict(d.pop("input"))

        model = d.pop("model")

        output = d.pop("output")

        status = PredictionResponseStatus(d.pop("status"))

        urls = PredictionResponseUrls.from_dict(d.pop("urls"))

        version = d.pop("version")

        _completed_at = d.pop("completed_at", UNSET)
        completed_at: datetime.datetime | Unset
        if isinstance(_completed_at, Unset):
            completed_at = UNSET
        else:
            completed_at = datetime.datetime.fromisoformat(_completed_at)

        _deadline = d.pop("deadline", UNSET)
        deadline: datetime.datetime | Unset
        if isinstance(_deadline, Unset):
            deadline = UNSET
        else:
            deadline = datetime.datetime.fromisoformat(_deadline)

        deployment = d.pop("deployment", UNSET)

        logs = d.pop("logs", UNSET)

        _metrics = d.pop("metrics", UNSET)
        metrics: PredictionResponseMetrics | Unset
        if isinstance(_metrics, Unset):
            metrics = UNSET
        else:
            metrics = PredictionResponseMetrics.from_dict(_metrics)

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

        prediction_response = cls(
            created_at=created_at,
            data_removed=data_removed,
            error=error,
            id=id,
            input_=input_,
            model=model,
            output=output,
            status=status,
            urls=urls,
            version=version,
            completed_at=completed_at,
            deadline=deadline,
            deployment=deployment,
            logs=logs,
            metrics=metrics,
            source=source,
            started_at=started_at,
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
