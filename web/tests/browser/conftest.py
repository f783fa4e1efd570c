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
from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from psycopg import sql

from demo.seed import seed_demo

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


# Django's own bookkeeping, written again with ids of its own after each flush: no seeded row
# refers to it.
NOT_SEEDED = {"django_content_type", "auth_permission", "django_migrations"}
# The demo network's rows as this run's first seed left them, by table (see `demo`).
_seeded_rows: dict[str, bytes] = {}


@pytest.fixture
def demo(transactional_db) -> None:
    """The demo network, seeded at the suite's instant, for a test on the live server.

    pytest-django empties every table after a live-server test, and a seed takes seconds, for
    each of the many tests that read the demo. So the run's first seed is copied out of every
    table, and each later test gets exactly those rows back (ids included) with COPY, a small
    fraction of a seed. Triggers and foreign-key checks are off while they go back in, as
    pg_restore's `--disable-triggers` does: the rows already hold what the triggers wrote (the
    outlets' versions, the audit's marks), and their keys held when they were copied out.
    Every test starts at the same instant, so the copy is what a seed would have written; the
    photos the seed stores stay in the run's media folder."""
    if _seeded_rows:
        _copy_in(_seeded_rows)
        return
    seed_demo()
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    _seeded_rows.update(_copy_out(sorted(set(tables) - NOT_SEEDED)))


def _copy_out(tables: list[str]) -> dict[str, bytes]:
    rows = {}
    with connection.cursor() as cursor:
        for table in tables:
            statement = sql.SQL("COPY {} TO STDOUT (FORMAT binary)").format(sql.Identifier(table))
            with cursor.copy(statement) as copy:
                rows[table] = b"".join(bytes(block) for block in copy)
    return rows


def _copy_in(rows: dict[str, bytes]) -> None:
    """Every table of `rows` holding exactly its rows, the sequences past their ids."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(map(sql.Identifier, rows))))
        for table, data in rows.items():
            statement = sql.SQL("COPY {} FROM STDIN (FORMAT binary)").format(sql.Identifier(table))
            with cursor.copy(statement) as copy:
                copy.write(data)
        models = apps.get_models(include_auto_created=True)
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


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
