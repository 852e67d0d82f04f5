"""The work of an investigation run over an incident's stored runtime assets.

The blobs are copied into a private temporary folder under their uploaded names (loaders
and entity detection read file names), the flow runs over that folder, and the results
(evidence, verdict, report) are stored under the incident and the run.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from warroom.config import Settings
from warroom.domain import Asset, Incident
from warroom.flows.debate import EventSink
from warroom.flows.investigation import InvestigationRequest, investigate
from warroom.store import BlobStore, Store


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

    async def __call__(self, sink: EventSink) -> None:
        settings = self.settings
        if self.rounds is not None:
            settings = settings.model_copy(update={"debate_rounds": self.rounds})
        folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="warroom-run-"))
        try:
            paths = await asyncio.to_thread(materialise, self.blobs, self.assets, folder)
            request = request_for(self.incident, paths, self.lang)
            result = await investigate(
                request, settings=settings, incident=self.incident, sink=sink
            )
        finally:
            await asyncio.to_thread(shutil.rmtree, folder, True)
        await self.store.save_evidence(incident_id=self.incident.id, items=result.pack.items)
        await self.store.save_verdict(
            incident_id=self.incident.id, run_id=self.run_id, verdict=result.report.verdict
        )
        await self.store.save_report(
            report=result.report.model_copy(update={"run_id": self.run_id})
        )
