"""Screenshots of the owner pages (1280 desktop and 390 × 844 phone, both languages) for people
to look at. Opt-in: `SCREENSHOTS=1 pytest web/tests/browser/test_screenshots.py
web/tests/browser/test_staff_screenshots.py` (the README's one command). Every page,
whole and top, lands in test-artifacts/screenshots/; the curated set - the top of the home,
vehicles, outlet search, pick-a-time and booking pages - in docs/screenshots/ as
`<page>-<zh|en>-<1280|390>.png`, and the English pick-a-time page also as booking.png (the
README's image)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page

from bookings.tests.factories import BookingFactory

from .conftest import ARTIFACTS, DESKTOP, PHONE
from .test_owner_journey import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("SCREENSHOTS"), reason="set SCREENSHOTS=1"),
]

DOCS = Path(settings.BASE_DIR) / "docs" / "screenshots"
SIZES = {"desktop": DESKTOP, "phone": PHONE}
# The pages of the curated set in docs/screenshots/.
CURATED = {"home", "vehicles", "outlets", "pick", "booking"}


def docs_name(name: str, language: str, size: str) -> Path:
    """docs/screenshots/<page>-<zh|en>-<1280|390>.png"""
    return DOCS / f"{name}-{language[:2]}-{SIZES[size]['width']}.png"


def shoot(page: Page, name: str, language: str, size: str, *, curated: bool) -> None:
    """The page whole and its top into test-artifacts/; the top also into docs/ if curated
    (the top of a page keeps the committed files small and shows what a person sees first)."""
    out = ARTIFACTS / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"{name}-{language}-{size}.png"), full_page=True)
    top = out / f"{name}-{language}-{size}-top.png"
    page.screenshot(path=str(top))
    if curated:
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(top, docs_name(name, language, size))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots(shop, live_server, open_page, language, size):
    shop.owner.language = language
    shop.owner.save()
    booking = BookingFactory(vehicle=shop.vehicle, outlet=shop.outlet, services=shop.services)
    page = open_page(language, viewport=SIZES[size])
    base = live_server.url
    page.goto(base + "/")
    shoot(page, "home", language, size, curated=True)
    sign_in(page, base, shop.owner.username)
    query = f"vehicle={shop.vehicle.pk}&service=mnt-annual&service=dgn-full-scan"
    pages = {
        "vehicles": "/vehicles/",
        "outlets": f"/outlets/?{query}&city=Shanghai",
        "outlet": "/outlets/SH-WEB-01/",
        "pick": f"/outlets/SH-WEB-01/book/?{query}",
        "bookings": "/bookings/",
        "booking": f"/bookings/{booking.reference}/",
    }
    for name, path in pages.items():
        page.goto(base + path)
        shoot(page, name, language, size, curated=name in CURATED)
    if language == "en" and size == "desktop":
        shutil.copy(docs_name("pick", language, size), DOCS / "booking.png")
    page.goto(base + pages["pick"])
    page.locator(".time-chip input[name=start]").nth(2).check()
    page.locator("form.times-form button[type=submit]").click()
    page.wait_for_url("**/confirm/**")
    shoot(page, "confirm", language, size, curated=False)
