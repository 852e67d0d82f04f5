"""The work of an investigation run over an incident's stored runtime assets.

The blobs are copied into a private temporary folder under their uploaded names (loaders
and entity detection read file names), the flow runs over that folder, and the results
(evidence, verdict, report) are stored under the incident and the run.

The store's development and design sources are the run's knowledge (``runs.knowledge``):
stored repositories are re-indexed from their locations (cached per process), design
documents and confirmed cases come from the store. After the run the incident's fused
fragment (``report.knowledge.graph``) is saved as its ``incident`` graph source, so graph
queries reach it.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from warroom.config import Settings
from warroom.domain import Asset, Incident
from warroom.flows.debate import EventSink
from warroom.flows.investigation import InvestigationRequest, investigate
from warroom.runs.knowledge import save_incident_graph, stored_knowledge
from warroom.store import BlobStore, Store

SPEC_KIND = "investigation"


def safe_relative_path(name: str, fallback: str) -> Path:
    """``name`` as a relative path that cannot leave its folder (no ``..``, no root)."""
    parts = [
        p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("", ".", "..", "/")
    ]
    return Path(*parts) if parts else Path(fallback)


def materialise(blobs: BlobStore, assets: Sequence[Asset], folder: Path) -> list[Path]:
    """Copy each asset's blob to ``folder``; a name used twice goes into a numbered subfolder."""
    paths: list[Path] = []
    taken: set[Path] = set()
    for asset in assets:
        relative = safe_relative_path(asset.name, asset.id)
        n = 1
        while relative in taken:
            relative = Path(str(n)) / safe_relative_path(asset.name, asset.id)
            n += 1
        taken.add(relative)
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(blobs.path(asset.sha256), target)
        paths.append(target)
    return paths


def request_for(incident: Incident, paths: Sequence[Path], lang: str) -> InvestigationRequest:
    """The investigation request of a stored incident: its alert time, window and metadata.

    An ``alert`` object in the metadata (Alertmanager-like, with ``labels.service``) becomes
    alert evidence, as in ``warroom demo``.
    """
    alert = incident.metadata.get("alert")
    labels = alert.get("labels", {}) if isinstance(alert, dict) else {}
    service = labels.get("service") if isinstance(labels, dict) else None
    return InvestigationRequest(
        paths=list(paths),
        alert_time=incident.alert_time,
        window=incident.window.end - incident.window.start,
        lang=lang,
        title=incident.title,
        description=incident.description,
        severity=incident.severity,
        alert_text=json.dumps(alert, ensure_ascii=False) if alert else None,
        alert_entity=str(service) if service else None,
        metadata=dict(incident.metadata),
    )


@dataclass
class InvestigationWork:
    """Callable work for a ``RunJob``: investigate ``incident`` over ``assets``."""

    store: Store
    blobs: BlobStore
    settings: Settings
    run_id: str
    incident: Incident
    assets: Sequence[Asset]
    lang: str = "en"
    rounds: int | None = None
    # Set when a worker resumes the run: results already saved by the lost attempt stay.
    resumed: bool = False

    def remote_spec(self) -> dict[str, Any]:
        """What a worker needs to rebuild this work from the shared store (JSON)."""
        return {
            "kind": SPEC_KIND,
            "incident_id": self.incident.id,
            "asset_ids": [a.id for a in self.assets],
            "lang": self.lang,
            "rounds": self.rounds,
        }

    @classmethod
    async def from_spec(
        cls,
        spec: dict[str, Any],
        *,
        store: Store,
        blobs: BlobStore,
        settings: Settings,
        run_id: str,
        resumed: bool = False,
    ) -> InvestigationWork:
        """The work ``remote_spec`` described, over this store; raises ``ValueError`` when the
        spec is of another kind or its incident or assets are gone."""
        if spec.get("kind") != SPEC_KIND:
            raise ValueError(
                f"expected a work spec of kind {SPEC_KIND!r}, got {spec.get('kind')!r}"
            )
        incident = await store.get_incident(incident_id=str(spec["incident_id"]))
        if incident is None:
            raise ValueError(f"incident {spec['incident_id']} was deleted before the run started")
        wanted = [str(i) for i in spec.get("asset_ids", [])]
        stored = {a.id: a for a in await store.list_assets(incident_id=incident.id)}
        missing = [i for i in wanted if i not in stored]
        if missing:
            raise ValueError(f"assets {', '.join(missing)} of incident {incident.id} are gone")
        rounds = spec.get("rounds")
        return cls(
            store=store,
            blobs=blobs,
            settings=settings,
            run_id=run_id,
            incident=incident,
            assets=[stored[i] for i in wanted],
            lang=str(spec.get("lang") or "en"),
            rounds=int(rounds) if rounds is not None else None,
            resumed=resumed,
        )

    async def __call__(self, sink: EventSink) -> None:
        settings = self.settings
        if self.rounds is not None:
            settings = settings.model_copy(update={"debate_rounds": self.rounds})
        knowledge = await stored_knowledge(self.store)
        folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="warroom-run-"))
        try:
            paths = await asyncio.to_thread(materialise, self.blobs, self.assets, folder)
            request = request_for(self.incident, paths, self.lang)
            request.knowledge = knowledge
            result = await investigate(
                request, settings=settings, incident=self.incident, sink=sink
            )
        finally:
            await asyncio.to_thread(shutil.rmtree, folder, True)
        await self.store.save_evidence(incident_id=self.incident.id, items=result.pack.items)
        await save_incident_graph(self.store, result.report, run_id=self.run_id)
        if self.resumed and await self.store.get_verdict(
            incident_id=self.incident.id, run_id=self.run_id
        ):
            return  # the lost attempt saved verdict and report just before it died
        await self.store.save_verdict(
            incident_id=self.incident.id, run_id=self.run_id, verdict=result.report.verdict
        )
        await self.store.save_report(
            report=result.report.model_copy(update={"run_id": self.run_id})
        )
