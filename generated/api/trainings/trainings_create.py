from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.training_request import TrainingRequest
from ...models.training_response import TrainingResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    model_owner: str,
    model_name: str,
    version_id: str,
    *,
    body: TrainingRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/models/{model_owner}/{model_name}/versions/{version_id}/trainings".format(
            model_owner=quote(str(model_owner), safe=""),
            model_name=quote(str(model_name), safe=""),
            version_id=quote(str(version_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> TrainingResponse | None:
    if response.status_code == 201:
        response_201 = TrainingResponse.from_dict(response.json())

        return response_201

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[TrainingResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    model_owner: str,
    model_name: str,
    version_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: TrainingRequest | Unset = UNSET,
) -> Response[TrainingResponse]:
    """ Create a training

     Start a new training of the model version you specify.

    Example request body:

    ```json
    {
      "destination": "{new_owner}/{new_name}",
      "input": {
        "train_data": "https://example.com/my-input-images.zip",
      },
      "webhook": "https://example.com/my-webhook",
    }
    ```

    Example cURL request:

    ```console
    curl -s -X POST \\
      -d '{"destination": "{new_owner}/{new_name}", "input": {"input_images": "https://example.com/my-
    input-images.zip"}}' \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H 'Content-Type: application/json' \\
      https://api.replicate.com/v1/models/stability-
    ai/sdxl/versions/da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf/trainings
    ```

    The response will be the training object:

    ```json
    {
      "id": "zz4ibbonubfz7carwiefibzgga",
      "model": "stability-ai/sdxl",
      "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
      "input": {
        "input_images": "https://example.com/my-input-images.zip"
      },
      "logs": "",
      "error": null,
      "status": "starting",
      "created_at": "2023-09-08T16:32:56.990893084Z",
      "urls": {
        "web": "https://replicate.com/p/zz4ibbonubfz7carwiefibzgga",
         "get": "https://api.replicate.com/v1/predictions/zz4ibbonubfz7carwiefibzgga",
         "cancel": "https://api.replicate.com/v1/predictions/zz4ibbonubfz7carwiefibzgga/cancel"
      }
    }
    ```

    As models can take several minutes or more to train, the result will not be available immediately.
    To get the final result of the training you should either provide a `webhook` HTTPS URL for us to
    call when the results are ready, or poll the [get a training](#trainings.get) endpoint until it has
    finished.

    When a training completes, it creates a new [version](https://replicate.com/docs/how-does-replicate-
    work#terminology) of the model at the specified destination.

    To find some models to train on, check out the [trainable language models
    collection](https://replicate.com/collections/trainable-language-models).

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):
        body (TrainingRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[TrainingResponse]
     """

    kwargs = _get_kwargs(
        model_owner=model_owner,
        model_name=model_name,
        version_id=version_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    model_owner: str,
    model_name: str,
    version_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: TrainingRequest | Unset = UNSET,
) -> TrainingResponse | None:
    """ Create a training

     Start a new training of the model version you specify.

    Example request body:

    ```json
    {
      "destination": "{new_owner}/{new_name}",
      "input": {
        "train_data": "https://example.com/my-input-images.zip",
      },
      "webhook": "https://example.com/my-webhook",
    }
    ```

    Example cURL request:

    ```console
    curl -s -X POST \\
      -d '{"destination": "{new_owner}/{new_name}", "input": {"input_images": "https://example.com/my-
    input-images.zip"}}' \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H 'Content-Type: application/json' \\
      https://api.replicate.com/v1/models/stability-
    ai/sdxl/versions/da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf/trainings
    ```

    The response will be the training object:

    ```json
    {
      "id": "zz4ibbonubfz7carwiefibzgga",
      "model": "stability-ai/sdxl",
      "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
      "input": {
        "input_images": "https://example.com/my-input-images.zip"
      },
      "logs": "",
      "error": null,
      "status": "starting",
      "created_at": "2023-09-08T16:32:56.990893084Z",
      "urls": {
        "web": "https://replicate.com/p/zz4ibbonubfz7carwiefibzgga",
         "get": "https://api.replicate.com/v1/predictions/zz4ibbonubfz7carwiefibzgga",
         "cancel": "https://api.replicate.com/v1/predictions/zz4ibbonubfz7carwiefibzgga/cancel"
      }
    }
    ```

    As models can take several minutes or more to train, the result will not be available immediately.
    To get the final result of the training you should either provide a `webhook` HTTPS URL for us to
    call when the results are ready, or poll the [get a training](#trainings.get) endpoint until it has
    finished.

    When a training completes, it creates a new [version](https://replicate.com/docs/how-does-replicate-
    work#terminology) of the model at the specified destination.

    To find some models to train on, check out the [trainable language models
    collection](https://replicate.com/collections/trainable-language-models).

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):
        body (TrainingRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        TrainingResponse
     """

    return sync_detailed(
        model_owner=model_owner,
        model_name=model_name,
        version_id=version_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    model_owner: str,
    model_name: str,
    version_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: TrainingRequest | Unset = UNSET,
) -> Response[TrainingResponse]:
    """ Create a training

     Start a new training of the model version you specify.

    Example request body:

    ```json
    {
      "destination": "{new_owner}/{new_name}",
      "input": {
        "train_data": "https://example.com/my-input-images.zip",
      },
      "webhook": "https://example.com/my-webhook",
    }
    ```

    Example cURL request:

    ```console
    curl -s -X POST \\
      -d '{"destination": "{new_owner}/{new_name}", "input": {"input_images": "https://example.com/my-
    input-images.zip"}}' \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H 'Content-Type: application/json' \\
      https://api.replicate.com/v1/models/stability-
    ai/sdxl/versions/da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf/trainings
    ```

    The response will be the training object:

    ```json
    {
      "id": "zz4ibbonubfz7carwiefibzgga",
      "model": "stability-ai/sdxl",
      "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
      "input": {
        "input_images": "https://example.com/my-input-images.zip"
      },
      "logs": "",
      "error": null,
      "status": "starting",
      "created_at": "2023-09-08T16:32:56.990893084Z",
      "urls": {
        "web": "https://replicate.com/p/zz4ibbonubfz7carwiefibzgga",
         "get": "https://api.replicate.com/v1/predictions/zz4ibbonubfz7carwiefibzgga",
         "cancel": "https://api.replicate.com/v1/predictions/zz4ibbonubfz7carwiefibzgga/cancel"
      }
    }
    ```

    As models can take several minutes or more to train, the result will not be available immediately.
    To get the final result of the training you should either provide a `webhook` HTTPS URL for us to
    call when the results are ready, or poll the [get a training](#trainings.get) endpoint until it has
    finished.

    When a training completes, it creates a new [version](https://replicate.com/docs/how-does-replicate-
    work#terminology) of the model at the specified destination.

    To find some models to train on, check out the [trainable language models
    collection](https://replicate.com/collections/trainable-language-models).

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):
        body (TrainingRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[TrainingResponse]
     """

    kwargs = _get_kwargs(
        model_owner=model_owner,
        model_name=model_name,
        version_id=version_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    model_owner: str,
    model_name: str,
    version_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: TrainingRequest | Unset = UNSET,
) -> TrainingResponse | None:
    """ Create a training

     Start a new training of the model version you specify.

    Example request body:

    ```json
    {
      "destination": "{new_owner}/{new_name}",
      "input": {
        "train_data": "https://example.com/my-input-images.zip",
      },
      "webhook": "https://example.com/my-webhook",
    }
    ```

    Example cURL request:

    ```console
    curl -s -X POST \\
      -d '{"destination": "{new_owner}/{new_name}", "input": {"input_images": "https://example.com/my-
    input-images.zip"}}' \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H 'Content-Type: application/json' \\
      https://api.replicate.com/v1/models/stability-
    ai/sdxl/versions/da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf/trainings
    ```

    The response will be the training object:

    ```json
    {
      "id": "zz4ibbonubfz7carwiefibzgga",
      "model": "stability-ai/sdxl",
      "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
      "input": {
        "input_images": "https://example.com/my-input-images.zip"
      },
      "logs": "",
      "error": null,
      "status": "starting",
      "created_at": "2023-09-08T16:32:56.990893084Z",
      "urls": {
        "web": "https://replicate.com/p/zz4ibbonubfz7carwiefibzgga",
         "get": "https://api.replicate.com/v1/predictions/zz4ibbonubfz7carwiefibzgga",
         "cancel": "https://api.replicate.com/v1/predictions/zz4ibbonubfz7carwiefibzgga/cancel"
      }
    }
    ```

    As models can take several minutes or more to train, the result will not be available immediately.
    To get the final result of the training you should either provide a `webhook` HTTPS URL for us to
    call when the results are ready, or poll the [get a training](#trainings.get) endpoint until it has
    finished.

    When a training completes, it creates a new [version](https://replicate.com/docs/how-does-replicate-
    work#terminology) of the model at the specified destination.

    To find some models to train on, check out the [trainable language models
    collection](https://replicate.com/collections/trainable-language-models).

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):
        body (TrainingRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        TrainingResponse
     """

    return (
        await asyncio_detailed(
            model_owner=model_owner,
            model_name=model_name,
            version_id=version_id,
            client=client,
            body=body,
        )
    ).parsed
