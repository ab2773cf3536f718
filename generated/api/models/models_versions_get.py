from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.version_response import VersionResponse
from ...types import Response


def _get_kwargs(
    model_owner: str,
    model_name: str,
    version_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/models/{model_owner}/{model_name}/versions/{version_id}".format(
            model_owner=quote(str(model_owner), safe=""),
            model_name=quote(str(model_name), safe=""),
            version_id=quote(str(version_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> VersionResponse | None:
    if response.status_code == 200:
        response_200 = VersionResponse.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[VersionResponse]:
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
) -> Response[VersionResponse]:
    """ Get a model version

     Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/models/replicate/hello-
    world/versions/5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa
    ```

    The response will be the version object:

    ```json
    {
      "id": "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa",
      "created_at": "2022-04-26T19:29:04.418669Z",
      "cog_version": "0.3.0",
      "openapi_schema": {...}
    }
    ```

    Every model describes its inputs and outputs with [OpenAPI Schema
    Objects](https://spec.openapis.org/oas/latest.html#schemaObject) in the `openapi_schema` property.

    The `openapi_schema.components.schemas.Input` property for the [replicate/hello-
    world](https://replicate.com/replicate/hello-world) model looks like this:

    ```json
    {
      "type": "object",
      "title": "Input",
      "required": [
        "text"
      ],
      "properties": {
        "text": {
          "x-order": 0,
          "type": "string",
          "title": "Text",
          "description": "Text to prefix with 'hello '"
        }
      }
    }
    ```

    The `openapi_schema.components.schemas.Output` property for the [replicate/hello-
    world](https://replicate.com/replicate/hello-world) model looks like this:

    ```json
    {
      "type": "string",
      "title": "Output"
    }
    ```

    For more details, see the docs on [Cog's supported input and output types](https://github.com/replic
    ate/cog/blob/75b7802219e7cd4cee845e34c4c22139558615d4/docs/python.md#input-and-output-types)

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[VersionResponse]
     """

    kwargs = _get_kwargs(
        model_owner=model_owner,
        model_name=model_name,
        version_id=version_id,
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
) -> VersionResponse | None:
    """ Get a model version

     Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/models/replicate/hello-
    world/versions/5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa
    ```

    The response will be the version object:

    ```json
    {
      "id": "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa",
      "created_at": "2022-04-26T19:29:04.418669Z",
      "cog_version": "0.3.0",
      "openapi_schema": {...}
    }
    ```

    Every model describes its inputs and outputs with [OpenAPI Schema
    Objects](https://spec.openapis.org/oas/latest.html#schemaObject) in the `openapi_schema` property.

    The `openapi_schema.components.schemas.Input` property for the [replicate/hello-
    world](https://replicate.com/replicate/hello-world) model looks like this:

    ```json
    {
      "type": "object",
      "title": "Input",
      "required": [
        "text"
      ],
      "properties": {
        "text": {
          "x-order": 0,
          "type": "string",
          "title": "Text",
          "description": "Text to prefix with 'hello '"
        }
      }
    }
    ```

    The `openapi_schema.components.schemas.Output` property for the [replicate/hello-
    world](https://replicate.com/replicate/hello-world) model looks like this:

    ```json
    {
      "type": "string",
      "title": "Output"
    }
    ```

    For more details, see the docs on [Cog's supported input and output types](https://github.com/replic
    ate/cog/blob/75b7802219e7cd4cee845e34c4c22139558615d4/docs/python.md#input-and-output-types)

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        VersionResponse
     """

    return sync_detailed(
        model_owner=model_owner,
        model_name=model_name,
        version_id=version_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    model_owner: str,
    model_name: str,
    version_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[VersionResponse]:
    """ Get a model version

     Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/models/replicate/hello-
    world/versions/5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa
    ```

    The response will be the version object:

    ```json
    {
      "id": "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa",
      "created_at": "2022-04-26T19:29:04.418669Z",
      "cog_version": "0.3.0",
      "openapi_schema": {...}
    }
    ```

    Every model describes its inputs and outputs with [OpenAPI Schema
    Objects](https://spec.openapis.org/oas/latest.html#schemaObject) in the `openapi_schema` property.

    The `openapi_schema.components.schemas.Input` property for the [replicate/hello-
    world](https://replicate.com/replicate/hello-world) model looks like this:

    ```json
    {
      "type": "object",
      "title": "Input",
      "required": [
        "text"
      ],
      "properties": {
        "text": {
          "x-order": 0,
          "type": "string",
          "title": "Text",
          "description": "Text to prefix with 'hello '"
        }
      }
    }
    ```

    The `openapi_schema.components.schemas.Output` property for the [replicate/hello-
    world](https://replicate.com/replicate/hello-world) model looks like this:

    ```json
    {
      "type": "string",
      "title": "Output"
    }
    ```

    For more details, see the docs on [Cog's supported input and output types](https://github.com/replic
    ate/cog/blob/75b7802219e7cd4cee845e34c4c22139558615d4/docs/python.md#input-and-output-types)

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[VersionResponse]
     """

    kwargs = _get_kwargs(
        model_owner=model_owner,
        model_name=model_name,
        version_id=version_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    model_owner: str,
    model_name: str,
    version_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> VersionResponse | None:
    """ Get a model version

     Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/models/replicate/hello-
    world/versions/5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa
    ```

    The response will be the version object:

    ```json
    {
      "id": "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa",
      "created_at": "2022-04-26T19:29:04.418669Z",
      "cog_version": "0.3.0",
      "openapi_schema": {...}
    }
    ```

    Every model describes its inputs and outputs with [OpenAPI Schema
    Objects](https://spec.openapis.org/oas/latest.html#schemaObject) in the `openapi_schema` property.

    The `openapi_schema.components.schemas.Input` property for the [replicate/hello-
    world](https://replicate.com/replicate/hello-world) model looks like this:

    ```json
    {
      "type": "object",
      "title": "Input",
      "required": [
        "text"
      ],
      "properties": {
        "text": {
          "x-order": 0,
          "type": "string",
          "title": "Text",
          "description": "Text to prefix with 'hello '"
        }
      }
    }
    ```

    The `openapi_schema.components.schemas.Output` property for the [replicate/hello-
    world](https://replicate.com/replicate/hello-world) model looks like this:

    ```json
    {
      "type": "string",
      "title": "Output"
    }
    ```

    For more details, see the docs on [Cog's supported input and output types](https://github.com/replic
    ate/cog/blob/75b7802219e7cd4cee845e34c4c22139558615d4/docs/python.md#input-and-output-types)

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        VersionResponse
     """

    return (
        await asyncio_detailed(
            model_owner=model_owner,
            model_name=model_name,
            version_id=version_id,
            client=client,
        )
    ).parsed
