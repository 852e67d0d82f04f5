"""Online log-template mining: message strings in, stable template ids out.

The miner works in three steps, in the spirit of Drain:

1. A line's *digit shape* (every digit made ``0``) is looked up first: lines that differ only
   in their digits mask alike, so most lines cost one C-level pass and one dict lookup.
2. A new shape is masked (``masking``: numbers, ids, UUIDs, IPs and ports, paths, URLs,
   e-mail addresses become ``<*>`` while the separators around them stay, Loghub's convention).
3. The masked token sequence is clustered: candidates share the token count and the first
   ``depth`` tokens; the candidate whose constant positions agree most, at least
   ``similarity`` of them, absorbs the line; tokens that disagree are generalised part by part
   (``user=alice`` and ``user=bob`` give ``user=<*>``).

What a caller may rely on:

- ids are small positive integers handed out in order of first appearance; the same input in
  the same order yields the same ids and texts;
- an id never changes meaning: clusters only ever generalise (more ``<*>``), they never split,
  so an id returned earlier still names the template that absorbed the line;
- only the first line of a multi-line message is templated (stack traces are for
  ``extract_exceptions``), and only its first ``MAX_TOKENS`` tokens: the rest is one ``<*>``;
- memory is bounded: one example (capped) a template, and caches that are emptied when full;
- a logger location such as ``o.s.OrderServiceImpl#324`` is kept verbatim: one source line
  logs one statement, so the location is part of the template's identity.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from warroom.evidence.logs.masking import (
    SHAPE_TABLE,
    WILDCARD,
    TokenMasker,
    digit_shape,
    merge_tokens,
)

# Tokens past this many are one variable tail: long payloads cost time and never name a template.
MAX_TOKENS = 100

_SEQUENCE_CACHE_LIMIT = 100_000
_HAS_DIGIT = re.compile(r"\d").search
# Examples keep this many characters (the refinement pass relies on it to know one is whole).
EXAMPLE_CHARS = 1_000
_FALLBACK_FROM = 2  # key index of the second leading token (index 0 is the length)


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


@dataclass(slots=True, eq=False)
class ShapeGroup:
    """The lines of one digit shape the miner has seen: their template, masked tokens, count.

    Compared and hashed by identity: the miner hands out one object per shape.
    """

    template_id: int
    tokens: tuple[str, ...]
    example: str
    count: int


def first_line(message: str) -> str:
    """The part of a message that is templated: its first line."""
    return message.partition("\n")[0] if "\n" in message else message


def mask(message: str) -> list[str]:
    """The masked tokens of a message's first line (a convenience for tests and callers)."""
    return TokenMasker().tokens(first_line(message), MAX_TOKENS)


