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
from itertools import compress, count, repeat
from operator import contains
from typing import cast

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
        named_at: dict[ShapeGroup, list[int]] = {}
        # Only positions where the template is variable can hold an enumeration. A position is
        # closed once it can no longer be one (a variable was seen there, or too many words):
        # later shapes skip it, which leaves the result unchanged (only enumerated positions
        # are read below) and most shapes with nothing to do. A template with no position left
        # open is dropped. A group's tokens are as many as its template's (clusters are keyed
        # by token count), so positions carry over.
        open_at: dict[int, list[int]] = {}
        for tid, words in templates.items():
            if WILDCARD in self._plain[tid]:
                open_at[tid] = list(compress(count(), map(contains, words, repeat(WILDCARD))))
        still_open = open_at.get
        for group in groups:
            positions = still_open(group.template_id)
            if positions is None:
                continue
            tid, tokens = group.template_id, group.tokens
            named: list[int] = []
            # A whole example holds every word: a masked token that is more than ``<*>``
            # (``<*>ms``) cannot come from a versioned name, so its word need not be read.
            whole = len(group.example) < EXAMPLE_CHARS
            raw: list[str] | None = None
            weight = group.count
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
                counts[got] = counts.get(got, 0) + weight
                if len(counts) > MAX_ENUM_VALUES:
                    closed.append(pos)
            if named:
                named_at[group] = named
            if closed:
                variable.update(zip(repeat(tid), closed))
                if len(closed) == len(positions):
                    del open_at[tid]  # the usual case: the template's first shape closes all
                else:
                    open_at[tid] = [p for p in positions if p not in closed]
        kept: dict[int, list[int]] = {}
        for key, counts in sorted(values.items()):
            if (
                key not in variable
                and len(counts) <= MAX_ENUM_VALUES
                and min(counts.values()) >= MIN_ENUM_COUNT
            ):
                kept.setdefault(key[0], []).append(key[1])
        # Per shape: the refined text, or the template and positions to fill from the line.
        self._by_group: dict[ShapeGroup, str | tuple[list[str], list[int]]] = {}
        self._reads_lines = False
        if not kept:
            return
        for group in groups:
            keep = kept.get(group.template_id)
            if keep is None:
                continue
            refined = list(templates[group.template_id])
            for pos in keep:
                refined[pos] = group.tokens[pos]
            named = named_at.get(group, [])
            from_line = [p for p in keep if p in named]
            if from_line:
                self._by_group[group] = (refined, from_line)
                self._reads_lines = True
            else:
                self._by_group[group] = " ".join(refined)

    @property
    def reads_lines(self) -> bool:
        """Whether some text depends on its line (a versioned name kept): see ``text``."""
        return self._reads_lines

    def texts_by_group(self) -> dict[ShapeGroup, str | None]:
        """Every group's text, None where it depends on the line (see ``text``)."""
        texts: dict[ShapeGroup, str | None] = dict(self._fixed())
        for group, found in self._by_group.items():
            if not isinstance(found, str):
                texts[group] = None
        return texts

    def fixed_texts(self) -> dict[ShapeGroup, str]:
        """Every group's text, when none depends on its line (``reads_lines`` is false)."""
        if self._reads_lines:
            raise ValueError("some texts depend on their line; use texts_by_group and text")
        return self._fixed()

    def _fixed(self) -> dict[ShapeGroup, str]:
        plain = self._plain
        texts = {g: plain[g.template_id] for g in self._groups}
        for group, found in self._by_group.items():
            if isinstance(found, str):
                texts[group] = found
        return texts

    def text(self, group: ShapeGroup, message: str) -> str:
        """The refined template of a message, given the group ``add_grouped`` returned for it."""
        found = self._by_group.get(group)
        if found is None:
            return self._plain[group.template_id]
        if isinstance(found, str):
            return found
        refined, from_line = found
        words = first_line(message).split(None, from_line[-1] + 1)
        filled = list(refined)
        for pos in from_line:
            filled[pos] = words[pos]
        return " ".join(filled)


def refine_templates(messages: Sequence[str]) -> list[str]:
    """Mine ``messages`` as one batch; per line, its template with enumerations kept."""
    miner = TemplateMiner()
    groups = miner.add_batch(messages)
    refined = RefinedTemplates(miner)
    if not refined.reads_lines:
        return list(map(refined.fixed_texts().__getitem__, groups))
    texts = refined.texts_by_group()
    out = list(map(texts.__getitem__, groups))
    # Only groups with a versioned name kept (``ssh2``) need the line itself.
    at = -1
    try:
        while True:
            at = out.index(None, at + 1)
            out[at] = refined.text(groups[at], messages[at])
    except ValueError:
        pass  # no line left without its text
    return cast(list[str], out)  # every None was filled above
