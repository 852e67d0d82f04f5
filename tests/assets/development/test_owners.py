"""CODEOWNERS: GitHub's pattern rules, last match wins, owners as graph node ids."""

from __future__ import annotations

import pytest

from warroom.assets.development.owners import CodeOwners, owner_node_id

_RULES = """
# comment line
*                       @org/platform
*.sql                   @org/dba
/src/orders/            @org/orders
src/orders/legacy/**    @old-timer
docs/*                  docs@example.com
apps/                   @org/apps
/src/orders/Generated.java
"""


@pytest.mark.parametrize(
    ("path", "owners"),
    [
        ("README.md", ("@org/platform",)),
        ("db/migrations/v1.sql", ("@org/dba",)),
        ("src/orders/OrderService.java", ("@org/orders",)),
        ("src/orders/schema.sql", ("@org/orders",)),  # the later, folder rule wins
        ("src/orders/legacy/a/b/Old.java", ("@old-timer",)),
        ("docs/guide.md", ("docs@example.com",)),
        ("docs/deep/guide.md", ("@org/platform",)),  # docs/* owns direct files only
        ("services/apps/x/main.go", ("@org/apps",)),  # apps/ matches at any depth
        ("src/orders/Generated.java", ()),  # a last match without owners leaves it unowned
        ("other/src/orders/X.java", ("@org/platform",)),  # /src/orders/ is anchored
    ],
)
def test_last_matching_rule_decides_the_owners(path: str, owners: tuple[str, ...]) -> None:
    assert CodeOwners.parse(_RULES).owners_of(path) == owners


def test_unanchored_file_pattern_matches_at_any_depth_and_folder_pattern_needs_a_folder() -> None:
    rules = CodeOwners.parse("Makefile @build\nlogs/ @ops\n")
    assert rules.owners_of("a/b/Makefile") == ("@build",)
    assert rules.owners_of("var/logs/today.txt") == ("@ops",)
    assert rules.owners_of("logs") == ()  # a file named logs is not the folder


def test_unsupported_patterns_are_reported_and_skipped() -> None:
    rules = CodeOwners.parse("* @a\n!keep.txt @b\n[Section]\n*.[ch] @c\n")
    assert [r.pattern for r in rules.rules] == ["*"]
    assert len(rules.problems) == 2
    assert "'!keep.txt'" in rules.problems[0]


def test_inline_comment_and_escaped_hash() -> None:
    rules = CodeOwners.parse("\\#notes.md @hash  # a trailing comment\n")
    assert rules.owners_of("#notes.md") == ("@hash",)


@pytest.mark.parametrize(
    ("owner", "node"),
    [
        ("@org/payments-team", "team:org/payments-team"),
        ("@alice", "person:alice"),
        ("Alice@Example.COM", "person:alice@example.com"),
    ],
)
def test_owner_node_ids_follow_the_graph_contract(owner: str, node: str) -> None:
    assert owner_node_id(owner) == node
