"""Specification of the batch refinement: few-valued words stay part of the template."""

from __future__ import annotations

import pytest

from warroom.evidence.logs.miner import TemplateMiner
from warroom.evidence.logs.refine import RefinedTemplates, refine_templates


def test_refinement_keeps_an_enumerated_word_as_a_constant() -> None:
    lines = [f"Location icon should now be in state '{s}'" for s in ["Active", "Inactive"] * 5]
    assert set(refine_templates(lines)) == {
        "Location icon should now be in state 'Active'",
        "Location icon should now be in state 'Inactive'",
    }


def test_refinement_leaves_a_many_valued_word_variable() -> None:
    users = ["alice", "bob", "carol", "dave", "erin", "frank"]
    lines = [f"session opened for user {u} by cron" for u in users * 2]
    assert set(refine_templates(lines)) == {"session opened for user <*> by cron"}


def test_refinement_keeps_a_versioned_name_but_not_a_number() -> None:
    lines = [f"Failed password for root from 10.0.0.{i} port {4000 + i} ssh2" for i in range(6)]
    assert set(refine_templates(lines)) == {"Failed password for root from <*> port <*> ssh2"}


def test_refinement_treats_month_names_as_variables() -> None:
    lines = [f"connection at {m} {d} 10:00:0{d}" for m in ("Jun", "Jul") for d in range(1, 4)]
    assert set(refine_templates(lines)) == {"connection at <*> <*> <*>:<*>:<*>"}


def test_refinement_returns_one_template_per_line_in_order() -> None:
    lines = ["disk 1 full", "cache miss for key 7", "disk 2 full"]
    assert refine_templates(lines) == ["disk <*> full", "cache miss for key <*>", "disk <*> full"]


def test_refinement_reads_a_versioned_name_only_where_the_token_is_all_variable() -> None:
    lines = ["auth via ssh2 took=5"] * 2 + ["auth via ssh1 took=7"] * 2
    expected = ["auth via ssh2 took=<*>"] * 2 + ["auth via ssh1 took=<*>"] * 2
    assert refine_templates(lines) == expected


def test_refinement_closes_a_position_once_it_has_too_many_words() -> None:
    names = ["ann", "bob", "cid", "dan", "eve"]
    lines = [f"login by {n} done" for n in names for _ in range(2)]
    assert set(refine_templates(lines)) == {"login by <*> done"}


def test_texts_that_depend_on_their_line_are_read_from_it() -> None:
    lines = ["auth via ssh2 took=5"] * 2 + ["auth via ssh1 took=7"] * 2
    miner = TemplateMiner()
    groups = miner.add_batch(lines)
    refined = RefinedTemplates(miner)
    assert refined.reads_lines
    with pytest.raises(ValueError, match="depend on their line"):
        refined.fixed_texts()
    texts = refined.texts_by_group()
    assert {texts[g] for g in groups} == {None}
    assert [refined.text(g, m) for g, m in zip(groups, lines, strict=True)] == [
        "auth via ssh2 took=<*>",
        "auth via ssh2 took=<*>",
        "auth via ssh1 took=<*>",
        "auth via ssh1 took=<*>",
    ]


def test_fixed_texts_cover_every_group_when_no_line_is_read() -> None:
    lines = [f"state {s} at {i}" for i, s in enumerate(["up", "down"] * 3)]
    miner = TemplateMiner()
    groups = miner.add_batch(lines)
    refined = RefinedTemplates(miner)
    assert not refined.reads_lines
    fixed = refined.fixed_texts()
    assert [fixed[g] for g in groups] == [f"state {s} at <*>" for s in ["up", "down"] * 3]
