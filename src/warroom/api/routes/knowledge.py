"""``/assets/development``, ``/assets/design``, ``/assets/fusion``: assets as a service.

Development and design assets are graph sources of the store (``Store.save_graph_source``):
every investigation run reads them (``runs.knowledge``), and ``/graph`` queries walk them.

- ``POST /assets/development`` with a JSON body ``{path, service?, max_commits?}`` (admin
  keys: it reads a server path, under one of ``Settings.repo_roots`` when any are set)
  indexes the git repository in a worker thread and saves it as a ``repository`` source
  (location: the resolved path; indexing the same path again replaces it). With a
  multipart body ``{incident_id, files}`` it keeps the files as the incident's development
  assets, as the upload routes of ``routes.assets`` do (responder keys).
- ``POST /assets/design`` with multipart ``files`` reads them (OpenAPI, SQL DDL, domain
  documents, case write-ups) into a ``design`` source named by ``name`` or the file names
  (uploading the same names again replaces it); each file's problems are answered. With an
  ``incident_id`` the files are kept as the incident's design assets instead.
- ``GET`` lists the sources of each kind; ``DELETE .../{source_id}`` (admin) removes one and
  what only it contributed.
- ``GET /assets/fusion/{incident_id}``: the incident's report's knowledge (graph, path from
  symptom to cause, code links, domain placements, similar cases).
- ``POST /reports/{incident_id}/confirm``: a person confirms the latest verdict; it becomes a
  case of the library (a ``design`` source at ``case:<incident_id>``, replaced when
  confirmed again), which later investigations recall as a similar case.

The two POST routes replace the upload routes of the same path in ``routes.assets`` (see
``REPLACED``), keeping their operation ids and their multipart behaviour.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any, cast

from fastapi import APIRouter, File, Form, HTTPException, Request, Response, UploadFile, status
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from warroom.api.deps import AdminKey, CurrentKey, ResponderKey, StateDep, StoreDep, authorize
from warroom.api.routes.assets import UploadTooLargeError, _Limited, store_uploads
from warroom.api.routes.incidents import load_incident
from warroom.api.routes.reports import load_report
from warroom.api.routes.responses import errors
from warroom.api.schemas import AssetPublic, AssetsPublic
from warroom.api.schemas.knowledge import (
    CaseConfirmed,
    DesignFilePublic,
    DesignSourceCreated,
    DevelopmentCreate,
    DevelopmentSourceCreated,
    FileProblemPublic,
    FusionPublic,
    GraphSourcePublic,
    GraphSourcesPublic,
)
from warroom.api.state import ApiState
from warroom.assets.casebook import case_from_report
from warroom.assets.design import DesignIndex, load_design
from warroom.assets.development import AssetInputError, GitError, RepoIndex, index_repository
from warroom.domain import Asset, AssetKind, AssetState
from warroom.domain.graph import Edge, EdgeKind, GraphFragment, Node, NodeKind, node_id
from warroom.domain.knowledge import KnowledgeView
from warroom.runs.investigation import safe_relative_path
from warroom.runs.knowledge import REPOSITORIES
from warroom.store import ApiKeyInfo, GraphSourceInfo, GraphSourceKind, KeyRole, Store

router = APIRouter(prefix="/assets", tags=["assets"])
confirm_router = APIRouter(prefix="/reports", tags=["reports"])

# Routes of ``routes.assets`` these serve instead: (method, path under the API prefix).
REPLACED = frozenset({("POST", "/assets/development"), ("POST", "/assets/design")})

CASE_PREFIX = "case:"
MAX_LOCATION = 1024

SourceId = Annotated[
    str,
    PathParam(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_\-]+$",
        description="A source id from the list.",
    ),
]

_UPLOAD_FORM: dict[str, Any] = {
    "type": "object",
    "required": ["incident_id", "files"],
    "properties": {
        "incident_id": {"type": "string", "minLength": 1, "maxLength": 64},
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
        "kind": {"type": "string", "enum": [k.value for k in AssetKind]},
    },
}
_DEVELOPMENT_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {"schema": DevelopmentCreate.model_json_schema()},
        "multipart/form-data": {"schema": _UPLOAD_FORM},
    },
}


def _unprocessable(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=detail)


def _who(key: ApiKeyInfo) -> str:
    return key.name.strip() or key.id


async def _source(store: Store, source_id: str) -> GraphSourcePublic:
    info = await store.graph_source(source_id=source_id)
    if info is None:  # deleted between saving and reading: say so rather than fail
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"source {source_id} is gone")
    return GraphSourcePublic.of(info)


def _listed(sources: list[GraphSourceInfo], kind: GraphSourceKind) -> GraphSourcesPublic:
    chosen = [GraphSourcePublic.of(s) for s in sources if s.kind is kind]
    return GraphSourcesPublic(data=chosen, count=len(chosen))


async def _delete(store: Store, source_id: str, kind: GraphSourceKind) -> Response:
    info = await store.graph_source(source_id=source_id)
    if info is None or info.kind is not kind:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail=f"no {kind.value} source with id {source_id!r}; list them with "
            f"GET /api/v1/assets/{'development' if kind is GraphSourceKind.REPOSITORY else kind}",
        )
    await store.delete_graph_source(source_id=source_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _answer_upload(
    request: Request, incident_id: str, stored: list[Asset], masked: int
) -> AssetsPublic:
    request.state.resource_id = incident_id
    return AssetsPublic(
        data=[AssetPublic.of(a) for a in stored], count=len(stored), masked_secrets=masked
    )


# --- development ------------------------------------------------------------------------------


def repository_path(given: str, roots: list[Path]) -> Path:
    """``given`` resolved (symbolic links followed), if it may be indexed: absolute, and
    under one of ``roots`` when there are any (403 otherwise)."""
    try:
        path = Path(given)
        if not path.is_absolute():
            raise _unprocessable(
                f"path must be absolute (a folder on the server), got {given[:200]!r}"
            )
        resolved = path.resolve()
    except (OSError, ValueError) as exc:
        raise _unprocessable(f"path {given[:200]!r} is not a usable folder path: {exc}") from None
    if roots and not any(resolved.is_relative_to(root.resolve()) for root in roots):
        allowed = ", ".join(str(r) for r in roots)
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f"{resolved} is outside the folders this server indexes ({allowed}); "
            "ask the operator to add its folder to WARROOM_REPO_ROOTS",
        )
    return resolved


def _index(path: Path, body: DevelopmentCreate) -> RepoIndex:
    try:
        return index_repository(path, service=body.service, max_commits=body.max_commits)
    except (AssetInputError, GitError) as exc:
        raise _unprocessable(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise _unprocessable(f"{path}: could not be indexed: {exc}") from None


async def _add_repository(
    request: Request, state: ApiState, key: ApiKeyInfo
) -> DevelopmentSourceCreated:
    authorize(key, KeyRole.ADMIN)
    try:
        data = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _unprocessable(
            f"expected a JSON body {{path, service?, max_commits?}}: {exc}"
        ) from None
    try:
        body = DevelopmentCreate.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        ) from None
    path = repository_path(body.path, state.settings.repo_roots)
    index = await asyncio.to_thread(_index, path, body)
    stats: dict[str, Any] = {
        **index.stats.as_dict(),
        "head": index.head,
        "name": index.name,
        "service": body.service,
        "max_commits": body.max_commits,
        "problems": len(index.errors),
    }
    source_id = await state.store.save_graph_source(
        kind=GraphSourceKind.REPOSITORY,
        location=str(path),
        fragment=index.fragment,
        stats=stats,
        by=_who(key),
    )
    REPOSITORIES.put(path, index, service=body.service, max_commits=body.max_commits)
    request.state.resource_id = source_id
    return DevelopmentSourceCreated(
        source=await _source(state.store, source_id),
        head=index.head,
        problems=[FileProblemPublic(path=p.path, reason=p.reason) for p in index.errors],
    )


async def _upload_development(request: Request, state: ApiState) -> AssetsPublic:
    async with request.form() as form:
        incident_id = form.get("incident_id")
        if not isinstance(incident_id, str) or not 1 <= len(incident_id) <= 64:
            raise _unprocessable(
                "expected the incident's id (1 to 64 characters) in the 'incident_id' form "
                "field, or a JSON body {path, service?, max_commits?} to index a repository"
            )
        raw_kind = form.get("kind")
        try:
            kind = AssetKind(raw_kind) if isinstance(raw_kind, str) and raw_kind else None
        except ValueError:
            allowed = ", ".join(k.value for k in AssetKind)
            raise _unprocessable(f"kind must be one of {allowed}, got {raw_kind!r}") from None
        files = [f for f in form.getlist("files") if not isinstance(f, str)]
        stored, masked = await store_uploads(
            state,
            incident_id=incident_id,
            files=cast(list[UploadFile], files),
            asset_state=AssetState.DEVELOPMENT,
            kind=kind,
        )
    return _answer_upload(request, incident_id, stored, masked)


@router.post(
    "/development",
    operation_id="assets_upload_development",
    status_code=status.HTTP_201_CREATED,
    response_model=DevelopmentSourceCreated | AssetsPublic,
    responses=errors(404, 413, 422),
    openapi_extra={"requestBody": _DEVELOPMENT_BODY},
)
async def add_development(
    request: Request, state: StateDep, key: CurrentKey
) -> DevelopmentSourceCreated | AssetsPublic:
    """JSON ``{path, service?, max_commits?}`` (admin): index a git repository on the server
    and keep its graph as a ``repository`` source (same path again: replaced). Answers the
    source, the commit indexed and the files that could not be parsed; 422 for a path that
    is not a git repository, 403 for one outside the configured repo_roots.

    Multipart ``{incident_id, files}`` (responder): keep the files as the incident's
    development assets."""
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/form-data"):
        authorize(key, KeyRole.RESPONDER)
        return await _upload_development(request, state)
    if content_type.startswith("application/json") or "+json" in content_type:
        return await _add_repository(request, state, key)
    raise _unprocessable(
        "expected Content-Type application/json with {path, service?, max_commits?} to index "
        f"a repository, or multipart/form-data to upload files; got {content_type[:100]!r}"
    )


@router.get("/development", operation_id="assets_development_list", responses=errors())
async def list_development(store: StoreDep, _key: CurrentKey) -> GraphSourcesPublic:
    """The indexed repositories, oldest first."""
    return _listed(await store.list_graph_sources(), GraphSourceKind.REPOSITORY)


@router.delete(
    "/development/{source_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="assets_development_delete",
    responses=errors(404, 422),
)
async def delete_development(source_id: SourceId, store: StoreDep, _key: AdminKey) -> Response:
    """Remove an indexed repository and whatever only it contributed to the graph."""
    return await _delete(store, source_id, GraphSourceKind.REPOSITORY)


# --- design -----------------------------------------------------------------------------------


def _write_uploads(files: list[UploadFile], folder: Path, limit: int) -> list[tuple[str, Path]]:
    """Each upload saved under ``folder`` by its (made safe) name; a name used twice goes
    into a numbered subfolder. Raises ``UploadTooLargeError`` past ``limit`` bytes a file."""
    saved: list[tuple[str, Path]] = []
    taken: set[Path] = set()
    for i, upload in enumerate(files, start=1):
        name = upload.filename or f"upload-{i}"
        relative = safe_relative_path(name, f"upload-{i}")
        n = 1
        while relative in taken:
            relative = Path(str(n)) / safe_relative_path(name, f"upload-{i}")
            n += 1
        taken.add(relative)
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        upload.file.seek(0)
        with target.open("wb") as out:
            shutil.copyfileobj(_Limited(upload.file, limit), out, 1024 * 1024)
        saved.append((relative.as_posix(), target))
    return saved


def _relabel(value: Any, prefix: str) -> Any:
    """``value`` with the temporary folder left out of every string in it."""
    if isinstance(value, str):
        return value.replace(prefix, "")
    if isinstance(value, list):
        return [_relabel(v, prefix) for v in value]
    if isinstance(value, dict):
        return {k: _relabel(v, prefix) for k, v in value.items()}
    return value


def _read_design(files: list[UploadFile], limit: int) -> tuple[list[str], DesignIndex]:
    folder = Path(tempfile.mkdtemp(prefix="warroom-design-"))
    try:
        saved = _write_uploads(files, folder, limit)
        index = load_design([path for _, path in saved])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    prefix = f"{folder}/"
    fragment = GraphFragment(
        nodes=[
            n.model_copy(update={"attrs": _relabel(n.attrs, prefix)}) for n in index.fragment.nodes
        ],
        edges=[
            e.model_copy(update={"attrs": _relabel(e.attrs, prefix)}) for e in index.fragment.edges
        ],
    )
    cleaned = DesignIndex.model_validate(_relabel(index.model_dump(exclude={"fragment"}), prefix))
    cleaned.fragment = fragment
    return [name for name, _ in saved], cleaned


def _design_location(name: str | None, names: list[str]) -> str:
    location = (name or ", ".join(names)).strip()
    if location.startswith(CASE_PREFIX):
        raise _unprocessable(
            f"name must not start with {CASE_PREFIX!r}: that is where confirmed cases are kept"
        )
    if not location or len(location) > MAX_LOCATION:
        raise _unprocessable(
            f"the file names make a source name of {len(location)} characters; give a 'name' "
            f"of 1 to {MAX_LOCATION} characters for this set of documents"
        )
    return location


FilesField = Annotated[list[UploadFile], File(description="One or more files.")]


@router.post(
    "/design",
    operation_id="assets_upload_design",
    status_code=status.HTTP_201_CREATED,
    response_model=DesignSourceCreated | AssetsPublic,
    responses=errors(404, 413, 422),
)
async def add_design(
    request: Request,
    state: StateDep,
    key: ResponderKey,
    files: FilesField,
    name: Annotated[
        str | None,
        Form(
            min_length=1,
            max_length=MAX_LOCATION,
            description="Names this set of documents (default: the file names); uploading "
            "under the same name again replaces what it gave.",
        ),
    ] = None,
    incident_id: Annotated[
        str | None,
        Form(
            min_length=1,
            max_length=64,
            description="Keep the files as this incident's design assets instead of reading "
            "them into the graph.",
        ),
    ] = None,
    kind: Annotated[
        AssetKind | None, Form(description="With incident_id: the label of every file.")
    ] = None,
) -> DesignSourceCreated | AssetsPublic:
    """Read OpenAPI specs, SQL DDL, domain-model documents and past-incident write-ups into
    a ``design`` source of the graph; answers what each file gave and its problems. 422 when
    no file gave anything (nothing is stored), 413 for a file over the upload limit.

    With ``incident_id``: keep the files as the incident's design assets."""
    if incident_id is not None:
        stored, masked = await store_uploads(
            state, incident_id=incident_id, files=files, asset_state=AssetState.DESIGN, kind=kind
        )
        return _answer_upload(request, incident_id, stored, masked)
    limit = state.limits.max_upload_bytes
    try:
        names, index = await asyncio.to_thread(_read_design, files, limit)
    except UploadTooLargeError:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            detail=f"a file is over the upload limit of {limit} bytes; split it or ask the "
            "operator to raise the limit. Nothing of this request was stored",
        ) from None
    location = _design_location(name, names)
    problems = [e.message() for e in index.errors]
    if not index.fragment.nodes:
        raise _unprocessable(
            "no file gave any design element, nothing was stored: "
            + ("; ".join(problems[:10]) or "the files hold no OpenAPI, DDL, domain or case text")
        )
    source_id = await state.store.save_graph_source(
        kind=GraphSourceKind.DESIGN,
        location=location,
        fragment=index.fragment,
        stats=dict(index.stats),
        by=_who(key),
    )
    request.state.resource_id = source_id
    return DesignSourceCreated(
        source=await _source(state.store, source_id),
        files=[
            DesignFilePublic(
                name=f.path,
                kind=f.kind.value if f.kind else None,
                nodes=f.nodes,
                edges=f.edges,
                skipped=f.skipped,
                errors=[e.message() for e in f.errors],
            )
            for f in index.files
        ],
    )


