from __future__ import annotations

import shutil
from pathlib import Path

from warroom.assets.design import DesignKind, load_design
from warroom.domain.graph import EdgeKind, NodeKind

DATA = Path(__file__).parent / "data"


def test_a_design_folder_loads_every_kind_into_one_graph() -> None:
    index = load_design([DATA])

    assert index.errors == []
    assert {Path(f.path).name: f.kind for f in index.files} == {
        "order-api.yaml": DesignKind.OPENAPI,
        "schema.sql": DesignKind.DDL,
        "domain-en.md": DesignKind.DOMAIN,
        "domain-zh.md": DesignKind.DOMAIN,
        "pool-exhausted.md": DesignKind.CASES,
        "payment-oom.md": DesignKind.CASES,
    }
    assert index.stats["files_domain"] == 2
    assert index.stats["nodes_case"] == 2
    assert index.stats["nodes"] == len(index.fragment.nodes)


def test_the_same_endpoint_and_table_from_different_files_are_one_node() -> None:
    index = load_design([DATA])
    fragment = index.fragment

    endpoint = fragment.node("endpoint:GET /api/orders/{}")
    assert endpoint is not None
    # OpenAPI attributes survive the domain document's bare mention of the endpoint
    assert endpoint.attrs["operation_id"] == "getOrder"
    table = fragment.node("table:order_lines")
    assert table is not None and table.attrs["primary_key"] == ["id"]
    keys = {(e.src, e.kind, e.dst) for e in fragment.edges}
    assert ("service:order-service", EdgeKind.CONTAINS, "endpoint:GET /api/orders/{}") in keys
    assert ("endpoint:GET /api/orders/{}", EdgeKind.BELONGS_TO, "aggregate:Order") in keys
    assert ("entity:OrderLine", EdgeKind.MAPS_TO, "table:order_lines") in keys
    assert ("table:order_lines", EdgeKind.REFERENCES, "table:orders") in keys
    assert len([n for n in fragment.nodes if n.id == "aggregate:Order"]) == 1


def test_a_bad_file_is_reported_while_the_others_load(tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path / "design")
    (tmp_path / "design" / "broken.yaml").write_text("openapi: 3.0.0\npaths: {/a: [\n")
    (tmp_path / "design" / "latin1.sql").write_bytes(
        "CREATE TABLE caf\xe9 (a int);".encode("latin-1")
    )

    index = load_design([tmp_path / "design"])

    assert sorted(Path(e.path).name for e in index.errors) == ["broken.yaml", "latin1.sql"]
    assert {e.expected for e in index.errors} == {"valid YAML", "UTF-8 text"}
    assert index.fragment.node("endpoint:POST /api/orders") is not None
    assert index.fragment.node("table:payments") is not None
    assert index.stats["errors"] == 2


def test_unrecognised_files_are_ignored_in_folders_but_refused_when_named(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    notes = folder / "notes.txt"
    notes.write_text("nothing to see here\n")
    (folder / ".hidden.sql").write_text("CREATE TABLE secret (a int);")
    (folder / "t.sql").write_text("CREATE TABLE t (a int);")

    walked = load_design([folder])
    named = load_design([notes, tmp_path / "missing.yaml"])

    assert walked.ignored == [str(notes)]
    assert walked.errors == []
    assert [n.id for n in walked.fragment.nodes] == ["table:t"]
    assert [e.found for e in named.errors] == ["none of these", "nothing"]


def test_kind_is_sniffed_from_content_when_the_extension_says_nothing(tmp_path: Path) -> None:
    (tmp_path / "api.txt").write_text(
        "openapi: 3.0.0\ninfo: {title: x}\nx-service: s\npaths:\n  /p:\n    get: {}\n"
    )
    (tmp_path / "schema").write_text("create table t (a int);\n")
    (tmp_path / "cases.json").write_text('[{"title": "t", "root_cause": "c"}]')

    index = load_design([tmp_path])

    kinds = {Path(f.path).name: f.kind for f in index.files}
    assert kinds == {
        "api.txt": DesignKind.OPENAPI,
        "schema": DesignKind.DDL,
        "cases.json": DesignKind.CASES,
    }
    assert {n.kind for n in index.fragment.nodes} == {
        NodeKind.SERVICE,
        NodeKind.ENDPOINT,
        NodeKind.TABLE,
        NodeKind.CASE,
    }
