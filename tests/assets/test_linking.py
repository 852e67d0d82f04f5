"""Stack frames and log findings land on the right method, line, commit and team."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.assets.repos import Author, GitWriter, SampleRepo, build_java_repo, build_python_repo
from warroom.assets.development import RepoIndex, index_repository
from warroom.assets.linking import link_evidence, parse_frame, resolve_frame
from warroom.domain.evidence import Evidence, EvidenceKind, TimeWindow
from warroom.domain.graph import CodeLink
from warroom.evidence.logs.exceptions import location_of, parse_exception


@pytest.fixture(scope="module")
def java(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleRepo, RepoIndex]:
    repo = build_java_repo(tmp_path_factory.mktemp("java"))
    return repo, index_repository(repo.path)


@pytest.fixture(scope="module")
def python(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleRepo, RepoIndex]:
    repo = build_python_repo(tmp_path_factory.mktemp("python"))
    return repo, index_repository(repo.path)


def exception_evidence(text: str, evidence_id: str = "log:exc:1") -> Evidence:
    """Evidence shaped the way the log analysis writes it for an exception."""
    parsed = parse_exception(text)
    assert parsed is not None
    now = datetime(2024, 3, 21, 10, 15, tzinfo=UTC)
    return Evidence(
        id=evidence_id,
        kind=EvidenceKind.LOG_EXCEPTION,
        entity="svc",
        window=TimeWindow(start=now - timedelta(minutes=10), end=now),
        summary="exception",
        score=1.0,
        data={
            "frames": [str(f) for f in parsed.frames],
            "top_frame": parsed.top_frame,
            "location": parsed.top_frame or parsed.location,
        },
    )


def assert_bug(link: CodeLink | None, repo: SampleRepo) -> None:
    assert link is not None
    assert link.file == repo.bug_file
    assert link.line == repo.bug_line
    assert link.method == repo.bug_method
    assert link.klass == repo.bug_class
    assert link.last_commit == repo.bug_commit
    assert link.suspect_commits[0] == repo.bug_commit
    assert link.owners[0] == repo.team
    assert repo.table in link.tables
    assert link.aggregate == repo.aggregate


@pytest.mark.parametrize(
    "frame",
    [
        "com.shop.order.service.OrderServiceImpl.placeOrder(OrderServiceImpl.java:{line})",
        "\tat com.shop.order.service.OrderServiceImpl.placeOrder(OrderServiceImpl.java:{line})"
        " ~[order-service.jar:1.0]",
        "com.shop.order.service.OrderServiceImpl#{line}",
        "c.s.o.s.OrderServiceImpl#{line}",
        "c.s.order.service.OrderServiceImpl#{line}",
        "OrderServiceImpl#{line}",
        "OrderServiceImpl.java:{line}",
    ],
)
def test_java_frame_forms_resolve_to_the_bug(
    java: tuple[SampleRepo, RepoIndex], frame: str
) -> None:
    repo, index = java
    assert_bug(resolve_frame(index, frame.format(line=repo.bug_line)), repo)


def test_java_suspects_are_the_commits_that_touched_the_method_newest_first(
    java: tuple[SampleRepo, RepoIndex],
) -> None:
    repo, index = java
    link = resolve_frame(index, f"c.s.o.s.OrderServiceImpl#{repo.bug_line}")
    assert link is not None
    # Bob wrote the method, Carol and Dave changed it; Alice's last commit did not touch it.
    assert link.suspect_commits == [repo.commits[3], repo.commits[2], repo.commits[1]]
    assert "abbreviated class name" in link.how
    quick = resolve_frame(index, f"c.s.o.s.OrderServiceImpl#{repo.bug_line}", history=False)
    assert quick is not None and quick.method == repo.bug_method
    assert (quick.last_commit, quick.suspect_commits) == (None, [])


def test_java_trace_from_a_log_links_the_method_and_the_callers_endpoint(
    java: tuple[SampleRepo, RepoIndex],
) -> None:
    repo, index = java
    links = link_evidence(index, [exception_evidence("\n".join(repo.log_lines))])
    assert len(links) == 1
    link = links[0]
    assert link.evidence_id == "log:exc:1"
    assert_bug(link, repo)
    assert link.endpoint == repo.endpoint  # from the controller frame further out
    assert "endpoint from caller" in link.how


def test_log_template_with_only_an_abbreviated_location_links(
    java: tuple[SampleRepo, RepoIndex],
) -> None:
    repo, index = java
    location = location_of(repo.log_lines[0])
    assert location == f"c.s.o.s.OrderServiceImpl#{repo.bug_line}"
    now = datetime(2024, 3, 21, tzinfo=UTC)
    template = Evidence(
        id="log:tmpl:svc:1",
        kind=EvidenceKind.LOG_TEMPLATE,
        entity="order-service",
        window=TimeWindow(start=now, end=now),
        summary="new template",
        score=1.0,
        data={"location": location},
    )
    metric = template.model_copy(update={"id": "metric:1", "kind": EvidenceKind.METRIC_ANOMALY})
    links = link_evidence(index, [template, metric])
    assert [link.evidence_id for link in links] == ["log:tmpl:svc:1"]
    assert_bug(links[0], repo)


def test_at_a_time_before_the_bug_blames_the_code_as_it_was(
    java: tuple[SampleRepo, RepoIndex],
) -> None:
    repo, index = java
    before_bug = repo.dates[3] - timedelta(hours=1)
    link = resolve_frame(index, f"c.s.o.s.OrderServiceImpl#{repo.bug_line}", at=before_bug)
    assert link is not None
    assert link.method == repo.bug_method
    assert link.last_commit in repo.commits[:3]
    assert repo.bug_commit not in link.suspect_commits
    assert link.suspect_commits[0] == repo.commits[2]
    assert "history as of" in link.how
    after_bug = repo.dates[3] + timedelta(hours=1)
    link = resolve_frame(index, f"OrderServiceImpl#{repo.bug_line}", at=after_bug)
    assert link is not None
    assert link.last_commit == repo.bug_commit
    assert link.suspect_commits[0] == repo.bug_commit


def test_python_traceback_resolves_to_the_bug(python: tuple[SampleRepo, RepoIndex]) -> None:
    repo, index = python
    links = link_evidence(index, [exception_evidence("\n".join(repo.log_lines))])
    assert len(links) == 1
    assert_bug(links[0], repo)
    assert links[0].endpoint == repo.endpoint


@pytest.mark.parametrize(
    "frame",
    [
        'File "/srv/inventory/app/service.py", line {line}, in reserve',
        "app/service.py:{line}",
        "/srv/inventory/app/service.py:{line}",
        "service.reserve(/srv/inventory/app/service.py:{line})",
    ],
)
def test_python_frame_forms_resolve_to_the_bug(
    python: tuple[SampleRepo, RepoIndex], frame: str
) -> None:
    repo, index = python
    assert_bug(resolve_frame(index, frame.format(line=repo.bug_line)), repo)


@pytest.mark.parametrize(
    "frame",
    [
        "java.util.HashMap.get(HashMap.java:556)",
        "o.s.w.s.FrameworkServlet#885",
        '  File "/usr/lib/python3.11/site-packages/starlette/routing.py", line 74, in app',
        "routing.py:74",
        "not a frame at all",
        "x.y.OrderServiceImpl#42",  # the package segments do not fit com.shop.order.service
    ],
)
def test_frames_outside_the_repository_do_not_link(
    java: tuple[SampleRepo, RepoIndex], frame: str
) -> None:
    _, index = java
    assert resolve_frame(index, frame) is None


def test_ambiguous_simple_names_and_paths_do_not_link(tmp_path: Path) -> None:
    git = GitWriter(tmp_path / "repo")
    git.commit(
        {
            "a/Thing.java": "package a;\npublic class Thing {\n  void f() {\n  }\n}\n",
            "b/Thing.java": "package b;\npublic class Thing {\n  void f() {\n  }\n}\n",
            "one/util.py": "def f():\n    pass\n",
            "two/util.py": "def f():\n    pass\n",
        },
        Author("A", "a@example.com"),
        datetime(2024, 1, 1, tzinfo=UTC),
        "twins",
    )
    index = index_repository(git.path)
    assert resolve_frame(index, "Thing#3") is None
    assert resolve_frame(index, "util.py:2") is None
    link = resolve_frame(index, "/deploy/two/util.py:2")
    assert link is not None and link.method == "method:two.util#f"
    link = resolve_frame(index, "b.Thing#3")
    assert link is not None and link.method == "method:b.Thing#f"


def test_go_panic_links_to_the_handler_method(tmp_path: Path) -> None:
    git = GitWriter(tmp_path / "repo")
    handler = (
        'package orders\n\nimport "net/http"\n\ntype Handler struct{}\n\n'
        "func (h *Handler) Show(w http.ResponseWriter, r *http.Request) {\n"
        '\tvar m map[string]int\n\tm["x"] = 1\n}\n\n'
        'func Routes(h *Handler) {\n\thttp.HandleFunc("GET /orders/{id}", h.Show)\n}\n'
    )
    sha = git.commit(
        {"go.mod": "module example.com/shop\n", "orders/handler.go": handler},
        Author("G", "g@example.com"),
        datetime(2024, 1, 1, tzinfo=UTC),
        "handler",
    )
    panic = "\n".join(
        [
            "panic: assignment to entry in nil map",
            "",
            "goroutine 7 [running]:",
            "example.com/shop/orders.(*Handler).Show(0xc000010000, {0x0, 0x0}, 0xc0000b2000)",
            "\t/build/orders/handler.go:9 +0x2e",
            "net/http.HandlerFunc.ServeHTTP(0x0?, {0x0?, 0x0?}, 0x0?)",
            "\t/usr/local/go/src/net/http/server.go:2136 +0x29",
        ]
    )
    index = index_repository(git.path)
    links = link_evidence(index, [exception_evidence(panic)])
    assert len(links) == 1
    link = links[0]
    assert (link.file, link.line, link.method) == (
        "orders/handler.go",
        9,
        "method:orders.Handler#Show",
    )
    assert link.endpoint == "endpoint:GET /orders/{}"
    assert link.last_commit == sha


def test_a_jvm_file_no_parser_reads_links_by_package_path(tmp_path: Path) -> None:
    git = GitWriter(tmp_path / "repo")
    source = "package com.acme.pay\n\nclass Charge {\n  fun run() = 1\n}\n"
    sha = git.commit(
        {"src/main/kotlin/com/acme/pay/Charge.kt": source},
        Author("K", "k@example.com"),
        datetime(2024, 1, 1, tzinfo=UTC),
        "kotlin",
    )
    index = index_repository(git.path)
    link = resolve_frame(index, "at com.acme.pay.Charge.run(Charge.kt:4)")
    assert link is not None
    assert (link.file, link.line, link.method, link.last_commit) == (
        "src/main/kotlin/com/acme/pay/Charge.kt",
        4,
        None,
        sha,
    )
    assert link.owners == ["person:k@example.com"]


@pytest.mark.parametrize(
    ("frame", "klass", "method", "file", "line"),
    [
        ("at a.B$C.m(B.java:3)", "a.B$C", "m", "B.java", 3),
        ("a.B.<init>(B.java)", "a.B", "<init>", "B.java", None),
        ("c.s.Svc#31", "c.s.Svc", None, None, 31),
        ('File "x/y.py", line 9, in go', None, "go", "x/y.py", 9),
        ("\t/app/x.go:42 +0x1d", None, None, "/app/x.go", 42),
        ("main.(*H).Serve(/app/h.go:7)", None, "Serve", "/app/h.go", 7),
        ("src/app.ts:10:5", None, None, "src/app.ts", 10),
    ],
)
def test_parse_frame_shapes(
    frame: str, klass: str | None, method: str | None, file: str | None, line: int | None
) -> None:
    ref = parse_frame(frame)
    assert ref is not None
    assert (ref.klass, ref.method, ref.file, ref.line) == (klass, method, file, line)
