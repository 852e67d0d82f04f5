"""The knowledge graph: sources, fused nodes and edges, and what each source contributed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-03-17

Written by hand like 0001 to 0003. New tables only: existing data is not touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(64)
KIND = sa.String(16)
# SQLite keeps rows in the primary key's b-tree (WITHOUT ROWID); ignored elsewhere.
CLUSTERED = {"sqlite_with_rowid": False}


def _when(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _source_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["source_id"],
        ["graph_sources.id"],
        name=f"fk_{table}_source_id_graph_sources",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "graph_sources",
        sa.Column("id", ID, nullable=False),
        sa.Column("kind", KIND, nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_graph_sources"),
    )
    op.create_index(
        "ix_graph_sources_kind_location", "graph_sources", ["kind", "location"], unique=True
    )

    op.create_table(
        "graph_nodes",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("kind", KIND, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("attrs", sa.JSON(), nullable=False),
        sa.Column("source", ID, nullable=False),
        _when("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_graph_nodes"),
        **CLUSTERED,
    )
    op.create_index("ix_graph_nodes_kind", "graph_nodes", ["kind"])

    op.create_table(
        "graph_edges",
        sa.Column("src", sa.Text(), nullable=False),
        sa.Column("kind", KIND, nullable=False),
        sa.Column("dst", sa.Text(), nullable=False),
        sa.Column("attrs", sa.JSON(), nullable=False),
        sa.Column("source", ID, nullable=False),
        sa.PrimaryKeyConstraint("src", "kind", "dst", name="pk_graph_edges"),
        **CLUSTERED,
    )
    op.create_index("ix_graph_edges_dst", "graph_edges", ["dst", "kind", "src"])

    op.create_table(
        "graph_node_sources",
        sa.Column("node_id", sa.Text(), nullable=False),
        sa.Column("source_id", ID, nullable=False),
        sa.Column("kind", KIND, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("attrs", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("node_id", "source_id", name="pk_graph_node_sources"),
        _source_fk("graph_node_sources"),
        **CLUSTERED,
    )
    op.create_index("ix_graph_node_sources_source_id", "graph_node_sources", ["source_id"])

    op.create_table(
        "graph_edge_sources",
        sa.Column("src", sa.Text(), nullable=False),
        sa.Column("kind", KIND, nullable=False),
        sa.Column("dst", sa.Text(), nullable=False),
        sa.Column("source_id", ID, nullable=False),
        sa.Column("attrs", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("src", "kind", "dst", "source_id", name="pk_graph_edge_sources"),
        _source_fk("graph_edge_sources"),
        **CLUSTERED,
    )
    op.create_index("ix_graph_edge_sources_source_id", "graph_edge_sources", ["source_id"])


def downgrade() -> None:
    op.drop_index("ix_graph_edge_sources_source_id", table_name="graph_edge_sources")
    op.drop_table("graph_edge_sources")
    op.drop_index("ix_graph_node_sources_source_id", table_name="graph_node_sources")
    op.drop_table("graph_node_sources")
    op.drop_index("ix_graph_edges_dst", table_name="graph_edges")
    op.drop_table("graph_edges")
    op.drop_index("ix_graph_nodes_kind", table_name="graph_nodes")
    op.drop_table("graph_nodes")
    op.drop_index("ix_graph_sources_kind_location", table_name="graph_sources")
    op.drop_table("graph_sources")
