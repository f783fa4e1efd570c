"""What a brand admin does on the audit dashboard, in a real browser, in each language, on the
demo network: the flagged outlet, the bookings behind a figure, the CSV that parses to the
numbers on the page; and what another brand's admin never sees."""

from __future__ import annotations

import csv
import io
import os
import re

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import Page, expect

from accounts.models import User
from demo.history import UNEQUAL_BRAND, UNEQUAL_OUTLET
from demo.network import DEMO_PASSWORD
from demo.seed import seed_demo
from web.dashboard.audit_tables import COLUMNS, format_figure

from .conftest import ARTIFACTS, DESKTOP, PHONE, check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)


def t(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[action='/sign-in/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboard/$"))


def cell_text(page: Page, outlet: str, key: str) -> str:
    return page.locator(f'#outlet-table tr[data-outlet="{outlet}"] td[data-key="{key}"]').evaluate(
        # the visible text only: the link's hidden label names the metric
        "td => (td.querySelector('a') ? td.querySelector('a').firstChild.textContent"
        " : td.textContent).trim()"
    )


def download_csv(page: Page, link_text: str) -> list[dict[str, str]]:
    with page.expect_download() as info:
        page.click(f"a[download]:has-text('{link_text}')")
    raw = info.value.path().read_bytes()
    assert raw.startswith("\ufeff".encode())  # the BOM spreadsheet programs need
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.fixture
def demo(db):
    seed_demo()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_brand_admin_reads_and_exports_the_audit(demo, live_server, open_page, language):
    User.objects.filter(username="brand.aito").update(language=language)
    base = live_server.url
    page = open_page(language)
    sign_in(page, base, "brand.aito")

    # The dashboard opens on the last quarter, with the demo's flag for AITO at Nanshan.
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_text(t(language, "Audit dashboard"))
    flags = page.locator(".dash-flag")
    expect(flags.first).to_be_visible()
    assert {f.get_attribute("data-outlet") for f in flags.all()} == {UNEQUAL_OUTLET}
    on_time_flag = page.locator('.dash-flag[data-metric="on_time_rate"]')
    expected_start = t(
        language,
        "At %(outlet)s, %(brand)s owners' on-time start rate is %(figure)s against "
        "%(others)s for the other brands' owners (n = %(n)s vs %(n_others)s; %(test)s, "
        "%(p_adjusted)s).",
    ).split("%(figure)s")[0] % {"outlet": UNEQUAL_OUTLET, "brand": UNEQUAL_BRAND}
    expect(on_time_flag).to_contain_text(expected_start)
    # the demo's difference is strong: its p-value, adjusted for the view's tests, is tiny
    expect(on_time_flag).to_contain_text(t(language, "p (adjusted) < %(p)s") % {"p": "0.001"})
    expect(
        page.locator(f'#outlet-table tr[data-outlet="{UNEQUAL_OUTLET}"] .flag-mark')
    ).to_be_visible()
    # every chart is on the page, drawn as SVG, with its numbers as a table
    for chart in ["chart-waits", "chart-weekly", "chart-satisfaction"]:
        expect(page.locator(f"svg#{chart}")).to_be_visible()
    assert page.locator("details.dash-numbers").count() == 3
    check_accessibility(page)

    # The CSV gives the numbers on the page.
    rows = download_csv(page, t(language, "Download CSV"))
    by_outlet = {row["outlet"]: row for row in rows}
    assert by_outlet[""]["outlet_name"] == "Network total"
    for outlet in [UNEQUAL_OUTLET, "SH-PUDONG-01", ""]:
        for column in COLUMNS:
            raw = by_outlet[outlet][column.key]
            value = None if raw == "" else float(raw)
            with translation.override(language):
                shown = format_figure(
                    int(value) if column.kind == "count" and value is not None else value,
                    column.kind,
                )
            assert cell_text(page, outlet, column.key) == shown, (outlet, column.key)
    nanshan = by_outlet[UNEQUAL_OUTLET]
    late_starts = int(nanshan["started"]) - int(nanshan["on_time"])

    # The bookings behind Nanshan's on-time rate: its late starts, paginated.
    page.click(f'#outlet-table tr[data-outlet="{UNEQUAL_OUTLET}"] td[data-key="on_time_rate"] a')
    page.wait_for_url(re.compile(rf"/dashboard/outlets/{UNEQUAL_OUTLET}/bookings/\?.*late_start"))
    expect(page.locator("h2#bookings-title")).to_contain_text(
        t(language, "Late starts (more than 15 min after the scheduled start)")
    )
    expect(page.locator("#bookings-count")).to_contain_text(str(late_starts))
    check_accessibility(page)
    listed = download_csv(page, t(language, "Download CSV"))
    assert len(listed) == late_starts
    assert all(float(row["wait_minutes"]) > 15 for row in listed)
    assert {row["brand"] for row in listed} == {UNEQUAL_BRAND}
    page.click("a[rel=next]")
    expect(page.locator("nav.dash-pages")).to_contain_text("2")
    check_accessibility(page)

    # Equity: AITO against the other brands pooled, the flagged comparison marked.
    page.click(f".dash-nav a:has-text('{t(language, 'Cross-brand equity')}')")
    page.wait_for_url(re.compile(r"/dashboard/equity/"))
    flagged_row = page.locator(f'#equity-table tr.dash-flagged-row[data-outlet="{UNEQUAL_OUTLET}"]')
    expect(flagged_row.first).to_be_visible()
    expect(page.locator("svg#chart-equity")).to_be_visible()
    check_accessibility(page)
    equity_rows = download_csv(page, t(language, "Download CSV"))
    assert {row["brand"] for row in equity_rows} == {UNEQUAL_BRAND}
    flagged_csv = next(
        r for r in equity_rows if r["outlet"] == UNEQUAL_OUTLET and r["side"] == "brand"
    )
    assert "on_time_rate: p (adjusted) = " in flagged_csv["flags"]

    # Sorting is a link: worst on-time rate first puts Nanshan on top.
    page.goto(base + "/dashboard/")
    page.click(f"#outlet-table thead a:has-text('{t(language, 'On-time starts')}')")
    expect(page.locator("#outlet-table tbody tr").nth(1)).to_have_attribute(
        "data-outlet", UNEQUAL_OUTLET
    )

    # Bad dates: the message is next to the field.
    page.select_option("#id_period", "custom")
    page.fill("#id_date_from", "2026-10-31")
    page.fill("#id_date_to", "2026-10-01")
    page.click("#dashboard-filters button[type=submit]")
    expect(page.locator("#id_date_to_error")).to_be_visible()
    check_accessibility(page)

    assert page.csp_violations == []


def test_another_brands_admin_never_sees_aitos_own_figures(demo, live_server, open_page):
    User.objects.filter(username="brand.luxeed").update(language="en")
    base = live_server.url
    page = open_page("en")
    sign_in(page, base, "brand.luxeed")

    expect(page.locator("h1")).to_have_text("Audit dashboard")
    for path in ["/dashboard/", "/dashboard/equity/"]:
        page.goto(base + path)
        html = page.content()
        # (outlet names may say AITO, as the footer does: no figure of AITO's own may appear)
        assert 'data-brand="AITO"' not in html, path
        assert "AITO owners" not in html, path
    expect(page.locator('#equity-table tr[data-brand="LUXEED"]').first).to_be_attached()
    response = page.goto(base + "/dashboard/?brand=AITO")
    assert response.status == 404
    response = page.goto(base + f"/dashboard/outlets/{UNEQUAL_OUTLET}/bookings/?brand=AITO")
    assert response.status == 404
    assert page.csp_violations == []


def test_the_dashboard_on_a_phone(demo, live_server, open_page):
    page = open_page("zh-hans", viewport=PHONE)
    sign_in(page, live_server.url, "brand.aito")
    expect(page.locator(".dash-flag").first).to_be_visible()
    # nothing wider than the phone but the scrolling tables and charts
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    check_accessibility(page)
    assert page.csp_violations == []


@pytest.mark.skipif(not os.environ.get("SCREENSHOTS"), reason="set SCREENSHOTS=1")
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots(demo, live_server, open_page, language, size):
    """For people to look at: `SCREENSHOTS=1 pytest web/tests/browser/test_dashboard.py -k
    screenshots`; into test-artifacts/screenshots/, the English desktop overview also into
    docs/screenshots/dashboard.png."""
    User.objects.filter(username="brand.aito").update(language=language)
    out = ARTIFACTS / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    page = open_page(language, viewport=DESKTOP if size == "desktop" else PHONE)
    base = live_server.url
    sign_in(page, base, "brand.aito")
    pages = {
        "dashboard": "/dashboard/",
        "dashboard-equity": "/dashboard/equity/",
        "dashboard-bookings": f"/dashboard/outlets/{UNEQUAL_OUTLET}/bookings/?metric=late_start",
    }
    for name, path in pages.items():
        page.goto(base + path)
        page.screenshot(path=str(out / f"{name}-{language}-{size}.png"), full_page=True)
        page.screenshot(path=str(out / f"{name}-{language}-{size}-top.png"))
    if language == "en" and size == "desktop":
        page.goto(base + "/dashboard/")
        page.set_viewport_size({"width": 1280, "height": 1400})
        target = settings.BASE_DIR / "docs" / "screenshots" / "dashboard.png"
        page.screenshot(path=str(target))


def test_recall_campaigns_in_the_browser(demo, live_server, open_page, tmp_path):
    User.objects.filter(username="brand.aito").update(language="en")
    base = live_server.url
    page = open_page("en")
    sign_in(page, base, "brand.aito")
    page.click(".dash-nav a:has-text('Recall campaigns')")
    page.wait_for_url(re.compile(r"/dashboard/recalls/$"))
    rows = page.locator("#recalls-table tbody tr")
    expect(rows.first).to_be_visible()
    check_accessibility(page)
    code = rows.first.get_attribute("data-campaign")
    page.click(f"#recalls-table a:has-text('{code}')")
    expect(page.locator("#campaign-progress")).to_be_visible()
    check_accessibility(page)
    # A file with a bad line: nothing imported, every bad line listed with its number.
    bad = tmp_path / "vins.csv"
    bad.write_text("vin\nNOTAVIN\n")
    page.set_input_files("#id_file", str(bad))
    page.click("#vin-upload button[type=submit]")
    expect(page.locator("#bad-lines li")).to_have_count(1)
    expect(page.locator("#bad-lines")).to_contain_text("Line 2 (NOTAVIN)")
    check_accessibility(page)
    page.goto(base + "/dashboard/recalls/new/")
    check_accessibility(page)
    assert page.csp_violations == []
