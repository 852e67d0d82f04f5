"""The miner takes a word position for a variable once it has seen many values there."""

from __future__ import annotations

import random

import pytest

from warroom.evidence.logs import TemplateMiner
from warroom.evidence.logs.miner import VARIED_AFTER, WILDCARD


def _names(how_many: int, seed: int = 7) -> list[str]:
    """Distinct lower-case words (no digits: the masking leaves them as they are), shuffled."""
    rng = random.Random(seed)
    names: set[str] = set()
    while len(names) < how_many:
        names.add(
            "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
        )
    ordered = sorted(names)
    rng.shuffle(ordered)
    return ordered


@pytest.mark.parametrize(
    ("statement", "position"),
    [
        ("{} logged in now", 0),
        ("User {} logged in", 1),
        # Three tokens: two agreeing of three is under the similarity, so without the rule every
        # value would stay a template of its own in one bucket.
        ("Login for {}", 2),
    ],
)
def test_a_word_seen_with_thousands_of_values_becomes_a_wildcard(
    statement: str, position: int
) -> None:
    miner = TemplateMiner()
    ids = [miner.add(statement.format(name)) for name in _names(5_000)]
    templates = miner.templates()
    # The first values each make a template until there is evidence; then one takes them all.
    assert len(templates) <= VARIED_AFTER
    main = max(templates, key=lambda t: t.count)
    words = statement.format("x").split()
    words[position] = WILDCARD
    assert main.text == " ".join(words)
    assert main.count >= 5_000 - VARIED_AFTER
    assert ids[-1] == main.id


def test_fewer_values_than_the_evidence_threshold_stay_apart() -> None:
    miner = TemplateMiner()
    for name in _names(VARIED_AFTER - 1):
        miner.add(f"User {name} logged in")
    assert len(miner) == VARIED_AFTER - 1
    assert all(WILDCARD not in t.text for t in miner.templates())


def test_two_statements_sharing_first_word_and_length_stay_two() -> None:
    miner = TemplateMiner()
    names = _names(4_000)
    for one, other in zip(names[::2], names[1::2], strict=True):
        miner.add(f"User {one} logged in")
        miner.add(f"User {other} deleted file")
    big = sorted((t.text for t in miner.templates() if t.count > 100), key=len)
    assert big == ["User <*> logged in", "User <*> deleted file"]
    assert len(miner) <= 2 * VARIED_AFTER


def test_many_statements_with_one_first_word_and_length_are_not_merged() -> None:
    # Same first word and length, but no position where only one word differs: no evidence.
    words = _names(3 * 3 * VARIED_AFTER, seed=11)
    miner = TemplateMiner()
    statements = [" ".join(["Disk", *words[i : i + 3]]) for i in range(0, len(words), 3)]
    ids = [miner.add(line) for line in statements]
    assert len(set(ids)) == len(statements)
    assert all(WILDCARD not in t.text for t in miner.templates())


def test_a_short_statement_with_a_varying_word_keeps_its_constant_word() -> None:
    miner = TemplateMiner()
    for name in _names(200):
        miner.add(f"{name} started")
        miner.add(f"Stopping {name}")
    big = {t.text for t in miner.templates() if t.count > 100}
    assert big == {"<*> started", "Stopping <*>"}


def test_match_finds_the_generalised_template_without_learning() -> None:
    miner = TemplateMiner()
    for name in _names(50):
        miner.add(f"User {name} logged in")
    before = miner.templates()
    found = miner.match("User zzzzzzzzzz logged in")
    assert found is not None
    assert miner.template(found).text == "User <*> logged in"
    assert miner.templates() == before


@pytest.mark.parametrize("size", [1, 7, 64, 1_000])
def test_add_batch_gives_add_ids_while_positions_generalise(size: int) -> None:
    names = _names(3_000)
    lines = [
        f"User {name} logged in" if i % 3 else f"{name} joined channel ops"
        for i, name in enumerate(names)
    ]
    one, other = TemplateMiner(), TemplateMiner()
    ids = [one.add(line) for line in lines]
    batched = [
        group.template_id
        for start in range(0, len(lines), size)
        for group in other.add_batch(lines[start : start + size])
    ]
    assert batched == ids
    assert one.templates() == other.templates()
