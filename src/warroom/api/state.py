"""What the running app holds: one store, one blob folder, one broadcaster, one runner."""

from __future__ import annotations

from dataclasses import dataclass

from warroom.config import Settings
from warroom.runs import Broadcaster, Runner
from warroom.store import BlobStore, Store

DEFAULT_MAX_UPLOAD_BYTES = 256 * 1024 * 1024
DEFAULT_MAX_UPLOAD_REQUEST_BYTES = 1024 * 1024 * 1024
DEFAULT_MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Request size limits (413 past them): ``max_upload_bytes`` per uploaded file,
    ``max_upload_request_bytes`` per multipart request, ``max_body_bytes`` for any other
    request body (JSON). ``heartbeat_s``: how often a quiet live stream says it is alive."""

    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    max_upload_request_bytes: int = DEFAULT_MAX_UPLOAD_REQUEST_BYTES
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    heartbeat_s: float = 15.0


@dataclass
class ApiState:
    settings: Settings
    store: Store
    blobs: BlobStore
    broadcaster: Broadcaster
    runner: Runner
    limits: Limits
