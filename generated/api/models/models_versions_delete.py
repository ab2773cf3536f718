from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...types import Response


def _get_kwargs(
    model_owner: str,
    model_name: str,
    version_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/models/{model_owner}/{model_name}/versions/{version_id}".format(
            model_owner=quote(str(model_owner), safe=""),
            model_name=quote(str(model_name), safe=""),
            version_id=quote(str(version_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | None:
    if response.status_code == 202:
        return None

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any]:
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
) -> Response[Any]:
    """ Delete a model version

     Delete a model version and all associated predictions, including all output files.

    Model version deletion has some restrictions:

    - You can only delete versions from models you own.
    - You can only delete versions from private models.
    - You cannot delete a version if someone other than you has run predictions with it.
    - You cannot delete a version if it is being used as the base model for a fine tune/training.
    - You cannot delete a version if it has an associated deployment.
    - You cannot delete a version if another model version is overridden to use it.

    Example cURL request:

    ```command
    curl -s -X DELETE \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/models/replicate/hello-
    world/versions/5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa
    ```

    The response will be an empty 202, indicating the deletion request has been accepted. It might take
    a few minutes to be processed.

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any]
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


async def asyncio_detailed(
    model_owner: str,
    model_name: str,
    version_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any]:
    """ Delete a model version

     Delete a model version and all associated predictions, including all output files.

    Model version deletion has some restrictions:

    - You can only delete versions from models you own.
    - You can only delete versions from private models.
    - You cannot delete a version if someone other than you has run predictions with it.
    - You cannot delete a version if it is being used as the base model for a fine tune/training.
    - You cannot delete a version if it has an associated deployment.
    - You cannot delete a version if another model version is overridden to use it.

    Example cURL request:

    ```command
    curl -s -X DELETE \\
      -H "Authorization: Bearer $REPLICATE_API_TOKEN" \\
      https://api.replicate.com/v1/models/replicate/hello-
    world/versions/5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa
    ```

    The response will be an empty 202, indicating the deletion request has been accepted. It might take
    a few minutes to be processed.

    Args:
        model_owner (str):
        model_name (str):
        version_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any]
     """

    kwargs = _get_kwargs(
        model_owner=model_owner,
        model_name=model_name,
        version_id=version_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)
