from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.model_response import ModelResponse


T = TypeVar("T", bound="CollectionResponse")


@_attrs_define
class CollectionResponse:
    """
    Attributes:
        description (str | Unset): A description of the collection
        full_description (None | str | Unset): The full description of the collection in markdown format
        models (list[ModelResponse] | Unset): The models in this collection
        name (str | Unset): The name of the collection
        slug (str | Unset): The slug of the collection (lowercase with dashes)
    """

    description: str | Unset = UNSET
    full_description: None | str | Unset = UNSET
    models: list[ModelResponse] | Unset = UNSET
    name: str | Unset = UNSET
    slug: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        full_description: None | str | Unset
        if isinstance(self.full_description, Unset):
            full_description = UNSET
        else:
            full_description = self.full_description

        models: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.models, Unset):
            models = []
            for models_item_data in self.models:
                models_item = models_item_data.to_dict()
                models.append(models_item)

        name = self.name

        slug = self.slug

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if description is not UNSET:
            field_dict["description"] = description
        if full_description is not UNSET:
            field_dict["full_description"] = full_description
        if models is not UNSET:
            field_dict["models"] = models
        if name is not UNSET:
            field_dict["name"] = name
        if slug is not UNSET:
            field_dict["slug"] = slug

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.model_response import ModelResponse

        d = {
            key: value
            for key, value in src_dict.items()
            if value is not None
            or key
            not in {
                "description",
                "models",
                "name",
                "slug",
            }
        }
        description = d.pop("description", UNSET)

        def _parse_full_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        full_description = _parse_full_description(d.pop("full_description", UNSET))

        _models = d.pop("models", UNSET)
        models: list[ModelResponse] | Unset = UNSET
        if _models is not UNSET:
            models = []
            for models_item_data in _models:
                models_item = ModelResponse.from_dict(models_item_data)

                models.append(models_item)

        name = d.pop("name", UNSET)

        slug = d.pop("slug", UNSET)

        collection_response = cls(
            description=description,
            full_description=full_description,
            models=models,
            name=name,
            slug=slug,
        )

        collection_response.additional_properties = d
        return collection_response

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
