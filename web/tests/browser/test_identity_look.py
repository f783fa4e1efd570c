"""The site-wide look in a real browser, both languages: the header's links by role (staff
reach their board from any page, brand admins the dashboard, neither gets the owners' links),
a focus ring of at least 3:1 on every element a keyboard reaches (the language switch, links,
buttons, checkboxes, a checked time chip), brand and status badges whose text reads at 4.5:1
and whose status has a shape besides its colour, and landmarks with names of their own."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from bookings.tests.factories import BookingFactory
from outlets.models import OutletMembership, ServiceType
from outlets.tests.factories import OutletFactory, OutletMembershipFactory
from vehicles.tests.factories import BrandMembershipFactory, brand

from .conftest import AXE_SOURCE, PHONE, check_accessibility
from .test_identity_staff_and_brand import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["zh-hans", "en"]

# Relative luminance and contrast (WCAG 2.2), in the page: colours as the browser computed them.
CONTRAST_JS = """
(() => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const contrast = (a, b) => {
    const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const opaque = (colour) => { const v = rgb(colour); return v.length === 3 || v[3] > 0; };
  const behind = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (opaque(colour)) return colour;
    }
    return "rgb(255, 255, 255)";
  };
  window.__hima = { contrast, opaque, behind };
})();
"""

FOCUS_JS = """
() => {
  let el = document.activeElement;
  if (!el || el === document.body) return null;
  // A time chip's radio is drawn as the chip: the ring goes round the chip.
  const chip = el.closest('.time-chip');
  const ringed = chip || el;
  const style = getComputedStyle(ringed);
  const own = style.backgroundColor;
  const { contrast, opaque, behind } = window.__hima;
  return {
    tag: el.tagName.toLowerCase(),
    type: el.type || '',
    text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40),
    chip: !!chip,
    checked: !!el.checked,
    pressed: el.getAttribute('aria-pressed'),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor,
    fill: opaque(own) ? own : null,
    vsPage: contrast(style.outlineColor, behind(ringed.parentElement)),
    vsElement: opaque(own) ? contrast(style.outlineColor, own) : null,
  };
}
"""


def t(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def _install(page: Page) -> None:
    # Through the DevTools protocol (the page's CSP refuses inline scripts).
    page.evaluate(CONTRAST_JS)


def _tab_through(page: Page, most: int = 80) -> list[dict]:
    """Every element the Tab key reaches, in order, with its ring as computed."""
    _install(page)
    seen: list[dict] = []
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_JS)
        if focused is None:
            break
        if seen and focused == seen[0]:
            break
        seen.append(focused)
    return seen


# --- the header by role ----------------------------------------------------------------------


@pytest.fixture
def roles(db):
    """An outlet with an advisor, an AITO brand admin; neither owns a car."""
    outlet = OutletFactory(code="SH-LOOK-01", name="Look Centre", name_zh="外观中心")
    advisor = UserFactory(username="look-advisor")
    OutletMembershipFactory(user=advisor, outlet=outlet, role=OutletMembership.Role.ADVISOR)
    admin = UserFactory(username="look-brand-admin")
    BrandMembershipFactory(user=admin, brand=brand("AITO"))
    return {"outlet": outlet, "advisor": advisor, "admin": admin}


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_reach_their_board_from_any_page_and_brand_admins_the_dashboard(
    roles, live_server, open_page, language
):
    for user in (roles["advisor"], roles["admin"]):
        user.language = language
        user.save(update_fields=["language"])
    base = live_server.url
    page = open_page(language, viewport=PHONE)
    main_nav = page.get_by_role("navigation", name=t(language, "Main"))
    sign_in(page, base, "look-advisor")
    for path in ["/", "/outlets/", "/my-data/"]:
        page.goto(base + path)
        expect(main_nav.get_by_role("link", name=t(language, "My vehicles"))).to_have_count(0)
        expect(main_nav.get_by_role("link", name=t(language, "Audit dashboard"))).to_have_count(0)
    main_nav.get_by_role("link", name=t(language, "Board"), exact=True).click()
    page.wait_for_url("**/staff/SH-LOOK-01/")
    expect(main_nav.get_by_role("link", name=t(language, "Board"), exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    check_accessibility(page)

    page.context.clear_cookies()
    sign_in(page, base, "look-brand-admin")
    page.goto(base + "/outlets/")
    expect(main_nav.get_by_role("link", name=t(language, "My vehicles"))).to_have_count(0)
    expect(main_nav.get_by_role("link", name=t(language, "Board"), exact=True)).to_have_count(0)
    main_nav.get_by_role("link", name=t(language, "Audit dashboard")).click()
    page.wait_for_url("**/dashboard/")
    expect(main_nav.get_by_role("link", name=t(language, "Audit dashboard"))).to_have_attribute(
        "aria-current", "page"
    )
    check_accessibility(page)
    assert page.csp_violations == []
    # Every page names its icon: the browser's own ask for /favicon.ico would be a 404.
    assert page.failed_loads == []


# --- focus ring, badges, landmarks -----------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_focusable_element_shows_a_ring_of_3_to_1(shop, live_server, open_page, language):
    shop.owner.language = language
    shop.owner.save(update_fields=["language"])
    base = live_server.url
    page = open_page(language)
    sign_in(page, base, shop.owner.username)
    query = f"vehicle={shop.vehicle.pk}&service=mnt-annual&service=dgn-full-scan"
    page.goto(f"{base}/outlets/SH-WEB-01/book/?{query}")
    expect(page.locator(".time-chip").first).to_be_visible()
    # Open the folded parts (the services' checkboxes, the later days) so Tab reaches them.
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")

    focused = _tab_through(page)

    weak = [
        f
        for f in focused
        if f["outlineStyle"] == "none"
        or f["outlineWidth"] < 2
        or f["vsPage"] < 3
        or (f["vsElement"] is not None and f["vsElement"] < 3)
    ]
    assert weak == [], [sorted(w.items()) for w in weak]
    kinds = {(f["tag"], f["type"]) for f in focused}
    assert ("a", "") in kinds
    assert ("input", "checkbox") in kinds
    assert ("button", "submit") in kinds
    switch = [f for f in focused if f["pressed"] is not None]
    assert {f["text"] for f in switch} == {"中文", "English"}
    # The checked chip is filled; its ring is not its own colour.
    assert any(f["chip"] for f in focused)
    page.locator(".time-chip input").first.focus()
    page.keyboard.press("Space")
    chip = page.evaluate(FOCUS_JS)
    assert chip["chip"]
    assert chip["checked"]
    assert chip["fill"] is not None
    assert chip["outlineColor"] != chip["fill"]
    assert chip["vsElement"] >= 3
    check_accessibility(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_badges_read_at_4_5_to_1_and_status_has_a_shape(shop, live_server, open_page, language):
    service = ServiceType.objects.get(code="mnt-annual")
    booking = BookingFactory(vehicle=shop.vehicle, outlet=shop.outlet, services=[service])
    shop.owner.language = language
    shop.owner.save(update_fields=["language"])
    base = live_server.url
    page = open_page(language)
    sign_in(page, base, shop.owner.username)
    page.goto(f"{base}/bookings/{booking.reference}/")
    _install(page)

    brand_badge = page.locator(".brand-badge").first
    expect(brand_badge).to_have_text("问界" if language == "zh-hans" else "AITO")
    # The badge names the brand; the model beside it is not spelt with the brand again.
    car = page.locator("dd", has=page.locator(".brand-badge")).first
    expect(car).to_contain_text(("问界" if language == "zh-hans" else "AITO") + " M7")
    expect(car).not_to_contain_text("问界M7")
    status = page.locator(".status").first
    for badge in (brand_badge, status):
        ratio = badge.evaluate(
            "el => window.__hima.contrast(getComputedStyle(el).color, window.__hima.behind(el))"
        )
        assert ratio >= 4.5
    shape = status.evaluate(
        "el => { const s = getComputedStyle(el, '::before');"
        " return [s.content, parseFloat(s.width), parseFloat(s.height)]; }"
    )
    assert shape[0] == '""'
    assert shape[1] > 0
    assert shape[2] > 0

    # Every landmark and region has a name of its own (axe's landmark-unique, a moderate rule
    # that check_accessibility does not fail on).
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE + "\n;true")
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['landmark-unique', 'region']})"
    )
    assert [v["id"] for v in result["violations"]] == []
    check_accessibility(page)
