"""Variable masking for template mining, in the convention of Loghub-2.0's corrected templates.

A variable becomes ``<*>`` while the punctuation and structure around it stay, so
``/10.0.0.1:50010`` masks to ``<*>:<*>``, ``size=42`` to ``size=<*>`` and ``node-12`` to
``node-<*>``. The rules, applied to a whole line by a few compiled regular expressions (so a
line costs a handful of C-level passes, not a Python loop over its tokens):

1. a URL keeps its scheme: ``hdfs://host/x`` -> ``hdfs://<*>``;
2. an absolute path (``/`` at the start of a token or after an opening bracket, quote, ``=``
   or ``,``) is one variable up to the next separator (``:`` ``,`` ``;`` quotes, brackets);
3. a UUID is one variable;
4. an identifier that joins parts with ``_`` and holds a digit (``blk_-42``, ``task_01_m_3``)
   is one variable;
5. an e-mail address, and a hex run of eight or more letters, are variables;
6. any run of letters and digits that holds a digit is a variable (``42``, ``0x1f``, ``12ms``,
   ``v2``), with its sign when the sign starts the token;
7. variables joined only by ``.``, ``-``, ``_``, ``+`` or nothing merge into one (an IP, a
   version, a date, ``3.60GHz``); ``:`` and ``/`` stay, as the ground truth keeps them.

A logger location such as ``o.s.OrderServiceImpl#324`` keeps its line number: one source line
logs one statement. ``merge_tokens`` generalises two tokens seen at one template position to the
most specific token covering both (``user=root`` and ``user=bob`` -> ``user=<*>``).

``TokenMasker`` gives the same masks token by token, each remembered by the token's digit shape
(no rule reads a digit's value), and learns the new ones of many lines at once: the miner's
path. A change to a rule must keep ``mask_line`` and ``TokenMasker`` in agreement (the tests
check them against each other).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import chain

WILDCARD = "<*>"

_URL = re.compile(r"\b([A-Za-z][\w+.-]*)://[^\s,;'\")\]]*")
_PATH = re.compile(r"(?:^|(?<=[\s(\[='\",]))/[^\s,;:'\"()\[\]<>]+")
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b")
_UNDERSCORE_ID = re.compile(r"(?<![\w-])(?=[\w-]*_)(?=[\w-]*\d)[\w-]*\w")
_DIGITS = re.compile(r"(?:(?<![\w.<>*])[-+])?(?<![A-Za-z]#)(?<![\w])[A-Za-z0-9]*\d[A-Za-z0-9]*")
# ``_DIGITS`` split in two, each starting with something the engine finds fast (a word boundary,
# a sign): a run holding a digit, marked; then a sign right before a marked run, not after a
# word character, a dot or a ``<*>`` (a marked run counts as word characters there).
_RUN_MARK = "\x00"
_DIGIT_RUN = re.compile(r"\b(?<![A-Za-z]#)[A-Za-z0-9]*\d[A-Za-z0-9]*")
_SIGNED_RUN = re.compile(r"[-+](?<![\w.<>*\x00][-+])\x00")
_JOINED = re.compile(r"<\*>(?:[.\-_+]?<\*>)+")
# A dotted name right before ``:<port>`` is a host.
_HOST_PORT = re.compile(r"\b(?<![^\s(\[='\",/])[A-Za-z][\w-]*(?:\.[\w-]+)+(?=:<\*>)")
# A dotted name whose first label is a variable is a host: ``<*>.corp.example.com``.
_HOST_NAME = re.compile(r"<\*>(?:\.[A-Za-z][\w-]*){2,}")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Hex of eight or more letters a-f only (``deadbeefcafe``); shorter runs are English words.
_HEX_WORD = re.compile(r"\b[a-fA-F]{8,}\b")
# Eight hex letters in a row: where none is, ``_HEX_WORD`` cannot match (a fast scan).
_HEX_RUN = re.compile(r"[a-fA-F]{8}").search
_HAS_DIGIT = re.compile(r"\d")

# Characters that separate the parts of one token when two tokens are generalised.
_PARTS = re.compile(r"([^A-Za-z0-9<>*]+)")


def mask_line(line: str) -> str:
    """The line with its variables replaced by ``<*>``, separators kept."""
    if "/" in line:
        if "://" in line:
            line = _URL.sub(r"\1://<*>", line)
        line = _PATH.sub(WILDCARD, line)
    if "@" in line:
        line = _EMAIL.sub(WILDCARD, line)
    if _HAS_DIGIT.search(line) is None:
        return _HEX_WORD.sub(WILDCARD, line) if _HEX_RUN(line) else line
    if "-" in line:
        line = _UUID.sub(WILDCARD, line)
    if "_" in line:
        line = _UNDERSCORE_ID.sub(WILDCARD, line)
    line = mask_digit_runs(line)
    if line == WILDCARD:
        return line  # the usual whole-token variable: no rule below changes it
    if _HEX_RUN(line):
        line = _HEX_WORD.sub(WILDCARD, line)
    marks = line.count(WILDCARD)
    if marks:
        if marks > 1:
            line = _JOINED.sub(WILDCARD, line)
        if ":<*>" in line:
            line = _HOST_PORT.sub(WILDCARD, line)
        if "<*>." in line:
            line = _HOST_NAME.sub(WILDCARD, line)
    return line


def mask_digit_runs(line: str) -> str:
    """``_DIGITS.sub(WILDCARD, line)``, in two passes that scan faster: runs, then signs."""
    if _RUN_MARK in line:
        return _DIGITS.sub(WILDCARD, line)
    line = _DIGIT_RUN.sub(_RUN_MARK, line)
    if "-" in line or "+" in line:
        line = _SIGNED_RUN.sub(WILDCARD, line)
    return line.replace(_RUN_MARK, WILDCARD)


def merge_tokens(have: str, got: str) -> str:
    """The most specific token covering both: differing parts become ``<*>``, else all of it."""
    if have == got:
        return have
    if have == WILDCARD or got == WILDCARD:
        return WILDCARD
    a = _PARTS.split(have)
    b = _PARTS.split(got)
    # Keep the parts both share at the start and at the end; what lies between is one variable.
    limit = min(len(a), len(b))
    head = 0
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < limit - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    kept = a[:head] + [WILDCARD] + (a[len(a) - tail :] if tail else [])
    if not any(p.strip("<*>") for p in kept):
        return WILDCARD
    return _JOINED.sub(WILDCARD, "".join(kept))


# A token whose every part starts with a digit (``10.0.0.1``, ``-42``, ``3.60GHz``, ``12ms``),
# with brackets or punctuation around it: the common variable, masked without the full rules.
_NUMERIC_TOKEN = re.compile(
    r"([(\[{'\"]*)[-+]?\d[0-9A-Za-z]*(?:[._+-]\d[0-9A-Za-z]*)*([)\]}'\",;:.!?]*)"
).fullmatch
# A token that is an absolute path and nothing more (``_PATH`` would match all of it).
_PATH_TOKEN = re.compile(r"/[^\s,;:'\"()\[\]<>]+").fullmatch
# ``host.example.com:8080``: a dotted name of letters and ``-``, a port of digits.
_HOST_AND_PORT = re.compile(r"[A-Za-z][A-Za-z-]*(?:\.[A-Za-z-]+)+:\d+").fullmatch
_TOKEN_CACHE_LIMIT = 100_000
# ``digit_shape`` as a table, for hot loops that inline it.
SHAPE_TABLE = bytes.maketrans(b"123456789", b"000000000")
# The shape mask of a token whose mask keeps digits (``Impl#324``): masks are never empty.
KEEP = ""


def digit_shape(text: str) -> bytes:
    """``text`` with every ASCII digit made ``0``: texts of one shape mask alike."""
    return text.encode("utf-8", "surrogatepass").translate(SHAPE_TABLE)


class TokenMasker:
    """Masks a line token by token, as ``mask_line`` would, at a fraction of its cost.

    No rule spans whitespace, so a line's mask is its tokens' masks; and no rule looks at a
    digit's value, so a token masks as its digit shape does (``blk_-42`` as ``blk_-00``) unless
    its mask keeps digits (``Impl#324``: ``KEEP``, read from the token as written). Masks are
    remembered by shape, and unknown shapes are masked many at a time (``learn``). The memory
    held is bounded.
    """

    __slots__ = ("_by_shape", "_by_token", "keeps")

    def __init__(self) -> None:
        # Token shape -> mask, or ``KEEP`` where the mask keeps digits.
        self._by_shape: dict[str, str] = {WILDCARD: WILDCARD}
        # Tokens of a ``KEEP`` shape, as written, to their mask.
        self._by_token: dict[str, str] = {}
        self.keeps = False  # whether some shape held masks to ``KEEP``

    def tokens(self, line: str, limit: int) -> list[str]:
        """The masked tokens of ``line``; past ``limit`` tokens the rest is one ``<*>``."""
        masked = self.shape_tokens(digit_shape(line).decode("utf-8", "surrogatepass"), limit)
        if self.keeps and KEEP in masked:
            raw = line.split(None, limit)
            for i, m in enumerate(masked):
                if not m:
                    masked[i] = self.raw_mask(raw[i])
        return masked

    def shape_tokens(self, shape: str, limit: int) -> list[str]:
        """The masks of a line's digit shape (decoded), ``KEEP`` where the token decides."""
        words = shape.split(None, limit)
        if len(words) > limit:
            words[limit] = WILDCARD
        cache = self._by_shape
        try:
            return list(map(cache.__getitem__, words))
        except KeyError:
            self.learn(words)
            return list(map(cache.__getitem__, words))

    def shape_lines(self, text: str, limit: int) -> list[tuple[str, ...]]:
        """``shape_tokens`` of every line of ``text`` (digit shapes joined by newlines)."""
        rows = [shape.split(None, limit) for shape in text.split("\n")]
        for words in rows:
            if len(words) > limit:
                words[limit] = WILDCARD
        self.learn(chain.from_iterable(rows))
        mask = self._by_shape.__getitem__  # ``learn`` left every word in the cache
        return [tuple(map(mask, words)) for words in rows]

    def learn(self, words: Iterable[str]) -> None:
        """Remember the masks of token shapes ``words`` (all of them, whatever was held)."""
        cache = self._by_shape
        missing = set(words).difference(cache)
        if not missing:
            return
        if len(cache) + len(missing) > _TOKEN_CACHE_LIMIT:
            cache.clear()
            cache[WILDCARD] = WILDCARD
            self._by_token.clear()
            self.keeps = False
            missing = set(words)
        # Words of letters only, most of what is new: no rule but the hex one can apply, and
        # that one only when a hex run is there at all (a fast scan of them all tells).
        words_only = list(filter(str.isalpha, missing))
        if words_only and _HEX_RUN(" ".join(words_only)) is None:
            cache.update(zip(words_only, words_only, strict=True))
            missing.difference_update(words_only)
        keeps = False
        for word in missing:
            # Shapes write ASCII digits as ``0``: a word without one is most likely plain.
            if (
                "0" not in word
                and _NO_RULE(word)
                and (len(word) < 8 or _HEX_WORD.search(word) is None)
                and not word.isdigit()
            ):
                cache[word] = word
                continue
            masked = _mask(word)
            # Only a mask that hid every digit holds for the whole shape: one that kept digits
            # (``Impl#000``) depends on the token as written.
            if masked != WILDCARD and _HAS_DIGIT.search(masked) is not None:
                masked = KEEP
                keeps = True
            cache[word] = masked
        if keeps:
            self.keeps = True

    def raw_mask(self, token: str) -> str:
        """The mask of one token as written (for a token whose shape masks to ``KEEP``)."""
        by_token = self._by_token
        found = by_token.get(token)
        if found is None:
            if len(by_token) >= _TOKEN_CACHE_LIMIT:
                by_token.clear()
            found = by_token[token] = _mask(token)
        return found


# No digit, ``/`` or ``@``: no rule but the hex one applies (unless ``isdigit`` holds).
_NO_RULE = re.compile(r"[^\d/@]*+").fullmatch


def _mask(token: str) -> str:
    """``mask_line`` of one token, with the common numeric tokens answered by one match."""
    if token.isdigit():
        return WILDCARD
    numeric = _NUMERIC_TOKEN(token)
    if numeric is not None:
        return numeric.group(1) + WILDCARD + numeric.group(2)
    if token[0] == "/" and _PATH_TOKEN(token) is not None:
        return WILDCARD  # the path rule takes it whole, and nothing is left for the others
    if _HOST_AND_PORT(token) is not None and _HEX_RUN(token) is None:
        # Letters, ``-`` and dots, then ``:`` and digits: only the port is a digit run, and
        # the dotted name before ``:<*>`` is a host (no hex run: no UUID, no hex word).
        return "<*>:<*>"
    return mask_line(token)
