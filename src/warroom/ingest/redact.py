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
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

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
