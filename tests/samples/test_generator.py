"""The sample is generated deterministically and the shipped copy is exactly what the
generator writes today."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from warroom.samples import sample_path
from warroom.samples.synth import sample_files, write_sample

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "make_sample.py"


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_generator_writes_the_same_bytes_twice(tmp_path: Path) -> None:
    write_sample(tmp_path / "a")
    write_sample(tmp_path / "b")
    first, second = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert first, "the generator wrote nothing"
    assert first == second


def test_another_seed_gives_another_sample() -> None:
    assert sample_files(seed=1)["logs/web-gateway.log"] != sample_files()["logs/web-gateway.log"]


def test_script_writes_into_the_folder_given_by_out(tmp_path: Path) -> None:
    out = tmp_path / "fresh"
    # Another hash seed: the output must not depend on set or dict ordering of strings.
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "wrote 11 files" in done.stdout
    assert _tree(out) == sample_files()


def test_shipped_sample_equals_a_fresh_generation() -> None:
    shipped = _tree(sample_path())
    fresh = sample_files()
    assert sorted(shipped) == sorted(fresh), "files differ: run scripts/make_sample.py"
    stale = [name for name in fresh if shipped[name] != fresh[name]]
    assert not stale, f"stale files {stale}: run scripts/make_sample.py"


@pytest.mark.parametrize("name", ["logs", "metrics", "traces"])
def test_shipped_sample_has_the_folders_demo_reads(name: str) -> None:
    assert any((sample_path() / name).iterdir())


def test_sample_stays_small_enough_to_ship() -> None:
    total = sum(len(b) for b in sample_files().values())
    assert 500_000 < total < 2_500_000
