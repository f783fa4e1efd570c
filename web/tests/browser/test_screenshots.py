"""Screenshots of the owner pages (desktop and 390 × 844, both languages) for people to look
at. Opt-in: `SCREENSHOTS=1 pytest web/tests/browser/test_screenshots.py`; they land in
test-artifacts/screenshots/, and the pick-a-time page also in docs/screenshots/booking.png."""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings

from bookings.tests.factories import BookingFactory

from .conftest import ARTIFACTS, DESKTOP, PHONE
from .test_owner_journey import sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("SCREENSHOTS"), reason="set SCREENSHOTS=1"),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots(shop, live_server, open_page, language, size):
    shop.owner.language = language
    shop.owner.save()
    booking = BookingFactory(vehicle=shop.vehicle, outlet=shop.outlet, services=shop.services)
    out = ARTIFACTS / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    page = open_page(language, viewport=DESKTOP if size == "desktop" else PHONE)
    base = live_server.url
    page.goto(base + "/")
    page.screenshot(path=str(out / f"home-{language}-{size}.png"), full_page=True)
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
        page.screenshot(path=str(out / f"{name}-{language}-{size}.png"), full_page=True)
        page.screenshot(path=str(out / f"{name}-{language}-{size}-top.png"))
    page.goto(base + pages["pick"])
    page.locator("input[name=start]").nth(2).check()
    page.locator("button[type=submit]", has_text="").last.click()
    page.wait_for_url("**/confirm/**")
    page.screenshot(path=str(out / f"confirm-{language}-{size}.png"), full_page=True)
    if language == "en" and size == "desktop":
        target = settings.BASE_DIR / "docs" / "screenshots" / "booking.png"
        shutil.copy(out / f"pick-{language}-{size}-top.png", target)
