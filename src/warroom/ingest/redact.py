"""Mask secrets and personal data in raw telemetry as it is ingested.

What is masked, each replaced by ``<redacted:KIND>`` with the rest of the line kept:

- ``private_key``: PEM private key blocks (``-----BEGIN ... PRIVATE KEY-----`` to its end)
- ``password``: the password of a connection string (``scheme://user:<redacted>@host``)
  and the value of ``password=`` / ``passwd:`` / ``pwd=`` / ``"password": "..."``
- ``jwt``: JSON Web Tokens (``eyJ...``.``eyJ...``.``...``)
- ``bearer``: the credential after ``Bearer``
- ``api_key``, ``token``, ``secret``: the value of ``api_key=`` / ``apikey:`` /
  ``x-api-key:``, ``token=`` / ``access_token=`` / ``auth_token=``, ``secret=`` /
  ``client_secret=``
- ``aws_key``: AWS access key ids (``AKIA`` / ``ASIA`` + 16)
- ``email``: e-mail addresses
- any extra ``{kind: regex}`` given to ``Redactor`` (the whole match is replaced)

A caller may rely on: a built-in pattern runs only on a line holding one of its hint
substrings (``key``, ``token``, ``@``, ``://`` ...), so a line with none of them (and no extra
patterns configured) costs a few substring tests (about 1.5 µs) and comes back unchanged; masking is
idempotent (masked text is never masked again).

``MaskingReader`` masks a byte stream the same way, line by line, as it is read (uploads on
their way into the blob store): memory stays bounded whatever the file size, binary content
passes through unchanged and is reported as such.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from warroom.ingest.records import Telemetry

_NOT_MASKED = r"(?!<redacted:)"
# A value ends at whitespace, a quote or a separator that starts the next field.
_VALUE = _NOT_MASKED + r"[^\s\"'&,;)\]}]+"

_ASSIGNED: list[tuple[str, str, tuple[str, ...]]] = [
    # kind, names, the lower-case substrings one of which a line must hold to match
    ("password", r"password|passwd|pwd", ("pass", "pwd")),
    ("api_key", r"x[_-]?api[_-]?key|api[_-]?key|apikey", ("key",)),
    ("token", r"access[_-]?token|auth[_-]?token|refresh[_-]?token|id[_-]?token|token", ("token",)),
    ("secret", r"client[_-]?secret|secret[_-]?key|secret", ("secret",)),
]


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    replacement: str
    # The rule runs only on a line whose lower-cased text holds one of these: a substring
    # test costs a fraction of a regex scan, and most log lines hold none of them.
    hints: tuple[str, ...]


_BUILT_IN: tuple[_Rule, ...] = (
    _Rule(
        "private_key",
        re.compile(
            r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)",
            re.DOTALL,
        ),
        "<redacted:private_key>",
        ("private key",),
    ),
    _Rule(
        "password",
        re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]{1,30}://[^\s:/@]+:)" + _NOT_MASKED + r"[^\s@/]+@"),
        r"\1<redacted:password>@",
        ("://",),
    ),
    _Rule(
        "jwt",
        re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"),
        "<redacted:jwt>",
        ("eyj",),
    ),
    _Rule(
        "bearer",
        re.compile(r"\b(bearer\s+)" + _NOT_MASKED + r"[A-Za-z0-9\-._~+/]+=*", re.IGNORECASE),
        r"\1<redacted:bearer>",
        ("bearer",),
    ),
    *(
        _Rule(
            kind,
            # name, then = or :, optionally quoted on either side (JSON, YAML, query strings)
            re.compile(
                r"(?<![A-Za-z0-9])((?:" + names + r")[\"']?\s*[=:]\s*[\"']?)" + _VALUE,
                re.IGNORECASE,
            ),
            rf"\1<redacted:{kind}>",
            hints,
        )
        for kind, names, hints in _ASSIGNED
    ),
    _Rule(
        "aws_key",
        re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
        "<redacted:aws_key>",
        ("akia", "asia"),
    ),
    _Rule(
        "email",
        re.compile(
            r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
            r"(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
        ),
        "<redacted:email>",
        ("@",),
    ),
)


@dataclass(frozen=True)
class Redactor:
    """The built-in patterns plus ``extra`` (``{kind: regex}``); raises ``ValueError`` naming
    the kind when an extra regex does not compile."""

    extra: Mapping[str, str] = field(default_factory=dict)
    _extra: tuple[tuple[re.Pattern[str], str], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        compiled = []
        for kind, pattern in self.extra.items():
            if not re.fullmatch(r"[A-Za-z0-9_.-]+", kind):
                raise ValueError(f"a redaction kind is a short name like 'ticket_id', got {kind!r}")
            try:
                compiled.append((re.compile(pattern), f"<redacted:{kind}>"))
            except re.error as exc:
                raise ValueError(
                    f"the extra redaction pattern for {kind!r} is not a valid regex ({exc}): "
                    f"{pattern!r}"
                ) from None
        object.__setattr__(self, "_extra", tuple(compiled))

    def text(self, text: str) -> str:
        """``text`` with every secret replaced by ``<redacted:KIND>``."""
        low = text.lower()
        for rule in _BUILT_IN:
            for hint in rule.hints:
                if hint in low:
                    text = rule.pattern.sub(rule.replacement, text)
                    break
        for pattern, replacement in self._extra:
            text = pattern.sub(replacement, text)
        return text

    def could_mask(self, text: str) -> bool:
        """False when ``text()`` would surely leave ``text`` unchanged (no rule's hint in it
        and no extra patterns): a cheap test before masking a large block line by line."""
        if self._extra:
            return True
        low = text.lower()
        return any(hint in low for rule in _BUILT_IN for hint in rule.hints)

    def telemetry(self, telemetry: Telemetry) -> Telemetry:
        """Mask, in place, every log message, span operation and attribute, and the text of
        every ingest error (which may quote a line); returns ``telemetry``."""
        mask = self.text
        for record in telemetry.logs:
            record.message = mask(record.message)
        for span in telemetry.spans:
            span.operation = mask(span.operation)
            if span.attributes:
                span.attributes = {k: mask(v) for k, v in span.attributes.items()}
        for error in telemetry.errors:
            error.found = mask(error.found)
        return telemetry


_default = Redactor()


def default_redactor() -> Redactor:
    """The redactor ingest uses: the built-ins, plus extras set by ``set_default_redactor``."""
    return _default


def set_default_redactor(redactor: Redactor) -> None:
    """Use ``redactor`` for all ingest in this process from now on (an app factory sets it)."""
    global _default
    _default = redactor


def redact_text(text: str) -> str:
    """``text`` masked by the default redactor."""
    return _default.text(text)


def redact_telemetry(telemetry: Telemetry) -> Telemetry:
    """``telemetry`` masked in place by the default redactor; returns it."""
    return _default.telemetry(telemetry)


# ---------------------------------------------------------------- streams (uploads at rest)

SNIFF_BYTES = 8192
MAX_LINE_BYTES = 1 << 20
_READ_BYTES = 1 << 20
_MARK = "<redacted:"
_BEGIN_KEY = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")
_END_KEY = re.compile(r"-----END [A-Z0-9 ]*PRIVATE KEY-----")
# Bytes that are neither printable nor ordinary whitespace (tab, LF, VT, FF, CR, ESC).
_CONTROL = frozenset(range(32)) - {9, 10, 11, 12, 13, 27}


def looks_binary(head: bytes) -> bool:
    """Whether the first bytes of a file look like binary content rather than text: a NUL
    byte, or more than 30 % of the bytes invalid UTF-8 or control characters (text in a
    legacy encoding, a few accented letters in every line, still counts as text)."""
    if not head:
        return False
    if b"\x00" in head:
        return True
    bad = head.decode("utf-8", errors="replace").count("\ufffd")
    bad += sum(1 for byte in head if byte in _CONTROL)
    return bad > len(head) * 0.3


def _soft_cut(buffer: bytearray, limit: int) -> int:
    """Where to split a line longer than ``limit``: after its last comma before the limit
    (JSON and CSV fields end there, secrets rarely do), else after whitespace, else at the
    limit (moved back to a UTF-8 character boundary)."""
    for separator in (b",", b" ", b"\t"):
        at = buffer.rfind(separator, limit // 2, limit)
        if at >= 0:
            return at + 1
    cut = limit
    while cut > 0 and buffer[cut] & 0xC0 == 0x80:
        cut -= 1
    return cut or limit


class StreamMasker:
    """Masks a byte stream fed in pieces of any size, line by line, with ``redactor``.

    The first ``SNIFF_BYTES`` decide whether the stream is text (``looks_binary``); binary
    content passes through unchanged (``binary`` is then True). Text is decoded as UTF-8
    (undecodable bytes pass through as they are), each complete line is masked with
    ``Redactor.text``, and a PEM private key block spanning lines is dropped after its
    ``<redacted:private_key>`` mark, up to and including its END line. A line longer than
    ``max_line_bytes`` is masked in pieces split at a comma or whitespace (``_soft_cut``): a
    secret cut in two there may be missed. Memory stays under about ``max_line_bytes`` plus
    one fed piece. ``replaced``: how many secrets were masked.
    """

    def __init__(
        self, redactor: Redactor | None = None, *, max_line_bytes: int = MAX_LINE_BYTES
    ) -> None:
        if max_line_bytes < 2:
            raise ValueError(f"max_line_bytes must be at least 2, got {max_line_bytes}")
        self.redactor = redactor or default_redactor()
        self.max_line_bytes = max_line_bytes
        self.binary: bool | None = None  # None until enough bytes were seen to tell
        self.replaced = 0
        self._pending = bytearray()
        self._in_key = False

    @property
    def buffered(self) -> int:
        """Bytes held back, waiting for the end of their line."""
        return len(self._pending)

    def feed(self, chunk: bytes) -> bytes:
        """The masked bytes that ``chunk`` completes (possibly none yet)."""
        if self.binary:
            return chunk
        self._pending += chunk
        if self.binary is None:
            if len(self._pending) < SNIFF_BYTES:
                return b""
            self.binary = looks_binary(bytes(self._pending[:SNIFF_BYTES]))
        return self._drain(final=False)

    def finish(self) -> bytes:
        """The rest of the stream, masked; call once, after the last ``feed``."""
        if self.binary is None:
            self.binary = looks_binary(bytes(self._pending[:SNIFF_BYTES]))
        return self._drain(final=True)

    def _drain(self, *, final: bool) -> bytes:
        pending = self._pending
        if self.binary:
            out = bytes(pending)
            pending.clear()
            return out
        parts: list[bytes] = []
        while pending:
            cut = pending.rfind(b"\n") + 1
            if cut == 0:
                if final:
                    cut = len(pending)
                elif len(pending) > self.max_line_bytes:
                    cut = _soft_cut(pending, self.max_line_bytes)
                else:
                    break
            block = bytes(pending[:cut])
            del pending[:cut]
            parts.append(self._mask_block(block))
        return b"".join(parts)

    def _mask_block(self, block: bytes) -> bytes:
        text = block.decode("utf-8", errors="surrogateescape")
        if not self._in_key and not self.redactor.could_mask(text):
            return block
        masked = "".join(self._mask_line(line) for line in text.splitlines(keepends=True))
        return masked.encode("utf-8", errors="surrogateescape")

    def _mask_line(self, line: str) -> str:
        body = line.rstrip("\r\n")
        end = line[len(body) :]
        if self._in_key:
            closing = _END_KEY.search(body)
            if closing is None:
                return ""  # inside a private key block
            self._in_key = False
            body = body[closing.end() :]
            if not body.strip():
                return ""
        masked = self.redactor.text(body)
        if masked != body:
            self.replaced += masked.count(_MARK) - body.count(_MARK)
        if "PRIVATE KEY-----" in body:
            opened = [m.end() for m in _BEGIN_KEY.finditer(body)]
            if opened and _END_KEY.search(body, opened[-1]) is None:
                self._in_key = True
        return masked + end


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class MaskingReader:
    """A binary reader over ``source`` that yields its content masked by a ``StreamMasker``
    (``masker``: its ``binary`` and ``replaced`` are final once ``read`` returned b"")."""

    def __init__(self, source: Readable, masker: StreamMasker | None = None) -> None:
        self.source = source
        self.masker = masker or StreamMasker()
        self._out = bytearray()
        self._done = False

    def read(self, size: int = -1, /) -> bytes:
        while not self._out and not self._done:
            chunk = self.source.read(_READ_BYTES)
            if chunk:
                self._out += self.masker.feed(chunk)
            else:
                self._out += self.masker.finish()
                self._done = True
        if size < 0 or size >= len(self._out):
            out = bytes(self._out)
            self._out.clear()
        else:
            out = bytes(self._out[:size])
            del self._out[:size]
        return out
