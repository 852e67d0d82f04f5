"""Online log-template mining: message strings in, stable template ids out.

The miner works in two steps, in the spirit of Drain:

1. Mask obvious variables token by token (numbers, hex ids, UUIDs, IPs and ports, paths, URLs,
   e-mail addresses, quoted values, ``k=v`` values, durations such as ``12ms``) to ``<*>``.
   A token of letters only is taken as a constant without any regex; everything else goes
   through a small cached classifier.
2. Cluster the masked token sequence: candidates share the token count and the first
   ``depth`` tokens; the most similar candidate (share of positions that agree) above
   ``similarity`` absorbs the line, and positions that disagree become ``<*>``.

What a caller may rely on:

- ids are small positive integers handed out in order of first appearance; the same input in
  the same order yields the same ids and texts;
- an id never changes meaning: clusters only ever generalise (more ``<*>``), they never split,
  so an id returned earlier still names the template that absorbed the line;
- only the first line of a multi-line message is templated (stack traces are for
  ``extract_exceptions``), and only its first ``MAX_TOKENS`` tokens: the rest is one ``<*>``;
- a logger location such as ``o.s.OrderServiceImpl#324`` is kept verbatim: one source line
  logs one statement, so the location is part of the template's identity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WILDCARD = "<*>"

# Punctuation peeled off a token before it is classified, and put back after.
_OPENERS = "([{<'\""
_CLOSERS = ")]}>,;:.'\"!?"
_HEX = frozenset("0123456789abcdefABCDEF")
_DIGITS = frozenset("0123456789")
_LOCATION = re.compile(r"^[A-Za-z_$][\w$.\[\]]*#\d+$")
_DOUBLE_QUOTED = re.compile(r'"[^"]*"')
# A single quote opens a value only after a non-letter, so "don't" stays one word.
_SINGLE_QUOTED = re.compile(r"(?<![A-Za-z])'[^']*'(?![A-Za-z])")

# Numbers, ids, UUIDs, versions and durations without punctuation that must be kept around them.
_SIMPLE_VARIABLE = re.compile(r"[\w.:\-]*\d[\w\-]*").fullmatch
# Tokens past this many are one variable tail: long payloads cost time and never name a template.
MAX_TOKENS = 100

_TOKEN_CACHE_LIMIT = 200_000
_SEQUENCE_CACHE_LIMIT = 500_000


@dataclass(frozen=True, slots=True)
class Template:
    """A snapshot of one mined template: ``text`` uses ``<*>`` where values vary."""

    id: int
    text: str
    count: int
    example: str


class _Cluster:
    __slots__ = ("count", "example", "id", "tokens")

    def __init__(self, cluster_id: int, tokens: list[str], example: str) -> None:
        self.id = cluster_id
        self.tokens = tokens
        self.count = 0
        self.example = example


def first_line(message: str) -> str:
    """The part of a message that is templated: its first line."""
    return message.partition("\n")[0] if "\n" in message else message


def mask_core(core: str) -> str:
    """The masked form of one token stripped of surrounding punctuation."""
    if "#" in core and _LOCATION.match(core):
        return core
    if "://" in core:
        return WILDCARD
    if "=" in core:
        key, _, value = core.partition("=")
        if key and value:
            return f"{key}={WILDCARD}"
    first = core[0]
    if first in "'\"" and len(core) > 1 and core[-1] == first:
        return WILDCARD
    if "@" in core and "." in core.partition("@")[2]:
        return WILDCARD
    if (first == "/" or first == "~" or "\\" in core) and len(core) > 1:
        return WILDCARD
    if not _DIGITS.isdisjoint(core):
        # Numbers, versions, ids, IPs, ports, timestamps, durations (12ms), UUIDs, hex with digits.
        return WILDCARD
    if len(core) >= 8 and _HEX.issuperset(core):
        return WILDCARD
    return core


def mask_token(token: str) -> str:
    """The masked form of one whitespace-separated token, punctuation around it kept."""
    if token.isdigit():
        return WILDCARD
    opened = token.lstrip(_OPENERS)
    core = opened.rstrip(_CLOSERS)
    if not core:
        return token
    masked = mask_core(core)
    if masked is core:
        return token
    start = len(token) - len(opened)
    end = start + len(core)
    return token[:start] + masked + token[end:]


def mask(message: str) -> list[str]:
    """The masked tokens of a message's first line (a convenience for tests and callers)."""
    return _MaskCache().tokens(first_line(message))


