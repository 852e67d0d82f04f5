"""Secrets and e-mail addresses are masked as telemetry is ingested."""

from __future__ import annotations

import gzip
import io
import json
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from warroom.config import Settings
from warroom.flows.investigation import InvestigationRequest, investigate
from warroom.ingest import load_paths, parse_text
from warroom.ingest.redact import (
    MaskingReader,
    Redactor,
    StreamMasker,
    default_redactor,
    set_default_redactor,
)
from warroom.report import report_json
from warroom.samples import load_sample_manifest, sample_path

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVl"
SECRETS = {
    "bearer": ("Authorization: Bearer abcDEF123.xyz", "abcDEF123"),
    "jwt": (f"session {JWT} refreshed", JWT),
    "api_key": ("GET /v1/items?api-key=k3y-v4lue-99&page=2 200", "k3y-v4lue-99"),
    "token": ("refresh with access_token=tok_9f8e7d6c5b", "tok_9f8e7d6c5b"),
    "aws_key": ("assumed role with AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    "private_key": (
        "loaded -----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----",
        "MIIEpAIBAAKCAQEA7",
    ),
    "password": ("login failed password=hunter2! for user 7", "hunter2!"),
    "email": ("reset mail sent to jane.doe+ops@example.co.uk", "jane.doe+ops@example.co.uk"),
}


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_each_kind_of_secret_is_masked_keeping_the_rest_of_the_line(kind: str) -> None:
    line, secret = SECRETS[kind]
    masked = Redactor().text(line)
    assert secret not in masked
    assert f"<redacted:{kind}>" in masked
    assert masked.split("<redacted:")[0] == line.split(secret)[0].removesuffix(
        "-----BEGIN RSA PRIVATE KEY-----\n"
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("passwd: s3cret", "passwd: <redacted:password>"),
        ("pwd=abc", "pwd=<redacted:password>"),
        (
            '{"password": "p@ss w", "user": "u1"}',
            '{"password": "<redacted:password> w", "user": "u1"}',
        ),
        (
            "dsn postgres://app:s3cr3t@db:5432/shop",
            "dsn postgres://app:<redacted:password>@db:5432/shop",
        ),
        ("X-API-Key: wr_abc_def", "X-API-Key: <redacted:api_key>"),
        ("client_secret=xyz&grant=1", "client_secret=<redacted:secret>&grant=1"),
        (f"Authorization: Bearer {JWT}", "Authorization: Bearer <redacted:jwt>"),
    ],
)
def test_assignments_and_connection_strings_keep_their_names(line: str, expected: str) -> None:
    assert Redactor().text(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "2026-03-14 13:30:03.964  INFO 1 --- [exec-2] c.s.OrderController : GET /api/orders/1 200",
        "Charging order=ord-10001 amount=23.32 EUR idempotencyKey=50353d629af79c65",
        "generated max_tokens=100 in 12ms; cache key=user:42 evicted",
        "java.lang.NullPointerException at com.shop.Cart.total(Cart.java:42)",
        "password reset requested for user 42",
        "connecting to http://inventory:8080/health",
    ],
)
def test_ordinary_log_lines_are_untouched(line: str) -> None:
    assert Redactor().text(line) == line


def test_masking_twice_changes_nothing() -> None:
    redactor = Redactor()
    for line, _ in SECRETS.values():
        once = redactor.text(line)
        assert redactor.text(once) == once


def test_extra_patterns_are_masked_by_their_kind() -> None:
    redactor = Redactor(extra={"customer_id": r"\bCUST-\d{6}\b"})
    assert redactor.text("refund for CUST-123456 ok") == "refund for <redacted:customer_id> ok"


def test_a_bad_extra_pattern_is_refused_naming_its_kind() -> None:
    with pytest.raises(ValueError, match="'ticket'"):
        Redactor(extra={"ticket": "(unclosed"})


@pytest.fixture
def restore_default() -> Iterator[None]:
    before = default_redactor()
    yield
    set_default_redactor(before)


def test_ingest_masks_files_and_pasted_text(tmp_path: Path, restore_default: None) -> None:
    set_default_redactor(Redactor(extra={"ticket": r"TCK-\d+"}))
    log = tmp_path / "api.log"
    log.write_text(
        "2026-03-14 13:30:00 ERROR auth failed for bob@example.com token=abc123 TCK-77\n"
        "2026-03-14 13:30:01 INFO all good\n"
    )
    loaded = load_paths([log])
    assert [r.message for r in loaded.logs] == [
        "auth failed for <redacted:email> token=<redacted:token> <redacted:ticket>",
        "all good",
    ]
    pasted = parse_text("2026-03-14 13:30:00 ERROR db postgres://u:pw1@db/x down")
    assert pasted.logs[0].message == "db postgres://u:<redacted:password>@db/x down"


def test_span_attributes_are_masked(tmp_path: Path) -> None:
    doc = {
        "data": [
            {
                "traceID": "t1",
                "spans": [
                    {
                        "traceID": "t1",
                        "spanID": "s1",
                        "operationName": "GET /login?token=abc999",
                        "startTime": 1773495000000000,
                        "duration": 1000,
                        "processID": "p1",
                        "tags": [{"key": "http.url", "type": "string", "value": "/x?api_key=zz9"}],
                        "references": [],
                    }
                ],
                "processes": {"p1": {"serviceName": "web"}},
            }
        ]
    }
    path = tmp_path / "traces.json"
    path.write_text(json.dumps(doc))
    spans = load_paths([path]).spans
    assert spans, "the Jaeger document should load"
    assert "abc999" not in spans[0].operation
    assert all("zz9" not in v for v in spans[0].attributes.values())


