"""A real `warroom serve` and headless Chromium for the browser end-to-end tests.

One server and one browser for this package, stopped when its last test is done (not kept
alive for the rest of a full run): `harness.start_server` runs a subprocess on a free loopback
port with its own data directory and three API keys made with `warroom keys create`.
Chromium is Debian's (`/usr/bin/chromium`, or `WARROOM_E2E_CHROMIUM`); Playwright only drives
it, so `playwright install` is never needed. Without Chromium, Playwright or a built UI the
tests skip with the reason, except under CI (`CI` set), where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.harness import (
    DEFAULT_CHROMIUM,
    SCREENSHOTS,
    TIMEOUT_MS,
    UI_INDEX,
    Flow,
    Server,
    start_server,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "e2e: drives headless Chromium against a running `warroom serve`"
    )


def _unavailable(reason: str) -> None:
    """Skip locally; under CI a missing prerequisite is a failure, not a silent skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests may not be skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="package")
def chromium_path() -> str:
    """Chromium's executable; skips (fails under CI) when it or Playwright is missing."""
    wanted = os.environ.get("WARROOM_E2E_CHROMIUM", DEFAULT_CHROMIUM)
    found = wanted if Path(wanted).is_file() else shutil.which("chromium")
    if not found:
        _unavailable(
            f"Chromium not found at {wanted} nor on PATH; install the Debian packages "
            "`chromium chromium-driver` (scripts/test.sh does) or set WARROOM_E2E_CHROMIUM"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the `playwright` package is missing; pip install -e '.[dev]'")
    return str(found)


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`warroom serve` over a fresh data directory, stopped at the end of the session."""
    if not UI_INDEX.is_file():
        _unavailable(
            f"the web UI is not built ({UI_INDEX} is missing); run `cd web && npm ci && "
            "npm run build`"
        )
    with start_server(tmp_path_factory.mktemp("warroom-e2e")) as running:
        yield running


@pytest.fixture(scope="package")
def browser(chromium_path: str) -> Iterator[Browser]:
    """Headless Chromium, launched by Playwright from Debian's executable."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=args
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="package")
def flow() -> Flow:
    return Flow()


@pytest.fixture(scope="package")
def screenshots() -> Path:
    """`build/screenshots/`, emptied of an earlier session's pictures."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    return SCREENSHOTS
