"""Specification of the Loghub-2.0 scores on hand-made parses with known answers."""

from __future__ import annotations

import pytest

from warroom.bench.parsing_scores import ParsingScores, score_parsing


def test_perfect_parse_scores_one_everywhere() -> None:
    truth = ["a <*>", "a <*>", "b", "c <*> d"]
    assert score_parsing(truth, list(truth)) == ParsingScores(1.0, 1.0, 1.0, 1.0)


def test_all_lines_in_one_true_group_parsed_as_one_group() -> None:
    truth = ["x <*>"] * 5
    scores = score_parsing(truth, ["x y"] * 5)
    # Grouping is perfect, strings are all wrong.
    assert scores == ParsingScores(1.0, 1.0, 0.0, 0.0)


def test_all_singletons_parsed_as_one_group_scores_nothing() -> None:
    truth = ["a", "b", "c", "d"]
    assert score_parsing(truth, ["<*>"] * 4) == ParsingScores(0.0, 0.0, 0.0, 0.0)


def test_merged_pair_loses_both_groups() -> None:
    truth = ["a <*>", "a <*>", "b <*>", "c"]
    parsed = ["<*> <*>", "<*> <*>", "<*> <*>", "c"]
    scores = score_parsing(truth, parsed)
    assert scores.ga == pytest.approx(0.25)
    # One correct group of two parsed and three true: PGA 1/2, RGA 1/3.
    assert scores.fga == pytest.approx(2 * (1 / 2) * (1 / 3) / (1 / 2 + 1 / 3))
    assert scores.pa == pytest.approx(0.25)
    assert scores.fta == pytest.approx(scores.fga)


def test_over_split_group_loses_its_lines() -> None:
    truth = ["a <*>", "a <*>", "a <*>", "b"]
    parsed = ["a <*>", "a <*>", "a 3", "b"]
    scores = score_parsing(truth, parsed)
    assert scores.ga == pytest.approx(0.25)
    # Three parsed groups, one correct; two true groups.
    assert scores.fga == pytest.approx(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2))
    # Line-level PA still credits the two lines whose string is exact.
    assert scores.pa == pytest.approx(0.75)
    assert scores.fta == pytest.approx(scores.fga)


def test_string_mismatch_with_right_group_counts_for_grouping_only() -> None:
    truth = ["open <*>", "open <*>", "close"]
    parsed = ["open /tmp/<*>", "open /tmp/<*>", "close"]
    scores = score_parsing(truth, parsed)
    assert scores.ga == 1.0
    assert scores.fga == 1.0
    assert scores.pa == pytest.approx(1 / 3)
    assert scores.fta == pytest.approx(0.5)


def test_mismatched_lengths_are_refused_with_advice() -> None:
    with pytest.raises(ValueError, match="one parsed template per true line"):
        score_parsing(["a"], [])


def test_empty_input_scores_zero() -> None:
    assert score_parsing([], []) == ParsingScores(0.0, 0.0, 0.0, 0.0)
