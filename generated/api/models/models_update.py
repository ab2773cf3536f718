from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.model_response import ModelResponse
from ...models.models_update_body import ModelsUpdateBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    model_owner: str,
    model_name: str,
    *,
    body: ModelsUpdateBody | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/models/{model_owner}/{model_name}".format(
            model_owner=quote(str(model_owner), safe=""),
            model_name=quote(str(model_name), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
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
    body: ModelsUpdateBody | Unset = UNSET,
) -> Response[ModelResponse]:
    """ Update metadata for a model

     Update select properties of an existing model.

    You can update the following properties:

      - `description` - Model description
      - `readme` - Model README content
      - `github_url` - GitHub repository URL
      - `paper_url` - Research paper URL
      - `weights_url` - Model weights URL
      - `license_url` - License URL

    Example cURL request:

    ```console
    curl -X PATCH \\
      https://api.replicate.com/v1/models/your-username/your-model-name \\
      -H "Authorization: Token $REPLICATE_API_TOKEN" \\
      -H "Content-Type: application/json" \\
      -d '{
        "description": "Detect hot dogs in images",
        "readme": "# Hot Dog Detector\\n\\n🌭 Ketchup, mustard, and onions...",
        "github_url": "https://github.com/alice/hot-dog-detector",
        "paper_url": "https://arxiv.org/abs/2504.17639",
        "weights_url": "https://huggingface.co/alice/hot-dog-detector",
        "license_url": "https://choosealicense.com/licenses/mit/"
      }'
    ```

    The response will be the updated model object with all of its properties.

    Args:
        model_owner (str):
        model_name (str):
        body (ModelsUpdateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelResponse]
     """

    kwargs = _get_kwargs(
        model_owner=model_owner,
        model_name=model_name,
        body=body,
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
    body: ModelsUpdateBody | Unset = UNSET,
) -> ModelResponse | None:
    """ Update metadata for a model

     Update select properties of an existing model.

    You can update the following properties:

      - `description` - Model description
      - `readme` - Model README content
      - `github_url` - GitHub repository URL
      - `paper_url` - Research paper URL
      - `weights_url` - Model weights URL
      - `license_url` - License URL

    Example cURL request:

    ```console
    curl -X PATCH \\
      https://api.replicate.com/v1/models/your-username/your-model-name \\
      -H "Authorization: Token $REPLICATE_API_TOKEN" \\
      -H "Content-Type: application/json" \\
      -d '{
        "description": "Detect hot dogs in images",
        "readme": "# Hot Dog Detector\\n\\n🌭 Ketchup, mustard, and onions...",
        "github_url": "https://github.com/alice/hot-dog-detector",
        "paper_url": "https://arxiv.org/abs/2504.17639",
        "weights_url": "https://huggingface.co/alice/hot-dog-detector",
        "license_url": "https://choosealicense.com/licenses/mit/"
      }'
    ```

    The response will be the updated model object with all of its properties.

    Args:
        model_owner (str):
        model_name (str):
        body (ModelsUpdateBody | Unset):

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
        body=body,
    ).parsed


async def asyncio_detailed(
    model_owner: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: ModelsUpdateBody | Unset = UNSET,
) -> Response[ModelResponse]:
    """ Update metadata for a model

     Update select properties of an existing model.

    You can update the following properties:

      - `description` - Model description
      - `readme` - Model README content
      - `github_url` - GitHub repository URL
      - `paper_url` - Research paper URL
      - `weights_url` - Model weights URL
      - `license_url` - License URL

    Example cURL request:

    ```console
    curl -X PATCH \\
      https://api.replicate.com/v1/models/your-username/your-model-name \\
      -H "Authorization: Token $REPLICATE_API_TOKEN" \\
      -H "Content-Type: application/json" \\
      -d '{
        "description": "Detect hot dogs in images",
        "readme": "# Hot Dog Detector\\n\\n🌭 Ketchup, mustard, and onions...",
        "github_url": "https://github.com/alice/hot-dog-detector",
        "paper_url": "https://arxiv.org/abs/2504.17639",
        "weights_url": "https://huggingface.co/alice/hot-dog-detector",
        "license_url": "https://choosealicense.com/licenses/mit/"
      }'
    ```

    The response will be the updated model object with all of its properties.

    Args:
        model_owner (str):
        model_name (str):
        body (ModelsUpdateBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ModelResponse]
     """

    kwargs = _get_kwargs(
        model_owner=model_owner,
        model_name=model_name,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    model_owner: str,
    model_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: ModelsUpdateBody | Unset = UNSET,
) -> ModelResponse | None:
    """ Update metadata for a model

     Update select properties of an existing model.

    You can update the following properties:

      - `description` - Model description
      - `readme` - Model README content
      - `github_url` - GitHub repository URL
      - `paper_url` - Research paper URL
      - `weights_url` - Model weights URL
      - `license_url` - License URL

    Example cURL request:

    ```console
    curl -X PATCH \\
      https://api.replicate.com/v1/models/your-username/your-model-name \\
      -H "Authorization: Token $REPLICATE_API_TOKEN" \\
      -H "Content-Type: application/json" \\
      -d '{
        "description": "Detect hot dogs in images",
        "readme": "# Hot Dog Detector\\n\\n🌭 Ketchup, mustard, and onions...",
        "github_url": "https://github.com/alice/hot-dog-detector",
        "paper_url": "https://arxiv.org/abs/2504.17639",
        "weights_url": "https://huggingface.co/alice/hot-dog-detector",
        "license_url": "https://choosealicense.com/licenses/mit/"
      }'
    ```

    The response will be the updated model object with all of its properties.

    Args:
        model_owner (str):
        model_name (str):
        body (ModelsUpdateBody | Unset):

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
            body=body,
        )
    ).parsed
