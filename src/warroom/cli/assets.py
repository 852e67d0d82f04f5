"""`warroom assets ...`: development and design assets in the local store, and graph queries.

``add-repo`` indexes a git repository (a Rich progress bar while files are parsed) and keeps
its graph as a ``repository`` source; ``add-design`` reads design documents into a
``design`` source; ``list``, ``remove``, ``path`` and ``show`` read and edit the store that
``Settings()`` names (like ``warroom runs`` and ``warroom keys``). ``warroom investigate``
uses the stored sources when it is given no ``--repo``/``--design`` (``stored_assets``).
Bad input exits with code 2 and a message.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from warroom.assets.design import load_design
from warroom.assets.development import AssetInputError, GitError, RepoIndex, index_repository
from warroom.config import Settings
from warroom.domain.graph import Node
from warroom.flows.knowledge import KnowledgeSources
from warroom.runs.knowledge import DEFAULT_MAX_COMMITS, stored_knowledge
from warroom.store import (
    GraphDirection,
    GraphSourceKind,
    NotFoundError,
    Store,
    StoreInputError,
    open_store,
)

assets_app = typer.Typer(
    help="Development and design assets (git repositories, design documents) and the graph.",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True)

_T = TypeVar("_T")
_SHOWN_PROBLEMS = 20
_MAX_LOCATION = 1024


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error[/]: {message}")
    return typer.Exit(2)


def _with_store(work: Callable[[Store], Awaitable[_T]]) -> _T:
    async def run() -> _T:
        store = await open_store(Settings())
        try:
            return await work(store)
        finally:
            await store.close()

    try:
        return asyncio.run(run())
    except StoreInputError as exc:
        raise _fail(str(exc)) from None


def _index_with_progress(path: Path, service: str | None, max_commits: int) -> RepoIndex:
    progress = Progress(
        TextColumn("[bold]parsing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    with progress:
        task = progress.add_task("parsing", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return index_repository(path, service=service, max_commits=max_commits, progress=advance)


@assets_app.command("add-repo")
def add_repo(
    path: Annotated[Path, typer.Argument(help="A git repository, or a folder inside one.")],
    service: Annotated[
        str | None,
        typer.Option(help="The service the whole repository is, as telemetry names it."),
    ] = None,
    max_commits: Annotated[
        int, typer.Option(min=0, help="How much history to read.")
    ] = DEFAULT_MAX_COMMITS,
) -> None:
    """Index a git repository and keep its graph (adding the same path again replaces it)."""
    resolved = path.resolve()
    try:
        index = _index_with_progress(resolved, service, max_commits)
    except (AssetInputError, GitError) as exc:
        raise _fail(str(exc)) from None
    stats: dict[str, Any] = {
        **index.stats.as_dict(),
        "head": index.head,
        "name": index.name,
        "service": service,
        "max_commits": max_commits,
        "problems": len(index.errors),
    }

    async def save(store: Store) -> str:
        return await store.save_graph_source(
            kind=GraphSourceKind.REPOSITORY,
            location=str(resolved),
            fragment=index.fragment,
            stats=stats,
            by="cli",
        )

    started = time.perf_counter()
    with err.status("saving the graph"):
        source_id = _with_store(save)
    saved_s = time.perf_counter() - started
    out.print(
        f"repository {index.name} at {index.head[:10]}: source {source_id} "
        f"(indexed in {index.stats.seconds:.1f} s, saved in {saved_s:.1f} s)",
        highlight=False,
    )
    table = Table()
    table.add_column("what")
    table.add_column("count", justify="right")
    for name, value in index.stats.as_dict().items():
        table.add_row(name.replace("_", " "), f"{value:g}")
    table.add_row("nodes", str(len(index.fragment.nodes)))
    table.add_row("edges", str(len(index.fragment.edges)))
    out.print(table)
    _print_problems([f"{p.path}: {p.reason}" for p in index.errors])


def _print_problems(problems: Sequence[str]) -> None:
    if not problems:
        return
    err.print(f"[yellow]{len(problems)} problem(s)[/]; the rest was read:")
    for problem in problems[:_SHOWN_PROBLEMS]:
        err.print(f"  {problem}", markup=False, highlight=False)
    if len(problems) > _SHOWN_PROBLEMS:
        err.print(f"  ... and {len(problems) - _SHOWN_PROBLEMS} more")


@assets_app.command("add-design")
def add_design(
    paths: Annotated[
        list[Path],
        typer.Argument(help="OpenAPI, SQL DDL, domain-model Markdown, case write-ups; folders."),
    ],
    name: Annotated[
        str | None,
        typer.Option(help="Names this set (default: the paths); the same name again replaces it."),
    ] = None,
) -> None:
    """Read design documents and past-incident write-ups into the graph."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise _fail(f"no such file or folder: {', '.join(missing)}")
    resolved = [p.resolve() for p in paths]
    location = (name or ", ".join(str(p) for p in resolved)).strip()
    if location.startswith("case:"):
        raise _fail("--name must not start with 'case:': that is where confirmed cases are kept")
    if not location or len(location) > _MAX_LOCATION:
        raise _fail(f"give a --name of 1 to {_MAX_LOCATION} characters for this set of paths")
    index = load_design(resolved)
    table = Table(title="design documents")
    table.add_column("file", overflow="fold")
    for column in ("kind", "nodes", "edges", "errors"):
        table.add_column(column)
    for f in index.files:
        table.add_row(
            f.path, f.kind.value if f.kind else "-", str(f.nodes), str(f.edges), str(len(f.errors))
        )
    out.print(table)
    _print_problems([e.message() for e in index.errors])
    if not index.fragment.nodes:
        raise _fail("no file gave any design element; nothing was stored")

    async def save(store: Store) -> str:
        return await store.save_graph_source(
            kind=GraphSourceKind.DESIGN,
            location=location,
            fragment=index.fragment,
            stats=dict(index.stats),
            by="cli",
        )

    source_id = _with_store(save)
    out.print(
        f"design source {source_id}: {len(index.fragment.nodes)} nodes, "
        f"{len(index.fragment.edges)} edges"
    )


