"""``/assets``: upload files for an incident (runtime, development, design) and list them.

Each file is streamed into the blob store in chunks, counting bytes as it goes; a file past
the upload limit answers 413 and no asset of that request is recorded.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, BinaryIO

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile, status

from warroom.api.deps import CurrentKey, ResponderKey, StateDep
from warroom.api.routes.incidents import load_incident
from warroom.api.routes.responses import errors
from warroom.api.schemas import AssetPublic, AssetsPublic
from warroom.api.state import ApiState
from warroom.domain import Asset, AssetKind, AssetState
from warroom.store import BlobStore

router = APIRouter(prefix="/assets", tags=["assets"])

_TRACE_HINTS = ("trace", "span", "jaeger", "otlp", "zipkin")
_LOG_COLUMNS = ("message", "msg", "log", "content")


class UploadTooLargeError(Exception):
    pass


class _Limited:
    """A reader that raises ``UploadTooLargeError`` once more than ``limit`` bytes are read."""

    def __init__(self, source: BinaryIO, limit: int) -> None:
        self.source = source
        self.limit = limit
        self.seen = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.seen += len(chunk)
        if self.seen > self.limit:
            raise UploadTooLargeError
        return chunk


def guess_runtime_kind(name: str, head: bytes) -> AssetKind:
    """A label for an uploaded runtime file (the loaders sniff content on their own)."""
    lowered = name.lower()
    text = head[:4096].decode("utf-8", errors="replace").lower()
    if any(h in lowered for h in _TRACE_HINTS) or '"resourcespans"' in text or '"spanid"' in text:
        return AssetKind.SPANS
    if lowered.endswith(".csv"):
        header = text.splitlines()[0] if text else ""
        columns = {c.strip().strip('"') for c in header.split(",")}
        return AssetKind.LOGS if columns & set(_LOG_COLUMNS) else AssetKind.METRICS
    return AssetKind.LOGS


def _put(blobs: BlobStore, upload: UploadFile, limit: int) -> tuple[str, int, bytes]:
    upload.file.seek(0)
    head = upload.file.read(4096)
    upload.file.seek(0)
    sha, size = blobs.put_stream(_Limited(upload.file, limit))  # type: ignore[arg-type]
    return sha, size, head


async def store_uploads(
    state: ApiState,
    *,
    incident_id: str,
    files: list[UploadFile],
    asset_state: AssetState,
    kind: AssetKind | None,
) -> list[Asset]:
    """Stream every file into the blob store, then record them all as assets."""
    await load_incident(state.store, incident_id)
    if not files:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail="expected one or more files in the 'files' form field",
        )
    limit = state.limits.max_upload_bytes
    pending: list[Asset] = []
    for upload in files:
        name = upload.filename or "upload"
        try:
            sha, size, head = await asyncio.to_thread(_put, state.blobs, upload, limit)
        except UploadTooLargeError:
            raise HTTPException(
                status.HTTP_413_CONTENT_TOO_LARGE,
                detail=f"file {name!r} is over the upload limit of {limit} bytes; split it "
                "or ask the operator to raise the limit. No file of this request was recorded",
            ) from None
        if asset_state == AssetState.RUNTIME:
            chosen = kind or guess_runtime_kind(name, head)
        elif asset_state == AssetState.DEVELOPMENT:
            chosen = kind or AssetKind.REPOSITORY
        else:
            chosen = kind or AssetKind.DOCUMENT
        pending.append(
            Asset(
                incident_id=incident_id,
                state=asset_state,
                kind=chosen,
                name=name,
                sha256=sha,
                size=size,
                media_type=upload.content_type or "application/octet-stream",
            )
        )
    return [await state.store.add_asset(asset=a) for a in pending]


FilesField = Annotated[list[UploadFile], File(description="One or more files.")]
IncidentField = Annotated[str, Form(min_length=1, max_length=64)]
KindField = Annotated[
    AssetKind | None, Form(description="Label for every file; guessed when left out.")
]


def _answer(request: Request, incident_id: str, stored: list[Asset]) -> AssetsPublic:
    request.state.resource_id = incident_id
    return AssetsPublic(data=[AssetPublic.of(a) for a in stored], count=len(stored))


_CREATED = status.HTTP_201_CREATED
_UPLOAD_ERRORS = errors(404, 413, 422)


def _register_upload(asset_state: AssetState, summary: str) -> None:
    """One upload route per asset state: the same handling, its own path and operation id."""

    async def upload(
        request: Request,
        state: StateDep,
        _key: ResponderKey,
        incident_id: IncidentField,
        files: FilesField,
        kind: KindField = None,
    ) -> AssetsPublic:
        stored = await store_uploads(
            state, incident_id=incident_id, files=files, asset_state=asset_state, kind=kind
        )
        return _answer(request, incident_id, stored)

    upload.__doc__ = summary
    upload.__name__ = f"upload_{asset_state.value}"
    router.add_api_route(
        f"/{asset_state.value}",
        upload,
        methods=["POST"],
        operation_id=f"assets_upload_{asset_state.value}",
        status_code=_CREATED,
        responses=_UPLOAD_ERRORS,
        response_model=AssetsPublic,
    )


_register_upload(
    AssetState.RUNTIME, "Upload logs, metrics and traces for an incident; debates read these."
)
_register_upload(
    AssetState.DEVELOPMENT,
    "Upload development-state files (source archives, git bundles); stored for later use.",
)
_register_upload(
    AssetState.DESIGN,
    "Upload design-state files (domain models, API and database designs, past incidents).",
)


@router.get("", operation_id="assets_list", responses=errors(404, 422))
async def list_assets(
    state: StateDep,
    _key: CurrentKey,
    incident_id: Annotated[str, Query(min_length=1, max_length=64)],
    asset_state: Annotated[AssetState | None, Query(alias="state")] = None,
) -> AssetsPublic:
    """The incident's assets in upload order, optionally of one state only."""
    await load_incident(state.store, incident_id)
    found = await state.store.list_assets(incident_id=incident_id)
    if asset_state is not None:
        found = [a for a in found if a.state == asset_state]
    return AssetsPublic(data=[AssetPublic.of(a) for a in found], count=len(found))
