from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.files_list_response_200 import FilesListResponse200
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/files",
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> FilesListResponse200 | None:
    if response.status_code == 200:
        response_200 = FilesListResponse200.from_dict(response.json())

        return response_200

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[FilesListResponse200]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[FilesListResponse200]:
    """ List files

     Get a paginated list of all files created by the user or organization associated with the provided
    API token.

    Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Token $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/files
    ```

    The response will be a paginated JSON array of file objects, sorted with the most recent file first.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FilesListResponse200]
     """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> FilesListResponse200 | None:
    """ List files

     Get a paginated list of all files created by the user or organization associated with the provided
    API token.

    Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Token $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/files
    ```

    The response will be a paginated JSON array of file objects, sorted with the most recent file first.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FilesListResponse200
     """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[FilesListResponse200]:
    """ List files

     Get a paginated list of all files created by the user or organization associated with the provided
    API token.

    Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Token $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/files
    ```

    The response will be a paginated JSON array of file objects, sorted with the most recent file first.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FilesListResponse200]
     """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> FilesListResponse200 | None:
    """ List files

     Get a paginated list of all files created by the user or organization associated with the provided
    API token.

    Example cURL request:

    ```console
    curl -s \\
      -H "Authorization: Token $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/files
    ```

    The response will be a paginated JSON array of file objects, sorted with the most recent file first.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FilesListResponse200
     """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
