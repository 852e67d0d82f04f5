"""From alert to report in a browser, the way a person on call would go.

The tests run in file order over one signed-in admin page: open an incident from the packaged
sample's files, watch the debate reach a verdict, open citations, intervene, approve an action,
export the report, then visit the remaining pages, switch to Chinese once, and check what a
viewer may not do. Every page is saved as a screenshot under `build/screenshots/` (full page;
the viewport while a drawer or dialog is open).
What the UI shows is checked against the API's own answer, never against the sample's known
answer (other suites score the verdict).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.harness import DEBATE_TIMEOUT_MS, TIMEOUT_MS, Flow, Server
from warroom.samples import load_sample_manifest, sample_path

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

VIEWPORT: ViewportSize = {"width": 1440, "height": 900}  # a laptop screen
FINAL_STATUSES = ("succeeded", "failed", "cancelled")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _context(browser: Browser, server: Server) -> BrowserContext:
    context = browser.new_context(
        base_url=server.base_url,
        viewport=VIEWPORT,
        accept_downloads=True,
        locale="en-US",
        timezone_id="UTC",
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _sign_in(page: Page, key: str) -> None:
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_test_id("login-key").fill(key)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("current-role")).to_be_visible()


@pytest.fixture(scope="module")
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """One admin page for the whole flow, signed in through the login form."""
    from playwright.sync_api import expect

    context = _context(browser, server)
    try:
        opened = context.new_page()
        _sign_in(opened, server.keys["admin"])
        expect(opened.get_by_test_id("current-role")).to_have_text(re.compile("admin", re.I))
        yield opened
    finally:
        context.close()


def _shot(page: Page, screenshots: Path, name: str, *, overlay: bool = False) -> Path:
    """A screenshot once nothing on the page is still loading: the full page from the top,
    or only the viewport while a drawer or dialog (fixed on screen) is open."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("loading-state")).to_have_count(0)
    path = screenshots / f"{name}.png"
    if not overlay:
        page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=not overlay, animations="disabled")
    assert path.stat().st_size > 0
    return path


def _api(server: Server, path: str, role: str = "admin") -> Any:
    with server.client(role) as client:
        answer = client.get(f"/api/v1{path}")
    assert answer.status_code == 200, f"GET {path}: {answer.status_code} {answer.text}"
    return answer.json()


def _sample_files() -> list[Path]:
    folder = sample_path()
    return sorted(
        p for sub in ("logs", "metrics", "traces") for p in (folder / sub).iterdir() if p.is_file()
    )


def _query(page: Page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def _wait_finished(page: Page, server: Server, run_id: str) -> None:
    """Wait (generously) for the debate view to show a final status; it must be success."""
    from playwright.sync_api import expect

    view = page.get_by_test_id("debate-view")
    final = ", ".join(f"[data-testid=debate-view][data-status={s}]" for s in FINAL_STATUSES)
    expect(page.locator(final)).to_have_count(1, timeout=DEBATE_TIMEOUT_MS)
    status = view.get_attribute("data-status")
    if status != "succeeded":
        debate = _api(server, f"/debates/{run_id}")
        pytest.fail(f"debate {run_id} ended {status}: {debate.get('error')}")
    expect(page.get_by_test_id("event-verdict")).to_be_visible()
    expect(page.get_by_test_id("live-mode")).to_have_text("Finished")


def _request_approval(server: Server, run_id: str, action: str, args: dict[str, Any]) -> str:
    """A pending approval, made the way a tool that writes makes one (the UI cannot).

    Runs in a thread of its own: Playwright's sync API keeps an event loop on this one."""
    from warroom.config import Settings
    from warroom.runs.approvals import request_approval
    from warroom.store import open_store

    async def make() -> str:
        store = await open_store(Settings(data_dir=server.data_dir, database_url=None))
        try:
            approval = await request_approval(store, run_id=run_id, action=action, args=args)
        finally:
            await store.close()
        return approval.id

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result(timeout=120)


def test_a_refused_key_is_told_why(browser: Browser, server: Server, screenshots: Path) -> None:
    from playwright.sync_api import expect

    context = _context(browser, server)
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_test_id("login-key").fill("wr_000000000000_not-a-key")
        page.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("login-error")).to_be_visible()
        expect(page.get_by_test_id("current-role")).to_have_count(0)
        _shot(page, screenshots, "login")
    finally:
        context.close()


