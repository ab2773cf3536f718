from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.training_response import TrainingResponse
from ...types import Response


def _get_kwargs(
    training_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/trainings/{training_id}".format(
            training_id=quote(str(training_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> TrainingResponse | None:
    if response.status_code == 200:
        response_200 = TrainingResponse.from_dict(response.json())

        return response_200

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
    training_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[TrainingResponse]:
    """ Get a training

     Get the current state of a training.

    Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga
    ```

    The response will be the training object:

    ```json
    {
      "completed_at": "2023-09-08T16:41:19.826523Z",
      "created_at": "2023-09-08T16:32:57.018467Z",
      "error": null,
      "id": "zz4ibbonubfz7carwiefibzgga",
      "input": {
        "input_images": "https://example.com/my-input-images.zip"
      },
      "logs": "...",
      "metrics": {
        "predict_time": 502.713876
      },
      "output": {
        "version": "...",
        "weights": "..."
      },
      "started_at": "2023-09-08T16:32:57.112647Z",
      "status": "succeeded",
      "urls": {
        "web": "https://replicate.com/p/zz4ibbonubfz7carwiefibzgga",
        "get": "https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga",
        "cancel": "https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga/cancel"
      },
      "model": "stability-ai/sdxl",
      "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
    }
    ```

    `status` will be one of:

    - `starting`: the training is starting up. If this status lasts longer than a few seconds, then it's
    typically because a new worker is being started to run the training.
    - `processing`: the `train()` method of the model is currently running.
    - `succeeded`: the training completed successfully.
    - `failed`: the training encountered an error during processing.
    - `canceled`: the training was canceled by its creator.

    In the case of success, `output` will be an object containing the output of the model. Any files
    will be represented as HTTPS URLs. You'll need to pass the `Authorization` header to request them.

    In the case of failure, `error` will contain the error encountered during the training.

    Terminated trainings (with a status of `succeeded`, `failed`, or `canceled`) will include a
    `metrics` object with a `predict_time` property showing the amount of CPU or GPU time, in seconds,
    that the training used while running. It won't include time waiting for the training to start. The
    `metrics` object will also include a `total_time` property showing the total time, in seconds, that
    the training took to complete.

    Args:
        training_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[TrainingResponse]
     """

    kwargs = _get_kwargs(
        training_id=training_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    training_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> TrainingResponse | None:
    """ Get a training

     Get the current state of a training.

    Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga
    ```

    The response will be the training object:

    ```json
    {
      "completed_at": "2023-09-08T16:41:19.826523Z",
      "created_at": "2023-09-08T16:32:57.018467Z",
      "error": null,
      "id": "zz4ibbonubfz7carwiefibzgga",
      "input": {
        "input_images": "https://example.com/my-input-images.zip"
      },
      "logs": "...",
      "metrics": {
        "predict_time": 502.713876
      },
      "output": {
        "version": "...",
        "weights": "..."
      },
      "started_at": "2023-09-08T16:32:57.112647Z",
      "status": "succeeded",
      "urls": {
        "web": "https://replicate.com/p/zz4ibbonubfz7carwiefibzgga",
        "get": "https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga",
        "cancel": "https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga/cancel"
      },
      "model": "stability-ai/sdxl",
      "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
    }
    ```

    `status` will be one of:

    - `starting`: the training is starting up. If this status lasts longer than a few seconds, then it's
    typically because a new worker is being started to run the training.
    - `processing`: the `train()` method of the model is currently running.
    - `succeeded`: the training completed successfully.
    - `failed`: the training encountered an error during processing.
    - `canceled`: the training was canceled by its creator.

    In the case of success, `output` will be an object containing the output of the model. Any files
    will be represented as HTTPS URLs. You'll need to pass the `Authorization` header to request them.

    In the case of failure, `error` will contain the error encountered during the training.

    Terminated trainings (with a status of `succeeded`, `failed`, or `canceled`) will include a
    `metrics` object with a `predict_time` property showing the amount of CPU or GPU time, in seconds,
    that the training used while running. It won't include time waiting for the training to start. The
    `metrics` object will also include a `total_time` property showing the total time, in seconds, that
    the training took to complete.

    Args:
        training_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        TrainingResponse
     """

    return sync_detailed(
        training_id=training_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    training_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[TrainingResponse]:
    """ Get a training

     Get the current state of a training.

    Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga
    ```

    The response will be the training object:

    ```json
    {
      "completed_at": "2023-09-08T16:41:19.826523Z",
      "created_at": "2023-09-08T16:32:57.018467Z",
      "error": null,
      "id": "zz4ibbonubfz7carwiefibzgga",
      "input": {
        "input_images": "https://example.com/my-input-images.zip"
      },
      "logs": "...",
      "metrics": {
        "predict_time": 502.713876
      },
      "output": {
        "version": "...",
        "weights": "..."
      },
      "started_at": "2023-09-08T16:32:57.112647Z",
      "status": "succeeded",
      "urls": {
        "web": "https://replicate.com/p/zz4ibbonubfz7carwiefibzgga",
        "get": "https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga",
        "cancel": "https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga/cancel"
      },
      "model": "stability-ai/sdxl",
      "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
    }
    ```

    `status` will be one of:

    - `starting`: the training is starting up. If this status lasts longer than a few seconds, then it's
    typically because a new worker is being started to run the training.
    - `processing`: the `train()` method of the model is currently running.
    - `succeeded`: the training completed successfully.
    - `failed`: the training encountered an error during processing.
    - `canceled`: the training was canceled by its creator.

    In the case of success, `output` will be an object containing the output of the model. Any files
    will be represented as HTTPS URLs. You'll need to pass the `Authorization` header to request them.

    In the case of failure, `error` will contain the error encountered during the training.

    Terminated trainings (with a status of `succeeded`, `failed`, or `canceled`) will include a
    `metrics` object with a `predict_time` property showing the amount of CPU or GPU time, in seconds,
    that the training used while running. It won't include time waiting for the training to start. The
    `metrics` object will also include a `total_time` property showing the total time, in seconds, that
    the training took to complete.

    Args:
        training_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[TrainingResponse]
     """

    kwargs = _get_kwargs(
        training_id=training_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    training_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> TrainingResponse | None:
    """ Get a training

     Get the current state of a training.

    Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga
    ```

    The response will be the training object:

    ```json
    {
      "completed_at": "2023-09-08T16:41:19.826523Z",
      "created_at": "2023-09-08T16:32:57.018467Z",
      "error": null,
      "id": "zz4ibbonubfz7carwiefibzgga",
      "input": {
        "input_images": "https://example.com/my-input-images.zip"
      },
      "logs": "...",
      "metrics": {
        "predict_time": 502.713876
      },
      "output": {
        "version": "...",
        "weights": "..."
      },
      "started_at": "2023-09-08T16:32:57.112647Z",
      "status": "succeeded",
      "urls": {
        "web": "https://replicate.com/p/zz4ibbonubfz7carwiefibzgga",
        "get": "https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga",
        "cancel": "https://api.replicate.com/v1/trainings/zz4ibbonubfz7carwiefibzgga/cancel"
      },
      "model": "stability-ai/sdxl",
      "version": "da77bc59ee60423279fd632efb4795ab731d9e3ca9705ef3341091fb989b7eaf",
    }
    ```

    `status` will be one of:

    - `starting`: the training is starting up. If this status lasts longer than a few seconds, then it's
    typically because a new worker is being started to run the training.
    - `processing`: the `train()` method of the model is currently running.
    - `succeeded`: the training completed successfully.
    - `failed`: the training encountered an error during processing.
    - `canceled`: the training was canceled by its creator.

    In the case of success, `output` will be an object containing the output of the model. Any files
    will be represented as HTTPS URLs. You'll need to pass the `Authorization` header to request them.

    In the case of failure, `error` will contain the error encountered during the training.

    Terminated trainings (with a status of `succeeded`, `failed`, or `canceled`) will include a
    `metrics` object with a `predict_time` property showing the amount of CPU or GPU time, in seconds,
    that the training used while running. It won't include time waiting for the training to start. The
    `metrics` object will also include a `total_time` property showing the total time, in seconds, that
    the training took to complete.

    Args:
        training_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        TrainingResponse
     """

    return (
        await asyncio_detailed(
            training_id=training_id,
            client=client,
        )
    ).parsed
