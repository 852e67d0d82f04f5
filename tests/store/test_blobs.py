"""The blob folder: content-addressed, stored once, never half-written."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from warroom.store import BlobNotFoundError, BlobStore, InvalidBlobIdError


class _FailingStream(io.RawIOBase):
    """Yields one chunk, then fails like a dropped upload."""

    def __init__(self) -> None:
        self.calls = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.calls += 1
        if self.calls > 1:
            raise OSError("connection reset")
        return b"x" * 1000


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_blob_is_stored_under_its_sha256(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    sha, size = blobs.put_bytes(b"hello")
    assert sha == hashlib.sha256(b"hello").hexdigest()
    assert size == 5
    assert blobs.path(sha) == tmp_path / "blobs" / sha[:2] / sha[2:]
    assert blobs.exists(sha)
    with blobs.open(sha) as f:
        assert f.read() == b"hello"


def test_same_content_is_stored_once(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    source = tmp_path / "app.log"
    source.write_bytes(b"line\n" * 1000)
    first = blobs.put_file(source)
    second = blobs.put_file(source)
    third = blobs.put_bytes(source.read_bytes())
    assert first == second == third == (hashlib.sha256(source.read_bytes()).hexdigest(), 5000)
    assert _files(tmp_path / "blobs") == [blobs.path(first[0])]


def test_large_file_is_streamed_in_chunks(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    data = bytes(range(256)) * (3 * 4096 + 7)  # about 3 MiB, not a chunk multiple
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    sha, size = blobs.put_file(source)
    assert (sha, size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert blobs.path(sha).read_bytes() == data


def test_failed_write_leaves_no_blob_and_no_temporary_file(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    stream = _FailingStream()
    with pytest.raises(OSError, match="connection reset"):
        blobs.put_stream(stream)  # type: ignore[arg-type]
    assert stream.calls == 2
    assert _files(tmp_path / "blobs") == []
    assert not blobs.exists(hashlib.sha256(b"x" * 1000).hexdigest())


def test_failed_rename_leaves_no_blob_under_its_final_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blobs = BlobStore(tmp_path / "blobs")

    def crash(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("warroom.store.blobs.os.replace", crash)
    with pytest.raises(OSError, match="disk full"):
        blobs.put_bytes(b"payload")
    monkeypatch.undo()
    assert not blobs.exists(hashlib.sha256(b"payload").hexdigest())
    assert _files(tmp_path / "blobs") == []


def test_missing_blob_raises_not_found(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    sha = "0" * 64
    assert not blobs.exists(sha)
    with pytest.raises(BlobNotFoundError, match=sha):
        blobs.open(sha)
    with pytest.raises(BlobNotFoundError):
        blobs.path(sha)


@pytest.mark.parametrize("bad", ["abc", "G" * 64, "A" * 64, "../" + "0" * 61])
def test_malformed_blob_id_is_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(InvalidBlobIdError, match="64 lowercase hex"):
        BlobStore(tmp_path).exists(bad)
