from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.collection_response import CollectionResponse
from ...types import Response


def _get_kwargs(
    collection_slug: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/collections/{collection_slug}".format(
            collection_slug=quote(str(collection_slug), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CollectionResponse | None:
    if response.status_code == 200:
        response_200 = CollectionResponse.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[CollectionResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    collection_slug: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[CollectionResponse]:
    """ Get a collection of models

     Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/collections/super-resolution
    ```

    The response will be a collection object with a nested list of the models in that collection:

    ```json
    {
      "name": "Super resolution",
      "slug": "super-resolution",
      "description": "Upscaling models that create high-quality images from low-quality images.",
      "full_description": "## Overview\\n\\nThese models generate high-quality images from low-quality
    images. Many of these models are based on **advanced upscaling techniques**.\\n\\n### Key
    Features\\n\\n- Enhance image resolution\\n- Restore fine details\\n- Improve overall image
    quality",
      "models": [...]
    }
    ```

    Args:
        collection_slug (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CollectionResponse]
     """

    kwargs = _get_kwargs(
        collection_slug=collection_slug,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    collection_slug: str,
    *,
    client: AuthenticatedClient | Client,
) -> CollectionResponse | None:
    """ Get a collection of models

     Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/collections/super-resolution
    ```

    The response will be a collection object with a nested list of the models in that collection:

    ```json
    {
      "name": "Super resolution",
      "slug": "super-resolution",
      "description": "Upscaling models that create high-quality images from low-quality images.",
      "full_description": "## Overview\\n\\nThese models generate high-quality images from low-quality
    images. Many of these models are based on **advanced upscaling techniques**.\\n\\n### Key
    Features\\n\\n- Enhance image resolution\\n- Restore fine details\\n- Improve overall image
    quality",
      "models": [...]
    }
    ```

    Args:
        collection_slug (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CollectionResponse
     """

    return sync_detailed(
        collection_slug=collection_slug,
        client=client,
    ).parsed


async def asyncio_detailed(
    collection_slug: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[CollectionResponse]:
    """ Get a collection of models

     Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/collections/super-resolution
    ```

    The response will be a collection object with a nested list of the models in that collection:

    ```json
    {
      "name": "Super resolution",
      "slug": "super-resolution",
      "description": "Upscaling models that create high-quality images from low-quality images.",
      "full_description": "## Overview\\n\\nThese models generate high-quality images from low-quality
    images. Many of these models are based on **advanced upscaling techniques**.\\n\\n### Key
    Features\\n\\n- Enhance image resolution\\n- Restore fine details\\n- Improve overall image
    quality",
      "models": [...]
    }
    ```

    Args:
        collection_slug (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CollectionResponse]
     """

    kwargs = _get_kwargs(
        collection_slug=collection_slug,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    collection_slug: str,
    *,
    client: AuthenticatedClient | Client,
) -> CollectionResponse | None:
    """ Get a collection of models

     Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/collections/super-resolution
    ```

    The response will be a collection object with a nested list of the models in that collection:

    ```json
    {
      "name": "Super resolution",
      "slug": "super-resolution",
      "description": "Upscaling models that create high-quality images from low-quality images.",
      "full_description": "## Overview\\n\\nThese models generate high-quality images from low-quality
    images. Many of these models are based on **advanced upscaling techniques**.\\n\\n### Key
    Features\\n\\n- Enhance image resolution\\n- Restore fine details\\n- Improve overall image
    quality",
      "models": [...]
    }
    ```

    Args:
        collection_slug (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CollectionResponse
     """

    return (
        await asyncio_detailed(
            collection_slug=collection_slug,
            client=client,
        )
    ).parsed
