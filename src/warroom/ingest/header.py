"""Learn the header of a log format from a sample of its lines, with no format table.

``detect_header(sample)`` tokenises each line (a ``[...]`` group is one token, ``|`` separates
fields when most lines use it), finds the timestamp (any form in ``timeparse.PATTERNS``,
possibly spread over several tokens), then takes the longest run of token positions whose
shape (timestamp, level, number, ``-``, ``[...]``, ``name:``, word) is the same in most
lines. The header ends at the last non-word position of that run, at the first ``name:``
position, or at a ``name:`` / `` - `` terminator found a few tokens further on in most lines.
The result is compiled into one regular expression, so splitting costs one match a line.

A caller may rely on: ``HeaderFormat.split(line)`` returns ``(fields, message)`` for a line
that starts with the learned header and ``None`` for one that does not (a continuation line,
such as a stack frame); ``fields`` holds ``timestamp``, ``level`` (normalised upper-case),
``component``, ``pid``, ``host`` when present, and other header parts under ``field<i>``.
JSON and logfmt lines are recognised as such and split by key.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from warroom.ingest.structured import (
    LEVEL_NAMES,
    fields_of,
    normalize_level,
    parse_json_object,
    parse_logfmt,
)
from warroom.ingest.timeparse import BY_NAME, PATTERNS, TimePattern

HeaderKind = Literal["text", "json", "logfmt", "none"]

_SAMPLE = 200  # lines looked at; more adds time, not accuracy
_MAX_POS = 16  # token positions a header may span
_CONSISTENT = 0.8  # share of lines that must agree on a position's shape
_MINOR = 0.005  # share below which a shape at a position is treated as noise

_BRK = r"\[(?:[^\[\]]|\[(?:[^\[\]]|\[[^\[\]]*\])*\])*\]"
_TOKEN = re.compile(_BRK + r"\S*|\S+")
_NUM = re.compile(r"-?\d+")
_LEVEL_ALT = "|".join(sorted(LEVEL_NAMES, key=len, reverse=True))
_LEVEL_TOKEN = re.compile(rf"[\[<(]?(?i:{_LEVEL_ALT})[\]>)]?:?")
_TS_PART = re.compile(
    r"\d{1,4}(?:[-/.:]\d{1,4})+(?:[-T:.,]\d+)*Z?"
    r"|(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*,?"
)
# A qualified name (``o.s.OrderServiceImpl#324``, ``org.app.Main``): a logger, when it follows
# the level in most lines.
_QNAME = re.compile(r"[A-Za-z_$][\w$-]*(?:\.[\w$\[\]-]+)+(?:[#:]\d+)?")
_COMPONENT_PID = re.compile(r"^(.*?)\[(\d+)\]")
_CONTINUATION_START = ("Caused by:", "Traceback", "goroutine ", "...", "During handling")
_RESERVED = set("YmdHMSfzbe")  # group names used inside the timestamp patterns


def _classify(token: str) -> str:
    if token == "-":
        return "dash"
    if token == ":":
        return "sepcolon"  # "logger   : message" (Spring Boot pads the name)
    if _NUM.fullmatch(token):
        return "num"
    if _LEVEL_TOKEN.fullmatch(token):
        return "level"
    if _TS_PART.fullmatch(token):
        return "tsp"
    if token.startswith("[") and token.endswith("]"):
        return "brk"
    if len(token) > 1 and token.endswith(":"):
        return "colon"
    if _QNAME.fullmatch(token):
        return "qname"
    return "word"


def _tokenize(line: str, pipe: bool) -> list[str]:
    if pipe:
        return [part.strip() for part in line.split("|", _MAX_POS)]
    return _TOKEN.findall(line, 0, 600)[:_MAX_POS]


def _looks_continuation(line: str) -> bool:
    return line[:1].isspace() or line.startswith(_CONTINUATION_START)


_LETTER_FIRST = [p for p in PATTERNS if p.name in ("ctime", "rfc2822", "syslog")]
_DIGIT_FIRST = [p for p in PATTERNS if p not in _LETTER_FIRST]


@dataclass(frozen=True, slots=True)
class _Stamp:
    start: int
    length: int
    pattern: str
    bracketed: bool


def _stamps_in(tokens: list[str]) -> set[_Stamp]:
    found: set[_Stamp] = set()
    for start in range(min(len(tokens), 8)):
        first = tokens[start]
        if not first[:1].isalnum() and not first.startswith("["):
            continue
        for length in range(1, 6):
            if start + length > len(tokens):
                break
            bracketed = length == 1 and first.startswith("[") and first.endswith("]")
            text = first[1:-1] if bracketed else " ".join(tokens[start : start + length])
            if len(text) > 48:
                break
            for pattern in _LETTER_FIRST if text[0].isalpha() else _DIGIT_FIRST:
                if pattern.compiled().fullmatch(text):
                    found.add(_Stamp(start, length, pattern.name, bracketed))
                    break
    return found


def _choose_stamp(per_line: list[set[_Stamp]]) -> _Stamp | None:
    counts: Counter[_Stamp] = Counter(s for found in per_line for s in found)
    if not counts:
        return None
    best = max(counts.values())
    if best < 0.3 * len(per_line):
        return None
    eligible = [s for s, c in counts.items() if c >= 0.8 * best]
    return max(
        eligible,
        key=lambda s: (BY_NAME[s.pattern].complete, -s.start, s.length, counts[s]),
    )


@dataclass(slots=True)
class _Slot:
    kind: str  # ts, dash, num, level, tsp, brk, colon, word, flex-colon, flex-dash
    name: str | None = None
    extra: int = 0  # flexible slots: how many more tokens the component may span


@dataclass
class HeaderFormat:
    """A learned header; ``split`` applies it to one line."""

    kind: HeaderKind
    description: str = "<message>"
    regex: re.Pattern[str] | None = None
    time_pattern: TimePattern | None = None
    slots: list[str] = field(default_factory=list)

    def split(self, line: str) -> tuple[dict[str, str], str] | None:
        """(header fields, message) of a line in this format, or None when it is not one."""
        parsed = self.parse(line)
        return None if parsed is None else (parsed[0], parsed[1])

    def parse(self, line: str) -> tuple[dict[str, str], str, float | None] | None:
        """Like ``split``, plus the timestamp as UTC epoch seconds (None if it has none)."""
        if self.kind == "text":
            return self._parse_text(line)
        if self.kind == "none":
            return {}, line.strip(), None
        obj = parse_json_object(line) if self.kind == "json" else parse_logfmt(line)
        if obj is None:
            return None
        fields, message = fields_of(obj, line)
        return fields, message, None

    def _parse_text(self, line: str) -> tuple[dict[str, str], str, float | None] | None:
        assert self.regex is not None
        m = self.regex.match(line)
        if m is None:
            return None
        groups = m.groupdict()
        ts: float | None = None
        if self.time_pattern is not None:
            try:
                ts = self.time_pattern.convert(groups)
            except (ValueError, OverflowError):
                ts = None
        fields = {k: v for k, v in groups.items() if v and k not in _RESERVED and k != "message"}
        level = fields.pop("level", None)
        if level is not None:
            normal = normalize_level(level)
            if normal is not None:
                fields["level"] = normal
        component = fields.get("component")
        if component is not None:
            cm = _COMPONENT_PID.match(component)
            if cm:
                fields["component"] = cm.group(1) or component
                fields["pid"] = cm.group(2)  # "name[pid]" is explicit: it wins
        return fields, (groups["message"] or "").strip(), ts


def detect_header(sample_lines: list[str]) -> HeaderFormat:
    """Learn the header shared by most of ``sample_lines`` (a few hundred are plenty)."""
    lines = [ln.rstrip("\r\n") for ln in sample_lines if ln.strip()][:_SAMPLE]
    if not lines:
        return HeaderFormat("none")
    braced = [ln for ln in lines if ln.lstrip().startswith("{")]
    if len(braced) >= 0.8 * len(lines) and sum(
        parse_json_object(ln) is not None for ln in braced
    ) >= 0.5 * len(braced):
        return HeaderFormat("json", "<json object>")
    if sum(parse_logfmt(ln) is not None for ln in lines) >= 0.6 * len(lines):
        return HeaderFormat("logfmt", "<key=value ...>")
    heads = [ln for ln in lines if not _looks_continuation(ln)] or lines
    pipe = _pipe_separated(heads)
    tokens = [_tokenize(ln, pipe) for ln in heads]
    stamps = [_stamps_in(t) for t in tokens]
    stamp = _choose_stamp(stamps)
    rows: list[list[str]] = []
    for toks, found in zip(tokens, stamps, strict=True):
        if stamp is None:
            rows.append([_classify(t) for t in toks])
        elif stamp in found:
            before = [_classify(t) for t in toks[: stamp.start]]
            after = [_classify(t) for t in toks[stamp.start + stamp.length :]]
            rows.append([*before, "ts", *after])
    slots = _learn_slots(rows)
    if not slots:
        return HeaderFormat("none")
    return _compile(slots, stamp, pipe)


def _pipe_separated(lines: list[str]) -> bool:
    """Whether fields are separated by ``|`` (``time|component|pid|message``)."""
    hits = sum(1 for ln in lines if ln.count("|") >= 2 and " " not in ln.split("|", 1)[0][:40])
    return hits >= 0.9 * len(lines)


def _learn_slots(rows: list[list[str]]) -> list[_Slot]:
    n = len(rows)
    if n == 0:
        return []
    dominant: list[str] = []
    allowed: list[set[str]] = []
    last_anchor = -1
    # Tokens before the timestamp are header whatever their shape (a label, a file name).
    ts_at = rows[0].index("ts") if "ts" in rows[0] else -1
    for i in range(_MAX_POS):
        shapes = Counter(r[i] for r in rows if len(r) > i)
        if not shapes:
            break
        top, count = shapes.most_common(1)[0]
        if i < ts_at:
            top = "word"
        elif count < _CONSISTENT * n:
            break
        if top == "qname" and (not dominant or dominant[-1] != "level"):
            top = "word"  # a qualified name is a header part only as the logger
        dominant.append(top)
        allowed.append({s for s, c in shapes.items() if c >= _MINOR * n})
        if top != "word":
            last_anchor = i
        if top in ("colon", "sepcolon"):
            break
    if last_anchor < 0:
        return []
    slots = [_slot_for(dominant[i], allowed[i]) for i in range(last_anchor + 1)]
    names = ("word", "qname")
    if dominant[last_anchor] == "dash" and last_anchor > 0 and dominant[last_anchor - 1] in names:
        # " - " after a name closes the header, but the name may span more tokens in lines
        # the sample did not show ("svchost.exe *64 - ..."): match up to the first " - ".
        start = max((i for i in range(last_anchor) if dominant[i] not in names), default=-1)
        slots = [*slots[: start + 1], _Slot("flex-dash", extra=last_anchor - start + 1)]
    elif dominant[last_anchor] in ("ts", "num", "tsp", "qname"):
        # A terminator a few tokens on closes the header; names before it belong to it.
        start = last_anchor
        while start > 0 and dominant[start] in names:
            start -= 1
        tail = _terminator(rows, start)
        if tail:
            slots = [*slots[: start + 1], *tail]
    _name_slots(slots)
    return slots


def _slot_for(top: str, allowed: set[str]) -> _Slot:
    if top == "ts":
        return _Slot("ts")
    if len(allowed) > 1 and top not in ("level", "colon"):
        return _Slot("word")
    return _Slot(top)


def _terminator(rows: list[list[str]], end: int) -> list[_Slot]:
    """Slots for a ``name:`` or `` - `` that closes the header a few tokens after ``end``."""
    found: Counter[tuple[int, str]] = Counter()
    for r in rows:
        for j in range(end + 1, min(len(r), end + 5)):
            if r[j] in ("colon", "dash"):
                found[(j, r[j])] += 1
                break
    n = len(rows)
    kinds = Counter[str]()
    for (_, kind), c in found.items():
        kinds[kind] += c
    if not kinds:
        return []
    kind, count = kinds.most_common(1)[0]
    if count < _CONSISTENT * n:
        return []
    positions = sorted(j for (j, k), c in found.items() if k == kind and c >= 0.05 * n)
    if not positions:
        return []
    if kind == "dash":
        return [_Slot("flex-dash", extra=min(3, positions[-1] - end - 1))]
    words = [_Slot("word") for _ in range(end + 1, positions[0])]
    return [*words, _Slot("flex-colon", extra=min(2, positions[-1] - positions[0]))]


_TERMINATORS = ("colon", "flex-colon", "flex-dash")


def _name_slots(slots: list[_Slot]) -> None:
    seen_ts = seen_level = False
    # A "name:" terminator is the component; a word after the level is then the logger.
    used: set[str] = {"component"} if any(s.kind in _TERMINATORS for s in slots) else set()
    for i, slot in enumerate(slots):
        name: str | None = None
        prev = slots[i - 1].kind if i else ""
        following = slots[i + 1].kind if i + 1 < len(slots) else ""
        if slot.kind == "ts":
            name, seen_ts = "timestamp", True
        elif slot.kind == "level":
            name, seen_level = "level", True
        elif slot.kind in _TERMINATORS:
            slot.name = "component"
            continue
        elif slot.kind in ("word", "qname") and following == "sepcolon" and "component" not in used:
            name = "component"
        elif slot.kind == "num" and seen_ts and prev in ("ts", "level", "word"):
            name = "pid"
        elif slot.kind == "word" and prev == "ts" and not seen_level:
            name = "host"
        elif slot.kind in ("word", "qname") and prev == "level":
            name = "logger" if "component" in used else "component"
        elif slot.kind == "brk" and seen_level:
            name = "thread"
        if name is None or name in used:
            name = f"field{i}"
        used.add(name)
        slot.name = name


_PART = r"(?:[^\s:]|:(?!\s|$))+"  # a token that holds no terminating colon


def _slot_regex(slot: _Slot, stamp: _Stamp | None, pipe: bool) -> tuple[str, str]:
    """(regex, description) of one slot."""
    name = slot.name or "x"
    any_ = r"[^|]*?" if pipe else r"\S+"
    if slot.kind == "ts" and stamp is not None:
        inner = f"(?P<timestamp>{BY_NAME[stamp.pattern].regex})"
        return (rf"\[{inner}\]" if stamp.bracketed else inner), "<timestamp>"
    if slot.kind == "level":
        # Lenient on purpose: a value the sample did not show must not turn a line into a
        # continuation; ``parse`` keeps it as the level only when it names one.
        return rf"[\[<(]?(?P<level>{any_})", "<level>"
    if slot.kind == "dash":
        return "-", "-"
    if slot.kind == "sepcolon":
        return ":", ":"
    if slot.kind == "brk":
        return rf"(?P<{name}>{_BRK}\S*)", f"[<{name}>]"
    if slot.kind in ("colon", "flex-colon"):
        return rf"(?P<component>{_PART}(?:\s{_PART}){{0,{max(slot.extra, 2)}}})\s?:", "<component>:"
    if slot.kind == "flex-dash":
        return rf"(?P<component>\S+(?:\s(?!-\s)\S+){{0,{slot.extra}}}?)\s-", "<component> -"
    return rf"(?P<{name}>{any_})", f"<{name}>"


def _compile(slots: list[_Slot], stamp: _Stamp | None, pipe: bool) -> HeaderFormat:
    sep = r"\s*\|\s*" if pipe else r"\s+"
    parts = [_slot_regex(s, stamp, pipe) for s in slots]
    tail = r"(?:\s*\|(?P<message>.*))?$" if pipe else r"(?:\s+(?P<message>.*))?$"
    regex = "^" + sep.join(p for p, _ in parts) + tail
    joiner = "|" if pipe else " "
    description = joiner.join(d for _, d in parts) + joiner + "<message>"
    return HeaderFormat(
        "text",
        description,
        re.compile(regex),
        BY_NAME[stamp.pattern] if stamp is not None else None,
        [s.kind for s in slots],
    )
