"""Development assets: a git repository's code structure, history and owners as a graph.

``index_repository(path)`` reads the committed tree at ``HEAD`` with tree-sitter (Java with
Spring/JPA/JAX-RS, Python with FastAPI/Flask/Django/SQLAlchemy, Go with net/http, gorilla,
gin, echo and chi), the history with ``git log --numstat`` and the owners from CODEOWNERS and
commit authors, and returns a ``RepoIndex`` whose ``fragment`` follows ``domain.graph``.
``warroom.assets.linking`` lands runtime evidence (stack frames) in it.
"""

from warroom.assets.development.errors import AssetInputError, GitError
from warroom.assets.development.index import FileProblem, IndexStats, RepoIndex, index_repository
from warroom.assets.development.owners import CodeOwners, owner_node_id

__all__ = [
    "AssetInputError",
    "CodeOwners",
    "FileProblem",
    "GitError",
    "IndexStats",
    "RepoIndex",
    "index_repository",
    "owner_node_id",
]
