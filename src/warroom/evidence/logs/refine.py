"""A second pass over mined lines: a word that takes only a few values is part of the template.

The streaming miner turns any position whose words differ into ``<*>``. Seen whole, a batch
tells more: a position where every line holds a plain word (no digits, nothing the masker
treats as a variable) and only a handful of distinct words each recur (``state 'Active'`` /
``state 'Inactive'``, ``from AUTO to SUSPENDED``) is an enumeration, which log authors write as
separate statements; a position with many words (user names, hosts) stays a variable. A
name with a version digit (``ssh2``, ``SOCKS5``) counts as a word here, while a month or
weekday name is always a variable (it belongs to a date written out in the message).

A caller may rely on: ``refine_templates`` returns one template text per input line; lines of
one refined text belong to one miner template; the miner's own templates are not changed. The
pass reads the miner's shape groups, so it works on a batch (the Loghub runner), not a stream.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from warroom.evidence.logs.masking import WILDCARD
from warroom.evidence.logs.miner import EXAMPLE_CHARS, ShapeGroup, TemplateMiner, first_line

# At most this many distinct words, each seen at least twice, make a position an enumeration.
MAX_ENUM_VALUES = 4
MIN_ENUM_COUNT = 2
_CALENDAR = frozenset(
    [
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)
_NAMED_WORD = re.compile(r"[A-Za-z]{2,}\d{1,2}").fullmatch


class RefinedTemplates:
    """Refined template texts for the shapes a miner holds; ``text`` answers per line."""

    def __init__(self, miner: TemplateMiner) -> None:
        templates = miner.template_words()
        self._plain = {tid: " ".join(words) for tid, words in templates.items()}
        groups = self._groups = miner.shapes()
        values: dict[tuple[int, int], dict[str, int]] = {}
        variable: set[tuple[int, int]] = set()
        named_at: list[list[int]] = []
        # Only positions where the template is variable can hold an enumeration.
        wild = {
            tid: [p for p, word in enumerate(words) if WILDCARD in word]
            for tid, words in templates.items()
        }
        sizes = {tid: len(words) for tid, words in templates.items()}
        # A position is closed once it can no longer be an enumeration (a variable was seen
        # there, or too many words): later shapes skip it, which leaves the result unchanged
        # (only enumerated positions are read below) and most shapes with nothing to do.
        open_at = {tid: list(positions) for tid, positions in wild.items()}
        no_names: list[int] = []
        for group in groups:
            tid, tokens = group.template_id, group.tokens
            positions = open_at[tid]
            if not positions or len(tokens) != sizes[tid]:
                named_at.append(no_names)
                continue
            named: list[int] = []
            named_at.append(named)
            # A whole example holds every word: a masked token that is more than ``<*>``
            # (``<*>ms``) cannot come from a versioned name, so its word need not be read.
            whole = len(group.example) < EXAMPLE_CHARS
            raw: list[str] | None = None
            count = group.count
            closed: list[int] = []
            for pos in positions:
                got = tokens[pos]
                if WILDCARD in got:
                    if whole and got != WILDCARD:
                        closed.append(pos)
                        continue
                    if raw is None:
                        # Words past the last open position are never read.
                        raw = group.example.split(None, positions[-1] + 1)
                    word = raw[pos] if pos < len(raw) else None
                    if word is None or not _NAMED_WORD(word):
                        closed.append(pos)
                        continue
                    # A protocol or device name with a version digit (``ssh2``, ``eth0``).
                    named.append(pos)
                    got = word
                elif got.rstrip(",").lower() in _CALENDAR:
                    closed.append(pos)  # part of a date written out in the message
                    continue
                counts = values.setdefault((tid, pos), {})
                counts[got] = counts.get(got, 0) + count
                if len(counts) > MAX_ENUM_VALUES:
                    closed.append(pos)
            if closed:
                variable.update((tid, pos) for pos in closed)
                open_at[tid] = [p for p in positions if p not in closed]
        enumerated = {
            key
            for key, counts in values.items()
            if key not in variable
            and len(counts) <= MAX_ENUM_VALUES
            and min(counts.values()) >= MIN_ENUM_COUNT
        }
        # Per shape: the refined text, or the template and positions to fill from the line.
        self._by_group: dict[ShapeGroup, str | tuple[list[str], list[int]]] = {}
        kept = {tid: [p for p in wild[tid] if (tid, p) in enumerated] for tid in templates}
        for group, named in zip(groups, named_at, strict=True):
            tid = group.template_id
            keep = kept[tid]
            if not keep or len(group.tokens) != sizes[tid]:
                continue
            template = templates[tid]
            refined = list(template)
            for pos in keep:
                refined[pos] = group.tokens[pos]
            from_line = [p for p in keep if p in named]
            self._by_group[group] = (refined, from_line) if from_line else " ".join(refined)

    def texts_by_group(self) -> dict[ShapeGroup, str | None]:
        """Every group's text, None where it depends on the line (see ``text``)."""
        return {
            group: (self._plain[group.template_id] if found is None else found)
            if not isinstance(found, tuple)
            else None
            for group, found in ((g, self._by_group.get(g)) for g in self._groups)
        }

    def text(self, group: ShapeGroup, message: str) -> str:
        """The refined template of a message, given the group ``add_grouped`` returned for it."""
        found = self._by_group.get(group)
        if found is None:
            return self._plain[group.template_id]
        if isinstance(found, str):
            return found
        refined, from_line = found
        words = first_line(message).split()
        filled = list(refined)
        for pos in from_line:
            filled[pos] = words[pos]
        return " ".join(filled)


def refine_templates(messages: Sequence[str]) -> list[str]:
    """Mine ``messages`` as one batch; per line, its template with enumerations kept."""
    miner = TemplateMiner()
    groups = miner.add_batch(messages)
    refined = RefinedTemplates(miner)
    texts = refined.texts_by_group()
    fixed = {group: text for group, text in texts.items() if text is not None}
    if len(fixed) == len(texts):
        return list(map(fixed.__getitem__, groups))  # no text depends on its line
    # Only groups with a versioned name kept (``ssh2``) need the line itself.
    return [
        text if (text := texts[g]) is not None else refined.text(g, m)
        for g, m in zip(groups, messages, strict=True)
    ]
