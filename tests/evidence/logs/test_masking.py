"""Specification of the token masker: token by token, by shape, as ``mask_line`` would."""

from __future__ import annotations

import pytest

from warroom.evidence.logs.masking import (
    _DIGITS,
    KEEP,
    WILDCARD,
    TokenMasker,
    digit_shape,
    mask_digit_runs,
    mask_line,
)

_LINES = [
    "Received block blk_-42 of size 67108864 from /10.250.19.102:54106",
    "session opened for user root by (uid=0)",
    "o.s.OrderServiceImpl#324 [Id: a6b2] took 12ms on node-12 and core.2275",
    "GET https://api.example.com/v1/items?id=7 -> 200, mail ops@example.com",
    "order 3f2a9c1e-1b2c-4d5e-9f00-123456789abc hash deadbeefcafe speed 3.60GHz at -4131,",
    "via ssh2 from host db1.example.com:5432 pid=-7 +3 x-1 a1-2 (-3) --4 eth0",
    "",
    "   ",
    "tab\tseparated\u00a0and\u2003odd spaces 42",
]


@pytest.mark.parametrize("line", _LINES)
def test_tokens_are_the_line_masked_whole_then_split(line: str) -> None:
    assert TokenMasker().tokens(line, 100) == mask_line(line).split()


def test_a_warm_masker_answers_as_a_cold_one() -> None:
    warm = TokenMasker()
    for line in _LINES:
        warm.tokens(line, 100)
    for line in _LINES:
        assert warm.tokens(line, 100) == TokenMasker().tokens(line, 100)


def test_tokens_past_the_limit_are_one_variable() -> None:
    assert TokenMasker().tokens("a b c d e f", 3) == ["a", "b", "c", WILDCARD]


def test_a_mask_that_keeps_digits_is_read_from_the_token_as_written() -> None:
    masker = TokenMasker()
    first = masker.tokens("at Impl#324 done", 10)
    second = masker.tokens("at Impl#325 done", 10)
    assert first == ["at", "Impl#324", "done"]
    assert second == ["at", "Impl#325", "done"]
    # By shape the token is undecided: the caller reads it from the line.
    assert masker.shape_tokens(digit_shape("at Impl#999 done").decode(), 10) == [
        "at",
        KEEP,
        "done",
    ]
    assert masker.keeps


def test_shape_lines_masks_many_shapes_at_once() -> None:
    masker = TokenMasker()
    shapes = ["user 00 logged in", "", "disk /dev/sda0 full at 00%"]
    assert masker.shape_lines("\n".join(shapes), 100) == [
        ("user", WILDCARD, "logged", "in"),
        (),
        ("disk", WILDCARD, "full", "at", "<*>%"),
    ]


def test_plain_words_stay_and_hex_words_go() -> None:
    masker = TokenMasker()
    masker.learn(["Connection", "refused", "deadbeefcafe", "façade", "x=", "²"])
    assert masker.shape_tokens("Connection refused deadbeefcafe façade x= ²", 10) == [
        "Connection",
        "refused",
        WILDCARD,
        "façade",
        "x=",
        WILDCARD,  # all digits to ``str.isdigit``, as the miner always took them
    ]


@pytest.mark.parametrize(
    "token",
    [
        "a1-2",
        "-5",
        "x=-5",
        "a.-5",
        "<*>-5",
        "-<*>",
        "a#12",
        "ab#-3",
        "+4e",
        "(-3)",
        "--4",
        "a-b-1",
        "٣",
        "a1٣",
        "-a1٣",
        "1.2.3-beta4",
        "v2+build7",
        "x\x00-1",
    ],
)
def test_digit_runs_are_masked_as_the_one_pass_rule_masks_them(token: str) -> None:
    assert mask_digit_runs(token) == _DIGITS.sub(WILDCARD, token)
    assert mask_digit_runs(f"see {token} here") == _DIGITS.sub(WILDCARD, f"see {token} here")


def test_signs_and_runs_keep_their_separators() -> None:
    assert mask_line("a1-2") == WILDCARD  # two runs joined by "-" merge
    assert mask_line("x=-5,") == "x=<*>,"
    assert mask_line("a.-5") == "a.-<*>"
    assert mask_line("Impl#324") == "Impl#324"


@pytest.mark.parametrize(
    "token",
    [
        "mail-attachment.googleusercontent.com:443",
        "a.b:1",
        "deadbeefcafe.example.com:80",
        "abcdefab-abcd-abcd-abcd-abcdefabcdef.x:1",
        "x..y:1",
        "a.b:1,",
        "ab-cd.ef:٣",
        "-a.b:2",
        "a.b.c",
        "/var/lib/x.log",
        "/a@b/c=d",
        "/x:1",
        "/",
        "//",
    ],
)
def test_tokens_with_a_shortcut_mask_as_the_rules_do(token: str) -> None:
    assert TokenMasker().tokens(token, 10) == mask_line(token).split()
