"""Modules and service names: Spring config, build files, folders, nesting."""

from __future__ import annotations

import pytest

from warroom.assets.development.modules import find_modules, module_of


def modules_of(files: dict[str, str], service: str | None = None) -> dict[str, str]:
    found = find_modules(
        list(files),
        lambda p: files[p].encode() if p in files else None,
        "repo-folder",
        service,
    )
    return {m.root: m.service for m in found}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"application.properties": "spring.application.name=pay\n"}, {"": "pay"}),
        ({"src/main/resources/application.yml": "spring.application.name: flat\n"}, {"": "flat"}),
        (
            {"src/main/resources/application.yml": "spring:\n  application:\n    name: ${X}\n"},
            {"": "repo-folder"},
        ),
        (
            {
                "pom.xml": "<project><parent><artifactId>parent</artifactId></parent>"
                "<artifactId>orders</artifactId></project>"
            },
            {"": "orders"},
        ),
        ({"pyproject.toml": '[tool.poetry]\nname = "poetry-app"\n'}, {"": "poetry-app"}),
        ({"setup.cfg": "[metadata]\nname = cfg-app\n"}, {"": "cfg-app"}),
        ({"go.mod": "module github.com/acme/ledger/v3\n"}, {"": "ledger"}),
        ({"package.json": '{"name": "web-ui"}'}, {"": "web-ui"}),
        (
            {"build.gradle": "", "settings.gradle": "rootProject.name = 'gradle-app'\n"},
            {"": "gradle-app"},
        ),
        ({"pom.xml": "<project><broken>"}, {"": "repo-folder"}),
    ],
)
def test_service_name_sources(files: dict[str, str], expected: dict[str, str]) -> None:
    assert modules_of(files) == expected


def test_spring_name_wins_over_the_build_file_and_test_configs_are_ignored() -> None:
    files = {
        "pom.xml": "<project><artifactId>orders-app</artifactId></project>",
        "src/test/resources/application.yml": "spring:\n  application:\n    name: test-name\n",
        "src/main/resources/application.yml": "server:\n  port: 1\n---\n"
        "spring:\n  application:\n    name: orders\n",
    }
    assert modules_of(files) == {"": "orders"}


def test_multi_module_repository_has_a_service_per_module() -> None:
    files = {
        "pom.xml": "<project><artifactId>shop-parent</artifactId></project>",
        "orders/pom.xml": "<project><artifactId>orders</artifactId></project>",
        "orders/src/main/resources/application.yml": (
            "spring:\n  application:\n    name: order-svc\n"
        ),
        "payments/build.gradle": "",
        "payments/src/main/java/P.java": "",
    }
    found = {m.root: m for m in find_modules(list(files), lambda p: files[p].encode(), "shop")}
    assert {root: m.service for root, m in found.items()} == {
        "": "shop-parent",
        "orders": "order-svc",
        "payments": "payments",
    }
    assert module_of("orders/src/main/java/O.java", found).service == "order-svc"
    assert module_of("payments/src/main/java/P.java", found).service == "payments"
    assert module_of("README.md", found).service == "shop-parent"


def test_service_argument_overrides_everything() -> None:
    assert modules_of({"go.mod": "module x/y\n"}, service="given") == {"": "given"}
