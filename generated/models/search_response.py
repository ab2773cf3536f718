from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.page_response import PageResponse
    from ..models.search_collection_response import SearchCollectionResponse
    from ..models.search_response_models_item import SearchResponseModelsItem


T = TypeVar("T", bound="SearchResponse")


@_attrs_define
class SearchResponse:
    """
    Attributes:
        collections (list[SearchCollectionResponse] | Unset): Array of collections that match the search query
        models (list[SearchResponseModelsItem] | Unset): Array of models that match the search query, each containing
            model data and extra metadata
        pages (list[PageResponse] | Unset): Array of Replicate documentation pages that match the search query
        query (str | Unset): The search term that was evaluated
    """

    collections: list[SearchCollectionResponse] | Unset = UNSET
    models: list[SearchResponseModelsItem] | Unset = UNSET
    pages: list[PageResponse] | Unset = UNSET
    query: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        collections: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.collections, Unset):
            collections = []
            for collections_item_data in self.collections:
                collections_item = collections_item_data.to_dict()
                collections.append(collections_item)

        models: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.models, Unset):
            models = []
            for models_item_data in self.models:
                models_item = models_item_data.to_dict()
                models.append(models_item)

        pages: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.pages, Unset):
            pages = []
            for pages_item_data in self.pages:
                pages_item = pages_item_data.to_dict()
                pages.append(pages_item)

        query = self.query

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if collections is not UNSET:
            field_dict["collections"] = collections
        if models is not UNSET:
            field_dict["models"] = models
        if pages is not UNSET:
            field_dict["pages"] = pages
        if query is not UNSET:
            field_dict["query"] = query

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.page_response import PageResponse
        from ..models.search_collection_response import SearchCollectionResponse
        from ..models.search_response_models_item import SearchResponseModelsItem

        d = {
            key: value
            for key, value in src_dict.items()
            if value is not None
            or key
            not in {
                "collections",
                "models",
                "pages",
                "query",
            }
        }
        _collections = d.pop("collections", UNSET)
        collections: list[SearchCollectionResponse] | Unset = UNSET
        if _collections is not UNSET:
            collections = []
            for collections_item_data in _collections:
                collections_item = SearchCollectionResponse.from_dict(collections_item_data)

                collections.append(collections_item)

        _models = d.pop("models", UNSET)
        models: list[SearchResponseModelsItem] | Unset = UNSET
        if _models is not UNSET:
            models = []
            for models_item_data in _models:
                models_item = SearchResponseModelsItem.from_dict(models_item_data)

                models.append(models_item)

        _pages = d.pop("pages", UNSET)
        pages: list[PageResponse] | Unset = UNSET
        if _pages is not UNSET:
            pages = []
            for pages_item_data in _pages:
                pages_item = PageResponse.from_dict(pages_item_data)

                pages.append(pages_item)

        query = d.pop("query", UNSET)

        search_response = cls(
            collections=collections,
            models=models,
            pages=pages,
            query=query,
        )

        search_response.additional_properties = d
        return search_response

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
