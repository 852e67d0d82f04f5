"""Commits, people and ownership → graph nodes and edges.

``commit MODIFIED file`` for each file a commit changed that still exists at the indexed
revision (commit→method is left to linking, which asks ``git log -L`` for the method's exact
lines). The main author of a file is the person with the most changed lines (added + deleted)
over the indexed commits; they get ``person OWNS file``. CODEOWNERS gives ``team OWNS file`` (or
``person OWNS file`` for ``@user`` and e-mail owners), and ``team OWNS service`` when the team
owns more than half of the service's source files. ``MEMBER_OF`` is not derived: neither git
nor CODEOWNERS says who is in a team.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from warroom.assets.development.git import CommitInfo
from warroom.assets.development.modules import Module, module_of
from warroom.assets.development.owners import CodeOwners, owner_node_id
from warroom.assets.development.structure import CodeGraph, nid
from warroom.domain.graph import EdgeKind, NodeKind

MAX_FILES_PER_COMMIT_NODE = 200  # a commit node lists at most this many changed files


def add_commits(
    g: CodeGraph, commits: Iterable[CommitInfo], present: set[str], source: str
) -> dict[str, Counter[str]]:
    """Adds commit and person nodes; returns changed lines per file per author e-mail."""
    authors: dict[str, Counter[str]] = {}
    for c in commits:
        changes = [{"path": f.path, "added": f.added, "deleted": f.deleted} for f in c.files]
        commit_id = g.node(
            NodeKind.COMMIT,
            c.sha,
            c.summary[:120] or c.sha[:12],
            sha=c.sha,
            authored_at=c.authored_at,
            author=c.author_email,
            author_name=c.author_name,
            summary=c.summary,
            files=changes[:MAX_FILES_PER_COMMIT_NODE],
            files_changed=len(changes),
            added=sum(f.added or 0 for f in c.files),
            deleted=sum(f.deleted or 0 for f in c.files),
            source=source,
        )
        person_id = g.node(NodeKind.PERSON, c.author_email, c.author_name, source=source)
        g.edge(person_id, EdgeKind.AUTHORED, commit_id)
        for f in c.files:
            if f.path not in present:
                continue
            g.edge(
                commit_id,
                EdgeKind.MODIFIED,
                nid(NodeKind.FILE, f.path),
                added=f.added,
                deleted=f.deleted,
            )
            lines = (f.added or 0) + (f.deleted or 0)
            authors.setdefault(f.path, Counter())[c.author_email] += max(lines, 1)
    return authors


def add_main_authors(g: CodeGraph, authors: Mapping[str, Counter[str]]) -> None:
    for path, counts in authors.items():
        email, lines = counts.most_common(1)[0]
        g.edge(
            nid(NodeKind.PERSON, email),
            EdgeKind.OWNS,
            nid(NodeKind.FILE, path),
            basis="main author",
            lines=lines,
        )


def add_code_owners(
    g: CodeGraph,
    owners: CodeOwners,
    paths: Iterable[str],
    sources: set[str],
    modules: Mapping[str, Module],
    source: str,
) -> None:
    """``sources`` are the parsed source files, which decide team→service ownership."""
    per_service: dict[str, Counter[str]] = {}
    files_per_service: Counter[str] = Counter()
    for path in paths:
        rule = owners.rule_for(path)
        service = nid(NodeKind.SERVICE, module_of(path, modules).service)
        if path in sources:
            files_per_service[service] += 1
        if rule is None:
            continue
        for owner in rule.owners:
            owner_id = owner_node_id(owner)
            kind = NodeKind.TEAM if owner_id.startswith("team:") else NodeKind.PERSON
            g.node(kind, owner_id.split(":", 1)[1], owner, source=source)
            g.edge(
                owner_id,
                EdgeKind.OWNS,
                nid(NodeKind.FILE, path),
                basis="codeowners",
                rule=rule.pattern,
                line=rule.line,
            )
            if path in sources:
                per_service.setdefault(service, Counter())[owner_id] += 1
    for service, counts in per_service.items():
        for owner_id, n in counts.items():
            if n * 2 > files_per_service[service] and owner_id.startswith("team:"):
                g.edge(owner_id, EdgeKind.OWNS, service, basis="codeowners", files=n)
