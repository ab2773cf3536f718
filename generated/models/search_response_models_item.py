from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.model_response import ModelResponse
    from ..models.search_model_metadata_response import SearchModelMetadataResponse


T = TypeVar("T", bound="SearchResponseModelsItem")


@_attrs_define
class SearchResponseModelsItem:
    """
    Attributes:
        metadata (SearchModelMetadataResponse):
        model (ModelResponse):
    """

    metadata: SearchModelMetadataResponse
    model: ModelResponse
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        metadata = self.metadata.to_dict()

        model = self.model.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "metadata": metadata,
                "model": model,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.model_response import ModelResponse
        from ..models.search_model_metadata_response import SearchModelMetadataResponse

        d = dict(src_dict)
        metadata = SearchModelMetadataResponse.from_dict(d.pop("metadata"))

        model = ModelResponse.from_dict(d.pop("model"))

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
