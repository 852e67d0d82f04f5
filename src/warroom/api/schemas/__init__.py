"""Request and response models, split by direction (``*Create``, ``*Update``, ``*Public``).

They are the OpenAPI contract; store and domain models stay behind them.
"""

from warroom.api.schemas.assets import AssetPublic, AssetsPublic
from warroom.api.schemas.common import ErrorPublic, as_utc, parse_duration
from warroom.api.schemas.debates import (
    DebateCreate,
    DebatePublic,
    DebateStarted,
    RunEventPublic,
    RunEventsPublic,
)
from warroom.api.schemas.incidents import (
    IncidentCreate,
    IncidentPublic,
    IncidentsPublic,
    IncidentUpdate,
)
from warroom.api.schemas.keys import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPublic,
    ApiKeysPublic,
    AuditEntriesPublic,
)
from warroom.api.schemas.reports import ReportExport

__all__ = [
    "ApiKeyCreate",
    "ApiKeyCreated",
    "ApiKeyPublic",
    "ApiKeysPublic",
    "AssetPublic",
    "AssetsPublic",
    "AuditEntriesPublic",
    "DebateCreate",
    "DebatePublic",
    "DebateStarted",
    "ErrorPublic",
    "IncidentCreate",
    "IncidentPublic",
    "IncidentUpdate",
    "IncidentsPublic",
    "ReportExport",
    "RunEventPublic",
    "RunEventsPublic",
    "as_utc",
    "parse_duration",
]
