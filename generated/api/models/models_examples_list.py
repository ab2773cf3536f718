from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.paginated_prediction_response import PaginatedPredictionResponse
from ...types import Response


def _get_kwargs(
    model_owner: str,
    model_name: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/models/{model_owner}/{model_name}/examples".format(
            model_owner=quote(str(model_owner), safe=""),
            model_name=quote(str(model_name), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaginatedPredictionResponse | None:
    if response.status_code == 200:
        response_200 = PaginatedPredictionResponse.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PaginatedPredictionResponse]:
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
) -> Response[PaginatedPredictionResponse]:
    """ List examples for a model

     List [example predictions](https://replicate.com/docs/topics/models/publish-a-model#what-are-
    examples) made using the model.
    These are predictions that were saved by the model author as illustrative examples of the model's
    capabilities.

    If you want all the examples for a model, use this operation.

    If you just want the model's default example, you can use the [`models.get`](#models.get) operation
    instead, which includes a `default_example` object.

    Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/models/replicate/hello-world/examples
    ```

    The response will be a pagination object containing a list of example predictions:

    ```json
    {
      "next": "https://api.replicate.com/v1/models/replicate/hello-world/examples?cursor=...",
      "previous": "https://api.replicate.com/v1/models/replicate/hello-world/examples?cursor=...",
      "results": [...]
    }
    ```

    Each item in the `results` list is a [prediction object](#predictions.get).

    Args:
        model_owner (str):
        model_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedPredictionResponse]
     """

    kwargs = _get_kwargs(
        model_owner=model_owner,
        model_name=model_name,
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
) -> PaginatedPredictionResponse | None:
    """ List examples for a model

     List [example predictions](https://replicate.com/docs/topics/models/publish-a-model#what-are-
    examples) made using the model.
    These are predictions that were saved by the model author as illustrative examples of the model's
    capabilities.

    If you want all the examples for a model, use this operation.

    If you just want the model's default example, you can use the [`models.get`](#models.get) operation
    instead, which includes a `default_example` object.

    Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/models/replicate/hello-world/examples
    ```

    The response will be a pagination object containing a list of example predictions:

    ```json
    {
      "next": "https://api.replicate.com/v1/models/replicate/hello-world/examples?cursor=...",
      "previous": "https://api.replicate.com/v1/models/replicate/hello-world/examples?cursor=...",
      "results": [...]
    }
    ```

    Each item in the `results` list is a [prediction object](#predictions.get).

    Args:
        model_owner (str):
        model_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedPredictionResponse
     """

    return sync_detailed(
        model_owner=model_owner,
        model_name=model_name,
        client=client,
    ).parsed


async def asyncio_detailed(
    model_owner: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[PaginatedPredictionResponse]:
    """ List examples for a model

     List [example predictions](https://replicate.com/docs/topics/models/publish-a-model#what-are-
    examples) made using the model.
    These are predictions that were saved by the model author as illustrative examples of the model's
    capabilities.

    If you want all the examples for a model, use this operation.

    If you just want the model's default example, you can use the [`models.get`](#models.get) operation
    instead, which includes a `default_example` object.

    Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/models/replicate/hello-world/examples
    ```

    The response will be a pagination object containing a list of example predictions:

    ```json
    {
      "next": "https://api.replicate.com/v1/models/replicate/hello-world/examples?cursor=...",
      "previous": "https://api.replicate.com/v1/models/replicate/hello-world/examples?cursor=...",
      "results": [...]
    }
    ```

    Each item in the `results` list is a [prediction object](#predictions.get).

    Args:
        model_owner (str):
        model_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaginatedPredictionResponse]
     """

    kwargs = _get_kwargs(
        model_owner=model_owner,
        model_name=model_name,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    model_owner: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
) -> PaginatedPredictionResponse | None:
    """ List examples for a model

     List [example predictions](https://replicate.com/docs/topics/models/publish-a-model#what-are-
    examples) made using the model.
    These are predictions that were saved by the model author as illustrative examples of the model's
    capabilities.

    If you want all the examples for a model, use this operation.

    If you just want the model's default example, you can use the [`models.get`](#models.get) operation
    instead, which includes a `default_example` object.

    Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/models/replicate/hello-world/examples
    ```

    The response will be a pagination object containing a list of example predictions:

    ```json
    {
      "next": "https://api.replicate.com/v1/models/replicate/hello-world/examples?cursor=...",
      "previous": "https://api.replicate.com/v1/models/replicate/hello-world/examples?cursor=...",
      "results": [...]
    }
    ```

    Each item in the `results` list is a [prediction object](#predictions.get).

    Args:
        model_owner (str):
        model_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaginatedPredictionResponse
     """

    return (
        await asyncio_detailed(
            model_owner=model_owner,
            model_name=model_name,
            client=client,
        )
    ).parsed
