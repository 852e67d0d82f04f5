"""Persistence: SQL tables behind repository methods that speak domain models, and a
content-addressed blob folder for raw files.

Open with ``store = await open_store(settings)`` (migrates the database to the newest
revision), close with ``await store.close()``. Errors are drawn in ``errors.py``.
"""

from warroom.store.access import ApiKeyInfo, Approval, ApprovalStatus, AuditEntry, KeyRole
from warroom.store.alerts import AlertOutcome, StoredAlert, WebhookSecretInfo
from warroom.store.blobs import BlobStore
from warroom.store.errors import (
    AlreadyExistsError,
    BlobNotFoundError,
    InvalidBlobIdError,
    NaiveDatetimeError,
    NotFoundError,
    RunStateError,
    StoreError,
    StoreInputError,
    UnknownIncidentError,
    UnknownRunError,
)
from warroom.store.graph import BlastEntry, GraphCounts, GraphSourceInfo, GraphSourceKind
from warroom.store.graph_sql import GraphDirection
from warroom.store.interventions import InterventionKind, InterventionRecord
from warroom.store.runs import RunInfo, RunStatus
from warroom.store.store import Store, open_store

__all__ = [
    "AlertOutcome",
    "AlreadyExistsError",
    "ApiKeyInfo",
    "Approval",
    "ApprovalStatus",
    "AuditEntry",
    "BlastEntry",
    "BlobNotFoundError",
    "BlobStore",
    "GraphCounts",
    "GraphDirection",
    "GraphSourceInfo",
    "GraphSourceKind",
    "InterventionKind",
    "InterventionRecord",
    "InvalidBlobIdError",
    "KeyRole",
    "NaiveDatetimeError",
    "NotFoundError",
    "RunInfo",
    "RunStateError",
    "RunStatus",
    "Store",
    "StoreError",
    "StoreInputError",
    "StoredAlert",
    "UnknownIncidentError",
    "UnknownRunError",
    "WebhookSecretInfo",
    "open_store",
]
