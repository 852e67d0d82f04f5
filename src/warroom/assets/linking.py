"""Runtime evidence → development graph: where a stack frame lands in an indexed repository.

Frames are read in these shapes: ``com.x.Y.m(Y.java:31)`` (optionally after ``at``),
``module.f(app/x.py:12)`` and ``pkg.(*T).M(/app/x.go:42)`` as ``Frame.__str__`` writes them,
``Class#31`` logger locations with full (``com.shop.OrderServiceImpl#31``), abbreviated
(``c.s.o.s.OrderServiceImpl#31``) or simple class names, ``path:line`` (``app/x.py:123``,
``/app/orders/h.go:42``) and ``File "app/x.py", line 123, in f``.

A class name is matched exactly (``$`` nesting read as ``.``, anonymous and proxy suffixes
dropped); else by its simple name, keeping candidates whose package segments the frame's
segments are prefixes of (``c.s.o.s`` fits ``com.shop.order.service``); a bare simple name
only when one class has it. A path is matched by its trailing segments: the repository path
must be a suffix of the frame's path or the frame's path a suffix of the repository path, or,
failing both, the one file sharing the most trailing segments (at least two). Ambiguity gives
no link rather than a guess. From the line: the innermost enclosing method, its class, the
endpoint it handles, the tables and aggregate it reaches, the owners of the file, the commit
that last touched the line (``git blame``) and the commits that touched the method's lines
(``git log -L``), newest first, both as of ``HEAD`` or, given ``at``, as of the last commit
before ``at`` (the method's lines then come from the file as it was in that commit).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from posixpath import basename

from warroom.assets.development.code import FunctionDecl, SourceError, SourceFile, parse_source
from warroom.assets.development.index import RepoIndex
from warroom.domain.evidence import Evidence, EvidenceKind
from warroom.domain.graph import CodeLink, NodeKind, node_id

SUSPECT_LIMIT = 10
LINKED_KINDS = (EvidenceKind.LOG_EXCEPTION, EvidenceKind.LOG_TEMPLATE, EvidenceKind.LOG_ERROR_RATE)

_PY_PASTED = re.compile(r'^File "([^"]+)", line (\d+)(?:, in (\S+))?')
_GO_PASTED = re.compile(r"^(\S+\.go):(\d+)(?:\s+\+0x[0-9a-f]+)?$")
_CALL = re.compile(r"^(.+)\(([^()]*?)(?::(\d+))?\)$")
_LOCATION = re.compile(r"^([A-Za-z_$][\w$.]*)#(\d+)$")
_PATH_LINE = re.compile(r"^(.+?\.[A-Za-z0-9]+):(\d+)(?::\d+)?$")
_CLASS_ONLY = re.compile(r"^(?:[A-Za-z_$][\w$]*\.)*[A-Z][\w$]*$")
_TRAILER = re.compile(r"\)\s*~?\[[^\]]*\]\s*$")
_JVM_SUFFIXES = (".java", ".kt", ".scala", ".groovy")
_LIBRARY_PATHS = ("site-packages/", "dist-packages/", "node_modules/", "/go/pkg/mod/", "<frozen")


@dataclass(frozen=True, slots=True)
class FrameRef:
    """What a frame string says: a JVM class, a method name, a file path, a line."""

    klass: str | None
    method: str | None
    file: str | None
    line: int | None


def parse_frame(frame: str) -> FrameRef | None:
    text = frame.strip()
    text = _TRAILER.sub(")", text)
    if text.startswith("at "):
        text = text[3:].strip()
    found = _PY_PASTED.match(text)
    if found:
        return FrameRef(None, found.group(3), found.group(1), int(found.group(2)))
    found = _GO_PASTED.match(text)
    if found:
        return FrameRef(None, None, found.group(1), int(found.group(2)))
    found = _CALL.match(text)
    if found:
        owner, file, line = found.group(1), found.group(2).strip(), found.group(3)
        number = int(line) if line else None
        head, _, method = owner.rpartition(".")
        if file.endswith(_JVM_SUFFIXES) or (not file and head):
            return FrameRef(head or None, method or None, file or None, number)
        return FrameRef(None, method or None, file or None, number)
    found = _LOCATION.match(text)
    if found:
        return FrameRef(found.group(1), None, None, int(found.group(2)))
    found = _PATH_LINE.match(text)
    if found:
        return FrameRef(None, None, found.group(1), int(found.group(2)))
    if _CLASS_ONLY.match(text):
        return FrameRef(text, None, None, None)
    return None


def resolve_frame(
    index: RepoIndex,
    frame: str,
    *,
    at: datetime | None = None,
    evidence_id: str = "",
    history: bool = True,
) -> CodeLink | None:
    """The ``CodeLink`` of one frame string (a pasted stack trace line), or None when the
    frame is not in this repository or is ambiguous. ``history=False`` leaves out
    ``last_commit`` and ``suspect_commits`` and runs no git command."""
    ref = parse_frame(frame)
    if ref is None:
        return None
    how: list[str] = []
    klass: str | None = None
    path: str | None = None
    if ref.klass:
        klass = _match_class(index, ref.klass, ref, how)
        if klass is not None:
            path = index.resolver.classes[klass].path
        elif ref.file and "." in ref.klass:
            # A JVM file no parser reads (Kotlin, Scala): its package path and file name.
            package = _jvm_name(ref.klass).split(".")[:-1]
            path = _match_path(index, "/".join([*package, basename(ref.file)]), how)
    elif ref.file:
        path = _match_path(index, ref.file, how)
    if path is None:
        return None
    return _link(index, ref, klass, path, frame, evidence_id, at if history else None, how, history)


def link_evidence(
    index: RepoIndex, evidence: Sequence[Evidence], *, at: datetime | None = None
) -> list[CodeLink]:
    """One link per log exception / template / error-rate finding whose frames reach this
    repository: its innermost frame that resolves (then ``top_frame``, then ``location``).
    A link whose method handles no endpoint takes the endpoint of an outer frame."""
    links: list[CodeLink] = []
    for item in evidence:
        if item.kind not in LINKED_KINDS:
            continue
        frames = [f for f in item.data.get("frames") or [] if isinstance(f, str)]
        extra = [item.data.get("top_frame"), item.data.get("location")]
        candidates = [*frames, *(f for f in extra if isinstance(f, str) and f)]
        for i, frame in enumerate(candidates):
            link = resolve_frame(index, frame, at=at, evidence_id=item.id)
            if link is None:
                continue
            if link.endpoint is None and i < len(frames):
                _endpoint_from_callers(index, link, frames[i + 1 :], at)
            links.append(link)
            break
    return links


def _endpoint_from_callers(
    index: RepoIndex, link: CodeLink, outer: list[str], at: datetime | None
) -> None:
    for frame in outer:
        caller = resolve_frame(index, frame, at=at, history=False)
        if caller is not None and caller.endpoint is not None:
            link.endpoint = caller.endpoint
            link.how += f"; endpoint from caller {caller.method or caller.frame}"
            return


def _jvm_name(name: str) -> str:
    """``a.B$C$1`` → ``a.B.C``; ``a.B$$EnhancerBySpringCGLIB$$1f`` → ``a.B``."""
    name = name.split("$$", 1)[0]
    parts = [p for p in name.replace("$", ".").split(".") if p and not p.isdigit()]
    return ".".join(parts)


def _match_class(index: RepoIndex, given: str, ref: FrameRef, how: list[str]) -> str | None:
    name = _jvm_name(given)
    classes = index.resolver.classes
    if name in classes:
        how.append(f"class {name} by full name")
        return name
    segments = name.split(".")
    simple, package = segments[-1], segments[:-1]
    candidates = list(index.resolver.by_simple.get(simple, []))
    if package:
        candidates = [c for c in candidates if _fits(package, c.split(".")[:-1])]
        kind = "abbreviated class name"
    else:
        kind = "simple class name"
    if len(candidates) > 1 and ref.file:
        candidates = [c for c in candidates if basename(classes[c].path) == basename(ref.file)]
    if len(candidates) > 1 and ref.line is not None:
        line = ref.line
        candidates = [
            c
            for c in candidates
            if (fn := index.files[classes[c].path].enclosing(line)) is not None and fn.owner == c
        ]
    if len(candidates) != 1:
        return None
    how.append(f"class {candidates[0]} by {kind} {given}")
    return candidates[0]


def _fits(given: list[str], full: list[str]) -> bool:
    """Each given package segment is a prefix of the full one (logback abbreviates segments
    but never drops one)."""
    return len(given) == len(full) and all(
        f.startswith(g) for g, f in zip(given, full, strict=True)
    )


def _match_path(index: RepoIndex, raw: str, how: list[str]) -> str | None:
    path = raw.replace("\\", "/").removeprefix("./")
    if any(marker in path for marker in _LIBRARY_PATHS):
        return None  # an installed dependency, even if the repository has a file of that name
    wanted = path.split("/")
    candidates = index.by_basename.get(wanted[-1], [])
    if not candidates:
        return None
    scored: list[tuple[int, str]] = []
    for c in candidates:
        have = c.split("/")
        n = 0
        while n < min(len(have), len(wanted)) and have[-1 - n] == wanted[-1 - n]:
            n += 1
        scored.append((n, c))
    whole = [c for n, c in scored if n == len(c.split("/")) or n == len(wanted)]
    if len(whole) == 1:
        how.append(f"file {whole[0]} by path suffix of {raw}")
        return whole[0]
    best = max(n for n, _ in scored)
    top = [c for n, c in scored if n == best]
    if len(top) == 1 and best >= 2:
        how.append(f"file {top[0]} by {best} trailing path segments of {raw}")
        return top[0]
    return None


def _link(
    index: RepoIndex,
    ref: FrameRef,
    klass: str | None,
    path: str,
    frame: str,
    evidence_id: str,
    at: datetime | None,
    how: list[str],
    history: bool,
) -> CodeLink:
    rev = index.head
    if at is not None:
        before = index.git.rev_before(at, index.head)
        if before is None:
            how.append(f"no commit before {at.isoformat()}")
        rev = before or index.head
    link = CodeLink(evidence_id=evidence_id, frame=frame, file=path, line=ref.line)
    structure = _structure_at(index, path, rev)
    fn: FunctionDecl | None = None
    if ref.line is not None and structure is not None:
        fn = structure.enclosing(ref.line)
    if fn is None and klass and ref.method:
        key = f"{klass}#{ref.method}"
        fn = next((f for _, f in index.resolver.functions.get(key, [])), None)
    if fn is not None:
        link.method = node_id(NodeKind.METHOD, fn.key)
        how.append(f"method {fn.key} by line range {fn.start_line}-{fn.end_line}")
        klass = fn.owner or klass
        link.endpoint = next(iter(index.code.method_endpoints.get(fn.key, [])), None)
        link.tables = list(index.code.method_tables.get(fn.key, []))
    if klass:
        link.klass = node_id(NodeKind.CLASS, klass)
        if not link.tables and fn is None:
            link.tables = list(index.code.class_tables.get(klass, []))
    link.aggregate = _aggregate(index, klass, link.tables)
    link.owners = index.owners_of(path)
    if history:
        if ref.line is not None:
            link.last_commit = index.git.blame_line(rev, path, ref.line)
        start, end = (fn.start_line, fn.end_line) if fn is not None else (ref.line, ref.line)
        if start is not None and end is not None:
            link.suspect_commits = index.git.line_history(rev, path, start, end, SUSPECT_LIMIT)
        how.append("history at HEAD" if rev == index.head else f"history as of {rev[:12]}")
    link.how = "; ".join(how)
    return link


def _structure_at(index: RepoIndex, path: str, rev: str) -> SourceFile | None:
    """The file's declarations as of ``rev`` (the indexed ones when it is ``HEAD``)."""
    if rev == index.head:
        return index.files.get(path)
    key = (rev, path)
    if key not in index.revisions:
        data = index.git.show(rev, path)
        parsed: SourceFile | None = None
        if data is not None:
            try:
                parsed = parse_source(path, data, index.python_modules.get(path, ""))
            except (SourceError, ValueError):
                parsed = None
        index.revisions[key] = parsed
    return index.revisions[key]


def _aggregate(index: RepoIndex, klass: str | None, tables: list[str]) -> str | None:
    if klass and klass in index.code.class_aggregates:
        return index.code.class_aggregates[klass]
    for table in tables:
        found = index.code.table_aggregates.get(table)
        if found:
            return found[0]
    return None