class TemplateMiner:
    """A streaming template miner; see the module docstring for its guarantees.

    ``similarity`` is the share of the template's constant positions that must agree for a
    line to join a cluster; ``depth`` is how many leading tokens must be equal (a leading
    ``<*>`` matches only ``<*>``, though a word there may also join a cluster keyed ``<*>``).
    """

    def __init__(self, *, similarity: float = 0.7, depth: int = 2) -> None:
        if not 0.0 < similarity <= 1.0:
            raise ValueError(f"similarity must be in (0, 1], got {similarity}; try 0.7")
        if depth < 0:
            raise ValueError(f"depth must be >= 0, got {depth}; try 2")
        self.similarity = similarity
        self.depth = depth
        self._masker = TokenMasker()
        self._clusters: list[_Cluster] = []
        self._buckets: dict[tuple[object, ...], list[_Cluster]] = {}
        self._by_sequence: dict[tuple[str, ...], _Cluster] = {}
        self._by_shape: dict[bytes, tuple[_Cluster, ShapeGroup]] = {}

    def add(self, message: str) -> int:
        """Template the message and return its template id."""
        return self.add_grouped(message).template_id

    def add_grouped(self, message: str) -> ShapeGroup:
        """Like ``add``, but the message's shape group (its ``template_id`` is ``add``'s id)."""
        line = message.partition("\n")[0] if "\n" in message else message
        # ``digit_shape``, inlined: this is the hot path.
        shape = line.encode("utf-8", "surrogatepass").translate(SHAPE_TABLE)
        known = self._by_shape.get(shape)
        if known is None:
            known = self._learn_shape(line, shape)
        cluster, group = known
        group.count += 1
        cluster.count += 1
        return group

    def add_batch(self, messages: Sequence[str]) -> list[ShapeGroup]:
        """``add_grouped`` for every message in order: same groups, ids and counts, faster.

        Lines whose shape is known change nothing but counts, so shapes are computed in one
        C-level pass over the whole batch, only new shapes are learned (in line order, as
        ``add`` would), and counts are tallied once at the end.
        """
        if not messages:
            return []
        joined = "\n".join(messages)
        if joined.count("\n") == len(messages) - 1:
            lines = messages  # no message spans lines: each is its own first line
        else:
            lines = [m.partition("\n")[0] if "\n" in m else m for m in messages]
            joined = "\n".join(lines)
        # One encode and translate for the batch: a first line holds no newline, so the shapes
        # split back apart exactly, and UTF-8 encodes a joined text as its parts joined.
        shapes = joined.encode("utf-8", "surrogatepass").translate(SHAPE_TABLE).split(b"\n")
        known = self._by_shape.get  # ``clear`` keeps the dict, so the bound method stays valid
        learn = self._learn_shape
        # A list comprehension runs in order, so new shapes are learned in line order.
        groups = [(known(s) or learn(line, s))[1] for s, line in zip(shapes, lines, strict=True)]
        clusters = self._clusters
        for group, count in Counter(groups).items():
            group.count += count
            clusters[group.template_id - 1].count += count
        return groups

    def _learn_shape(self, line: str, shape: bytes) -> tuple[_Cluster, ShapeGroup]:
        tokens = self._masker.tokens(line, MAX_TOKENS)
        sequence = tuple(tokens)
        # A token whose mask kept its digits (a logger location like ``Impl#324``) tells two
        # statements of one digit shape apart: such lines are keyed by those tokens too, and
        # never by the bare shape, so the fast path always comes here for them.
        kept = [token for token in sequence if _HAS_DIGIT(token)]
        if kept:
            shape = shape + b"\x00" + "\x00".join(kept).encode("utf-8", "surrogatepass")
            seen = self._by_shape.get(shape)
            if seen is not None:
                return seen
        cluster = self._by_sequence.get(sequence)
        if cluster is None:
            cluster = self._place(tokens, line)
            if len(self._by_sequence) >= _SEQUENCE_CACHE_LIMIT:
                self._by_sequence.clear()
            self._by_sequence[sequence] = cluster
        if len(self._by_shape) >= _SEQUENCE_CACHE_LIMIT:
            self._by_shape.clear()
        known = (cluster, ShapeGroup(cluster.id, sequence, line[:EXAMPLE_CHARS], 0))
        self._by_shape[shape] = known
        return known

    def shapes(self) -> list[ShapeGroup]:
        """The digit shapes still held (all of them until the cache first fills), in order."""
        return [group for _, group in self._by_shape.values()]

    def masked(self, message: str) -> list[str]:
        """The masked tokens of a message, as the miner sees them (nothing is learned)."""
        line = first_line(message)
        known = self._by_shape.get(digit_shape(line))
        if known is not None:
            return list(known[1].tokens)
        return self._masker.tokens(line, MAX_TOKENS)

    def match(self, message: str) -> int | None:
        """The id of the template the message would join, without learning from it."""
        line = first_line(message)
        known = self._by_shape.get(digit_shape(line))
        if known is not None:
            return known[0].id
        tokens = self._masker.tokens(line, MAX_TOKENS)
        cluster = self._by_sequence.get(tuple(tokens))
        if cluster is None:
            key = self._key(tokens)
            cluster = self._best(self._buckets.get(key, ()), tokens) or self._best_elsewhere(
                key, tokens
            )
        return cluster.id if cluster is not None else None

    def template(self, template_id: int) -> Template:
        """The current state of one template; raises KeyError for an id never handed out."""
        if not 1 <= template_id <= len(self._clusters):
            raise KeyError(f"no template with id {template_id}; ids run 1..{len(self._clusters)}")
        return self._snapshot(self._clusters[template_id - 1])

    def templates(self) -> list[Template]:
        """All templates, in id order."""
        return [self._snapshot(c) for c in self._clusters]

    def template_words(self) -> dict[int, list[str]]:
        """Every template's ``text.split(" ")``, by id, without building snapshots (copies)."""
        # Tokens hold no spaces and are never empty, so the split gives them back; a template
        # of no tokens has the text "" and so the split [""].
        return {c.id: c.tokens[:] or [""] for c in self._clusters}

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
            fixed = 0
            # Only the template's constant positions vote: a wildcard agrees with anything and
            # says nothing about whether the line belongs.
            for have, got in zip(cluster.tokens, tokens, strict=True):
                if have is WILDCARD or have == WILDCARD:
                    continue
                fixed += 1
                if have == got:
                    same += 1
            sim = same / fixed if fixed else 1.0
            if sim > best_sim:
                best, best_sim = cluster, sim
        if best is None or best_sim < self.similarity:
            return None
        return best

    def _best_elsewhere(self, key: tuple[object, ...], tokens: list[str]) -> _Cluster | None:
        # A word in a leading position may be a value whose cluster was keyed by an earlier,
        # masked one ("User bob ..." after "User u48 ..."): look where that word is ``<*>``.
        for j in range(_FALLBACK_FROM, len(key)):
            if key[j] != WILDCARD:
                alternative = (*key[:j], WILDCARD, *key[j + 1 :])
                found = self._best(self._buckets.get(alternative, ()), tokens)
                if found is not None:
                    return found
        return None

    def _place(self, tokens: list[str], example: str) -> _Cluster:
        key = self._key(tokens)
        bucket = self._buckets.setdefault(key, [])
        cluster = self._best(bucket, tokens) or self._best_elsewhere(key, tokens)
        if cluster is None:
            cluster = _Cluster(len(self._clusters) + 1, tokens, example[:EXAMPLE_CHARS])
            self._clusters.append(cluster)
            bucket.append(cluster)
            return cluster
        have = cluster.tokens
        for i, got in enumerate(tokens):
            if have[i] != got and have[i] != WILDCARD:
                have[i] = merge_tokens(have[i], got)
        return cluster
