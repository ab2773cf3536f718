from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.prediction_request import PredictionRequest
from ...models.prediction_response import PredictionResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    model_owner: str,
    model_name: str,
    *,
    body: PredictionRequest | Unset = UNSET,
    prefer: str | Unset = UNSET,
    cancel_after: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(prefer, Unset):
        headers["Prefer"] = prefer

    if not isinstance(cancel_after, Unset):
        headers["Cancel-After"] = cancel_after

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/models/{model_owner}/{model_name}/predictions".format(
            model_owner=quote(str(model_owner), safe=""),
            model_name=quote(str(model_name), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PredictionResponse | None:
    if response.status_code == 201:
        response_201 = PredictionResponse.from_dict(response.json())

        return response_201

    if response.status_code == 202:
        response_202 = PredictionResponse.from_dict(response.json())

        return response_202

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PredictionResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    model_owner: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: PredictionRequest | Unset = UNSET,
    prefer: str | Unset = UNSET,
    cancel_after: str | Unset = UNSET,
) -> Response[PredictionResponse]:
    """ Create a prediction using an official model

     Create a prediction using an [official model](https://replicate.com/changelog/2025-01-29-official-
    models).

    If you're _not_ running an official model, use the [`predictions.create`](#predictions.create)
    operation instead.

    Example cURL request:

    ```console
    curl -s -X POST -H 'Prefer: wait' \\
      -d '{"input": {"prompt": "Write a short poem about the weather."}}' \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H 'Content-Type: application/json' \\
      https://api.replicate.com/v1/models/meta/meta-llama-3-70b-instruct/predictions
    ```

    The request will wait up to 60 seconds for the model to run. If this time is exceeded the prediction
    will be returned in a `"starting"` state and need to be retrieved using the `predictions.get`
    endpoint.

    For a complete overview of the `deployments.predictions.create` API check out our documentation on
    [creating a prediction](https://replicate.com/docs/topics/predictions/create-a-prediction) which
    covers a variety of use cases.

    Args:
        model_owner (str):
        model_name (str):
        prefer (str | Unset):  Example: wait=5.
        cancel_after (str | Unset):  Example: 5m.
        body (PredictionRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PredictionResponse]
     """

    kwargs = _get_kwargs(
        model_owner=model_owner,
        model_name=model_name,
        body=body,
        prefer=prefer,
        cancel_after=cancel_after,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    model_owner: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: PredictionRequest | Unset = UNSET,
    prefer: str | Unset = UNSET,
    cancel_after: str | Unset = UNSET,
) -> PredictionResponse | None:
    """ Create a prediction using an official model

     Create a prediction using an [official model](https://replicate.com/changelog/2025-01-29-official-
    models).

    If you're _not_ running an official model, use the [`predictions.create`](#predictions.create)
    operation instead.

    Example cURL request:

    ```console
    curl -s -X POST -H 'Prefer: wait' \\
      -d '{"input": {"prompt": "Write a short poem about the weather."}}' \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H 'Content-Type: application/json' \\
      https://api.replicate.com/v1/models/meta/meta-llama-3-70b-instruct/predictions
    ```

    The request will wait up to 60 seconds for the model to run. If this time is exceeded the prediction
    will be returned in a `"starting"` state and need to be retrieved using the `predictions.get`
    endpoint.

    For a complete overview of the `deployments.predictions.create` API check out our documentation on
    [creating a prediction](https://replicate.com/docs/topics/predictions/create-a-prediction) which
    covers a variety of use cases.

    Args:
        model_owner (str):
        model_name (str):
        prefer (str | Unset):  Example: wait=5.
        cancel_after (str | Unset):  Example: 5m.
        body (PredictionRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PredictionResponse
     """

    return sync_detailed(
        model_owner=model_owner,
        model_name=model_name,
        client=client,
        body=body,
        prefer=prefer,
        cancel_after=cancel_after,
    ).parsed


async def asyncio_detailed(
    model_owner: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: PredictionRequest | Unset = UNSET,
    prefer: str | Unset = UNSET,
    cancel_after: str | Unset = UNSET,
) -> Response[PredictionResponse]:
    """ Create a prediction using an official model

     Create a prediction using an [official model](https://replicate.com/changelog/2025-01-29-official-
    models).

    If you're _not_ running an official model, use the [`predictions.create`](#predictions.create)
    operation instead.

    Example cURL request:

    ```console
    curl -s -X POST -H 'Prefer: wait' \\
      -d '{"input": {"prompt": "Write a short poem about the weather."}}' \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H 'Content-Type: application/json' \\
      https://api.replicate.com/v1/models/meta/meta-llama-3-70b-instruct/predictions
    ```

    The request will wait up to 60 seconds for the model to run. If this time is exceeded the prediction
    will be returned in a `"starting"` state and need to be retrieved using the `predictions.get`
    endpoint.

    For a complete overview of the `deployments.predictions.create` API check out our documentation on
    [creating a prediction](https://replicate.com/docs/topics/predictions/create-a-prediction) which
    covers a variety of use cases.

    Args:
        model_owner (str):
        model_name (str):
        prefer (str | Unset):  Example: wait=5.
        cancel_after (str | Unset):  Example: 5m.
        body (PredictionRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PredictionResponse]
     """

    kwargs = _get_kwargs(
        model_owner=model_owner,
        model_name=model_name,
        body=body,
        prefer=prefer,
        cancel_after=cancel_after,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    model_owner: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: PredictionRequest | Unset = UNSET,
    prefer: str | Unset = UNSET,
    cancel_after: str | Unset = UNSET,
) -> PredictionResponse | None:
    """ Create a prediction using an official model

     Create a prediction using an [official model](https://replicate.com/changelog/2025-01-29-official-
    models).

    If you're _not_ running an official model, use the [`predictions.create`](#predictions.create)
    operation instead.

    Example cURL request:

    ```console
    curl -s -X POST -H 'Prefer: wait' \\
      -d '{"input": {"prompt": "Write a short poem about the weather."}}' \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      -H 'Content-Type: application/json' \\
      https://api.replicate.com/v1/models/meta/meta-llama-3-70b-instruct/predictions
    ```

    The request will wait up to 60 seconds for the model to run. If this time is exceeded the prediction
    will be returned in a `"starting"` state and need to be retrieved using the `predictions.get`
    endpoint.

    For a complete overview of the `deployments.predictions.create` API check out our documentation on
    [creating a prediction](https://replicate.com/docs/topics/predictions/create-a-prediction) which
    covers a variety of use cases.

    Args:
        model_owner (str):
        model_name (str):
        prefer (str | Unset):  Example: wait=5.
        cancel_after (str | Unset):  Example: 5m.
        body (PredictionRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PredictionResponse
     """

    return (
        await asyncio_detailed(
            model_owner=model_owner,
            model_name=model_name,
            client=client,
            body=body,
            prefer=prefer,
            cancel_after=cancel_after,
        )
    ).parsed
