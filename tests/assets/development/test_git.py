"""The git CLI wrapper: tree and blobs at a commit, numstat history, blame, line history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.assets.repos import Author, GitWriter
from warroom.assets.development.errors import AssetInputError
from warroom.assets.development.git import GitRepo

ANN = Author("Ann", "Ann@Example.com")
BEN = Author("Ben", "ben@example.com")
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture()
def history(tmp_path: Path) -> GitWriter:
    git = GitWriter(tmp_path / "repo")
    git.commit({"a.txt": "one\ntwo\nthree\n", "bin.dat": "x"}, ANN, T0, "first")
    git.commit({"a.txt": "one\nTWO\nthree\nfour\n"}, BEN, T0 + timedelta(days=1), "second")
    git.commit({"b/c.txt": "hello\n", "bin.dat": None}, ANN, T0 + timedelta(days=2), "third")
    return git


def test_open_gives_the_top_and_the_folder_inside_it(history: GitWriter) -> None:
    (history.path / "b").mkdir(exist_ok=True)
    repo, prefix = GitRepo.open(history.path / "b")
    assert repo.root == history.path.resolve()
    assert prefix == "b"


def test_open_refuses_a_folder_that_is_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(AssetInputError, match="not a git repository"):
        GitRepo.open(tmp_path)
    with pytest.raises(AssetInputError, match="no such folder"):
        GitRepo.open(tmp_path / "missing")


def test_open_refuses_a_repository_without_commits(tmp_path: Path) -> None:
    GitWriter(tmp_path / "empty")
    with pytest.raises(AssetInputError, match="no commits"):
        GitRepo.open(tmp_path / "empty")


def test_tree_and_blobs_are_read_from_the_commit_not_the_work_tree(history: GitWriter) -> None:
    (history.path / "a.txt").write_text("dirty\n")
    repo, _ = GitRepo.open(history.path)
    entries = {e.path: e for e in repo.tree(repo.head())}
    assert sorted(entries) == ["a.txt", "b/c.txt"]
    blobs = dict(repo.read_blobs([entries["a.txt"].blob, entries["b/c.txt"].blob]))
    assert blobs[entries["a.txt"].blob] == b"one\nTWO\nthree\nfour\n"
    assert repo.show(history.commits[0], "a.txt") == b"one\ntwo\nthree\n"
    assert repo.show(history.commits[0], "b/c.txt") is None


def test_commits_carry_authors_dates_and_numstat(history: GitWriter) -> None:
    repo, _ = GitRepo.open(history.path)
    commits = repo.commits(repo.head(), 10)
    assert [c.sha for c in commits] == list(reversed(history.commits))
    second = commits[1]
    assert second.author_email == "ben@example.com"
    assert second.summary == "second"
    assert datetime.fromisoformat(second.authored_at) == T0 + timedelta(days=1)
    assert [(f.path, f.added, f.deleted) for f in second.files] == [("a.txt", 2, 1)]
    assert commits[2].author_email == "ann@example.com"  # e-mail addresses lower-cased
    assert [c.sha for c in repo.commits(repo.head(), 1)] == [history.commits[-1]]


def test_blame_and_line_history_as_of_a_commit(history: GitWriter) -> None:
    repo, _ = GitRepo.open(history.path)
    head = repo.head()
    assert repo.blame_line(head, "a.txt", 2) == history.commits[1]
    assert repo.blame_line(head, "a.txt", 1) == history.commits[0]
    assert repo.blame_line(history.commits[0], "a.txt", 2) == history.commits[0]
    assert repo.blame_line(head, "a.txt", 99) is None
    assert repo.line_history(head, "a.txt", 2, 2, 10) == [history.commits[1], history.commits[0]]
    assert repo.line_history(head, "missing.txt", 1, 1, 10) == []


def test_rev_before_picks_the_last_commit_at_or_before_a_time(history: GitWriter) -> None:
    repo, _ = GitRepo.open(history.path)
    head = repo.head()
    assert repo.rev_before(T0 + timedelta(hours=30), head) == history.commits[1]
    assert repo.rev_before(T0 - timedelta(days=1), head) is None
    naive = (T0 + timedelta(days=5)).replace(tzinfo=None)  # a naive time is read as UTC
    assert repo.rev_before(naive, head) == history.commits[2]
