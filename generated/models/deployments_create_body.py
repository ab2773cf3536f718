from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DeploymentsCreateBody")


@_attrs_define
class DeploymentsCreateBody:
    """
    Attributes:
        hardware (str): The SKU for the hardware used to run the model. Possible values can be retrieved from the
            `hardware.list` endpoint.
        max_instances (int): The maximum number of instances for scaling.
        min_instances (int): The minimum number of instances for scaling.
        model (str): The full name of the model that you want to deploy e.g. stability-ai/sdxl.
        name (str): The name of the deployment.
        version (str): The 64-character string ID of the model version that you want to deploy.
    """

    hardware: str
    max_instances: int
    min_instances: int
    model: str
    name: str
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        hardware = self.hardware

        max_instances = self.max_instances

        min_instances = self.min_instances

        model = self.model

        name = self.name

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "hardware": hardware,
                "max_instances": max_instances,
                "min_instances": min_instances,
                "model": model,
                "name": name,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = {
            key: value
            for key, value in src_dict.items()
            if value is not None
            or key
            not in {
                "hardware",
                "max_instances",
                "min_instances",
                "model",
                "name",
                "version",
            }
        }
        hardware = d.pop("hardware")

        max_instances = d.pop("max_instances")

        min_instances = d.pop("min_instances")

        model = d.pop("model")

        name = d.pop("name")

        version = d.pop("version")

        deployments_create_body = cls(
            hardware=hardware,
            max_instances=max_instances,
            min_instances=min_instances,
            model=model,
            name=name,
            version=version,
        )

        deployments_create_body.additional_properties = d
        return deployments_create_body

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
