"""Finding an outlet and picking a time, in a real browser, in each language: "sooner nearby"
is near and sooner; the service choices are grouped and fold after a search; the picker has a
skip link and landmarks and is short to tab through; no time is chosen for the owner; a closed
day says why."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from outlets.models import ServiceType
from web.common.display import local_name

from ..test_find_and_pick import minhang  # noqa: F401 - the fixture
from .conftest import PHONE, check_accessibility
from .test_owner_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PICK = "/outlets/SH-WEB-02/book/"
# Tab presses from the top of the picker to its first time: the header's links and the
# language switch, the skip link, the outlet's link, the vehicle, the folded services and their
# button (15 today, a little room for the header). With the whole catalog unfolded and a stop per
# day it took 36.
MAX_TABS_TO_A_TIME = 18


def t(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def _pick(page: Page, base: str, shop, **params) -> None:
    query = "&".join(f"{k}={v}" for k, v in {"service": "mnt-annual", **params}.items())
    page.goto(f"{base}{PICK}?vehicle={shop.vehicle.pk}&{query}")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_sooner_nearby_is_near_widens_and_is_sooner(
    minhang,  # noqa: F811
    shop,
    live_server,
    open_page,
    language,
):
    shop.owner.language = language
    shop.owner.save()
    page = open_page(language)
    sign_in(page, live_server.url, shop.owner.username)
    _pick(page, live_server.url, shop)
    section = page.locator("section#soonest-nearby")
    expect(section.locator("h2")).to_have_text(t(language, "Sooner nearby"))
    links = section.locator("li a")
    # Within the default 50 km: Pudong (sooner); never Xinzhuang, 10 km but not sooner.
    expect(links).to_have_count(1)
    expect(links.first).to_have_attribute("href", re.compile(r"/outlets/SH-WEB-01/book/"))
    expect(section).not_to_contain_text("Far Centre")

    # Widened to 200 km: the centre 150 km away, sooner, too; still not the 394 km one.
    section.locator("select[name=within]").select_option("200")
    section.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"within=200"))
    expect(links).to_have_count(2)
    expect(section).to_contain_text("Suzhou Far Centre")
    expect(section).not_to_contain_text("Hefei Far Centre")
    expect(section).not_to_contain_text("Xinzhuang")
    expect(section.locator("select[name=within]")).to_have_value("200")
    check_accessibility(page)

    # The far centre is free at the first bookable time: nothing is sooner, none is offered.
    page.goto(
        f"{live_server.url}/outlets/JS-FAR-150/book/"
        f"?vehicle={shop.vehicle.pk}&service=mnt-annual&within=500"
    )
    expect(page.locator("section#soonest-nearby li")).to_have_count(0)
    expect(page.locator("section#soonest-nearby .empty")).to_be_visible()
    assert page.csp_violations == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_search_groups_the_services_and_folds_them_after_a_search(
    shop, live_server, open_page, language
):
    shop.owner.language = language
    shop.owner.save()
    page = open_page(language, viewport=PHONE)
    sign_in(page, live_server.url, shop.owner.username)
    page.goto(f"{live_server.url}/outlets/")
    fold = page.locator("details.choices-fold")
    expect(fold).to_have_attribute("open", "")
    # A fieldset with its legend per catalog category, every service inside one.
    categories = set(ServiceType.objects.filter(is_active=True).values_list("category", flat=True))
    groups = page.locator("fieldset.service-category")
    expect(groups).to_have_count(len(categories))
    expect(groups.locator("legend")).to_have_count(len(categories))
    expect(page.locator("fieldset.service-category input[name=service]")).to_have_count(
        ServiceType.objects.filter(is_active=True).count()
    )
    check_accessibility(page)

    page.check("input[name=service][value=mnt-annual]")
    page.select_option("#id_vehicle", str(shop.vehicle.pk))
    page.click(f"main button:has-text('{t(language, 'Search')}')")
    page.wait_for_url(re.compile(r"service=mnt-annual"))
    # Folded, the summary still says what is chosen; the results start on the first screen.
    expect(fold).not_to_have_attribute("open", "")
    with translation.override(language):
        annual = local_name(ServiceType.objects.get(code="mnt-annual"))
    expect(fold.locator("summary")).to_contain_text(annual)
    first = page.locator("article.outlet-card").first
    expect(first.locator(".soonest")).to_be_visible()
    box = first.locator("h3").bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= PHONE["height"], box
    expect(page.get_by_role("search")).to_have_count(1)
    check_accessibility(page)

    # Unfolded again, a change shows in the summary at once.
    fold.locator("summary").click()
    page.check("input[name=service][value=dgn-full-scan]")
    with translation.override(language):
        scan = local_name(ServiceType.objects.get(code="dgn-full-scan"))
    expect(fold.locator("summary")).to_contain_text(scan)
    assert page.csp_violations == []


def test_the_picker_is_short_to_tab_through_and_skips_to_the_times(
    minhang,  # noqa: F811
    shop,
    live_server,
    open_page,
):
    page = open_page("en")
    sign_in(page, live_server.url, shop.owner.username)
    _pick(page, live_server.url, shop)
    expect(page.locator("input[name=start]").first).to_be_attached()
    # Landmarks and headings to jump by.
    expect(page.locator("section[aria-labelledby=visit-title] h2")).to_have_count(1)
    expect(page.locator("section#free-times h2")).to_have_text("Free times, next 14 days")
    expect(page.locator("section#free-times h3").first).to_be_attached()
    expect(page.locator("section#soonest-nearby h2")).to_have_count(1)

    # Tab from the top to the first time.
    page.locator("body").focus()
    tabs = 0
    while tabs < 80:
        page.keyboard.press("Tab")
        tabs += 1
        if page.evaluate("() => document.activeElement.name === 'start'"):
            break
    assert tabs <= MAX_TABS_TO_A_TIME, tabs

    # The skip link: Enter, then one Tab, and the owner is on the first time.
    page.reload()
    page.locator("body").focus()
    page.keyboard.press("Tab")
    while (
        page.evaluate("() => document.activeElement.textContent.trim()") != "Skip to the free times"
    ):
        page.keyboard.press("Tab")
        tabs += 1
        assert tabs < 80
    expect(page.locator("a.skip-to")).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.name, document.activeElement.value]")
    assert focused[0] == "start"
    assert focused[1] == page.locator("input[name=start]").first.get_attribute("value")
    check_accessibility(page)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_time_is_chosen_for_the_owner_and_closed_days_say_why(
    minhang,  # noqa: F811
    shop,
    live_server,
    open_page,
    language,
):
    shop.owner.language = language
    shop.owner.save()
    page = open_page(language, viewport=PHONE)
    sign_in(page, live_server.url, shop.owner.username)
    _pick(page, live_server.url, shop)
    expect(page.locator("input[name=start]").first).to_be_attached()
    expect(page.locator("input[name=start]:checked")).to_have_count(0)

    # A closure and a weekday without hours: in the list, marked closed, with the reason.
    closed = page.locator(".free-day.is-closed")
    expect(closed).to_have_count(3)  # today, and two Thursdays
    expect(closed.nth(0)).to_contain_text(t(language, "Closed"))
    expect(closed.nth(0)).to_contain_text("员工培训" if language == "zh-hans" else "Staff training")
    thursday = t(language, "no opening hours on %(weekday)s") % {"weekday": t(language, "Thursday")}
    expect(closed.nth(1)).to_contain_text(thursday)
    check_accessibility(page)

    # Continue without a time: a message by the times, in the owner's language; nothing sent.
    url = page.url
    page.click(f"form.times-form button:has-text('{t(language, 'Continue')}')")
    error = page.locator("#times-error")
    expect(error).to_be_visible()
    expect(error).to_have_text(t(language, "Choose one of the free times."))
    assert page.url == url
    check_accessibility(page)
    # Choosing one clears it, and Continue goes on.
    page.locator("input[name=start]").first.check()
    expect(error).to_be_hidden()
    page.click(f"form.times-form button:has-text('{t(language, 'Continue')}')")
    page.wait_for_url(re.compile(r"/book/confirm/\?"))
    assert page.csp_violations == []