@assets_app.command("list")
def list_sources(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """The stored sources: repositories, design documents, confirmed cases, incidents."""

    async def load(store: Store) -> list[Any]:
        return list(await store.list_graph_sources())

    sources = _with_store(load)
    if as_json:
        for s in sources:
            sys.stdout.write(s.model_dump_json() + "\n")
        return
    table = Table(title="graph sources")
    for column in ("id", "kind", "location", "nodes", "edges", "updated"):
        table.add_column(column, overflow="fold")
    for s in sources:
        table.add_row(
            s.id,
            s.kind.value,
            s.location,
            str(s.nodes),
            str(s.edges),
            f"{s.updated_at:%Y-%m-%d %H:%M:%S}",
        )
    out.print(table)


@assets_app.command("remove")
def remove(source_id: Annotated[str, typer.Argument(help="A source id from `list`.")]) -> None:
    """Remove a source and whatever only it contributed to the graph."""

    async def delete(store: Store) -> None:
        await store.delete_graph_source(source_id=source_id)

    try:
        _with_store(delete)
    except NotFoundError:
        raise _fail(
            f"no source with id {source_id!r}; list them with `warroom assets list`"
        ) from None
    out.print(f"removed {source_id}")


def _node_line(node: Node) -> str:
    return f"{node.id}" if node.name in node.id else f"{node.id} ({node.name})"


async def _require(store: Store, node_id: str) -> Node:
    node = await store.graph_node(node_id=node_id)
    if node is not None:
        return node
    near = await store.graph_neighbourhood(node_id=node_id, depth=1, limit=2)
    found = next((n for n in near.nodes if n.id == node_id), None)
    if found is None:
        raise _fail(
            f"the graph holds no node {node_id!r}; node ids are '<kind>:<key>', e.g. "
            "'service:order-service' or 'method:com.shop.OrderService#place'"
        )
    return found


@assets_app.command("path")
def path_cmd(
    src: Annotated[str, typer.Argument(help="From this node id, e.g. service:orders.")],
    dst: Annotated[str, typer.Argument(help="To this node id.")],
    max_depth: Annotated[int, typer.Option(min=1, max=10, help="At most this many hops.")] = 6,
    directed: Annotated[bool, typer.Option(help="Follow edges only from src to dst.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the path as JSON.")] = False,
) -> None:
    """A shortest path between two nodes of the graph (exit 1 when there is none)."""

    async def find(store: Store) -> Any:
        await _require(store, src)
        await _require(store, dst)
        return await store.graph_path(src=src, dst=dst, max_depth=max_depth, directed=directed)

    found = _with_store(find)
    if found is None:
        err.print(f"no path from {src} to {dst} within {max_depth} hops")
        raise typer.Exit(1)
    if as_json:
        sys.stdout.write(found.model_dump_json() + "\n")
        return
    out.print(_node_line(found.nodes[0]), markup=False, highlight=False)
    for edge, node in zip(found.edges, found.nodes[1:], strict=True):
        arrow = f"-{edge.kind.value}->" if edge.dst == node.id else f"<-{edge.kind.value}-"
        out.print(f"  {arrow} {_node_line(node)}", markup=False, highlight=False)


@assets_app.command("show")
def show(
    node_id: Annotated[str, typer.Argument(help="A node id, e.g. 'class:com.shop.Order'.")],
    depth: Annotated[int, typer.Option(min=1, max=4, help="Hops around the node.")] = 1,
    direction: Annotated[str, typer.Option(help="both, out (along edges) or in.")] = "both",
    limit: Annotated[int, typer.Option(min=1, max=5000, help="At most this many nodes.")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print the fragment as JSON.")] = False,
) -> None:
    """A node's attributes and its neighbourhood: the edges around it."""
    try:
        way = GraphDirection(direction)
    except ValueError:
        raise _fail(f"--direction must be both, out or in, got {direction!r}") from None

    async def load(store: Store) -> tuple[Node, Any]:
        node = await _require(store, node_id)
        near = await store.graph_neighbourhood(
            node_id=node_id, depth=depth, direction=way, limit=limit
        )
        return node, near

    node, near = _with_store(load)
    if as_json:
        sys.stdout.write(
            json.dumps({"node": node.model_dump(mode="json"), **near.model_dump(mode="json")})
            + "\n"
        )
        return
    out.print(f"[bold]{node.id}[/] ({node.kind.value}) {node.name}", highlight=False)
    for key, value in sorted(node.attrs.items()):
        shown = value if isinstance(value, str) else json.dumps(value, default=str)
        out.print(f"  {key}: {str(shown)[:200]}", markup=False, highlight=False)
    names = {n.id: n.name for n in near.nodes}
    table = Table(title=f"{len(near.nodes)} nodes, {len(near.edges)} edges within {depth} hop(s)")
    for column in ("src", "edge", "dst"):
        table.add_column(column, overflow="fold")
    for edge in near.edges:
        table.add_row(edge.src, edge.kind.value, edge.dst)
    out.print(table)
    if not near.edges and len(names) <= 1:
        err.print("the node has no edges")


async def stored_assets(store: Store) -> KnowledgeSources | None:
    """The store's repository and design sources for `warroom investigate`, said on stderr;
    None when there are none."""
    knowledge = await stored_knowledge(store)
    if knowledge is None:
        return None
    err.print(
        "using stored assets (skip with --no-assets): " + ("; ".join(knowledge.names) or "none"),
        markup=False,
        highlight=False,
    )
    for problem in knowledge.problems[:_SHOWN_PROBLEMS]:
        err.print(f"  {problem}", markup=False, highlight=False)
    return knowledge
