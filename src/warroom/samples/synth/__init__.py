"""The deterministic generator of the ``checkout-outage`` sample.

``write_sample(out)`` simulates the incident with a fixed seed and writes every file of the
sample under ``out``; the same seed gives the same bytes on every machine.
"""

from __future__ import annotations

from pathlib import Path

from warroom.samples.synth.manifest import README, incident_json
from warroom.samples.synth.render_logs import render_logs
from warroom.samples.synth.render_metrics import render_metrics, render_pods
from warroom.samples.synth.render_traces import render_traces
from warroom.samples.synth.story import SEED, simulate

__all__ = ["SEED", "sample_files", "write_sample"]


def sample_files(seed: int = SEED) -> dict[str, bytes]:
    """Relative path (``/``-separated) -> content of every file in the sample."""
    story = simulate(seed)
    files = {f"logs/{name}": text for name, text in render_logs(story.logs).items()}
    files["metrics/metrics.csv"] = render_metrics(story, seed + 1)
    files["metrics/pods.csv"] = render_pods(seed + 2)
    files["traces/traces.json"] = render_traces(story.spans)
    files["incident.json"] = incident_json(story)
    files["README.md"] = README
    return {path: text.encode("utf-8") for path, text in sorted(files.items())}


def write_sample(out: Path, seed: int = SEED) -> list[Path]:
    """Write the sample under ``out`` (created if missing); returns the files written.

    Files already there with other names are left alone.
    """
    written = []
    for rel, content in sample_files(seed).items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written