class _MaskCache:
    """Masks lines token by token, remembering the verdict for tokens that need a check."""

    __slots__ = ("_cache",)

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}

    def tokens(self, line: str) -> list[str]:
        if '"' in line:
            line = _DOUBLE_QUOTED.sub(WILDCARD, line)
        if "'" in line:
            line = _SINGLE_QUOTED.sub(WILDCARD, line)
        tokens = line.split(None, MAX_TOKENS)
        if len(tokens) > MAX_TOKENS:
            tokens[MAX_TOKENS] = WILDCARD
        cache = self._cache
        learn = self._learn
        simple = _SIMPLE_VARIABLE
        # Known constants first, then the common variable shape in one C-level match, and only
        # then the full classifier.
        return [cache[t] if t in cache else WILDCARD if simple(t) else learn(t) for t in tokens]

    def _learn(self, token: str) -> str:
        # Tokens that reach here repeat often (k=v pairs, words with punctuation); the unique
        # ones (plain numbers, ids) were caught by the simple shape and never stored.
        masked = mask_token(token)
        if len(self._cache) >= _TOKEN_CACHE_LIMIT:
            self._cache.clear()
        self._cache[token] = masked
        return masked


class TemplateMiner:
    """A streaming template miner; see the module docstring for its guarantees.

    ``similarity`` is the share of positions that must agree for a line to join a cluster;
    ``depth`` is how many leading tokens must be equal (a leading ``<*>`` matches only
    ``<*>``).
    """

    def __init__(self, *, similarity: float = 0.5, depth: int = 2) -> None:
        if not 0.0 < similarity <= 1.0:
            raise ValueError(f"similarity must be in (0, 1], got {similarity}; try 0.5")
        if depth < 0:
            raise ValueError(f"depth must be >= 0, got {depth}; try 2")
        self.similarity = similarity
        self.depth = depth
        self._masker = _MaskCache()
        self._clusters: list[_Cluster] = []
        self._buckets: dict[tuple[object, ...], list[_Cluster]] = {}
        self._by_sequence: dict[tuple[str, ...], _Cluster] = {}
        self._by_line: dict[str, _Cluster] = {}

    def add(self, message: str) -> int:
        """Template the message and return its template id."""
        line = first_line(message)
        cluster = self._by_line.get(line)
        if cluster is None:
            tokens = self._masker.tokens(line)
            sequence = tuple(tokens)
            cluster = self._by_sequence.get(sequence)
            if cluster is None:
                cluster = self._place(tokens, line)
                if len(self._by_sequence) >= _SEQUENCE_CACHE_LIMIT:
                    self._by_sequence.clear()
                self._by_sequence[sequence] = cluster
            if len(self._by_line) >= _SEQUENCE_CACHE_LIMIT:
                self._by_line.clear()
            self._by_line[line] = cluster
        cluster.count += 1
        return cluster.id

    def match(self, message: str) -> int | None:
        """The id of the template the message would join, without learning from it."""
        line = first_line(message)
        cluster = self._by_line.get(line)
        if cluster is not None:
            return cluster.id
        tokens = self._masker.tokens(line)
        cluster = self._by_sequence.get(tuple(tokens))
        if cluster is None:
            best = self._best(self._buckets.get(self._key(tokens), ()), tokens)
            cluster = best
        return cluster.id if cluster is not None else None

    def template(self, template_id: int) -> Template:
        """The current state of one template; raises KeyError for an id never handed out."""
        if not 1 <= template_id <= len(self._clusters):
            raise KeyError(f"no template with id {template_id}; ids run 1..{len(self._clusters)}")
        return self._snapshot(self._clusters[template_id - 1])

    def templates(self) -> list[Template]:
        """All templates, in id order."""
        return [self._snapshot(c) for c in self._clusters]

    def __len__(self) -> int:
        return len(self._clusters)

    @staticmethod
    def _snapshot(cluster: _Cluster) -> Template:
        return Template(cluster.id, " ".join(cluster.tokens), cluster.count, cluster.example)

    def _key(self, tokens: list[str]) -> tuple[object, ...]:
        lead = tuple(WILDCARD if WILDCARD in t else t for t in tokens[: self.depth])
        return (len(tokens), *lead)

    def _best(self, candidates: list[_Cluster] | tuple[()], tokens: list[str]) -> _Cluster | None:
        n = len(tokens)
        if n == 0:
            return candidates[0] if candidates else None
        best: _Cluster | None = None
        best_sim = -1.0
        for cluster in candidates:
            same = 0
            for have, got in zip(cluster.tokens, tokens, strict=True):
                if have == got:
                    same += 1
            sim = same / n
            if sim > best_sim:
                best, best_sim = cluster, sim
        if best is None or best_sim < self.similarity:
            return None
        return best

    def _place(self, tokens: list[str], example: str) -> _Cluster:
        key = self._key(tokens)
        bucket = self._buckets.setdefault(key, [])
        cluster = self._best(bucket, tokens)
        if cluster is None:
            cluster = _Cluster(len(self._clusters) + 1, tokens, example)
            self._clusters.append(cluster)
            bucket.append(cluster)
            return cluster
        have = cluster.tokens
        for i, got in enumerate(tokens):
            if have[i] != got and have[i] != WILDCARD:
                have[i] = WILDCARD
        return cluster