@router.get("/design", operation_id="assets_design_list", responses=errors())
async def list_design(store: StoreDep, _key: CurrentKey) -> GraphSourcesPublic:
    """The design sources, oldest first; confirmed cases are those at ``case:<incident>``."""
    return _listed(await store.list_graph_sources(), GraphSourceKind.DESIGN)


@router.delete(
    "/design/{source_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="assets_design_delete",
    responses=errors(404, 422),
)
async def delete_design(source_id: SourceId, store: StoreDep, _key: AdminKey) -> Response:
    """Remove a design source (documents or a confirmed case) and what only it gave."""
    return await _delete(store, source_id, GraphSourceKind.DESIGN)


# --- fusion and confirmation ------------------------------------------------------------------


@router.get("/fusion/{incident_id}", operation_id="assets_fusion_get", responses=errors(404, 422))
async def get_fusion(incident_id: str, store: StoreDep, _key: CurrentKey) -> FusionPublic:
    """The incident's fused graph from its latest report: nodes and edges around it, the
    path from symptom to cause, code links, domain placements, similar cases and suspect
    commits. Empty lists when the investigation had no development or design assets; 404
    when the incident does not exist or has no report yet."""
    await load_incident(store, incident_id)
    report = await store.get_report(incident_id=incident_id)
    if report is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail=f"incident {incident_id} has no report yet, so nothing is fused; start a "
            "debate with POST /api/v1/debates and wait for it to finish",
        )
    view = report.knowledge or KnowledgeView()
    return FusionPublic(
        incident_id=incident_id,
        nodes=view.graph.nodes,
        edges=view.graph.edges,
        path=view.path,
        links=view.links,
        placements=view.placements,
        similar_cases=view.similar_cases,
        commits=view.commits,
        sources=view.sources,
    )