def _request(root: Path) -> InvestigationRequest:
    manifest = load_sample_manifest()
    return InvestigationRequest(
        paths=[root / "logs", root / "metrics", root / "traces"],
        alert_time=datetime.fromisoformat(manifest["alert_time"].replace("Z", "+00:00")),
        window=timedelta(minutes=30),
        metadata={"teams": manifest["teams"]},
    )


async def test_sample_verdict_is_unchanged_and_an_injected_secret_reaches_no_output(
    tmp_path: Path,
) -> None:
    root = tmp_path / "sample"
    shutil.copytree(sample_path(), root)
    log = sorted((root / "logs").glob("*.log"))[0]
    lines = log.read_text().splitlines(True)
    # The header of a real line, with a secret-bearing message.
    head = lines[len(lines) // 2].split(" : ")[0]
    secret = "Sup3rS3cretValue"
    lines.insert(
        len(lines) // 2, f"{head} : retry db login password={secret} for ops@corp.example\n"
    )
    log.write_text("".join(lines))

    settings = Settings(data_dir=tmp_path / "data", database_url=None)
    clean = (await investigate(_request(sample_path()), settings=settings)).report
    dirty = await investigate(_request(root), settings=settings)
    report = dirty.report
    assert report.verdict.component == clean.verdict.component
    assert report.verdict.fault_type == clean.verdict.fault_type
    assert [s.component for s in report.ranking[:5]] == [s.component for s in clean.ranking[:5]]
    everything = json.dumps(report_json(report)) + report.model_dump_json()
    assert secret not in everything
    assert "ops@corp.example" not in everything


# ---------------------------------------------------------------- streams (uploads at rest)


def _stream(data: bytes, pieces: list[int], **options: int) -> tuple[bytes, StreamMasker]:
    """``data`` fed to a ``StreamMasker`` in pieces of the given sizes, in turn."""
    masker = StreamMasker(**options)
    out, at, n = [], 0, 0
    while at < len(data):
        size = pieces[n % len(pieces)]
        out.append(masker.feed(data[at : at + size]))
        at, n = at + size, n + 1
    out.append(masker.finish())
    return b"".join(out), masker


def test_a_stream_fed_in_any_pieces_is_masked_line_by_line() -> None:
    lines = [line for line, _ in SECRETS.values() if "PRIVATE KEY" not in line]
    lines += ["2026-03-14 14:00:00 INFO ok", "naïve café ünïcode line with mail ü@exämple.com"]
    text = "\n".join(lines * 40) + "\n"
    expected = "".join(Redactor().text(line) + "\n" for line in lines * 40).encode()
    for pieces in ([1], [3, 7, 1], [4096], [1 << 20]):
        masked, masker = _stream(text.encode(), pieces)
        assert masked == expected, pieces
        assert masker.binary is False
        assert masker.replaced == 40 * (len(SECRETS) - 1)
    for _, secret in SECRETS.values():
        assert secret.encode() not in masked


def test_a_private_key_block_spanning_lines_is_dropped_up_to_its_end() -> None:
    data = (
        b"boot\nloaded -----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\nQk9HVVNLRVk=\n"
        b"-----END RSA PRIVATE KEY----- done\nnext line\n"
    )
    masked, masker = _stream(data, [5])
    assert masked == b"boot\nloaded <redacted:private_key>\n done\nnext line\n"
    assert masker.replaced == 1


def test_binary_content_passes_through_unchanged_and_is_reported() -> None:
    raw = gzip.compress(b"password=hunter2\n" * 1000)
    masked, masker = _stream(raw, [100])
    assert masked == raw
    assert masker.binary is True and masker.replaced == 0


def test_undecodable_bytes_and_line_endings_are_kept_as_they_are() -> None:
    data = b"caf\xe9 token=abc\r\nplain\xff\xfe line\rlast line no newline"
    masked, _ = _stream(data, [2])
    assert masked == b"caf\xe9 token=<redacted:token>\r\nplain\xff\xfe line\rlast line no newline"


def test_a_line_longer_than_the_limit_is_masked_in_pieces_with_bounded_memory() -> None:
    record = b'{"user": "a@example.com", "password": "hunter2", "n": 1}'
    data = b"[" + b",".join([record] * 20_000) + b"]\n"  # one line of about 1.2 MB
    masker = StreamMasker(max_line_bytes=64 * 1024)
    out = []
    peak = 0
    for at in range(0, len(data), 4096):
        out.append(masker.feed(data[at : at + 4096]))
        peak = max(peak, masker.buffered)
    out.append(masker.finish())
    masked = b"".join(out)
    assert peak <= 64 * 1024 + 4096
    assert b"hunter2" not in masked and b"a@example.com" not in masked
    assert masker.replaced == 40_000
    assert json.loads(masked)[0] == {
        "user": "<redacted:email>",
        "password": "<redacted:password>",
        "n": 1,
    }


def test_masking_reader_serves_reads_of_any_size() -> None:
    data = b"".join(f"line {n} token=t{n}\n".encode() for n in range(5000))
    reader = MaskingReader(io.BytesIO(data))
    chunks = []
    while chunk := reader.read(777):
        assert len(chunk) <= 777
        chunks.append(chunk)
    assert b"".join(chunks) == b"".join(
        f"line {n} token=<redacted:token>\n".encode() for n in range(5000)
    )
    assert reader.masker.replaced == 5000


def test_extra_patterns_apply_to_streams(restore_default: None) -> None:
    set_default_redactor(Redactor(extra={"ticket": r"TCK-\d+"}))
    masked, masker = _stream(b"see TCK-42 now\n" * 3, [7])
    assert masked == b"see <redacted:ticket> now\n" * 3 and masker.replaced == 3
