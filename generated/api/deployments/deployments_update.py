from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.deployment_response import DeploymentResponse
from ...models.deployments_update_body import DeploymentsUpdateBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    deployment_owner: str,
    deployment_name: str,
    *,
    body: DeploymentsUpdateBody | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/deployments/{deployment_owner}/{deployment_name}".format(
            deployment_owner=quote(str(deployment_owner), safe=""),
            deployment_name=quote(str(deployment_name), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DeploymentResponse | None:
    if response.status_code == 200:
        response_200 = DeploymentResponse.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[DeploymentResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    deployment_owner: str,
    deployment_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeploymentsUpdateBody | Unset = UNSET,
) -> Response[DeploymentResponse]:
    """ Update a deployment

     Update properties of an existing deployment, including hardware, min/max instances, and the
    deployment's underlying model [version](https://replicate.com/docs/how-does-replicate-
    work#versions).

    Example cURL request:

    ```console
    curl -s \\
      -X PATCH \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H "Content-Type: application/json" \\
      -d '{"min_instances": 3, "max_instances": 10}' \\
      https://api.replicate.com/v1/deployments/acme/my-app-image-generator
    ```

    The response will be a JSON object describing the deployment:

    ```json
    {
      "owner": "acme",
      "name": "my-app-image-generator",
      "current_release": {
        "number": 2,
        "model": "stability-ai/sdxl",
        "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
        "created_at": "2024-02-15T16:32:57.018467Z",
        "created_by": {
          "type": "organization",
          "username": "acme",
          "name": "Acme Corp, Inc.",
          "avatar_url": "https://cdn.replicate.com/avatars/acme.png",
          "github_url": "https://github.com/acme"
        },
        "configuration": {
          "hardware": "gpu-t4",
          "min_instances": 3,
          "max_instances": 10
        }
      }
    }
    ```

    Updating any deployment properties will increment the `number` field of the `current_release`.

    Args:
        deployment_owner (str):
        deployment_name (str):
        body (DeploymentsUpdateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeploymentResponse]
     """

    kwargs = _get_kwargs(
        deployment_owner=deployment_owner,
        deployment_name=deployment_name,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    deployment_owner: str,
    deployment_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeploymentsUpdateBody | Unset = UNSET,
) -> DeploymentResponse | None:
    """ Update a deployment

     Update properties of an existing deployment, including hardware, min/max instances, and the
    deployment's underlying model [version](https://replicate.com/docs/how-does-replicate-
    work#versions).

    Example cURL request:

    ```console
    curl -s \\
      -X PATCH \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H "Content-Type: application/json" \\
      -d '{"min_instances": 3, "max_instances": 10}' \\
      https://api.replicate.com/v1/deployments/acme/my-app-image-generator
    ```

    The response will be a JSON object describing the deployment:

    ```json
    {
      "owner": "acme",
      "name": "my-app-image-generator",
      "current_release": {
        "number": 2,
        "model": "stability-ai/sdxl",
        "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
        "created_at": "2024-02-15T16:32:57.018467Z",
        "created_by": {
          "type": "organization",
          "username": "acme",
          "name": "Acme Corp, Inc.",
          "avatar_url": "https://cdn.replicate.com/avatars/acme.png",
          "github_url": "https://github.com/acme"
        },
        "configuration": {
          "hardware": "gpu-t4",
          "min_instances": 3,
          "max_instances": 10
        }
      }
    }
    ```

    Updating any deployment properties will increment the `number` field of the `current_release`.

    Args:
        deployment_owner (str):
        deployment_name (str):
        body (DeploymentsUpdateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeploymentResponse
     """

    return sync_detailed(
        deployment_owner=deployment_owner,
        deployment_name=deployment_name,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    deployment_owner: str,
    deployment_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeploymentsUpdateBody | Unset = UNSET,
) -> Response[DeploymentResponse]:
    """ Update a deployment

     Update properties of an existing deployment, including hardware, min/max instances, and the
    deployment's underlying model [version](https://replicate.com/docs/how-does-replicate-
    work#versions).

    Example cURL request:

    ```console
    curl -s \\
      -X PATCH \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H "Content-Type: application/json" \\
      -d '{"min_instances": 3, "max_instances": 10}' \\
      https://api.replicate.com/v1/deployments/acme/my-app-image-generator
    ```

    The response will be a JSON object describing the deployment:

    ```json
    {
      "owner": "acme",
      "name": "my-app-image-generator",
      "current_release": {
        "number": 2,
        "model": "stability-ai/sdxl",
        "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
        "created_at": "2024-02-15T16:32:57.018467Z",
        "created_by": {
          "type": "organization",
          "username": "acme",
          "name": "Acme Corp, Inc.",
          "avatar_url": "https://cdn.replicate.com/avatars/acme.png",
          "github_url": "https://github.com/acme"
        },
        "configuration": {
          "hardware": "gpu-t4",
          "min_instances": 3,
          "max_instances": 10
        }
      }
    }
    ```

    Updating any deployment properties will increment the `number` field of the `current_release`.

    Args:
        deployment_owner (str):
        deployment_name (str):
        body (DeploymentsUpdateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeploymentResponse]
     """

    kwargs = _get_kwargs(
        deployment_owner=deployment_owner,
        deployment_name=deployment_name,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    deployment_owner: str,
    deployment_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeploymentsUpdateBody | Unset = UNSET,
) -> DeploymentResponse | None:
    """ Update a deployment

     Update properties of an existing deployment, including hardware, min/max instances, and the
    deployment's underlying model [version](https://replicate.com/docs/how-does-replicate-
    work#versions).

    Example cURL request:

    ```console
    curl -s \\
      -X PATCH \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H "Content-Type: application/json" \\
      -d '{"min_instances": 3, "max_instances": 10}' \\
      https://api.replicate.com/v1/deployments/acme/my-app-image-generator
    ```

    The response will be a JSON object describing the deployment:

    ```json
    {
      "owner": "acme",
      "name": "my-app-image-generator",
      "current_release": {
        "number": 2,
        "model": "stability-ai/sdxl",
        "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
        "created_at": "2024-02-15T16:32:57.018467Z",
        "created_by": {
          "type": "organization",
          "username": "acme",
          "name": "Acme Corp, Inc.",
          "avatar_url": "https://cdn.replicate.com/avatars/acme.png",
          "github_url": "https://github.com/acme"
        },
        "configuration": {
          "hardware": "gpu-t4",
          "min_instances": 3,
          "max_instances": 10
        }
      }
    }
    ```

    Updating any deployment properties will increment the `number` field of the `current_release`.

    Args:
        deployment_owner (str):
        deployment_name (str):
        body (DeploymentsUpdateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeploymentResponse
     """

    return (
        await asyncio_detailed(
            deployment_owner=deployment_owner,
            deployment_name=deployment_name,
            client=client,
            body=body,
        )
    ).parsed