def test_open_an_incident_from_uploaded_sample_files(
    page: Page, server: Server, flow: Flow, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    manifest = load_sample_manifest()
    alert = datetime.fromisoformat(manifest["alert_time"].replace("Z", "+00:00"))
    files = _sample_files()
    title = f"e2e: {manifest['title']}"

    page.get_by_test_id("nav-new-incident").click()
    expect(page.get_by_test_id("page-new-incident")).to_be_visible()
    page.get_by_test_id("incident-title").fill(title)
    page.get_by_test_id("incident-severity").click()
    page.locator(".ant-select-item-option", has_text=manifest["severity"]).first.click()
    page.get_by_test_id("incident-window").fill(manifest["window"])
    page.get_by_test_id("incident-alert-time").fill(alert.strftime("%Y-%m-%d %H:%M:%S"))
    page.get_by_test_id("incident-service").fill(manifest["alert"]["labels"]["service"])
    page.locator("[data-testid=incident-upload] input[type=file]").set_input_files(files)
    expect(page.locator("[data-testid=incident-upload] .ant-upload-list-item")).to_have_count(
        len(files)
    )
    _shot(page, screenshots, "new-incident")
    page.get_by_test_id("incident-submit").click()

    expect(page).to_have_url(re.compile(r"/incidents/[^/?]+\?step=assets$"))
    expect(page.get_by_test_id("assets-table")).to_be_visible()
    incident_id = urlsplit(page.url).path.rsplit("/", 1)[-1]
    rows = page.locator("[data-testid=assets-table] tr.ant-table-row")
    expect(rows).to_have_count(len(files))
    for path in files:
        expect(page.get_by_test_id("assets-table")).to_contain_text(path.name)

    incident = _api(server, f"/incidents/{incident_id}")
    assert incident["title"] == title
    assert incident["severity"] == manifest["severity"]
    assert datetime.fromisoformat(incident["alert_time"].replace("Z", "+00:00")) == alert
    assets = _api(server, f"/assets?incident_id={incident_id}")
    assert sorted(a["name"] for a in assets["data"]) == sorted(p.name for p in files)
    flow.values.update(incident_id=incident_id, title=title)
    _shot(page, screenshots, "incident-assets")


def test_the_debate_reaches_a_verdict_on_the_live_timeline(
    page: Page, server: Server, flow: Flow, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    incident_id = flow.need("incident_id")
    expect(page.get_by_test_id("start-debate")).to_be_enabled()
    page.get_by_test_id("start-debate").click()
    expect(page).to_have_url(re.compile(r"step=debate&run="))
    run_id = _query(page)["run"]
    expect(page.get_by_test_id("debate-view")).to_be_visible()
    flow.values["run_id"] = run_id
    _wait_finished(page, server, run_id)

    history = _api(server, f"/debates/{run_id}/history")
    events = history["data"]
    expect(page.get_by_test_id("debate-view")).to_contain_text(f"{len(events)} events")
    expect(page.locator("[data-testid=round][data-round='0']")).to_have_count(1)
    agents = {e["role"] for e in events if e["role"] and e["role"].endswith("Agent")}
    assert "LogAgent" in agents and "JudgeAgent" in agents, agents
    for agent in sorted(agents):
        expect(page.get_by_test_id(f"agent-{agent}").first).to_be_visible()
    struck = [e for e in events if e["type"] == "claim_struck"]
    expect(page.get_by_test_id("event-struck")).to_have_count(len(struck))

    report = _api(server, f"/reports/{incident_id}")
    assert report["run_id"] == run_id
    component = report["verdict"]["component"]
    expect(page.get_by_test_id("event-verdict")).to_contain_text(component)
    flow.values["component"] = component
    _shot(page, screenshots, "incident-debate")

    page.get_by_test_id("debate-fullscreen").click()
    expect(page.get_by_test_id("page-debate")).to_be_visible()
    expect(page).to_have_url(re.compile(f"/debates/{run_id}$"))
    _wait_finished(page, server, run_id)
    _shot(page, screenshots, "debate")


def test_a_citation_opens_the_evidence_it_cites(
    page: Page, server: Server, flow: Flow, screenshots: Path
) -> None:
    """One citation per kind of evidence the debate cites (log templates, metric anomalies,
    failing traces...), each checked against the API's evidence item."""
    from playwright.sync_api import expect

    incident_id = flow.need("incident_id")
    run_id = flow.need("run_id")
    page.goto(f"/debates/{run_id}")
    _wait_finished(page, server, run_id)
    evidence = {e["id"]: e for e in _api(server, f"/reports/{incident_id}")["evidence"]}
    chips = page.locator("[data-testid=debate-timeline] [data-testid=citation]")
    expect(chips.first).to_be_visible()
    cited = {chips.nth(i).get_attribute("data-evidence-id") or "" for i in range(chips.count())}
    chosen: dict[str, str] = {}
    for evidence_id in sorted(i for i in cited if i in evidence):
        chosen.setdefault(evidence[evidence_id]["kind"], evidence_id)
    assert chosen, f"no cited id is in the report's evidence: {sorted(cited)}"

    for kind, evidence_id in sorted(chosen.items()):
        item = evidence[evidence_id]
        family = kind.split("_", 1)[0]
        page.locator(f"[data-testid=citation][data-evidence-id='{evidence_id}']").first.click()
        drawer = page.get_by_test_id("evidence-drawer")
        expect(drawer).to_be_visible()
        expect(page.get_by_test_id("evidence-drawer-title")).to_contain_text(evidence_id)
        expect(page.get_by_test_id("evidence-summary")).to_have_text(item["summary"])
        expect(page.get_by_test_id("evidence-missing")).to_have_count(0)
        data = item.get("data") or {}
        if family == "log" and data.get("template"):
            expect(page.get_by_test_id("evidence-template")).to_have_text(data["template"])
        if family == "metric":
            expect(page.locator("[data-testid=evidence-metric-chart] canvas")).not_to_have_count(0)
        if family == "log" and data.get("frames"):
            expect(page.get_by_test_id("evidence-frames")).to_contain_text(data["frames"][0])
        if family == "trace" and data.get("path"):
            expect(page.get_by_test_id("trace-path")).to_be_visible()
            expect(page.get_by_test_id("trace-failing")).to_contain_text(item["entity"])
        _shot(page, screenshots, f"evidence-{kind}", overlay=True)
        page.keyboard.press("Escape")
        expect(drawer).to_have_count(0)


def test_intervening_adds_a_claim_the_next_debate_reads(
    page: Page, server: Server, flow: Flow, screenshots: Path
) -> None:
    """The first debate is over, so the claim is recorded for the next debate on the incident
    (the UI says so); a fresh debate then shows it applied on its timeline."""
    from playwright.sync_api import expect

    incident_id = flow.need("incident_id")
    run_id = flow.need("run_id")
    component = flow.need("component")
    report = _api(server, f"/reports/{incident_id}")
    cited = [i for link in report["verdict"]["evidence_chain"] for i in link["evidence_ids"]]
    text = f"e2e: the on-call engineer saw {component} fail first"

    page.goto(f"/incidents/{incident_id}?step=debate&run={run_id}")
    _wait_finished(page, server, run_id)
    expect(page.get_by_test_id("intervene-panel")).to_be_visible()
    page.get_by_test_id("intervene-claim").click()
    page.locator("[data-testid=intervene-component] input").fill(component)
    page.get_by_test_id("intervene-text").fill(text)
    if cited:
        evidence = page.locator("[data-testid=intervene-evidence] input")
        evidence.fill(cited[0])
        evidence.press("Enter")
        page.get_by_test_id("intervene-text").click()  # closes the tags dropdown
        expect(page.locator(".ant-select-dropdown:visible")).to_have_count(0)
    _shot(page, screenshots, "intervene", overlay=True)
    page.get_by_test_id("intervene-submit").click()
    expect(page.get_by_text("Recorded: this debate is over")).to_be_visible()

    recorded = _api(server, f"/debates/{run_id}/interventions")["data"]
    assert [(r["kind"], r["component"], r["text"]) for r in recorded] == [
        ("claim", component, text)
    ]
    assert recorded[0]["evidence_ids"] == cited[:1]
    assert recorded[0]["author"].startswith("e2e-admin")

    page.goto(f"/incidents/{incident_id}?step=assets")
    page.get_by_test_id("start-debate").click()
    expect(page).to_have_url(re.compile(r"step=debate&run="))
    second = _query(page)["run"]
    assert second != run_id
    _wait_finished(page, server, second)
    human = page.get_by_test_id("event-human")
    expect(human).to_have_count(1)
    expect(human).to_contain_text(text)
    expect(human).to_contain_text(component)
    flow.values["second_run_id"] = second


def test_approving_a_pending_action(
    page: Page, server: Server, flow: Flow, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    run_id = flow.need("run_id")
    component = flow.need("component")
    approval_id = _request_approval(
        server, run_id, "e2e.rollback", {"component": component, "to": "previous release"}
    )
    reason = "e2e: rollback agreed in the war room"
    flow.values["approval_id"] = approval_id

    page.goto("/")
    expect(page.get_by_test_id("pending-badge")).to_contain_text("1")
    page.get_by_test_id("nav-approvals").click()
    expect(page.get_by_test_id("page-approvals")).to_be_visible()
    page.get_by_test_id("approvals-tab-pending").click()
    expect(page.get_by_test_id("approvals-pending")).to_contain_text("e2e.rollback")
    _shot(page, screenshots, "approvals")
    page.get_by_test_id(f"approve-{approval_id}").click()
    page.get_by_test_id("decision-reason").fill(reason)
    page.get_by_test_id("decision-submit").click()
    expect(page.get_by_test_id(f"approve-{approval_id}")).to_have_count(0)

    decided = _api(server, f"/approvals/{approval_id}")
    assert decided["status"] == "approved"
    assert decided["reason"] == reason
    assert decided["decided_by"].startswith("e2e-admin")
    page.get_by_test_id("approvals-tab-approved").click()
    expect(page.get_by_test_id("approvals-approved")).to_contain_text(reason)
    _shot(page, screenshots, "approvals-approved")

    page.goto(f"/debates/{run_id}")
    expect(page.get_by_test_id("event-approval")).to_have_count(2)


def _download(page: Page, test_id: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_test_id(test_id).click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_exporting_the_report(page: Page, server: Server, flow: Flow, screenshots: Path) -> None:
    from playwright.sync_api import expect

    incident_id = flow.need("incident_id")
    report = _api(server, f"/reports/{incident_id}")
    verdict = report["verdict"]
    page.goto(f"/incidents/{incident_id}/report")
    expect(page.get_by_test_id("page-report")).to_be_visible()
    expect(page.get_by_test_id("verdict-component")).to_have_text(verdict["component"])
    expect(page.get_by_test_id("root-cause")).to_contain_text(verdict["root_cause"][:60])
    expect(page.get_by_test_id("evidence-chain")).to_be_visible()
    _shot(page, screenshots, "report")

    name, body = _download(page, "export-md")
    assert name == f"report-{incident_id}.md"
    markdown = body.decode("utf-8")
    assert markdown.lstrip().startswith("#")
    assert verdict["component"] in markdown

    name, body = _download(page, "export-html")
    assert name == f"report-{incident_id}.html"
    html = body.decode("utf-8")
    assert "<html" in html.lower() and verdict["component"] in html

    name, body = _download(page, "export-json")
    assert name == f"report-{incident_id}.json"
    exported = json.loads(body)
    assert exported["verdict"]["component"] == verdict["component"]
    assert exported["run_id"] == report["run_id"]

    name, body = _download(page, "export-pdf")
    assert name == f"report-{incident_id}.pdf"
    assert body.startswith(b"%PDF")

    page.get_by_test_id("export-lang").get_by_text("中文").click()
    name, body = _download(page, "export-md")
    assert CJK.search(body.decode("utf-8")), "the Chinese export has no Chinese text"


def test_the_incident_report_step(
    page: Page, server: Server, flow: Flow, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    incident_id = flow.need("incident_id")
    component = _api(server, f"/reports/{incident_id}")["verdict"]["component"]
    page.goto(f"/incidents/{incident_id}")
    expect(page.get_by_test_id("step-report")).to_be_visible()
    expect(page.get_by_test_id("verdict-component")).to_have_text(component)
    _shot(page, screenshots, "incident-report")


def test_the_asset_graph_marks_the_suspect(
    page: Page, server: Server, flow: Flow, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    incident_id = flow.need("incident_id")
    page.goto(f"/incidents/{incident_id}/report")
    page.get_by_test_id("report-graph-link").click()
    expect(page.get_by_test_id("page-graph")).to_be_visible()
    expect(page).to_have_url(re.compile(f"/incidents/{incident_id}/graph$"))
    # No repository or design files were given: the page draws the services and calls of
    # the report's failing traces, and says so.
    expect(page.get_by_test_id("graph-derived")).to_be_visible()
    expect(page.get_by_test_id("graph-path")).to_contain_text(flow.need("component"))
    expect(page.locator("[data-testid=graph-canvas] canvas").first).to_be_attached()
    _shot(page, screenshots, "graph")


def test_history_finds_the_incident(
    page: Page, server: Server, flow: Flow, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    incident_id = flow.need("incident_id")
    title = flow.need("title")
    page.get_by_test_id("nav-history").click()
    expect(page.get_by_test_id("page-history")).to_be_visible()
    page.get_by_test_id("history-search").fill("e2e:")
    page.get_by_test_id("history-search").press("Enter")
    link = page.get_by_test_id("history-incident-link")
    expect(link).to_have_count(1)
    expect(link).to_have_text(title)
    _shot(page, screenshots, "history")
    link.click()
    expect(page).to_have_url(re.compile(f"/incidents/{incident_id}"))


def test_home_shows_the_verdict(page: Page, flow: Flow, screenshots: Path) -> None:
    from playwright.sync_api import expect

    title = flow.need("title")
    page.get_by_test_id("nav-home").click()
    expect(page.get_by_test_id("page-home")).to_be_visible()
    expect(page.get_by_test_id("recent-verdicts")).to_contain_text(title)
    expect(page.get_by_test_id("open-critical")).to_be_visible()
    expect(page.get_by_test_id("time-to-verdict")).to_be_visible()
    _shot(page, screenshots, "home")


def test_settings_lists_the_keys(page: Page, server: Server, screenshots: Path) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("nav-settings").click()
    expect(page.get_by_test_id("page-settings")).to_be_visible()
    table = page.get_by_test_id("keys-table")
    for role in ("admin", "responder", "viewer"):
        expect(table).to_contain_text(f"e2e-{role}")
    expect(page.get_by_test_id("settings-models")).to_be_visible()
    expect(page.get_by_test_id("settings-server")).to_be_visible()
    _shot(page, screenshots, "settings")


def test_switching_to_chinese(page: Page, screenshots: Path) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("nav-home").click()
    expect(page.get_by_test_id("page-home")).to_be_visible()
    switch = page.get_by_test_id("lang-switch")
    switch.get_by_text("中文").click()
    expect(page.get_by_test_id("nav-home")).to_have_text("首页")
    expect(page.get_by_test_id("nav-history")).to_have_text("历史记录")
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^zh"))
    _shot(page, screenshots, "home-zh")
    switch.get_by_text("EN").click()
    expect(page.get_by_test_id("nav-home")).to_have_text("Home")


def test_a_viewer_cannot_steer_or_decide(
    browser: Browser, server: Server, flow: Flow, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    run_id = flow.need("run_id")
    context = _context(browser, server)
    try:
        page = context.new_page()
        _sign_in(page, server.keys["viewer"])
        expect(page.get_by_test_id("current-role")).to_have_text(re.compile("viewer", re.I))
        expect(page.get_by_test_id("nav-settings")).to_have_count(0)
        page.goto(f"/debates/{run_id}")
        _wait_finished(page, server, run_id)
        expect(page.get_by_test_id("intervene-panel")).to_have_count(0)
        if "approval_id" in flow.values:
            page.goto("/approvals")
            page.get_by_test_id("approvals-tab-approved").click()
            expect(page.get_by_test_id("approvals-approved")).to_be_visible()
            expect(page.locator("[data-testid^=approve-], [data-testid^=deny-]")).to_have_count(0)
        page.goto("/incidents/new")
        expect(page.get_by_test_id("page-new-incident")).to_be_visible()
        expect(page.get_by_test_id("incident-submit")).to_have_count(0)
        _shot(page, screenshots, "viewer-new-incident")
    finally:
        context.close()
