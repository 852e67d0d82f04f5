"""Sample incidents that ship inside the package, for ``warroom demo`` and for tests.

A sample is a folder beside this module: ``logs/``, ``metrics/``, ``traces/``, an
``incident.json`` manifest and a ``README.md``. Data files are package data, so they are in
the wheel and in an editable install alike. The generator lives in ``warroom.samples.synth``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_SAMPLE",
    "UnknownSampleError",
    "available_samples",
    "load_sample_manifest",
    "sample_path",
]

DEFAULT_SAMPLE = "checkout-outage"
_HERE = Path(__file__).resolve().parent


class UnknownSampleError(LookupError):
    """No sample folder with that name ships with this installation."""


def available_samples() -> list[str]:
    """Names of the shipped samples (folders that hold an ``incident.json``), sorted."""
    return sorted(p.parent.name for p in _HERE.glob("*/incident.json"))


def sample_path(name: str = DEFAULT_SAMPLE) -> Path:
    """The folder of sample ``name``; raises ``UnknownSampleError`` if it is not shipped."""
    path = _HERE / name
    if (
        "/" in name
        or "\\" in name
        or name.startswith(".")
        or not (path / "incident.json").is_file()
    ):
        known = ", ".join(available_samples()) or "none"
        raise UnknownSampleError(
            f"expected a sample name ({known}), got '{name}'; reinstall warroom if the list is "
            "empty, or regenerate with scripts/make_sample.py"
        )
    return path


def load_sample_manifest(name: str = DEFAULT_SAMPLE) -> dict[str, Any]:
    """The parsed ``incident.json`` of sample ``name``.

    Keys a caller may rely on: ``title``, ``description``, ``severity``, ``alert_time``
    (ISO 8601, UTC), ``window`` (e.g. ``"30m"``), ``alert`` (Alertmanager-like ``labels`` and
    ``annotations``), ``changes``, ``teams`` (service -> owning team) and ``expected`` (the
    known answer: ``component``, ``fault_type``, ``code_location``; for tests only).
    """
    manifest = json.loads((sample_path(name) / "incident.json").read_text(encoding="utf-8"))
    if not isinstance(manifest, dict):
        raise ValueError(f"expected a JSON object in {name}/incident.json, got {type(manifest)}")
    return manifest
