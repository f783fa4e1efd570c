"""Screenshots of the visit in the workshop and of crews, on a phone, both languages, on the demo
network: the advisor's inspection and extra-work pages, the owner's booking page (timeline,
inspection, work waiting) and approval page, a manager's Technicians page. Opt-in:
`SCREENSHOTS=1 pytest web/tests/browser/test_workshop_screenshots.py`; they land in
test-artifacts/screenshots/ and docs/screenshots/ (see test_screenshots)."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page

from accounts.models import User
from bookings.models import Booking, Notification
from demo.network import DEMO_PASSWORD
from demo.seed import seed_demo

from .conftest import PHONE
from .test_screenshots import shoot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("SCREENSHOTS"), reason="set SCREENSHOTS=1"),
]

OWNER, ADVISOR, MANAGER = "owner.wang", "advisor.sh-pudong", "manager.bj-chaoyang"


def demo_sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[action='/sign-in/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/(staff|vehicles|dashboard)/"))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_workshop_screenshots(live_server, open_page, settings, tmp_path, language):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo()
    User.objects.filter(username__in=[OWNER, ADVISOR, MANAGER]).update(language=language)
    booking = Booking.objects.get(vehicle__owner__username=OWNER, status=Booking.Status.CHECKED_IN)
    base, ref = live_server.url, booking.reference

    desk = open_page(language, viewport=PHONE)
    demo_sign_in(desk, base, ADVISOR)
    desk.goto(f"{base}/staff/SH-PUDONG-01/{ref}/inspection/")
    shoot(desk, "inspection", language, "phone", curated=True)
    desk.goto(f"{base}/staff/SH-PUDONG-01/{ref}/estimate/")
    shoot(desk, "extra-work", language, "phone", curated=True)

    owner = open_page(language, viewport=PHONE)
    demo_sign_in(owner, base, OWNER)
    owner.goto(f"{base}/bookings/{ref}/")
    shoot(owner, "visit", language, "phone", curated=True)
    message = Notification.objects.filter(booking=booking, kind=Notification.Kind.ESTIMATE).first()
    link = message.context["link"]
    owner.goto(link if link.startswith("http") else base + link)
    shoot(owner, "approval", language, "phone", curated=True)

    manager = open_page(language, viewport=PHONE)
    demo_sign_in(manager, base, MANAGER)
    manager.goto(f"{base}/staff/BJ-CHAOYANG-01/manage/technicians/")
    shoot(manager, "technicians", language, "phone", curated=True)
