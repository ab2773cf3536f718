from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.model_response import ModelResponse
from ...models.models_create_body import ModelsCreateBody
from ...types import Response


def _get_kwargs(
    *,
    body: ModelsCreateBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/models",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ModelResponse | None:
    if response.status_code == 201:
        response_201 = ModelResponse.from_dict(response.json())

        return response_201

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ModelResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ModelsCreateBody,
) -> Response[ModelResponse]:
    """ Create a model

     Create a model.

    Example cURL request:

    ```console
    curl -s -X POST \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H 'Content-Type: application/json' \\
      -d '{"owner": "alice", "name": "hot-dog-detector", "description": "Detect hot dogs in images",
    "visibility": "public", "hardware": "cpu"}' \\
      https://api.replicate.com/v1/models
    ```

    The response will be a model object in the following format:

    ```json
    {
      "url": "https://replicate.com/alice/hot-dog-detector",
      "owner": "alice",
      "name": "hot-dog-detector",
      "description": "Detect hot dogs in images",
      "visibility": "public",
      "github_url": null,
      "paper_url": null,
      "license_url": null,
      "run_count": 0,
      "cover_image_url": null,
      "default_example": null,
      "latest_version": null,
    }
    ```

    Note that there is a limit of 1,000 models per account. For most purposes, we recommend using a
    single model and pushing new [versions](https://replicate.com/docs/how-does-replicate-work#versions)
    of the model as you make changes to it.

    Args:
        body (ModelsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelResponse]
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
    body: ModelsCreateBody,
) -> ModelResponse | None:
    """ Create a model

     Create a model.

    Example cURL request:

    ```console
    curl -s -X POST \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H 'Content-Type: application/json' \\
      -d '{"owner": "alice", "name": "hot-dog-detector", "description": "Detect hot dogs in images",
    "visibility": "public", "hardware": "cpu"}' \\
      https://api.replicate.com/v1/models
    ```

    The response will be a model object in the following format:

    ```json
    {
      "url": "https://replicate.com/alice/hot-dog-detector",
      "owner": "alice",
      "name": "hot-dog-detector",
      "description": "Detect hot dogs in images",
      "visibility": "public",
      "github_url": null,
      "paper_url": null,
      "license_url": null,
      "run_count": 0,
      "cover_image_url": null,
      "default_example": null,
      "latest_version": null,
    }
    ```

    Note that there is a limit of 1,000 models per account. For most purposes, we recommend using a
    single model and pushing new [versions](https://replicate.com/docs/how-does-replicate-work#versions)
    of the model as you make changes to it.

    Args:
        body (ModelsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModelResponse
     """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ModelsCreateBody,
) -> Response[ModelResponse]:
    """ Create a model

     Create a model.

    Example cURL request:

    ```console
    curl -s -X POST \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H 'Content-Type: application/json' \\
      -d '{"owner": "alice", "name": "hot-dog-detector", "description": "Detect hot dogs in images",
    "visibility": "public", "hardware": "cpu"}' \\
      https://api.replicate.com/v1/models
    ```

    The response will be a model object in the following format:

    ```json
    {
      "url": "https://replicate.com/alice/hot-dog-detector",
      "owner": "alice",
      "name": "hot-dog-detector",
      "description": "Detect hot dogs in images",
      "visibility": "public",
      "github_url": null,
      "paper_url": null,
      "license_url": null,
      "run_count": 0,
      "cover_image_url": null,
      "default_example": null,
      "latest_version": null,
    }
    ```

    Note that there is a limit of 1,000 models per account. For most purposes, we recommend using a
    single model and pushing new [versions](https://replicate.com/docs/how-does-replicate-work#versions)
    of the model as you make changes to it.

    Args:
        body (ModelsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelResponse]
     """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ModelsCreateBody,
) -> ModelResponse | None:
    """ Create a model

     Create a model.

    Example cURL request:

    ```console
    curl -s -X POST \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H 'Content-Type: application/json' \\
      -d '{"owner": "alice", "name": "hot-dog-detector", "description": "Detect hot dogs in images",
    "visibility": "public", "hardware": "cpu"}' \\
      https://api.replicate.com/v1/models
    ```

    The response will be a model object in the following format:

    ```json
    {
      "url": "https://replicate.com/alice/hot-dog-detector",
      "owner": "alice",
      "name": "hot-dog-detector",
      "description": "Detect hot dogs in images",
      "visibility": "public",
      "github_url": null,
      "paper_url": null,
      "license_url": null,
      "run_count": 0,
      "cover_image_url": null,
      "default_example": null,
      "latest_version": null,
    }
    ```

    Note that there is a limit of 1,000 models per account. For most purposes, we recommend using a
    single model and pushing new [versions](https://replicate.com/docs/how-does-replicate-work#versions)
    of the model as you make changes to it.

    Args:
        body (ModelsCreateBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModelResponse
     """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