@confirm_router.post(
    "/{incident_id}/confirm", operation_id="reports_confirm", responses=errors(404, 422)
)
async def confirm_report(
    incident_id: str, request: Request, store: StoreDep, key: ResponderKey
) -> CaseConfirmed:
    """Confirm the latest report's verdict: it becomes a case of the case library (a
    ``design`` source at ``case:<incident_id>``; confirming again replaces it), recalled by
    later investigations that resemble it. The audit log records who confirmed."""
    report = await load_report(store, incident_id, None)
    who = _who(key)
    case = case_from_report(report, confirmed_by=who)
    nodes = [case]
    edges: list[Edge] = []
    component = report.verdict.component.strip()
    if component:
        service = Node.make(NodeKind.SERVICE, component)
        nodes.append(service)
        edges.append(
            Edge(src=case.id, dst=node_id(NodeKind.SERVICE, component), kind=EdgeKind.IMPLICATES)
        )
    source_id = await store.save_graph_source(
        kind=GraphSourceKind.DESIGN,
        location=f"{CASE_PREFIX}{incident_id}",
        fragment=GraphFragment(nodes=nodes, edges=edges),
        stats={"incident_id": incident_id, "run_id": report.run_id, "confirmed_by": who},
        by=who,
    )
    request.state.resource_id = incident_id
    return CaseConfirmed(case=case, source=await _source(store, source_id))
