"""ORM rows for the knowledge graph (revision 0004).

Two layers. ``graph_node_sources`` and ``graph_edge_sources`` keep what each source (an
indexed repository, a set of design documents, an incident) contributed, so re-indexing a
source replaces exactly its own part. ``graph_nodes`` and ``graph_edges`` hold the fused
graph the queries walk: one row per node id and per ``(src, kind, dst)``, its attributes
merged over every source that has it, later-saved sources winning. ``source`` on a fused row
names the latest source that has it.

Node ids are ``Text``: file paths and qualified method names have no useful length bound
(the repository refuses ids longer than ``MAX_ID_LENGTH``, which keeps them indexable).
Edges have no foreign keys to nodes: a source may point at a node another source defines
(code naming ``table:orders`` that only the DDL describes). The primary key
``(src, kind, dst)`` is the index on ``src``; ``ix_graph_edges_dst`` serves walks against
the edge direction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from warroom.store.tables import ID, Base

KIND = String(16)
# SQLite: rows live in their primary key's b-tree, not beside it (one tree less per insert).
_CLUSTERED = {"sqlite_with_rowid": False}


class GraphSourceRow(Base):
    """One source of graph content, unique by ``(kind, location)``."""

    __tablename__ = "graph_sources"
    __table_args__ = (Index("ix_graph_sources_kind_location", "kind", "location", unique=True),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(KIND)
    location: Mapped[str] = mapped_column(Text)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    created_by: Mapped[str | None] = mapped_column(Text)


class GraphNodeRow(Base):
    """A node of the fused graph."""

    __tablename__ = "graph_nodes"
    __table_args__ = (_CLUSTERED,)

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    kind: Mapped[str] = mapped_column(KIND, index=True)
    name: Mapped[str] = mapped_column(Text)
    attrs: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(ID)
    updated_at: Mapped[datetime]


class GraphEdgeRow(Base):
    """An edge of the fused graph, read as ``src <kind> dst``."""

    __tablename__ = "graph_edges"
    __table_args__ = (Index("ix_graph_edges_dst", "dst", "kind", "src"), _CLUSTERED)

    src: Mapped[str] = mapped_column(Text, primary_key=True)
    kind: Mapped[str] = mapped_column(KIND, primary_key=True)
    dst: Mapped[str] = mapped_column(Text, primary_key=True)
    attrs: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(ID)


class GraphNodeSourceRow(Base):
    """A node as one source saw it."""

    __tablename__ = "graph_node_sources"
    __table_args__ = (_CLUSTERED,)

    node_id: Mapped[str] = mapped_column(Text, primary_key=True)
    source_id: Mapped[str] = mapped_column(
        ID, ForeignKey("graph_sources.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    kind: Mapped[str] = mapped_column(KIND)
    name: Mapped[str] = mapped_column(Text)
    attrs: Mapped[dict[str, Any]] = mapped_column(JSON)


class GraphEdgeSourceRow(Base):
    """An edge as one source saw it."""

    __tablename__ = "graph_edge_sources"
    __table_args__ = (_CLUSTERED,)

    src: Mapped[str] = mapped_column(Text, primary_key=True)
    kind: Mapped[str] = mapped_column(KIND, primary_key=True)
    dst: Mapped[str] = mapped_column(Text, primary_key=True)
    source_id: Mapped[str] = mapped_column(
        ID, ForeignKey("graph_sources.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    attrs: Mapped[dict[str, Any]] = mapped_column(JSON)
