from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.model_response import ModelResponse
from ...types import Response


def _get_kwargs(
    model_owner: str,
    model_name: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/models/{model_owner}/{model_name}".format(
            model_owner=quote(str(model_owner), safe=""),
            model_name=quote(str(model_name), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ModelResponse | None:
    if response.status_code == 200:
        response_200 = ModelResponse.from_dict(response.json())

        return response_200

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
    model_owner: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[ModelResponse]:
    """ Get a model

     Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/models/replicate/hello-world
    ```

    The response will be a model object in the following format:

    ```json
    {
      "url": "https://replicate.com/replicate/hello-world",
      "owner": "replicate",
      "name": "hello-world",
      "description": "A tiny model that says hello",
      "visibility": "public",
      "github_url": "https://github.com/replicate/cog-examples",
      "paper_url": null,
      "license_url": null,
      "run_count": 5681081,
      "cover_image_url": "...",
      "default_example": {...},
      "latest_version": {...},
    }
    ```

    The model object includes the [input and output
    schema](https://replicate.com/docs/reference/openapi#model-schemas) for the latest version of the
    model.

    Here's an example showing how to fetch the model with cURL and display its input schema with
    [jq](https://stedolan.github.io/jq/):

    ```console
    curl -s \\
        -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
        https://api.replicate.com/v1/models/replicate/hello-world \\
        | jq ".latest_version.openapi_schema.components.schemas.Input"
    ```

    This will return the following JSON object:

    ```json
    {
      "type": "object",
      "title": "Input",
      "required": [
        "text"
      ],
      "properties": {
        "text": {
          "type": "string",
          "title": "Text",
          "x-order": 0,
          "description": "Text to prefix with 'hello '"
        }
      }
    }
    ```

    The `cover_image_url` string is an HTTPS URL for an image file. This can be:

    - An image uploaded by the model author.
    - The output file of the example prediction, if the model author has not set a cover image.
    - The input file of the example prediction, if the model author has not set a cover image and the
    example prediction has no output file.
    - A generic fallback image.

    The `default_example` object is a [prediction](#predictions.get) created with this model.

    The `latest_version` object is the model's most recently pushed [version](#models.versions.get).

    Args:
        model_owner (str):
        model_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelResponse]
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
) -> ModelResponse | None:
    """ Get a model

     Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/models/replicate/hello-world
    ```

    The response will be a model object in the following format:

    ```json
    {
      "url": "https://replicate.com/replicate/hello-world",
      "owner": "replicate",
      "name": "hello-world",
      "description": "A tiny model that says hello",
      "visibility": "public",
      "github_url": "https://github.com/replicate/cog-examples",
      "paper_url": null,
      "license_url": null,
      "run_count": 5681081,
      "cover_image_url": "...",
      "default_example": {...},
      "latest_version": {...},
    }
    ```

    The model object includes the [input and output
    schema](https://replicate.com/docs/reference/openapi#model-schemas) for the latest version of the
    model.

    Here's an example showing how to fetch the model with cURL and display its input schema with
    [jq](https://stedolan.github.io/jq/):

    ```console
    curl -s \\
        -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
        https://api.replicate.com/v1/models/replicate/hello-world \\
        | jq ".latest_version.openapi_schema.components.schemas.Input"
    ```

    This will return the following JSON object:

    ```json
    {
      "type": "object",
      "title": "Input",
      "required": [
        "text"
      ],
      "properties": {
        "text": {
          "type": "string",
          "title": "Text",
          "x-order": 0,
          "description": "Text to prefix with 'hello '"
        }
      }
    }
    ```

    The `cover_image_url` string is an HTTPS URL for an image file. This can be:

    - An image uploaded by the model author.
    - The output file of the example prediction, if the model author has not set a cover image.
    - The input file of the example prediction, if the model author has not set a cover image and the
    example prediction has no output file.
    - A generic fallback image.

    The `default_example` object is a [prediction](#predictions.get) created with this model.

    The `latest_version` object is the model's most recently pushed [version](#models.versions.get).

    Args:
        model_owner (str):
        model_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModelResponse
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
) -> Response[ModelResponse]:
    """ Get a model

     Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/models/replicate/hello-world
    ```

    The response will be a model object in the following format:

    ```json
    {
      "url": "https://replicate.com/replicate/hello-world",
      "owner": "replicate",
      "name": "hello-world",
      "description": "A tiny model that says hello",
      "visibility": "public",
      "github_url": "https://github.com/replicate/cog-examples",
      "paper_url": null,
      "license_url": null,
      "run_count": 5681081,
      "cover_image_url": "...",
      "default_example": {...},
      "latest_version": {...},
    }
    ```

    The model object includes the [input and output
    schema](https://replicate.com/docs/reference/openapi#model-schemas) for the latest version of the
    model.

    Here's an example showing how to fetch the model with cURL and display its input schema with
    [jq](https://stedolan.github.io/jq/):

    ```console
    curl -s \\
        -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
        https://api.replicate.com/v1/models/replicate/hello-world \\
        | jq ".latest_version.openapi_schema.components.schemas.Input"
    ```

    This will return the following JSON object:

    ```json
    {
      "type": "object",
      "title": "Input",
      "required": [
        "text"
      ],
      "properties": {
        "text": {
          "type": "string",
          "title": "Text",
          "x-order": 0,
          "description": "Text to prefix with 'hello '"
        }
      }
    }
    ```

    The `cover_image_url` string is an HTTPS URL for an image file. This can be:

    - An image uploaded by the model author.
    - The output file of the example prediction, if the model author has not set a cover image.
    - The input file of the example prediction, if the model author has not set a cover image and the
    example prediction has no output file.
    - A generic fallback image.

    The `default_example` object is a [prediction](#predictions.get) created with this model.

    The `latest_version` object is the model's most recently pushed [version](#models.versions.get).

    Args:
        model_owner (str):
        model_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelResponse]
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
) -> ModelResponse | None:
    """ Get a model

     Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/models/replicate/hello-world
    ```

    The response will be a model object in the following format:

    ```json
    {
      "url": "https://replicate.com/replicate/hello-world",
      "owner": "replicate",
      "name": "hello-world",
      "description": "A tiny model that says hello",
      "visibility": "public",
      "github_url": "https://github.com/replicate/cog-examples",
      "paper_url": null,
      "license_url": null,
      "run_count": 5681081,
      "cover_image_url": "...",
      "default_example": {...},
      "latest_version": {...},
    }
    ```

    The model object includes the [input and output
    schema](https://replicate.com/docs/reference/openapi#model-schemas) for the latest version of the
    model.

    Here's an example showing how to fetch the model with cURL and display its input schema with
    [jq](https://stedolan.github.io/jq/):

    ```console
    curl -s \\
        -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
        https://api.replicate.com/v1/models/replicate/hello-world \\
        | jq ".latest_version.openapi_schema.components.schemas.Input"
    ```

    This will return the following JSON object:

    ```json
    {
      "type": "object",
      "title": "Input",
      "required": [
        "text"
      ],
      "properties": {
        "text": {
          "type": "string",
          "title": "Text",
          "x-order": 0,
          "description": "Text to prefix with 'hello '"
        }
      }
    }
    ```

    The `cover_image_url` string is an HTTPS URL for an image file. This can be:

    - An image uploaded by the model author.
    - The output file of the example prediction, if the model author has not set a cover image.
    - The input file of the example prediction, if the model author has not set a cover image and the
    example prediction has no output file.
    - A generic fallback image.

    The `default_example` object is a [prediction](#predictions.get) created with this model.

    The `latest_version` object is the model's most recently pushed [version](#models.versions.get).

    Args:
        model_owner (str):
        model_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ModelResponse
     """

    return (
        await asyncio_detailed(
            model_owner=model_owner,
            model_name=model_name,
            client=client,
        )
    ).parsed
