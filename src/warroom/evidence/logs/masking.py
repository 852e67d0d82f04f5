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
"""

from __future__ import annotations

import re

WILDCARD = "<*>"

_URL = re.compile(r"\b([A-Za-z][\w+.-]*)://[^\s,;'\")\]]*")
_PATH = re.compile(r"(?:^|(?<=[\s(\[='\",]))/[^\s,;:'\"()\[\]<>]+")
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b")
_UNDERSCORE_ID = re.compile(r"(?<![\w-])(?=[\w-]*_)(?=[\w-]*\d)[\w-]*\w")
_DIGITS = re.compile(r"(?:(?<![\w.<>*])[-+])?(?<![A-Za-z]#)(?<![\w])[A-Za-z0-9]*\d[A-Za-z0-9]*")
_JOINED = re.compile(r"<\*>(?:[.\-_+]?<\*>)+")
# A dotted name right before ``:<port>`` is a host.
_HOST_PORT = re.compile(r"(?<![^\s(\[='\",/])[A-Za-z][\w-]*(?:\.[\w-]+)+(?=:<\*>)")
# A dotted name whose first label is a variable is a host: ``<*>.corp.example.com``.
_HOST_NAME = re.compile(r"<\*>(?:\.[A-Za-z][\w-]*){2,}")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Hex of eight or more letters a-f only (``deadbeefcafe``); shorter runs are English words.
_HEX_WORD = re.compile(r"\b[a-fA-F]{8,}\b")
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
        return _HEX_WORD.sub(WILDCARD, line)
    if "-" in line:
        line = _UUID.sub(WILDCARD, line)
    if "_" in line:
        line = _UNDERSCORE_ID.sub(WILDCARD, line)
    line = _DIGITS.sub(WILDCARD, line)
    line = _HEX_WORD.sub(WILDCARD, line)
    if "<*>" in line:
        line = _JOINED.sub(WILDCARD, line)
        if ":<*>" in line:
            line = _HOST_PORT.sub(WILDCARD, line)
        if "<*>." in line:
            line = _HOST_NAME.sub(WILDCARD, line)
    return line


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
_TOKEN_CACHE_LIMIT = 100_000
# ``digit_shape`` as a table, for hot loops that inline it.
SHAPE_TABLE = bytes.maketrans(b"123456789", b"000000000")


def digit_shape(text: str) -> bytes:
    """``text`` with every ASCII digit made ``0``: texts of one shape mask alike."""
    return text.encode("utf-8", "surrogatepass").translate(SHAPE_TABLE)


class TokenMasker:
    """Masks a line token by token, as ``mask_line`` would, at a fraction of its cost.

    No rule spans whitespace, so a line's mask is its tokens' masks. Tokens without digits
    repeat (words, keys) and are remembered; numeric tokens take one C-level match; only the
    rest go through ``mask_line``. The memory held is bounded.
    """

    __slots__ = ("_cache", "_seen")

    def __init__(self) -> None:
        self._cache: dict[str, str] = {}
        # Tokens with digits, as written, to the mask ``_learn`` gave them: numbers and ids
        # recur (ports, small counts), and a lookup is cheaper than the rules. Emptied whenever
        # ``_cache`` is, so an answer here is always the one ``_learn`` would give again.
        self._seen: dict[str, str] = {}

    def tokens(self, line: str, limit: int) -> list[str]:
        """The masked tokens of ``line``; past ``limit`` tokens the rest is one ``<*>``."""
        tokens = line.split(None, limit)
        if len(tokens) > limit:
            tokens[limit] = WILDCARD
        known = self._cache.get
        seen = self._seen.get
        learn = self._learn
        # A masked token is never empty, so ``or`` falls through only on a cache miss.
        return [known(t) or seen(t) or learn(t) for t in tokens]

    def _learn(self, token: str) -> str:
        masked = self._mask(token)
        seen = self._seen
        if len(seen) >= _TOKEN_CACHE_LIMIT:
            seen.clear()
        seen[token] = masked
        return masked

    def _mask(self, token: str) -> str:
        if token.isdigit():
            return WILDCARD
        numeric = _NUMERIC_TOKEN(token)
        if numeric is not None:
            return numeric.group(1) + WILDCARD + numeric.group(2)
        cache = self._cache
        if len(cache) >= _TOKEN_CACHE_LIMIT:
            cache.clear()
            self._seen.clear()
        if _HAS_DIGIT.search(token) is None:
            masked = cache[token] = mask_line(token)
            return masked
        # No rule looks at a digit's value, so tokens of one shape whose digits are all masked
        # mask alike: ``blk_-42`` and ``blk_-97`` share ``blk_-00``.
        shape = digit_shape(token).decode("utf-8", "surrogatepass")
        known = cache.get(shape)
        if known is not None:
            return known
        masked = mask_line(token)
        # Only a mask that hid every digit holds for the whole shape: one that kept digits
        # (``Impl#324``, ``ssh2``) is this token's alone.
        if _HAS_DIGIT.search(masked) is None:
            cache[shape] = masked
        return masked
