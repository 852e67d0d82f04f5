"""Online log-template mining: message strings in, stable template ids out.

The miner works in four steps, in the spirit of Drain:

1. A line's *digit shape* (every digit made ``0``) is looked up first: lines that differ only
   in their digits mask alike, so most lines cost one C-level pass and one dict lookup.
2. A new shape is masked (``masking``: numbers, ids, UUIDs, IPs and ports, paths, URLs,
   e-mail addresses become ``<*>`` while the separators around them stay, Loghub's convention),
   token by token, each token's mask remembered by its own digit shape; ``add_batch`` masks
   all new shapes of a batch together.
3. The masked token sequence is clustered: candidates share the token count and the first
   ``depth`` tokens; the candidate whose constant positions agree most, at least
   ``similarity`` of them, absorbs the line; tokens that disagree are generalised part by part
   (``user=alice`` and ``user=bob`` give ``user=<*>``).
4. A line that still fits nowhere joins a cluster alike but at one word position once
   ``VARIED_AFTER`` clusters, each with its own word there, show that the position holds a
   value (``User alice logged in`` ... ``User <*> logged in``), wherever the position is.

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

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, count
from operator import eq, ne

from warroom.evidence.logs.masking import (
    KEEP,
    SHAPE_TABLE,
    WILDCARD,
    TokenMasker,
    digit_shape,
    merge_tokens,
)

# Tokens past this many are one variable tail: long payloads cost time and never name a template.
MAX_TOKENS = 100

_SEQUENCE_CACHE_LIMIT = 100_000
# Examples keep this many characters (the refinement pass relies on it to know one is whole).
EXAMPLE_CHARS = 1_000
_FALLBACK_FROM = 2  # key index of the second leading token (index 0 is the length)
# A word position is taken for a variable once this many clusters, alike but for their own
# word there, exist (``TemplateMiner._varied``).
VARIED_AFTER = 10
# ... among the newest this many clusters of a group (a bound on the cost of a line that fits
# nowhere, where many statements share a length and leading words).
_VARIED_SCAN = 100


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


# Never a token (tokens hold no whitespace): stands for ``<*>`` in a probe.
_NO_TOKEN = " "


def _probe(tokens: list[str]) -> list[str]:
    """``tokens`` with each ``<*>`` replaced by a value no template token equals."""
    if WILDCARD not in tokens:
        return tokens
    return [_NO_TOKEN if t == WILDCARD else t for t in tokens]


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
        # (key index j, the key without index j) -> the clusters keyed so: alike but at j.
        self._siblings: dict[tuple[object, ...], list[_Cluster]] = {}
        self._by_sequence: dict[tuple[str, ...], _Cluster] = {}
        # Shape key -> its group. The key is the line's digit shape, extended by the masks of
        # the tokens that kept digits where there are such (see ``_kept_at``).
        self._by_shape: dict[bytes, ShapeGroup] = {}
        # Digit shapes whose masks keep digits in some tokens (a logger location such as
        # ``Impl#324`` tells two statements of one shape apart), to those tokens' positions.
        self._kept_at: dict[bytes, list[int]] = {}

    def add(self, message: str) -> int:
        """Template the message and return its template id."""
        return self.add_grouped(message).template_id

    def add_grouped(self, message: str) -> ShapeGroup:
        """Like ``add``, but the message's shape group (its ``template_id`` is ``add``'s id)."""
        line = message.partition("\n")[0] if "\n" in message else message
        # ``digit_shape``, inlined: this is the hot path.
        shape = line.encode("utf-8", "surrogatepass").translate(SHAPE_TABLE)
        group = self._by_shape.get(shape)
        if group is None:
            group = self._learn_line(line, shape)
        group.count += 1
        self._clusters[group.template_id - 1].count += 1
        return group

    def add_batch(self, messages: Sequence[str]) -> list[ShapeGroup]:
        """``add_grouped`` for every message in order: same groups, ids and counts, faster.

        Shapes are computed in one C-level pass over the whole batch and counted once; only
        the distinct new shapes are learned, in order of first appearance (the order ``add``
        learns them in), the masks of all their tokens found together.
        """
        if not messages:
            return []
        # One encode and translate for the batch: a first line holds no newline, so the shapes
        # split back apart exactly, and UTF-8 encodes a joined text as its parts joined.
        lines = messages
        keys = "\n".join(lines).encode("utf-8", "surrogatepass").translate(SHAPE_TABLE).split(b"\n")
        if len(keys) != len(messages):
            # Some message spans lines: only its first line is templated.
            lines = [m.partition("\n")[0] if "\n" in m else m for m in messages]
            joined = "\n".join(lines)
            keys = joined.encode("utf-8", "surrogatepass").translate(SHAPE_TABLE).split(b"\n")
        # Counted first: the counter also lists the distinct keys in order of first appearance.
        counts = Counter(keys)
        by_shape = self._by_shape
        fresh = [key for key in counts if key not in by_shape]
        if not fresh:
            self._tally(counts)
        else:
            limit = _SEQUENCE_CACHE_LIMIT - len(fresh)
            if len(by_shape) >= limit or len(self._by_sequence) >= limit:
                # A cache would be emptied within the batch: go line by line, as ``add`` does.
                return [self.add_grouped(line) for line in lines]
            keys = self._learn_batch(keys, counts, fresh, lines)
        return list(map(by_shape.__getitem__, keys))

    def _tally(self, counts: Mapping[bytes, int]) -> None:
        """Add ``counts`` (by key) to the groups and their clusters."""
        by_shape = self._by_shape
        clusters = self._clusters
        for key, seen in counts.items():
            group = by_shape[key]
            group.count += seen
            clusters[group.template_id - 1].count += seen

    def _learn_batch(
        self,
        keys: list[bytes],
        counts: Counter[bytes],
        fresh: list[bytes],
        lines: Sequence[str],
    ) -> list[bytes]:
        """Learn a batch's new shapes ``fresh`` (in order) and count all lines; the keys.

        New groups get their counts as they are made: placing a line never reads a count.
        """
        kept_at = self._kept_at
        masker = self._masker
        bare = [key for key in fresh if key not in kept_at] if kept_at else fresh
        # A joined text of no lines would read as one empty line.
        text = b"\n".join(bare).decode("utf-8", "surrogatepass")
        masks = masker.shape_lines(text, MAX_TOKENS) if bare else []
        if masker.keeps:
            for key, tokens in zip(bare, masks, strict=True):
                if KEEP in tokens:
                    kept_at[key] = [i for i, token in enumerate(tokens) if not token]
        if kept_at and not kept_at.keys().isdisjoint(counts):
            return self._learn_kept(keys, counts, dict(zip(bare, masks, strict=True)), lines)
        by_shape = self._by_shape
        if len(fresh) < len(counts):
            self._tally({key: seen for key, seen in counts.items() if key in by_shape})
        by_sequence = self._by_sequence
        place = self._place
        at = 0
        find = keys.index
        for key, tokens in zip(fresh, masks, strict=True):
            # Keys are fresh in order of first appearance, so each is found past the last.
            at = find(key, at)
            line = lines[at]
            # ``_learn_key``, inlined (the batch has room in the caches, checked above).
            cluster = by_sequence.get(tokens)
            if cluster is None:
                cluster = by_sequence[tokens] = place(list(tokens), line)
            seen = counts[key]
            by_shape[key] = ShapeGroup(cluster.id, tokens, line[:EXAMPLE_CHARS], seen)
            cluster.count += seen
        return keys

    def _learn_kept(
        self,
        keys: list[bytes],
        counts: Counter[bytes],
        masked: dict[bytes, tuple[str, ...]],
        lines: Sequence[str],
    ) -> list[bytes]:
        """``_learn_batch`` where some lines' shapes keep digits: those are keyed line by line.

        Learning still runs in order of first appearance, so ids come out as ``add`` gives them.
        """
        kept_at = self._kept_at
        by_shape = self._by_shape
        keys = list(keys)
        for bare in kept_at.keys() & counts.keys():
            at = -1
            for _ in range(counts[bare]):
                at = keys.index(bare, at + 1)
                keys[at] = self._kept_key(bare, lines[at])
        counts = Counter(keys)
        fresh = [key for key in counts if key not in by_shape]
        at = 0
        find = keys.index
        for key in fresh:
            at = find(key, at)
            line = lines[at]
            tokens = masked.get(key)
            if tokens is None or key in kept_at:
                self._learn_line(line, digit_shape(line))
            else:
                self._learn_key(key, line, list(tokens))
        self._tally(counts)
        return keys

    def _learn_line(self, line: str, shape: bytes) -> ShapeGroup:
        """The group of a line whose shape is no key yet (learned, or found by kept tokens)."""
        if shape not in self._kept_at:
            tokens = self._masker.shape_tokens(shape.decode("utf-8", "surrogatepass"), MAX_TOKENS)
            if not (self._masker.keeps and KEEP in tokens):
                return self._learn_key(shape, line, tokens)
            self._kept_at[shape] = [i for i, t in enumerate(tokens) if not t]
        key = self._kept_key(shape, line)
        group = self._by_shape.get(key)
        if group is not None:
            return group
        return self._learn_key(key, line, self._masker.tokens(line, MAX_TOKENS))

    def _kept_key(self, shape: bytes, line: str) -> bytes:
        words = line.split(None, MAX_TOKENS)
        mask = self._masker.raw_mask
        held = "\x00".join([mask(words[i]) for i in self._kept_at[shape]])
        return shape + b"\x00" + held.encode("utf-8", "surrogatepass")

    def _learn_key(self, key: bytes, line: str, tokens: list[str]) -> ShapeGroup:
        sequence = tuple(tokens)
        cluster = self._by_sequence.get(sequence)
        if cluster is None:
            cluster = self._place(tokens, line)
            if len(self._by_sequence) >= _SEQUENCE_CACHE_LIMIT:
                self._by_sequence.clear()
            self._by_sequence[sequence] = cluster
        if len(self._by_shape) >= _SEQUENCE_CACHE_LIMIT:
            self._by_shape.clear()
            self._kept_at.clear()
        group = self._by_shape[key] = ShapeGroup(cluster.id, sequence, line[:EXAMPLE_CHARS], 0)
        return group

    def shapes(self) -> list[ShapeGroup]:
        """The digit shapes still held (all of them until the cache first fills), in order."""
        return list(self._by_shape.values())

    def masked(self, message: str) -> list[str]:
        """The masked tokens of a message, as the miner sees them (nothing is learned)."""
        line = first_line(message)
        known = self._by_shape.get(digit_shape(line))
        if known is not None:
            return list(known.tokens)
        return self._masker.tokens(line, MAX_TOKENS)

    def match(self, message: str) -> int | None:
        """The id of the template the message would join, without learning from it."""
        line = first_line(message)
        known = self._by_shape.get(digit_shape(line))
        if known is not None:
            return known.template_id
        tokens = self._masker.tokens(line, MAX_TOKENS)
        cluster = self._by_sequence.get(tuple(tokens))
        if cluster is None:
            key = self._key(tokens)
            cluster = (
                self._best(self._buckets.get(key, ()), _probe(tokens))
                or self._best_elsewhere(key, tokens)
                or self._varied(key, tokens, [self._siblings.get(k) for k in self._group_keys(key)])
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
        n = len(tokens)
        if self.depth == 2 and n >= 2:
            a, b = tokens[0], tokens[1]
            return (n, WILDCARD if WILDCARD in a else a, WILDCARD if WILDCARD in b else b)
        return (n, *[WILDCARD if WILDCARD in t else t for t in tokens[: self.depth]])

    def _best(self, candidates: list[_Cluster] | tuple[()], probe: list[str]) -> _Cluster | None:
        """The candidate whose constant positions agree most with ``probe`` (see ``_probe``)."""
        n = len(probe)
        if n == 0:
            return candidates[0] if candidates else None
        best: _Cluster | None = None
        best_sim = -1.0
        for cluster in candidates:
            # Only the template's constant positions vote: a wildcard agrees with anything and
            # says nothing about whether the line belongs. ``probe`` holds no ``<*>``, so an
            # equal position is an agreeing constant one.
            have = cluster.tokens
            fixed = n - have.count(WILDCARD)
            sim = sum(map(eq, have, probe)) / fixed if fixed else 1.0
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
                candidates = self._buckets.get((*key[:j], WILDCARD, *key[j + 1 :]))
                if candidates:
                    found = self._best(candidates, _probe(tokens))
                    if found is not None:
                        return found
        return None

    def _varied(
        self,
        key: tuple[object, ...],
        tokens: list[str],
        groups: list[list[_Cluster] | None],
    ) -> _Cluster | None:
        """A cluster alike but for one word position that has been seen with many values.

        A line that fits no cluster joins one that agrees with it (``similarity`` of the other
        constant positions) but for one position, once ``VARIED_AFTER`` such clusters, each
        with its own word there, exist: a position that took that many words in one context
        holds a value. The position is a leading one (``groups``: the clusters keyed alike but
        at one index, see ``_group_keys``) or a later one (clusters of the line's own bucket).
        Cost: one pass over at most ``_VARIED_SCAN`` clusters a group, only for lines that fit
        no cluster, only where there are ``VARIED_AFTER`` of them.
        """
        probe: list[str] | None = None
        for at, group in enumerate(groups):
            if group is not None and len(group) >= VARIED_AFTER:
                probe = _probe(tokens)
                found = self._alike_but_at(group[-_VARIED_SCAN:], probe, at)
                if found is not None:
                    return found
        bucket = self._buckets.get(key)
        if bucket is None or len(bucket) < VARIED_AFTER:
            return None
        return self._alike_but_one(bucket[-_VARIED_SCAN:], probe or _probe(tokens))

    def _alike_but_at(self, group: list[_Cluster], probe: list[str], at: int) -> _Cluster | None:
        """The cluster of ``group`` alike with ``probe`` but at ``at``, if that position varies.

        It varies when ``VARIED_AFTER`` clusters differ there only, or one already has ``<*>``
        there (such a cluster is preferred: later values all go to it).
        """
        threshold = self.similarity
        n = len(probe)
        word = probe[at]
        seen = 0
        best: _Cluster | None = None
        best_rank = (False, -1.0)
        for cluster in group:
            have = cluster.tokens
            held = have[at]
            if held == word:
                continue
            wild = held == WILDCARD
            fixed = n - have.count(WILDCARD) - (not wild)
            if fixed <= 0:
                continue
            sim = sum(map(eq, have, probe)) / fixed
            if sim < threshold:
                continue
            seen = VARIED_AFTER if wild else seen + 1
            rank = (wild, sim)
            if rank > best_rank:
                best, best_rank = cluster, rank
        return best if seen >= VARIED_AFTER else None

    def _alike_but_one(self, bucket: list[_Cluster], probe: list[str]) -> _Cluster | None:
        """The cluster of ``bucket`` alike with ``probe`` but at the first position that varies.

        A cluster votes for each constant position it differs at when the others agree enough
        without it; a position with ``VARIED_AFTER`` votes varies.
        """
        threshold = self.similarity
        n = len(probe)
        votes: dict[int, int] = {}
        best: dict[int, tuple[float, _Cluster]] = {}
        for cluster in bucket:
            have = cluster.tokens
            fixed = n - have.count(WILDCARD)
            agree = sum(map(eq, have, probe))
            if fixed < 2 or agree == fixed or agree / (fixed - 1) < threshold:
                continue
            sim = agree / (fixed - 1)
            for i in compress(count(), map(ne, have, probe)):
                if have[i] != WILDCARD:
                    votes[i] = votes.get(i, 0) + 1
                    if i not in best or sim > best[i][0]:
                        best[i] = (sim, cluster)
        for i in sorted(votes):
            if votes[i] >= VARIED_AFTER:
                return best[i][1]
        return None

    @staticmethod
    def _group_keys(key: tuple[object, ...]) -> list[tuple[object, ...]]:
        """Per leading index of ``key``: the key of the clusters keyed alike but there."""
        if len(key) == 3:
            n, a, b = key
            return [(1, n, b), (2, n, a)]
        return [(j, *key[:j], *key[j + 1 :]) for j in range(1, len(key))]

    def _refile(self, cluster: _Cluster, key: tuple[object, ...]) -> None:
        """Index a cluster just generalised at a leading word under its new ``key``.

        It joins its new bucket and moves to the newest end of its groups, so that ``_varied``,
        which reads the newest clusters of a group, keeps finding it.
        """
        bucket = self._buckets.get(key)
        if bucket is None:
            self._buckets[key] = [cluster]
        elif cluster not in bucket:
            bucket.append(cluster)
        siblings = self._siblings
        for group_key in self._group_keys(key):
            group = siblings.get(group_key)
            if group is None:
                siblings[group_key] = [cluster]
                continue
            if cluster in group:
                group.remove(cluster)
            group.append(cluster)

    def _place(self, tokens: list[str], example: str) -> _Cluster:
        key = self._key(tokens)
        bucket = self._buckets.get(key)
        cluster = None
        if bucket is not None:
            cluster = self._best(bucket, _probe(tokens))
        if cluster is None:
            cluster = self._best_elsewhere(key, tokens)
        if cluster is None:
            siblings = self._siblings
            if len(key) == 3:
                # ``_group_keys`` inlined for the usual depth: every new template comes here.
                n, first, second = key
                group_keys: Sequence[tuple[object, ...]] = ((1, n, second), (2, n, first))
            else:
                # Lines of one token have no context to vary in: they are never grouped.
                group_keys = self._group_keys(key) if len(tokens) > 1 else ()
            groups = [siblings.get(group_key) for group_key in group_keys]
            many = bucket is not None and len(bucket) >= VARIED_AFTER
            for group in groups:
                if many or (group is not None and len(group) >= VARIED_AFTER):
                    many = True
                    break
            if many:
                cluster = self._varied(key, tokens, groups)
            if cluster is None:
                cluster = _Cluster(len(self._clusters) + 1, tokens, example[:EXAMPLE_CHARS])
                self._clusters.append(cluster)
                if bucket is None:
                    self._buckets[key] = [cluster]
                else:
                    bucket.append(cluster)
                for group_key, group in zip(group_keys, groups, strict=True):
                    if group is None:
                        siblings[group_key] = [cluster]
                    else:
                        group.append(cluster)
                return cluster
            before = self._key(cluster.tokens)
            self._merge(cluster.tokens, tokens)
            after = self._key(cluster.tokens)
            if after != before:
                # A leading word became ``<*>``: later values find the cluster by that key.
                self._refile(cluster, after)
            return cluster
        self._merge(cluster.tokens, tokens)
        return cluster

    @staticmethod
    def _merge(have: list[str], tokens: list[str]) -> None:
        """Generalise the template ``have`` to cover ``tokens`` (of the same length)."""
        # Positions that differ, found in C; a template ``<*>`` there stays as it is.
        for i in compress(count(), map(ne, have, tokens)):
            if have[i] != WILDCARD:
                have[i] = merge_tokens(have[i], tokens[i])
