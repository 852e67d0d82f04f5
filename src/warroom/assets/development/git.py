"""The git CLI in a subprocess (argument lists, never a shell): tree, blobs, log, blame.

Everything is read from commits, not the working tree, so line numbers agree with blame.
Answers that depend only on immutable objects (blame of a line at a commit, the history of a
line range up to a commit, a blob) are cached per ``GitRepo``.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from warroom.assets.development.errors import AssetInputError, GitError

_TIMEOUT = 600.0
_RS, _US = "\x1e", "\x1f"


@dataclass(frozen=True, slots=True)
class TreeEntry:
    path: str
    blob: str
    size: int


@dataclass(frozen=True, slots=True)
class FileChange:
    path: str
    added: int | None  # None for a binary file
    deleted: int | None


@dataclass(slots=True)
class CommitInfo:
    sha: str
    authored_at: str  # ISO 8601 with offset
    author_email: str
    author_name: str
    summary: str
    files: list[FileChange] = field(default_factory=list)


class GitRepo:
    """A git repository on disk. ``open`` checks it; the other methods raise ``GitError``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._blame: dict[tuple[str, str, int], str | None] = {}
        self._history: dict[tuple[str, str, int, int, int], list[str]] = {}
        self._blobs: dict[tuple[str, str], bytes | None] = {}
        self._before: dict[str, str | None] = {}

    @classmethod
    def open(cls, path: Path) -> tuple[GitRepo, str]:
        """The repository holding ``path`` and ``path`` relative to its top (``""`` at the top).

        Raises ``AssetInputError`` when ``path`` is not a folder inside a git work tree with at
        least one commit.
        """
        if not path.exists():
            raise AssetInputError(f"{path}: no such folder; give the path of a git repository")
        if not path.is_dir():
            raise AssetInputError(f"{path}: a file, expected the folder of a git repository")
        probe = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--show-toplevel", "--show-prefix"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode != 0:
            raise AssetInputError(
                f"{path}: not a git repository ({probe.stderr.strip() or 'git rev-parse failed'});"
                " give a folder with a .git directory, or run 'git init' and commit the code"
            )
        top, _, prefix = probe.stdout.partition("\n")
        repo = cls(Path(top.strip()))
        try:
            repo.head()
        except GitError as exc:
            raise AssetInputError(
                f"{path}: the git repository has no commits; commit the code first"
            ) from exc
        return repo, prefix.strip().rstrip("/")

    def run(self, *args: str) -> bytes:
        command = ["git", "-C", str(self.root), "-c", "core.quotePath=false", *args]
        try:
            done = subprocess.run(command, capture_output=True, check=False, timeout=_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            raise GitError(f"git {args[0]} took longer than {_TIMEOUT:.0f} s") from exc
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", errors="replace").strip()
            raise GitError(f"git {' '.join(args[:3])}: {message}")
        return done.stdout

    def head(self) -> str:
        return self.run("rev-parse", "--verify", "HEAD^{commit}").decode().strip()

    def tree(self, rev: str, under: str = "") -> list[TreeEntry]:
        """Regular files of ``rev`` (no symlinks, no submodules), optionally below a folder."""
        args = ["ls-tree", "-r", "-z", "--long", rev]
        if under:
            args += ["--", under]
        entries = []
        for record in self.run(*args).decode("utf-8", errors="replace").split("\0"):
            if not record:
                continue
            meta, _, path = record.partition("\t")
            mode, kind, blob, size = meta.split()
            if kind == "blob" and mode in ("100644", "100755"):
                entries.append(TreeEntry(path, blob, int(size) if size.isdigit() else 0))
        return entries

    def read_blobs(self, blobs: Sequence[str]) -> Iterator[tuple[str, bytes]]:
        """Blob contents in the order asked, streamed through one ``git cat-file --batch``."""
        if not blobs:
            return
        process = subprocess.Popen(
            ["git", "-C", str(self.root), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert process.stdin is not None and process.stdout is not None

        def feed() -> None:
            assert process.stdin is not None
            try:
                for blob in blobs:
                    process.stdin.write(f"{blob}\n".encode())
                process.stdin.close()
            except (BrokenPipeError, OSError):
                pass

        # A writer thread keeps git from blocking on a full stdout while we still write.
        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        try:
            for blob in blobs:
                header = process.stdout.readline().decode().split()
                if len(header) < 3 or header[1] == "missing":
                    raise GitError(f"git cat-file: blob {blob} is missing")
                body = process.stdout.read(int(header[2]))
                process.stdout.read(1)  # the newline after each object
                yield blob, body
        finally:
            process.stdout.close()
            process.kill()
            process.wait()
            writer.join(timeout=5)

    def show(self, rev: str, path: str) -> bytes | None:
        """A file's bytes at ``rev``, or None when it does not exist there."""
        key = (rev, path)
        if key not in self._blobs:
            try:
                self._blobs[key] = self.run("cat-file", "blob", f"{rev}:{path}")
            except GitError:
                self._blobs[key] = None
        return self._blobs[key]

    def commits(self, rev: str, max_count: int, paths: Sequence[str] = ()) -> list[CommitInfo]:
        """Commits reachable from ``rev``, newest first, with per-file added/deleted lines."""
        args = [
            "log",
            rev,
            f"--max-count={max_count}",
            "--no-renames",
            "--numstat",
            "-z",
            f"--format={_RS}%H{_US}%aI{_US}%ae{_US}%an{_US}%s",
        ]
        if paths:
            args += ["--", *paths]
        out: list[CommitInfo] = []
        for chunk in self.run(*args).decode("utf-8", errors="replace").split(_RS):
            if not chunk:
                continue
            header, _, rest = chunk.partition("\0")
            parts = header.split(_US)
            if len(parts) < 5:
                continue
            commit = CommitInfo(parts[0], parts[1], parts[2].lower(), parts[3], parts[4])
            for entry in rest.split("\0"):
                entry = entry.lstrip("\n")
                if not entry:
                    continue
                added, deleted, path = [*entry.split("\t", 2), "", ""][:3]
                if path:
                    commit.files.append(FileChange(path, _count(added), _count(deleted)))
            out.append(commit)
        return out

    def rev_before(self, at: datetime, rev: str) -> str | None:
        """The newest commit reachable from ``rev`` committed at or before ``at``."""
        stamp = (at if at.tzinfo else at.replace(tzinfo=UTC)).isoformat()
        key = f"{rev}@{stamp}"
        if key not in self._before:
            found = self.run("rev-list", "-1", f"--before={stamp}", rev).decode().strip()
            self._before[key] = found or None
        return self._before[key]

    def blame_line(self, rev: str, path: str, line: int) -> str | None:
        """The commit that last changed ``line`` of ``path`` as of ``rev``; None when the file
        or line does not exist there."""
        key = (rev, path, line)
        if key not in self._blame:
            try:
                out = self.run("blame", "--porcelain", "-L", f"{line},{line}", rev, "--", path)
                sha = out.split(b" ", 1)[0].decode()
                self._blame[key] = sha if len(sha) == 40 else None
            except GitError:
                self._blame[key] = None
        return self._blame[key]

    def line_history(self, rev: str, path: str, start: int, end: int, limit: int) -> list[str]:
        """Commits that changed lines ``start..end`` of ``path`` (as numbered at ``rev``),
        newest first, following the range back through edits and renames."""
        key = (rev, path, start, end, limit)
        if key not in self._history:
            try:
                out = self.run(
                    "log",
                    rev,
                    f"--max-count={limit}",
                    "--no-patch",
                    "--format=%H",
                    "-L",
                    f"{start},{end}:{path}",
                )
                self._history[key] = [s for s in out.decode().split() if len(s) == 40]
            except GitError:
                self._history[key] = []
        return self._history[key]


def _count(value: str) -> int | None:
    return int(value) if value.isdigit() else None
