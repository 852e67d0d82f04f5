"""Errors of the development-asset indexer."""

from __future__ import annotations


class AssetInputError(ValueError):
    """The asset given cannot be indexed: not a folder, not a git repository, no commits.

    The message says what was expected, what came, and what to do next.
    """


class GitError(RuntimeError):
    """A git command failed on a repository that was valid when it was opened."""
