from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.account_get_response_200_type import AccountGetResponse200Type
from ..types import UNSET, Unset

T = TypeVar("T", bound="AccountGetResponse200")


@_attrs_define
class AccountGetResponse200:
    """
    Attributes:
        avatar_url (str | Unset): The avatar URL for the account.
        github_url (str | Unset): The GitHub URL of the account.
        name (str | Unset): The name of the account.
        type_ (AccountGetResponse200Type | Unset): The account type. Can be a user or an organization.
        username (str | Unset): The username of the account.
    """

    avatar_url: str | Unset = UNSET
    github_url: str | Unset = UNSET
    name: str | Unset = UNSET
    type_: AccountGetResponse200Type | Unset = UNSET
    username: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        avatar_url = self.avatar_url

        github_url = self.github_url

        name = self.name

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        username = self.username

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if avatar_url is not UNSET:
            field_dict["avatar_url"] = avatar_url
        if github_url is not UNSET:
            field_dict["github_url"] = github_url
        if name is not UNSET:
            field_dict["name"] = name
        if type_ is not UNSET:
            field_dict["type"] = type_
        if username is not UNSET:
            field_dict["username"] = username

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = {
            key: value
            for key, value in src_dict.items()
            if value is not None
            or key
            not in {
                "avatar_url",
                "github_url",
                "name",
                "type",
                "username",
            }
        }
        avatar_url = d.pop("avatar_url", UNSET)

        github_url = d.pop("github_url", UNSET)

        name = d.pop("name", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: AccountGetResponse200Type | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = AccountGetResponse200Type(_type_)

        username = d.pop("username", UNSET)

        account_get_response_200 = cls(
            avatar_url=avatar_url,
            github_url=github_url,
            name=name,
            type_=type_,
            username=username,
        )

        account_get_response_200.additional_properties = d
        return account_get_response_200

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
