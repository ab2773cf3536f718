from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.trainings_list_response_200 import TrainingsListResponse200
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/trainings",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> TrainingsListResponse200 | None:
    if response.status_code == 200:
        response_200 = TrainingsListResponse200.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[TrainingsListResponse200]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[TrainingsListResponse200]:
    """ List trainings

     Get a paginated list of all trainings created by the user or organization associated with the
    provided API token.

    This will include trainings created from the API and the website. It will return 100 records per
    page.

    Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/trainings
    ```

    The response will be a paginated JSON array of training objects, sorted with the most recent
    training first:

    ```json
    {
      "next": null,
      "previous": null,
      "results": [
        {
          "completed_at": "2023-09-08T16:41:19.826523Z",
          "created_at": "2023-09-08T16:32:57.018467Z",
          "error": null,
          "id": "zz4ibbonubfz7carwiefibzgga",
          "input": {
            "input_images": "https://example.com/my-input-images.zip"
          },
          "metrics": {
            "predict_time": 502.713876
          },
          "output": {
            "version": "...",
            "weights": "..."
          },
          "started_at": "2023-09-08T16:32:57.112647Z",
          "source": "api",
          "status": "succeeded",
          "urls": {
            "web": "https://replicate.com/p/zz4ibbonubfz7carwiefibzgga",
            "get": "https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga",
            "cancel": "https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga/cancel"
          },
          "model": "stability-ai/sdxl",
          "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
        }
      ]
    }
    ```

    `id` will be the unique ID of the training.

    `source` will indicate how the training was created. Possible values are `web` or `api`.

    `status` will be the status of the training. Refer to [get a single training](#trainings.get) for
    possible values.

    `urls` will be a convenience object that can be used to construct new API requests for the given
    training.

    `version` will be the unique ID of model version used to create the training.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[TrainingsListResponse200]
     """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> TrainingsListResponse200 | None:
    """ List trainings

     Get a paginated list of all trainings created by the user or organization associated with the
    provided API token.

    This will include trainings created from the API and the website. It will return 100 records per
    page.

    Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/trainings
    ```

    The response will be a paginated JSON array of training objects, sorted with the most recent
    training first:

    ```json
    {
      "next": null,
      "previous": null,
      "results": [
        {
          "completed_at": "2023-09-08T16:41:19.826523Z",
          "created_at": "2023-09-08T16:32:57.018467Z",
          "error": null,
          "id": "zz4ibbonubfz7carwiefibzgga",
          "input": {
            "input_images": "https://example.com/my-input-images.zip"
          },
          "metrics": {
            "predict_time": 502.713876
          },
          "output": {
            "version": "...",
            "weights": "..."
          },
          "started_at": "2023-09-08T16:32:57.112647Z",
          "source": "api",
          "status": "succeeded",
          "urls": {
            "web": "https://replicate.com/p/zz4ibbonubfz7carwiefibzgga",
            "get": "https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga",
            "cancel": "https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga/cancel"
          },
          "model": "stability-ai/sdxl",
          "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
        }
      ]
    }
    ```

    `id` will be the unique ID of the training.

    `source` will indicate how the training was created. Possible values are `web` or `api`.

    `status` will be the status of the training. Refer to [get a single training](#trainings.get) for
    possible values.

    `urls` will be a convenience object that can be used to construct new API requests for the given
    training.

    `version` will be the unique ID of model version used to create the training.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        TrainingsListResponse200
     """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[TrainingsListResponse200]:
    """ List trainings

     Get a paginated list of all trainings created by the user or organization associated with the
    provided API token.

    This will include trainings created from the API and the website. It will return 100 records per
    page.

    Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/trainings
    ```

    The response will be a paginated JSON array of training objects, sorted with the most recent
    training first:

    ```json
    {
      "next": null,
      "previous": null,
      "results": [
        {
          "completed_at": "2023-09-08T16:41:19.826523Z",
          "created_at": "2023-09-08T16:32:57.018467Z",
          "error": null,
          "id": "zz4ibbonubfz7carwiefibzgga",
          "input": {
            "input_images": "https://example.com/my-input-images.zip"
          },
          "metrics": {
            "predict_time": 502.713876
          },
          "output": {
            "version": "...",
            "weights": "..."
          },
          "started_at": "2023-09-08T16:32:57.112647Z",
          "source": "api",
          "status": "succeeded",
          "urls": {
            "web": "https://replicate.com/p/zz4ibbonubfz7carwiefibzgga",
            "get": "https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga",
            "cancel": "https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga/cancel"
          },
          "model": "stability-ai/sdxl",
          "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
        }
      ]
    }
    ```

    `id` will be the unique ID of the training.

    `source` will indicate how the training was created. Possible values are `web` or `api`.

    `status` will be the status of the training. Refer to [get a single training](#trainings.get) for
    possible values.

    `urls` will be a convenience object that can be used to construct new API requests for the given
    training.

    `version` will be the unique ID of model version used to create the training.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[TrainingsListResponse200]
     """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> TrainingsListResponse200 | None:
    """ List trainings

     Get a paginated list of all trainings created by the user or organization associated with the
    provided API token.

    This will include trainings created from the API and the website. It will return 100 records per
    page.

    Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/trainings
    ```

    The response will be a paginated JSON array of training objects, sorted with the most recent
    training first:

    ```json
    {
      "next": null,
      "previous": null,
      "results": [
        {
          "completed_at": "2023-09-08T16:41:19.826523Z",
          "created_at": "2023-09-08T16:32:57.018467Z",
          "error": null,
          "id": "zz4ibbonubfz7carwiefibzgga",
          "input": {
            "input_images": "https://example.com/my-input-images.zip"
          },
          "metrics": {
            "predict_time": 502.713876
          },
          "output": {
            "version": "...",
            "weights": "..."
          },
          "started_at": "2023-09-08T16:32:57.112647Z",
          "source": "api",
          "status": "succeeded",
          "urls": {
            "web": "https://replicate.com/p/zz4ibbonubfz7carwiefibzgga",
            "get": "https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga",
            "cancel": "https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga/cancel"
          },
          "model": "stability-ai/sdxl",
          "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
        }
      ]
    }
    ```

    `id` will be the unique ID of the training.

    `source` will indicate how the training was created. Possible values are `web` or `api`.

    `status` will be the status of the training. Refer to [get a single training](#trainings.get) for
    possible values.

    `urls` will be a convenience object that can be used to construct new API requests for the given
    training.

    `version` will be the unique ID of model version used to create the training.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        TrainingsListResponse200
     """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
