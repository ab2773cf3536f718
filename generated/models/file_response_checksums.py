from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="FileResponseChecksums")


@_attrs_define
class FileResponseChecksums:
    """A dictionary of checksums for the file keyed by the algorithm name

    Attributes:
        sha256 (str | Unset): SHA256 checksum of the file Example:
            f047f8e745f9996c6e386064e06cb2007b8e6bc0a968a334fc0d2b2d64012066.
    """

    sha256: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sha256 = self.sha256

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if sha256 is not UNSET:
            field_dict["sha256"] = sha256

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = {
            key: value
            for key, value in src_dict.items()
            if value is not None
            or key
            not in {
                "sha256",
            }
        }
        sha256 = d.pop("sha256", UNSET)

        file_response_checksums = cls(
            sha256=sha256,
        )

        file_response_checksums.additional_properties = d
        return file_response_checksums

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
