"""``/assets``: upload files for an incident (runtime, development, design) and list them.

Each file is streamed into the blob store in chunks, counting bytes as it goes; a file past
the upload limit answers 413 and no asset of that request is recorded.

Runtime files (logs, metrics, traces) are masked on the way in (``ingest.redact``, line by
line, bounded memory): what is stored, and what ``sha256`` and ``size`` describe, is the
masked text. Content that is not text is stored as uploaded and marked ``binary_kept``.
Development and design files are stored as uploaded (``kept``): they are read as code and
schemas, which masking would rewrite; prompts built from them are masked anyway.

A runtime upload for an incident whose webhook asked for a debate (``auto_investigate``)
and that has no run yet starts the debate; ``investigate`` in the form overrides that.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated, BinaryIO
from weakref import WeakKeyDictionary

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile, status

from warroom.api.deps import CurrentKey, ResponderKey, StateDep
from warroom.api.routes.debates import launch_debate
from warroom.api.routes.incidents import load_incident
from warroom.api.routes.responses import errors
from warroom.api.schemas import AssetPublic, AssetsPublic
from warroom.api.schemas.assets import Masking, with_masking
from warroom.api.schemas.webhooks import AutoInvestigation
from warroom.api.state import ApiState
from warroom.domain import Asset, AssetKind, AssetState, Incident
from warroom.ingest.redact import MaskingReader
from warroom.store import BlobStore, Store
from warroom.store.alerts import AUTO_INVESTIGATE

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

    def read(self, size: int = -1, /) -> bytes:
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


@dataclass(frozen=True)
class _Stored:
    sha256: str
    size: int
    head: bytes
    masking: Masking
    masked: int


def _put(blobs: BlobStore, upload: UploadFile, limit: int, mask: bool) -> _Stored:
    upload.file.seek(0)
    head = upload.file.read(4096)
    upload.file.seek(0)
    source = _Limited(upload.file, limit)
    if not mask:
        sha, size = blobs.put_stream(source)
        return _Stored(sha, size, head, Masking.KEPT, 0)
    reader = MaskingReader(source)
    sha, size = blobs.put_stream(reader)
    if reader.masker.binary:
        return _Stored(sha, size, head, Masking.BINARY_KEPT, 0)
    return _Stored(sha, size, head, Masking.MASKED, reader.masker.replaced)


async def store_uploads(
    state: ApiState,
    *,
    incident_id: str,
    files: list[UploadFile],
    asset_state: AssetState,
    kind: AssetKind | None,
) -> tuple[list[Asset], int]:
    """Stream every file into the blob store (runtime files masked), then record them all
    as assets; the assets and how many secrets were masked."""
    await load_incident(state.store, incident_id)
    if not files:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail="expected one or more files in the 'files' form field",
        )
    limit = state.limits.max_upload_bytes
    mask = asset_state == AssetState.RUNTIME
    pending: list[Asset] = []
    masked = 0
    for upload in files:
        name = upload.filename or "upload"
        try:
            put = await asyncio.to_thread(_put, state.blobs, upload, limit, mask)
        except UploadTooLargeError:
            raise HTTPException(
                status.HTTP_413_CONTENT_TOO_LARGE,
                detail=f"file {name!r} is over the upload limit of {limit} bytes; split it "
                "or ask the operator to raise the limit. No file of this request was recorded",
            ) from None
        masked += put.masked
        if asset_state == AssetState.RUNTIME:
            chosen = kind or guess_runtime_kind(name, put.head)
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
                sha256=put.sha256,
                size=put.size,
                media_type=with_masking(
                    upload.content_type or "application/octet-stream", put.masking
                ),
            )
        )
    return [await state.store.add_asset(asset=a) for a in pending], masked


# One lock per store: two uploads at once must not both start the awaited debate.
_start_locks: WeakKeyDictionary[Store, asyncio.Lock] = WeakKeyDictionary()


async def start_awaited_debate(
    state: ApiState, incident_id: str, investigate: bool | None
) -> AutoInvestigation | None:
    """After a runtime upload: start a debate over the incident's runtime assets when
    ``investigate`` is True, or when it is None and the incident's webhook asked for one
    (``metadata.auto_investigate``) and no run of it exists yet."""
    if investigate is False:
        return None
    lock = _start_locks.setdefault(state.store, asyncio.Lock())
    async with lock:
        incident: Incident = await load_incident(state.store, incident_id)
        if investigate is None:
            if incident.metadata.get(AUTO_INVESTIGATE) is not True:
                return None
            if await state.store.list_runs(incident_id=incident_id, limit=1):
                return None
        assets = [
            a
            for a in await state.store.list_assets(incident_id=incident_id)
            if a.state == AssetState.RUNTIME
        ]
        run_id = await launch_debate(state, incident, assets)
    return AutoInvestigation(incident_id=incident_id, status="started", run_id=run_id)


FilesField = Annotated[list[UploadFile], File(description="One or more files.")]
IncidentField = Annotated[str, Form(min_length=1, max_length=64)]
KindField = Annotated[
    AssetKind | None, Form(description="Label for every file; guessed when left out.")
]
InvestigateField = Annotated[
    bool | None,
    Form(
        description="Runtime uploads: true starts a debate over the incident's runtime assets "
        "after the upload, false does not; left out, it starts when the incident's webhook "
        "asked for one and no run of it exists yet. Ignored for other states."
    ),
]


def _answer(
    request: Request,
    incident_id: str,
    stored: list[Asset],
    masked: int,
    investigation: AutoInvestigation | None,
) -> AssetsPublic:
    request.state.resource_id = incident_id
    return AssetsPublic(
        data=[AssetPublic.of(a) for a in stored],
        count=len(stored),
        masked_secrets=masked,
        investigation=investigation,
    )


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
        investigate: InvestigateField = None,
    ) -> AssetsPublic:
        stored, masked = await store_uploads(
            state, incident_id=incident_id, files=files, asset_state=asset_state, kind=kind
        )
        started = None
        if asset_state == AssetState.RUNTIME:
            started = await start_awaited_debate(state, incident_id, investigate)
        return _answer(request, incident_id, stored, masked, started)

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
