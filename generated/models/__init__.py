"""Contains all the data models used in inputs/outputs"""

from .account_get_response_200 import AccountGetResponse200
from .account_get_response_200_type import AccountGetResponse200Type
from .collection_list_item import CollectionListItem
from .collection_response import CollectionResponse
from .deployment_response import DeploymentResponse
from .deployment_response_current_release import DeploymentResponseCurrentRelease
from .deployment_response_current_release_configuration import DeploymentResponseCurrentReleaseConfiguration
from .deployment_response_current_release_created_by import DeploymentResponseCurrentReleaseCreatedBy
from .deployment_response_current_release_created_by_type import DeploymentResponseCurrentReleaseCreatedByType
from .deployments_create_body import DeploymentsCreateBody
from .deployments_list_response_200 import DeploymentsListResponse200
from .deployments_update_body import DeploymentsUpdateBody
from .file_response import FileResponse
from .file_response_checksums import FileResponseChecksums
from .file_response_metadata import FileResponseMetadata
from .file_response_urls import FileResponseUrls
from .files_create_body import FilesCreateBody
from .files_create_body_metadata import FilesCreateBodyMetadata
from .files_create_response_413 import FilesCreateResponse413
from .files_delete_response_404 import FilesDeleteResponse404
from .files_download_response_404 import FilesDownloadResponse404
from .files_get_response_404 import FilesGetResponse404
from .files_list_response_200 import FilesListResponse200
from .hardware_list_response_200_item import HardwareListResponse200Item
from .model_response import ModelResponse
from .model_response_default_example_type_0 import ModelResponseDefaultExampleType0
from .model_response_latest_version_type_0 import ModelResponseLatestVersionType0
from .model_response_visibility import ModelResponseVisibility
from .models_create_body import ModelsCreateBody
from .models_create_body_visibility import ModelsCreateBodyVisibility
from .models_list_sort_by import ModelsListSortBy
from .models_list_sort_direction import ModelsListSortDirection
from .models_update_body import ModelsUpdateBody
from .page_response import PageResponse
from .paginated_collection_response import PaginatedCollectionResponse
from .paginated_model_response import PaginatedModelResponse
from .paginated_prediction_response import PaginatedPredictionResponse
from .paginated_version_response import PaginatedVersionResponse
from .prediction_request import PredictionRequest
from .prediction_request_input import PredictionRequestInput
from .prediction_request_webhook_events_filter_item import PredictionRequestWebhookEventsFilterItem
from .prediction_response import PredictionResponse
from .prediction_response_input import PredictionResponseInput
from .prediction_response_metrics import PredictionResponseMetrics
from .prediction_response_source import PredictionResponseSource
from .prediction_response_status import PredictionResponseStatus
from .prediction_response_urls import PredictionResponseUrls
from .predictions_list_response_200 import PredictionsListResponse200
from .predictions_list_source import PredictionsListSource
from .search_collection_response import SearchCollectionResponse
from .search_model_metadata_response import SearchModelMetadataResponse
from .search_response import SearchResponse
from .search_response_400 import SearchResponse400
from .search_response_500 import SearchResponse500
from .search_response_models_item import SearchResponseModelsItem
from .training_request import TrainingRequest
from .training_request_input import TrainingRequestInput
from .training_request_webhook_events_filter_item import TrainingRequestWebhookEventsFilterItem
from .training_response import TrainingResponse
from .training_response_input import TrainingResponseInput
from .training_response_metrics import TrainingResponseMetrics
from .training_response_output import TrainingResponseOutput
from .training_response_source import TrainingResponseSource
from .training_response_status import TrainingResponseStatus
from .training_response_urls import TrainingResponseUrls
from .trainings_list_response_200 import TrainingsListResponse200
from .version_prediction_request import VersionPredictionRequest
from .version_prediction_request_input import VersionPredictionRequestInput
from .version_prediction_request_webhook_events_filter_item import VersionPredictionRequestWebhookEventsFilterItem
from .version_response import VersionResponse
from .version_response_openapi_schema_type_0 import VersionResponseOpenapiSchemaType0
from .webhooks_default_secret_get_response_200 import WebhooksDefaultSecretGetResponse200

__all__ = (
    "AccountGetResponse200",
    "AccountGetResponse200Type",
    "CollectionListItem",
    "CollectionResponse",
    "DeploymentResponse",
    "DeploymentResponseCurrentRelease",
    "DeploymentResponseCurrentReleaseConfiguration",
    "DeploymentResponseCurrentReleaseCreatedBy",
    "DeploymentResponseCurrentReleaseCreatedByType",
    "DeploymentsCreateBody",
    "DeploymentsListResponse200",
    "DeploymentsUpdateBody",
    "FileResponse",
    "FileResponseChecksums",
    "FileResponseMetadata",
    "FileResponseUrls",
    "FilesCreateBody",
    "FilesCreateBodyMetadata",
    "FilesCreateResponse413",
    "FilesDeleteResponse404",
    "FilesDownloadResponse404",
    "FilesGetResponse404",
    "FilesListResponse200",
    "HardwareListResponse200Item",
    "ModelResponse",
    "ModelResponseDefaultExampleType0",
    "ModelResponseLatestVersionType0",
    "ModelResponseVisibility",
    "ModelsCreateBody",
    "ModelsCreateBodyVisibility",
    "ModelsListSortBy",
    "ModelsListSortDirection",
    "ModelsUpdateBody",
    "PageResponse",
    "PaginatedCollectionResponse",
    "PaginatedModelResponse",
    "PaginatedPredictionResponse",
    "PaginatedVersionResponse",
    "PredictionRequest",
    "PredictionRequestInput",
    "PredictionRequestWebhookEventsFilterItem",
    "PredictionResponse",
    "PredictionResponseInput",
    "PredictionResponseMetrics",
    "PredictionResponseSource",
    "PredictionResponseStatus",
    "PredictionResponseUrls",
    "PredictionsListResponse200",
    "PredictionsListSource",
    "SearchCollectionResponse",
    "SearchModelMetadataResponse",
    "SearchResponse",
    "SearchResponse400",
    "SearchResponse500",
    "SearchResponseModelsItem",
    "TrainingRequest",
    "TrainingRequestInput",
    "TrainingRequestWebhookEventsFilterItem",
    "TrainingResponse",
    "TrainingResponseInput",
    "TrainingResponseMetrics",
    "TrainingResponseOutput",
    "TrainingResponseSource",
    "TrainingResponseStatus",
    "TrainingResponseUrls",
    "TrainingsListResponse200",
    "VersionPredictionRequest",
    "VersionPredictionRequestInput",
    "VersionPredictionRequestWebhookEventsFilterItem",
    "VersionResponse",
    "VersionResponseOpenapiSchemaType0",
    "WebhooksDefaultSecretGetResponse200",
)
