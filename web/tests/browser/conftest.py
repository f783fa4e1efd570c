"""Playwright on Debian's Chromium against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread, and Django refuses ORM calls from
a thread with a running loop; the tests use the ORM only for setup and checks, in between
browser steps, so that guard is lifted here. A failing test leaves a screenshot and the page's
HTML under test-artifacts/."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
AXE_SOURCE = (Path(__file__).resolve().parent.parent / "vendor" / "axe-4.14.1.min.js").read_text()
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ACCEPT = {"zh-hans": "zh-CN,zh;q=0.9", "en": "en-US,en;q=0.9"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="package", autouse=True)
def browser() -> Iterator[Browser]:
    """One Chromium for the browser tests, stopped after them so that no Playwright event loop
    is left in the thread for the tests that follow. The async-safety guard is lifted for this
    package only: the variable would fail `check --deploy` in other tests' subprocesses."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make install` installs Debian's chromium package.")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def open_page(browser, request) -> Iterator:
    """Open a new browser context (language, viewport) and its page; saves artifacts on
    failure."""
    pages: list[Page] = []

    def opener(language: str = "en", viewport: dict | None = None, **options) -> Page:
        context = browser.new_context(
            **options,
            locale="zh-CN" if language == "zh-hans" else "en-US",
            extra_http_headers={"Accept-Language": ACCEPT[language]},
            viewport=viewport or DESKTOP,
            timezone_id="Asia/Shanghai",
        )
        context.set_default_timeout(15000)
        page = context.new_page()
        page.csp_violations = []
        page.failed_loads = []  # what the browser asked for and got an error for

        def note(message: ConsoleMessage) -> None:
            if "Content Security Policy" in message.text:
                page.csp_violations.append(message.text)
            elif message.text.startswith("Failed to load resource"):
                page.failed_loads.append(message.text)

        page.on("console", note)
        pages.append(page)
        return page

    yield opener
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        for n, page in enumerate(pages):
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}-{n}.png"), full_page=True)
                (ARTIFACTS / f"{name}-{n}.html").write_text(page.content(), encoding="utf-8")
            except Exception as exc:  # a dead page must not hide the failure
                (ARTIFACTS / f"{name}-{n}.txt").write_text(repr(exc), encoding="utf-8")
    for page in pages:
        page.context.close()


def check_accessibility(page: Page) -> None:
    """axe-core on the page as it is now: no serious or critical violation."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern (a script
    # tag would be refused: no inline scripts).
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE + "\n;true")
    result = page.evaluate("async () => await axe.run(document)")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert bad == [], f"{page.url}: " + "; ".join(bad)
