"""Finding a shipped sample by name."""

from __future__ import annotations

import pytest

from warroom.samples import (
    DEFAULT_SAMPLE,
    UnknownSampleError,
    available_samples,
    load_sample_manifest,
    sample_path,
)


def test_default_sample_is_listed_and_found() -> None:
    assert DEFAULT_SAMPLE in available_samples()
    assert (sample_path() / "incident.json").is_file()
    assert sample_path("checkout-outage") == sample_path()


@pytest.mark.parametrize("name", ["nope", "../samples", ".", "synth", "checkout-outage/logs"])
def test_unknown_sample_names_say_which_exist(name: str) -> None:
    with pytest.raises(UnknownSampleError, match="expected a sample name \\(checkout-outage\\)"):
        sample_path(name)


def test_manifest_loads_as_a_dict() -> None:
    manifest = load_sample_manifest()
    assert manifest["alert_time"] == "2026-03-14T14:07:00Z"
