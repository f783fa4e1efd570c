"""Chinese pages speak Chinese down to their data: on the demo network, the
outlet search, an outlet's page, the time picker and the staff board show cities, addresses,
bay names and checklist items in Chinese, an outlet's sentence names it in Chinese, and lists
use Chinese punctuation. In English the same pages show the English data."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from accounts.models import User
from demo.network import DEMO_PASSWORD
from outlets.models import Bay, Outlet, ServiceType

from .conftest import check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)

OUTLET = "SZ-NANSHAN-01"


def t(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[action='/sign-in/'] button[type=submit]")
    page.wait_for_load_state()


def main_text(page: Page) -> str:
    """Everything the page's main part says, folded parts included (not attribute values: a
    checkbox's value is the stored English item)."""
    return page.locator("main").evaluate("main => main.textContent")


def english_data() -> set[str]:
    """The English of every city, province, address, bay name and checklist item the demo
    network has: none of it may show on a Chinese page."""
    texts: set[str] = set()
    for outlet in Outlet.objects.all():
        texts |= {outlet.city, outlet.province, outlet.address}
    texts |= set(Bay.objects.values_list("name", flat=True))
    for service in ServiceType.objects.filter(is_active=True):
        texts |= set(service.checklist)
    return {text for text in texts if text}


def shown_in_english(text: str, english: set[str]) -> list[str]:
    # a whole word or phrase; a zone's IANA name ("Asia/Shanghai") is a code, not a city
    return sorted(e for e in english if re.search(rf"(?<![\w/]){re.escape(e)}(?!\w)", text))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_show_the_data_in_the_readers_language(demo, live_server, open_page, language):
    User.objects.filter(username__in=["owner.li", "advisor.sz-nanshan"]).update(language=language)
    outlet = Outlet.objects.get(code=OUTLET)
    english = english_data()
    chinese = language == "zh-hans"
    name = outlet.name_zh if chinese else outlet.name
    city = outlet.city_zh if chinese else outlet.city
    address = outlet.address_zh if chinese else outlet.address
    base = live_server.url
    page = open_page(language)
    sign_in(page, base, "owner.li")

    # The outlet search: each card in the reader's language, its sentence naming it whole.
    page.goto(f"{base}/outlets/?city=Shenzhen")
    card = page.locator("article.outlet-card", has=page.locator(f"a[href='/outlets/{OUTLET}/']"))
    expect(card.locator("h3")).to_have_text(name)
    expect(card).to_contain_text(city)
    expect(card).to_contain_text(address)
    pick = t(language, "Pick a time at %(name)s") % {"name": name}
    expect(card.get_by_role("button", name=pick)).to_be_visible()
    amenities = card.locator("p", has_text=t(language, "Amenities"))
    if chinese:
        expect(amenities).to_have_text("配套设施：餐饮、儿童区、商务休息区、充电")
        assert shown_in_english(main_text(page), english) == []
    else:
        expect(amenities).to_have_text("Amenities: dining, kids' area, business lounge, charging")
    expect(page.locator("#id_city option:checked")).to_have_text(city)
    check_accessibility(page)

    # The outlet's page: its name, address, city and province.
    page.goto(f"{base}/outlets/{OUTLET}/")
    expect(page.locator("h1")).to_have_text(name)
    locality = "广东深圳" if chinese else "Shenzhen, Guangdong"
    expect(page.locator("address")).to_have_text(re.compile(rf"{address}\s*{locality}"))
    if chinese:
        assert shown_in_english(main_text(page), english) == []
        expect(page.locator("main")).not_to_contain_text("配套设施:")
    check_accessibility(page)

    # The time picker.
    page.goto(f"{base}/outlets/{OUTLET}/book/")
    expect(page.locator("main")).to_contain_text(f"{name} · {city}")
    if chinese:
        assert shown_in_english(main_text(page), english) == []

    # The staff board: bay names and the checklist of the car in service.
    staff = open_page(language)
    sign_in(staff, base, "advisor.sz-nanshan")
    staff.goto(f"{base}/staff/{OUTLET}/")
    in_service = staff.locator("fieldset legend").first
    expect(in_service).to_be_attached()
    board = main_text(staff)
    bays = outlet.bays.filter(is_active=True)
    services = ServiceType.objects.filter(is_active=True)
    if chinese:
        assert shown_in_english(board, english) == []
        assert any(bay.name_zh in board for bay in bays)
        assert any(item in board for s in services for item in s.checklist_zh)
    else:
        assert any(bay.name in board for bay in bays)
        assert any(item in board for s in services for item in s.checklist)
    assert page.csp_violations == []
    assert staff.csp_violations == []
