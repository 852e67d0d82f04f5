"""The stored development and design sources as the knowledge of a run.

``stored_knowledge(store)`` re-indexes every stored ``repository`` source from its location
and merges what every ``design`` source contributed (documents and confirmed cases). Indexes
are kept in a small per-process LRU (``RepoCache``) keyed by location, ``HEAD``, service and
history depth, so runs over an unchanged repository index it once per process; a new commit
at ``HEAD`` is a new key. A location that is gone or is no longer a git repository is
skipped with a problem note, which the investigation's ``knowledge`` step event carries.

The location is read by whichever process runs the investigation (the API process, or a
``warroom worker``): it must be the same path there.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from warroom.assets.development import AssetInputError, GitError, RepoIndex, index_repository
from warroom.assets.development.git import GitRepo
from warroom.domain.graph import GraphFragment
from warroom.domain.verdict import Report
from warroom.flows.knowledge import KnowledgeSources
from warroom.store import GraphSourceInfo, GraphSourceKind, Store, StoreInputError

DEFAULT_MAX_COMMITS = 5000
log = logging.getLogger(__name__)


class _Key(NamedTuple):
    location: str
    head: str
    service: str | None
    max_commits: int


class RepoCache:
    """The last ``size`` repository indexes built in this process, least recently used out.

    Safe to call from several threads: two runs asking for the same repository at once
    index it once (the second waits for the first).
    """

    def __init__(self, size: int = 4) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, got {size}")
        self.size = size
        self._items: OrderedDict[_Key, RepoIndex] = OrderedDict()
        self._building: dict[_Key, threading.Lock] = {}
        self._lock = threading.Lock()
        self.builds = 0  # indexes built (misses), for tests and logs

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def get(
        self, location: Path, *, service: str | None, max_commits: int = DEFAULT_MAX_COMMITS
    ) -> RepoIndex:
        """The index of the repository at ``location`` as of its current ``HEAD``; raises
        ``AssetInputError`` when ``location`` is not (any more) a git repository."""
        git, _ = GitRepo.open(location)
        key = _Key(str(location), git.head(), service, max_commits)
        with self._lock:
            hit = self._hit(key)
            if hit is not None:
                return hit
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                hit = self._hit(key)
                if hit is not None:
                    return hit
            try:
                index = index_repository(location, service=service, max_commits=max_commits)
            finally:
                with self._lock:
                    self._building.pop(key, None)
            with self._lock:
                self.builds += 1
            # Keyed by the HEAD it was built at (a commit may land while it indexes).
            self.put(location, index, service=service, max_commits=max_commits)
        return index

    def put(
        self,
        location: Path,
        index: RepoIndex,
        *,
        service: str | None,
        max_commits: int = DEFAULT_MAX_COMMITS,
    ) -> None:
        """Keep an index built elsewhere (e.g. when a repository is added) for later runs."""
        with self._lock:
            key = _Key(str(location), index.head, service, max_commits)
            self._items[key] = index
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def _hit(self, key: _Key) -> RepoIndex | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found


REPOSITORIES = RepoCache()


def _options(source: GraphSourceInfo) -> tuple[str | None, int]:
    service = source.stats.get("service")
    depth = source.stats.get("max_commits")
    return (
        service if isinstance(service, str) and service else None,
        depth if isinstance(depth, int) and depth >= 0 else DEFAULT_MAX_COMMITS,
    )


def _index_all(
    repositories: Sequence[GraphSourceInfo], design: GraphFragment, cache: RepoCache
) -> KnowledgeSources:
    knowledge = KnowledgeSources(design=design)
    for source in repositories:
        service, max_commits = _options(source)
        try:
            index = cache.get(Path(source.location), service=service, max_commits=max_commits)
        except (AssetInputError, GitError) as exc:
            knowledge.problems.append(
                f"repository source {source.id} skipped: {exc}; fix the folder, or remove the "
                f"source with `warroom assets remove {source.id}`"
            )
            continue
        stored = source.stats.get("head")
        stale = (
            f"; the stored graph is of {stored[:10]}, re-add the repository to refresh it"
            if isinstance(stored, str) and stored and stored != index.head
            else ""
        )
        knowledge.add_repository(index, note=f", HEAD {index.head[:10]}{stale}")
    return knowledge


async def stored_knowledge(
    store: Store, cache: RepoCache = REPOSITORIES
) -> KnowledgeSources | None:
    """The knowledge of the store's repository and design sources, or None when it has none.

    Indexing runs in a worker thread. A repository that cannot be indexed is left out and
    named in ``problems``; the result is returned even when every repository was left out,
    so the run's events say why its report has no code links.
    """
    sources = await store.list_graph_sources()
    repositories = [s for s in sources if s.kind is GraphSourceKind.REPOSITORY]
    designs = [s for s in sources if s.kind is GraphSourceKind.DESIGN]
    if not repositories and not designs:
        return None
    design = GraphFragment()
    if designs:
        design = await store.graph_sources_fragment(kind=GraphSourceKind.DESIGN)
    knowledge = await asyncio.to_thread(_index_all, repositories, design, cache)
    knowledge.names += [f"design {s.location}" for s in designs]
    return knowledge


async def save_incident_graph(store: Store, report: Report, *, run_id: str | None) -> str | None:
    """The report's fused fragment (``knowledge.graph``) as the incident's ``incident``
    source (replaced by a later run); its id, or None when there was nothing to save."""
    view = report.knowledge
    if view is None or not view.graph.nodes:
        return None
    try:
        return await store.save_graph_source(
            kind=GraphSourceKind.INCIDENT,
            location=report.incident.id,
            fragment=view.graph,
            stats={
                "run_id": run_id,
                "nodes": len(view.graph.nodes),
                "edges": len(view.graph.edges),
                "links": len(view.links),
            },
            by=f"run {run_id}" if run_id else None,
        )
    except StoreInputError as exc:  # an id the graph refuses: the report stands anyway
        log.warning("incident %s: graph not saved: %s", report.incident.id, exc)
        return None
