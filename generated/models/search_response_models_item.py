from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model_response import ModelResponse
    from ..models.search_model_metadata_response import SearchModelMetadataResponse


T = TypeVar("T", bound="SearchResponseModelsItem")


@_attrs_define
class SearchResponseModelsItem:
    """
    Attributes:
        metadata (SearchModelMetadataResponse | Unset):
        model (ModelResponse | Unset):
    """

    metadata: SearchModelMetadataResponse | Unset = UNSET
    model: ModelResponse | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        model: dict[str, Any] | Unset = UNSET
        if not isinstance(self.model, Unset):
            model = self.model.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if model is not UNSET:
            field_dict["model"] = model

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.model_response import ModelResponse
        from ..models.search_model_metadata_response import SearchModelMetadataResponse

        d = {
            key: value
            for key, value in src_dict.items()
            if value is not None
            or key
            not in {
                "metadata",
                "model",
            }
        }
        _metadata = d.pop("metadata", UNSET)
        metadata: SearchModelMetadataResponse | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = SearchModelMetadataResponse.from_dict(_metadata)

        _model = d.pop("model", UNSET)
        model: ModelResponse | Unset
        if isinstance(_model, Unset):
            model = UNSET
        else:
            model = ModelResponse.from_dict(_model)

        search_response_models_item = cls(
            metadata=metadata,
            model=model,
        )

        search_response_models_item.additional_properties = d
        return search_response_models_item

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
