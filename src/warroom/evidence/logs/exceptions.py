"""Exceptions and stack traces found in log records, grouped by (entity, type, top frame).

Recognised shapes (a record's message holds a whole multi-line trace, joined with "\\n"):

- Java: ``pkg.SomeException: msg`` then ``\\tat pkg.Cls.method(Cls.java:31)`` frames; with
  ``Caused by:`` sections the last one is the root cause and its frames are used.
- Python: ``Traceback (most recent call last):``, ``File "app/x.py", line 12, in f`` frames,
  and a final ``ValueError: msg`` line; the innermost (last) frame is the top frame.
- Go: ``panic: msg``, ``goroutine N [running]:``, function lines followed by
  ``\\t/app/x.go:42 +0x1d`` lines.
- Node: ``TypeError: x is undefined`` then ``    at fn (/app/x.js:10:5)`` frames.
- A single line that mentions a qualified exception class, such as
  ``... failed: java.net.SocketTimeoutException: Read timed out``; the last (innermost)
  mention wins, and the logger location of the line (``o.s.FooImpl#88``) stands in for a frame.

``top_frame`` prefers the first frame outside well-known runtime and framework packages, since
that is where application code went wrong; it is ``Class#line`` for JVM frames and
``file:line`` for the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from warroom.evidence.logs.levels import is_error_like
from warroom.ingest.records import LogRecord


@dataclass(frozen=True, slots=True)
class Frame:
    """One stack frame; ``line`` is None when the trace does not say."""

    module_or_class: str
    function: str
    file: str
    line: int | None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        owner = f"{self.module_or_class}." if self.module_or_class else ""
        return f"{owner}{self.function}({where})"


@dataclass(slots=True)
class ParsedException:
    """One exception as read from one message, before grouping."""

    type: str
    message: str
    frames: list[Frame]
    language: str  # java, python, go, node, mention
    location: str | None = None  # logger location of the line, when the line has one
    causes: list[str] = field(default_factory=list)  # exception types, outermost first

    @property
    def top_frame(self) -> str | None:
        return _top_frame(self.frames, self.language) or self.location


@dataclass(slots=True)
class ExceptionInfo:
    """An exception group: same entity, type and top frame."""

    entity: str
    type: str
    message: str
    frames: list[Frame]
    first_ts: float | None
    last_ts: float | None
    count: int
    example_line_numbers: list[int]
    source: str
    language: str = "java"
    location: str | None = None
    causes: list[str] = field(default_factory=list)
    example: str = ""  # the first line of the first message, at most 500 characters

    @property
    def top_frame(self) -> str | None:
        return _top_frame(self.frames, self.language) or self.location


# A logger location as Spring-style patterns print it: abbreviated class, '#', line number.
_LOCATION = re.compile(r"(?<![\w$.])((?:[A-Za-z_$][\w$]*\.)*[A-Z][\w$]*)#(\d+)\b")
_JAVA_FRAME = re.compile(r"^\s*at\s+([\w$.<>/]+)\.([\w$<>\-]+)\(([^():]*)(?::(\d+))?\)")
_JAVA_HEAD = re.compile(
    r"^(?:Caused by:\s*|Exception in thread \"[^\"]*\"\s*)?"
    r"((?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable|Fault))(?::\s?(.*))?$"
)
_MENTION = re.compile(
    r"((?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable))(?::\s*([^\]\n]*))?"
)
_PY_FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+)(?:, in (\S+))?')
_PY_FINAL = re.compile(r"^([A-Za-z_][\w.]*)(?::\s?(.*))?$")
_GO_FILE = re.compile(r"^\s+(\S+\.go):(\d+)(?:\s+\+0x[0-9a-f]+)?\s*$")
_NODE_HEAD = re.compile(r"^(?:Uncaught\s+)?((?:[A-Z][\w$]*)?(?:Error|Exception))(?::\s?(.*))?$")
_NODE_FRAME = re.compile(
    r"^\s+at\s+(?:(?:async\s+)?([^\s(]+)\s+\()?([^()\s]+?):(\d+)(?::\d+)?\)?\s*$"
)

# Frames from runtimes and frameworks: a fault is rarely in them, so the top frame skips them.
_LIBRARY_PREFIXES = (
    "java.",
    "javax.",
    "jdk.",
    "sun.",
    "com.sun.",
    "kotlin.",
    "scala.",
    "org.springframework.",
    "org.apache.",
    "org.hibernate.",
    "io.netty.",
    "reactor.",
    "feign.",
    "com.fasterxml.",
    "org.eclipse.",
    "io.grpc.",
    "okhttp3.",
    "com.zaxxer.",
    "net.bytebuddy.",
    "brave.",
    "io.micrometer.",
    "io.undertow.",
    "org.junit.",
    "jakarta.",
)
_LIBRARY_PATH_MARKERS = (
    "site-packages",
    "dist-packages",
    "/lib/python",
    "<frozen",
    "node_modules",
    "node:internal",
    "internal/",
    "/usr/local/go/",
    "runtime/",
    "/go/pkg/mod/",
)


def location_of(message: str) -> str | None:
    """The logger location (``Class#line``) a log line carries, e.g. ``o.s.OrderServiceImpl#324``.

    Only the first line is searched, and only a token that looks like a class (its last part
    starts with an upper-case letter) followed by ``#`` and a line number counts.
    """
    line = message.partition("\n")[0]
    if "#" not in line:
        return None
    found = _LOCATION.search(line)
    return f"{found.group(1)}#{found.group(2)}" if found else None


def _is_library(frame: Frame, language: str) -> bool:
    if language == "java":
        return frame.module_or_class.startswith(_LIBRARY_PREFIXES)
    return any(marker in frame.file for marker in _LIBRARY_PATH_MARKERS) or (
        language == "go" and (frame.module_or_class == "runtime" or frame.function == "panic")
    )


def _top_frame(frames: list[Frame], language: str) -> str | None:
    if not frames:
        return None
    chosen = next((f for f in frames if not _is_library(f, language)), frames[0])
    if language == "java":
        suffix = f"#{chosen.line}" if chosen.line is not None else ""
        return f"{chosen.module_or_class}{suffix}"
    return f"{chosen.file}:{chosen.line}" if chosen.line is not None else chosen.file


def might_hold_exception(message: str) -> bool:
    # A cheap screen so that ordinary lines never reach a regex.
    return (
        "Exception" in message
        or "Error" in message
        or "Throwable" in message
        or "Traceback" in message
        or "panic:" in message
        or "\n" in message
    )


_EXCEPTION_WORD = re.compile(r"\b(?:exception|exceptions|traceback|panic)\b", re.IGNORECASE)


def mentions_exception(message: str) -> bool:
    """True when a message reports an exception: a parsable one (class name, stack trace) or,
    in its first line, the word itself ("catch price exception", "unhandled exception")."""
    if _EXCEPTION_WORD.search(message.partition("\n")[0]):
        return True
    return parse_exception(message) is not None


def parse_exception(message: str) -> ParsedException | None:
    """Read one exception from one message, or None when it holds none."""
    if not might_hold_exception(message):
        return None
    lines = message.split("\n")
    location = location_of(message)
    parsed = (
        _parse_python(lines)
        or _parse_go(lines)
        or _parse_java(lines)
        or _parse_node(lines)
        or _parse_mention(lines[0])
    )
    if parsed is not None:
        parsed.location = location
    return parsed


def _parse_java(lines: list[str]) -> ParsedException | None:
    frames_by_section: list[list[Frame]] = []
    heads: list[tuple[str, str]] = []
    for raw in lines:
        line = raw.strip()
        if line.startswith("at ") and heads:
            frame = _JAVA_FRAME.match(line)
            if frame:
                cls, func, file, num = frame.groups()
                frames_by_section[-1].append(Frame(cls, func, file, int(num) if num else None))
            continue
        head = _JAVA_HEAD.match(line)
        if head is None and not heads:
            mention = _MENTION.findall(line)
            if mention:
                head_type, head_msg = mention[-1]
                heads.append((head_type, head_msg.strip()))
                frames_by_section.append([])
            continue
        if head is not None:
            heads.append((head.group(1), (head.group(2) or "").strip()))
            frames_by_section.append([])
    if not heads or not any(frames_by_section):
        return None
    # The root cause is the last section; its frames may be elided ("... N more"), in which case
    # the deepest section that kept frames is the best location we have.
    root_type, root_message = heads[-1]
    frames = next((fs for fs in reversed(frames_by_section) if fs), [])
    return ParsedException(
        type=root_type,
        message=root_message,
        frames=frames,
        language="java",
        causes=[t for t, _ in heads],
    )


def _parse_python(lines: list[str]) -> ParsedException | None:
    if not any(line.startswith("Traceback (most recent call last)") for line in lines):
        return None
    blocks: list[tuple[list[Frame], str, str]] = []
    frames: list[Frame] = []
    inside = False
    for line in lines:
        if line.startswith("Traceback (most recent call last)"):
            inside, frames = True, []
            continue
        if not inside:
            continue
        frame = _PY_FRAME.match(line)
        if frame:
            file, num, func = frame.groups()
            module = file.rsplit("/", 1)[-1].removesuffix(".py")
            frames.append(Frame(module, func or "", file, int(num)))
            continue
        if line and not line[0].isspace():
            final = _PY_FINAL.match(line)
            if final:
                blocks.append((frames, final.group(1), (final.group(2) or "").strip()))
                inside = False
    if not blocks:
        return None
    # Chained tracebacks print the original exception first: that is the root cause.
    root_frames, root_type, root_message = blocks[0]
    return ParsedException(
        type=root_type,
        message=root_message,
        frames=list(reversed(root_frames)),  # innermost first, like the other languages
        language="python",
        causes=[t for _, t, _ in reversed(blocks)],
    )


def _parse_go(lines: list[str]) -> ParsedException | None:
    head = next((line for line in lines if line.startswith("panic: ")), None)
    if head is None or not any(line.startswith("goroutine ") for line in lines):
        return None
    text = head.removeprefix("panic: ").removesuffix(" [recovered]").strip()
    kind, message = "panic", text
    if text.startswith("runtime error: "):
        kind, message = "runtime error", text.removeprefix("runtime error: ")
    frames: list[Frame] = []
    function = ""
    for line in lines:
        where = _GO_FILE.match(line)
        if where:
            package, _, func = function.rpartition(".")
            frames.append(Frame(package, func or function, where.group(1), int(where.group(2))))
        elif line and not line[0].isspace() and "(" in line:
            function = line[: line.rindex("(")]
    return ParsedException(type=kind, message=message, frames=frames, language="go")


def _parse_node(lines: list[str]) -> ParsedException | None:
    head = None
    frames: list[Frame] = []
    for line in lines:
        if head is None:
            head = _NODE_HEAD.match(line.strip())
            continue
        frame = _NODE_FRAME.match(line)
        if frame:
            func, file, num = frame.groups()
            frames.append(Frame("", func or "<anonymous>", file, int(num)))
    if head is None or not frames:
        return None
    return ParsedException(
        type=head.group(1), message=(head.group(2) or "").strip(), frames=frames, language="node"
    )


def _parse_mention(line: str) -> ParsedException | None:
    found = _MENTION.findall(line)
    if not found:
        return None
    # "nested exception is X: ..." and "Caused by" style chains put the innermost last.
    kind, message = found[-1]
    return ParsedException(
        type=kind,
        message=message.strip().rstrip(";,").strip(),
        frames=[],
        language="mention",
        causes=[k for k, _ in found],
    )


def extract_exceptions(records: Iterable[LogRecord]) -> list[ExceptionInfo]:
    """All exceptions in the records, grouped by (entity, type, top frame), in first-seen order.

    A bare mention of an exception class counts only in an error-like line (see ``levels``);
    full stack traces count whatever their level.
    """
    groups: dict[tuple[str, str, str | None], ExceptionInfo] = {}
    for record in records:
        parsed = parse_exception(record.message)
        if parsed is None:
            continue
        if parsed.language == "mention" and not is_error_like(record.level, record.message):
            # A class name in an ordinary line ("registered handler for X") is not a failure.
            continue
        entity = record.entity or "unknown"
        key = (entity, parsed.type, parsed.top_frame)
        info = groups.get(key)
        if info is None:
            groups[key] = ExceptionInfo(
                entity=entity,
                type=parsed.type,
                message=parsed.message,
                frames=parsed.frames,
                first_ts=record.ts,
                last_ts=record.ts,
                count=1,
                example_line_numbers=[record.line],
                source=record.source,
                language=parsed.language,
                location=parsed.location,
                causes=parsed.causes,
                example=record.message.partition("\n")[0][:500],
            )
            continue
        info.count += 1
        if record.ts is not None:
            info.first_ts = record.ts if info.first_ts is None else min(info.first_ts, record.ts)
            info.last_ts = record.ts if info.last_ts is None else max(info.last_ts, record.ts)
        if len(info.example_line_numbers) < 5:
            info.example_line_numbers.append(record.line)
    return list(groups.values())


def locations_in_sources(wanted: Mapping[str, Iterable[int]]) -> dict[tuple[str, int], str]:
    """The logger locations of raw source lines: ``{path: line numbers}`` -> ``{(path, n): loc}``.

    Ingest may strip a line's header (where a logger puts ``Class#line``) from the message;
    the raw line in its file still carries it. Each file is read once, up to its last wanted
    line; a file that cannot be read gives no locations.
    """
    found: dict[tuple[str, int], str] = {}
    for path, numbers in wanted.items():
        targets = set(numbers)
        if not targets or not path:
            continue
        last = max(targets)
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                for number, raw in enumerate(handle, start=1):
                    if number in targets:
                        where = location_of(raw)
                        if where:
                            found[(path, number)] = where
                    if number >= last:
                        break
        except OSError:
            continue
    return found
