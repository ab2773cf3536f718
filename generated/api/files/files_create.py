from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.file_response import FileResponse
from ...models.files_create_body import FilesCreateBody
from ...models.files_create_response_413 import FilesCreateResponse413
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: FilesCreateBody | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/files",
    }

    if not isinstance(body, Unset):
        _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> FileResponse | FilesCreateResponse413 | None:
    if response.status_code == 201:
        response_201 = FileResponse.from_dict(response.json())

        return response_201

    if response.status_code == 413:
        response_413 = FilesCreateResponse413.from_dict(response.json())

        return response_413

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[FileResponse | FilesCreateResponse413]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FilesCreateBody | Unset = UNSET,
) -> Response[FileResponse | FilesCreateResponse413]:
    """ Create a file

     Create a file by uploading its content and optional metadata.

    Example cURL request:

    ```console
    curl -X POST https://api.replicate.com/v1/files \\
      -H "Authorization: Token $REPLICATE_API_TOKEN" \\
      -H 'Content-Type: multipart/form-data' \\
      -F 'content=@/path/to/archive.zip;type=application/zip;filename=example.zip' \\
      -F 'metadata={"customer_reference_id": 123};type=application/json'
    ```

    The request must include:
    - `content`: The file content (required)
    - `type`: The content / MIME type for the file (defaults to `application/octet-stream`)
    - `filename`: The filename (required, ≤ 255 bytes, valid UTF-8)
    - `metadata`: User-provided metadata associated with the file (defaults to `{}`, must be valid JSON)

    Args:
        body (FilesCreateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FileResponse | FilesCreateResponse413]
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
    body: FilesCreateBody | Unset = UNSET,
) -> FileResponse | FilesCreateResponse413 | None:
    """ Create a file

     Create a file by uploading its content and optional metadata.

    Example cURL request:

    ```console
    curl -X POST https://api.replicate.com/v1/files \\
      -H "Authorization: Token $REPLICATE_API_TOKEN" \\
      -H 'Content-Type: multipart/form-data' \\
      -F 'content=@/path/to/archive.zip;type=application/zip;filename=example.zip' \\
      -F 'metadata={"customer_reference_id": 123};type=application/json'
    ```

    The request must include:
    - `content`: The file content (required)
    - `type`: The content / MIME type for the file (defaults to `application/octet-stream`)
    - `filename`: The filename (required, ≤ 255 bytes, valid UTF-8)
    - `metadata`: User-provided metadata associated with the file (defaults to `{}`, must be valid JSON)

    Args:
        body (FilesCreateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FileResponse | FilesCreateResponse413
     """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FilesCreateBody | Unset = UNSET,
) -> Response[FileResponse | FilesCreateResponse413]:
    """ Create a file

     Create a file by uploading its content and optional metadata.

    Example cURL request:

    ```console
    curl -X POST https://api.replicate.com/v1/files \\
      -H "Authorization: Token $REPLICATE_API_TOKEN" \\
      -H 'Content-Type: multipart/form-data' \\
      -F 'content=@/path/to/archive.zip;type=application/zip;filename=example.zip' \\
      -F 'metadata={"customer_reference_id": 123};type=application/json'
    ```

    The request must include:
    - `content`: The file content (required)
    - `type`: The content / MIME type for the file (defaults to `application/octet-stream`)
    - `filename`: The filename (required, ≤ 255 bytes, valid UTF-8)
    - `metadata`: User-provided metadata associated with the file (defaults to `{}`, must be valid JSON)

    Args:
        body (FilesCreateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FileResponse | FilesCreateResponse413]
     """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: FilesCreateBody | Unset = UNSET,
) -> FileResponse | FilesCreateResponse413 | None:
    """ Create a file

     Create a file by uploading its content and optional metadata.

    Example cURL request:

    ```console
    curl -X POST https://api.replicate.com/v1/files \\
      -H "Authorization: Token $REPLICATE_API_TOKEN" \\
      -H 'Content-Type: multipart/form-data' \\
      -F 'content=@/path/to/archive.zip;type=application/zip;filename=example.zip' \\
      -F 'metadata={"customer_reference_id": 123};type=application/json'
    ```

    The request must include:
    - `content`: The file content (required)
    - `type`: The content / MIME type for the file (defaults to `application/octet-stream`)
    - `filename`: The filename (required, ≤ 255 bytes, valid UTF-8)
    - `metadata`: User-provided metadata associated with the file (defaults to `{}`, must be valid JSON)

    Args:
        body (FilesCreateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FileResponse | FilesCreateResponse413
     """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
