from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.file_response_checksums import FileResponseChecksums
    from ..models.file_response_metadata import FileResponseMetadata
    from ..models.file_response_urls import FileResponseUrls


T = TypeVar("T", bound="FileResponse")


@_attrs_define
class FileResponse:
    """A file resource

    Attributes:
        checksums (FileResponseChecksums): A dictionary of checksums for the file keyed by the algorithm name
        content_type (str): The content / MIME type of the file Example: application/zip.
        created_at (datetime.datetime): When the file was created Example: 2024-02-21T12:54:18.578761Z.
        expires_at (datetime.datetime): When the file expires Example: 2024-02-21T13:54:18.578761Z.
        id (str): A unique, randomly-generated identifier for the file resource Example: cneqzikepnug6xezperrr4z55o.
        metadata (FileResponseMetadata): Metadata provided by user when the file was created Example:
            {'customer_reference_id': 123}.
        size (int): The length of the file in bytes Example: 69420.
        urls (FileResponseUrls): A dictionary of URLs associated with the file resource
    """

    checksums: FileResponseChecksums
    content_type: str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    id: str
    metadata: FileResponseMetadata
    size: int
    urls: FileResponseUrls
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        checksums = self.checksums.to_dict()

        content_type = self.content_type

        created_at = self.created_at.isoformat()

        expires_at = self.expires_at.isoformat()

        id = self.id

        metadata = self.metadata.to_dict()

        size = self.size

        urls = self.urls.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "checksums": checksums,
                "content_type": content_type,
                "created_at": created_at,
                "expires_at": expires_at,
                "id": id,
                "metadata": metadata,
                "size": size,
                "urls": urls,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.file_response_checksums import FileResponseChecksums
        from ..models.file_response_metadata import FileResponseMetadata
        from ..models.file_response_urls import FileResponseUrls

        d = dict(src_dict)
        checksums = FileResponseChecksums.from_dict(d.pop("checksums"))

        content_type = d.pop("content_type")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        id = d.pop("id")

        metadata = FileResponseMetadata.from_dict(d.pop("metadata"))

        size = d.pop("size")

        urls = FileResponseUrls.from_dict(d.pop("urls"))

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
