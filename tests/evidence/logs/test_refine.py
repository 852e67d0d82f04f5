"""Specification of the batch refinement: few-valued words stay part of the template."""

from __future__ import annotations

from warroom.evidence.logs.refine import refine_templates


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
