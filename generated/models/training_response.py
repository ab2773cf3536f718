from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.training_response_source import TrainingResponseSource
from ..models.training_response_status import TrainingResponseStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.training_response_input import TrainingResponseInput
    from ..models.training_response_metrics import TrainingResponseMetrics
    from ..models.training_response_output import TrainingResponseOutput
    from ..models.training_response_urls import TrainingResponseUrls


T = TypeVar("T", bound="TrainingResponse")


@_attrs_define
class TrainingResponse:
    """
    Attributes:
        completed_at (datetime.datetime | Unset): The time when the training completed
        created_at (datetime.datetime | Unset): The time when the training was created
        error (None | str | Unset): Error message if the training failed
        id (str | Unset): The unique ID of the training
        input_ (TrainingResponseInput | Unset): The input parameters used for the training
        logs (str | Unset): The logs from the training process
        metrics (TrainingResponseMetrics | Unset): Metrics about the training process
        model (str | Unset): The name of the model in the format owner/name
        output (TrainingResponseOutput | Unset): The output of the training process
        source (TrainingResponseSource | Unset): How the training was created
        started_at (datetime.datetime | Unset): The time when the training started
        status (TrainingResponseStatus | Unset): The current status of the training. `canceled` means the training was
            canceled (either by the user or because it reached its deadline while running). `aborted` means the training was
            terminated before it started running (for example, when a deadline is reached before the training starts).
        urls (TrainingResponseUrls | Unset): URLs for interacting with the training
        version (str | Unset): The ID of the model version used for training
    """

    completed_at: datetime.datetime | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    error: None | str | Unset = UNSET
    id: str | Unset = UNSET
    input_: TrainingResponseInput | Unset = UNSET
    logs: str | Unset = UNSET
    metrics: TrainingResponseMetrics | Unset = UNSET
    model: str | Unset = UNSET
    output: TrainingResponseOutput | Unset = UNSET
    source: TrainingResponseSource | Unset = UNSET
    started_at: datetime.datetime | Unset = UNSET
    status: TrainingResponseStatus | Unset = UNSET
    urls: TrainingResponseUrls | Unset = UNSET
    version: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        completed_at: str | Unset = UNSET
        if not isinstance(self.completed_at, Unset):
            completed_at = self.completed_at.isoformat()

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

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

        output: dict[str, Any] | Unset = UNSET
        if not isinstance(self.output, Unset):
            output = self.output.to_dict()

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
        from ..models.training_response_input import TrainingResponseInput
        from ..models.training_response_metrics import TrainingResponseMetrics
        from ..models.training_response_output import TrainingResponseOutput
        from ..models.training_response_urls import TrainingResponseUrls

        d = {
            key: value
            for key, value in src_dict.items()
            if value is not None
            or key
            not in {
                "completed_at",
                "created_at",
                "id",
                "input",
                "logs",
                "metrics",
                "model",
                "output",
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

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        id = d.pop("id", UNSET)

        _input_ = d.pop("input", UNSET)
        input_: TrainingResponseInput | Unset
        if isinstance(_input_, Unset):
            input_ = UNSET
        else:
            input_ = TrainingResponseInput.from_dict(_input_)

        logs = d.pop("logs", UNSET)

        _metrics = d.pop("metrics", UNSET)
        metrics: TrainingResponseMetrics | Unset
        if isinstance(_metrics, Unset):
            metrics = UNSET
        else:
            metrics = TrainingResponseMetrics.from_dict(_metrics)

        model = d.pop("model", UNSET)

        _output = d.pop("output", UNSET)
        output: TrainingResponseOutput | Unset
        if isinstance(_output, Unset):
            output = UNSET
        else:
            output = TrainingResponseOutput.from_dict(_output)

        _source = d.pop("source", UNSET)
        source: TrainingResponseSource | Unset
        if isinstance(_source, Unset):
            source = UNSET
        else:
            source = TrainingResponseSource(_source)

        _started_at = d.pop("started_at", UNSET)
        started_at: datetime.datetime | Unset
        if isinstance(_started_at, Unset):
            started_at = UNSET
        else:
            started_at = datetime.datetime.fromisoformat(_started_at)

        _status = d.pop("status", UNSET)
        status: TrainingResponseStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = TrainingResponseStatus(_status)

        _urls = d.pop("urls", UNSET)
        urls: TrainingResponseUrls | Unset
        if isinstance(_urls, Unset):
            urls = UNSET
        else:
            urls = TrainingResponseUrls.from_dict(_urls)

        version = d.pop("version", UNSET)

        training_response = cls(
            completed_at=completed_at,
            created_at=created_at,
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

        training_response.additional_properties = d
        return training_response

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
