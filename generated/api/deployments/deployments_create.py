from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.deployment_response import DeploymentResponse
from ...models.deployments_create_body import DeploymentsCreateBody
from ...types import Response


def _get_kwargs(
    *,
    body: DeploymentsCreateBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/deployments",
    }

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
    *,
    client: AuthenticatedClient | Client,
    body: DeploymentsCreateBody,
) -> Response[DeploymentResponse]:
    """ Create a deployment

     Create a new deployment:

    Example cURL request:

    ```console
    curl -s \\
      -X POST \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H "Content-Type: application/json" \\
      -d '{
            "name": "my-app-image-generator",
            "model": "stability-ai/sdxl",
            "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
            "hardware": "gpu-t4",
            "min_instances": 0,
            "max_instances": 3
          }' \\
      https://api.replicate.com/v1/deployments
    ```

    The response will be a JSON object describing the deployment:

    ```json
    {
      "owner": "acme",
      "name": "my-app-image-generator",
      "current_release": {
        "number": 1,
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
          "min_instances": 1,
          "max_instances": 5
        }
      }
    }
    ```

    Args:
        body (DeploymentsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeploymentResponse]
     """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: DeploymentsCreateBody,
) -> DeploymentResponse | None:
    """ Create a deployment

     Create a new deployment:

    Example cURL request:

    ```console
    curl -s \\
      -X POST \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H "Content-Type: application/json" \\
      -d '{
            "name": "my-app-image-generator",
            "model": "stability-ai/sdxl",
            "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
            "hardware": "gpu-t4",
            "min_instances": 0,
            "max_instances": 3
          }' \\
      https://api.replicate.com/v1/deployments
    ```

    The response will be a JSON object describing the deployment:

    ```json
    {
      "owner": "acme",
      "name": "my-app-image-generator",
      "current_release": {
        "number": 1,
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
          "min_instances": 1,
          "max_instances": 5
        }
      }
    }
    ```

    Args:
        body (DeploymentsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeploymentResponse
     """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: DeploymentsCreateBody,
) -> Response[DeploymentResponse]:
    """ Create a deployment

     Create a new deployment:

    Example cURL request:

    ```console
    curl -s \\
      -X POST \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H "Content-Type: application/json" \\
      -d '{
            "name": "my-app-image-generator",
            "model": "stability-ai/sdxl",
            "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
            "hardware": "gpu-t4",
            "min_instances": 0,
            "max_instances": 3
          }' \\
      https://api.replicate.com/v1/deployments
    ```

    The response will be a JSON object describing the deployment:

    ```json
    {
      "owner": "acme",
      "name": "my-app-image-generator",
      "current_release": {
        "number": 1,
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
          "min_instances": 1,
          "max_instances": 5
        }
      }
    }
    ```

    Args:
        body (DeploymentsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeploymentResponse]
     """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: DeploymentsCreateBody,
) -> DeploymentResponse | None:
    """ Create a deployment

     Create a new deployment:

    Example cURL request:

    ```console
    curl -s \\
      -X POST \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H "Content-Type: application/json" \\
      -d '{
            "name": "my-app-image-generator",
            "model": "stability-ai/sdxl",
            "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
            "hardware": "gpu-t4",
            "min_instances": 0,
            "max_instances": 3
          }' \\
      https://api.replicate.com/v1/deployments
    ```

    The response will be a JSON object describing the deployment:

    ```json
    {
      "owner": "acme",
      "name": "my-app-image-generator",
      "current_release": {
        "number": 1,
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
          "min_instances": 1,
          "max_instances": 5
        }
      }
    }
    ```

    Args:
        body (DeploymentsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeploymentResponse
     """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
