"""A content-addressed folder for raw files: each blob lives at ``<root>/ab/cdef...``.

The name is the sha256 of the content, so the same bytes are stored once and a blob never
changes after it is written. Writes go to a temporary file in ``<root>/.tmp`` and are
renamed into place only when complete, so a crash never leaves a partial blob under its
final name (at worst a stray temporary file, which is never read).

A blob's sha256 and size are those of the bytes stored: when a caller transforms a stream on
its way in (the API masks secrets in uploaded telemetry), they describe the result.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from warroom.store.errors import BlobNotFoundError, InvalidBlobIdError

CHUNK_SIZE = 1 << 20  # 1 MiB: memory use stays constant whatever the file size
_SHA256 = re.compile(r"[0-9a-f]{64}")


class Readable(Protocol):
    """Anything with a binary ``read(size)``: a file, or a reader that limits or masks one."""

    def read(self, size: int = -1, /) -> bytes: ...


class BlobStore:
    """Blobs on the local disk, by sha256. Safe for concurrent writers of the same content."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._tmp = self.root / ".tmp"

    def path(self, sha256: str) -> Path:
        """Where the blob is stored. Raises ``BlobNotFoundError`` if it is not."""
        path = self._location(sha256)
        if not path.is_file():
            raise BlobNotFoundError(sha256)
        return path

    def exists(self, sha256: str) -> bool:
        return self._location(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        """The blob opened for binary reading; the caller closes it."""
        try:
            return self._location(sha256).open("rb")
        except FileNotFoundError:
            raise BlobNotFoundError(sha256) from None

    def put_file(self, path: Path) -> tuple[str, int]:
        """Store the file's content; return its sha256 and size in bytes."""
        with Path(path).open("rb") as source:
            return self.put_stream(source)

    def put_bytes(self, data: bytes) -> tuple[str, int]:
        """Store ``data``; return its sha256 and size in bytes."""
        sha256 = hashlib.sha256(data).hexdigest()
        if self.exists(sha256):
            return sha256, len(data)
        return self.put_stream(io.BytesIO(data))

    def put_stream(self, source: Readable) -> tuple[str, int]:
        """Store everything ``source`` yields, read in chunks; return sha256 and size."""
        self._tmp.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix="put-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as sink:
                while chunk := source.read(CHUNK_SIZE):
                    digest.update(chunk)
                    sink.write(chunk)
                    size += len(chunk)
                sink.flush()
                os.fsync(sink.fileno())
            sha256 = digest.hexdigest()
            if not self.exists(sha256):
                self._publish(tmp, sha256)
        finally:
            tmp.unlink(missing_ok=True)
        return sha256, size

    def _publish(self, tmp: Path, sha256: str) -> None:
        final = self._location(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        # Same filesystem, so the rename is atomic; a concurrent writer of the same
        # content replaces identical bytes, which readers cannot tell apart.
        os.replace(tmp, final)

    def _location(self, sha256: str) -> Path:
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            raise InvalidBlobIdError(sha256)
        return self.root / sha256[:2] / sha256[2:]
