from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.file_response_checksums import FileResponseChecksums
    from ..models.file_response_metadata import FileResponseMetadata
    from ..models.file_response_urls import FileResponseUrls


T = TypeVar("T", bound="FileResponse")


@_attrs_define
class FileResponse:
    """A file resource

    Attributes:
        checksums (FileResponseChecksums | Unset): A dictionary of checksums for the file keyed by the algorithm name
        content_type (str | Unset): The content / MIME type of the file Example: application/zip.
        created_at (datetime.datetime | Unset): When the file was created Example: 2024-02-21T12:54:18.578761Z.
        expires_at (datetime.datetime | Unset): When the file expires Example: 2024-02-21T13:54:18.578761Z.
        id (str | Unset): A unique, randomly-generated identifier for the file resource Example:
            cneqzikepnug6xezperrr4z55o.
        metadata (FileResponseMetadata | Unset): Metadata provided by user when the file was created Example:
            {'customer_reference_id': 123}.
        size (int | Unset): The length of the file in bytes Example: 69420.
        urls (FileResponseUrls | Unset): A dictionary of URLs associated with the file resource
    """

    checksums: FileResponseChecksums | Unset = UNSET
    content_type: str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    expires_at: datetime.datetime | Unset = UNSET
    id: str | Unset = UNSET
    metadata: FileResponseMetadata | Unset = UNSET
    size: int | Unset = UNSET
    urls: FileResponseUrls | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        checksums: dict[str, Any] | Unset = UNSET
        if not isinstance(self.checksums, Unset):
            checksums = self.checksums.to_dict()

        content_type = self.content_type

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        expires_at: str | Unset = UNSET
        if not isinstance(self.expires_at, Unset):
            expires_at = self.expires_at.isoformat()

        id = self.id

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        size = self.size

        urls: dict[str, Any] | Unset = UNSET
        if not isinstance(self.urls, Unset):
            urls = self.urls.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if checksums is not UNSET:
            field_dict["checksums"] = checksums
        if content_type is not UNSET:
            field_dict["content_type"] = content_type
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if id is not UNSET:
            field_dict["id"] = id
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if size is not UNSET:
            field_dict["size"] = size
        if urls is not UNSET:
            field_dict["urls"] = urls

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.file_response_checksums import FileResponseChecksums
        from ..models.file_response_metadata import FileResponseMetadata
        from ..models.file_response_urls import FileResponseUrls

        d = {
            key: value
            for key, value in src_dict.items()
            if value is not None
            or key
            not in {
                "checksums",
                "content_type",
                "created_at",
                "expires_at",
                "id",
                "metadata",
                "size",
                "urls",
            }
        }
        _checksums = d.pop("checksums", UNSET)
        checksums: FileResponseChecksums | Unset
        if isinstance(_checksums, Unset):
            checksums = UNSET
        else:
            checksums = FileResponseChecksums.from_dict(_checksums)

        content_type = d.pop("content_type", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        _expires_at = d.pop("expires_at", UNSET)
        expires_at: datetime.datetime | Unset
        if isinstance(_expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = datetime.datetime.fromisoformat(_expires_at)

        id = d.pop("id", UNSET)

        _metadata = d.pop("metadata", UNSET)
        metadata: FileResponseMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = FileResponseMetadata.from_dict(_metadata)

        size = d.pop("size", UNSET)

        _urls = d.pop("urls", UNSET)
        urls: FileResponseUrls | Unset
        if isinstance(_urls, Unset):
            urls = UNSET
        else:
            urls = FileResponseUrls.from_dict(_urls)

        file_response = cls(
            checksums=checksums,
            content_type=content_type,
            created_at=created_at,
            expires_at=expires_at,
            id=id,
            metadata=metadata,
            size=size,
            urls=urls,
        )

        file_response.additional_properties = d
        return file_response

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
