"""Screenshots of the staff board (1280 desktop, 1024 × 768 tablet, 390 × 844 phone) and of a
brand admin's dashboard overview (desktop, phone), both languages, for people to look at.
Opt-in: `SCREENSHOTS=1 pytest web/tests/browser/test_staff_screenshots.py`; they land in
test-artifacts/screenshots/, the desktop and phone ones also in docs/screenshots/ as
`board-…` and `dashboard-…` (see test_screenshots), the English desktop board also as
docs/screenshots/board.png."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from demo.seed import seed_demo
from outlets.models import ServiceType
from vehicles.tests.factories import VehicleFactory, vehicle_model

from . import test_staff_board
from .conftest import DESKTOP, PHONE
from .test_dashboard import sign_in as brand_admin_sign_in
from .test_screenshots import DOCS, shoot
from .test_staff_board import staff_sign_in

board_floor = test_staff_board.board_floor  # the same outlet and advisors as the board tests

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("SCREENSHOTS"), reason="set SCREENSHOTS=1"),
]

TABLET = {"width": 1024, "height": 768}


def _fill_the_day(outlet) -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    annual = list(ServiceType.objects.filter(code="mnt-annual"))
    both = list(ServiceType.objects.filter(code__in=["mnt-annual", "dgn-full-scan"]))
    b1, b2 = outlet.bays.get(name="B1"), outlet.bays.get(name="B2")
    specs = [
        # (minutes from now, status, bay, model, plate, mode, services)
        (-150, Booking.Status.READY, b1, "luxeed-s7", "沪C20811", "drop_off", annual),
        (-100, Booking.Status.IN_SERVICE, b2, "aito-m9", "沪A9M999", "wait", both),
        (-20, Booking.Status.CHECKED_IN, None, "stelato-s9", "沪D30303", "wait", annual),
        (-5, Booking.Status.CONFIRMED, None, "aito-m7", "沪A12345", "pickup_delivery", annual),
        (60, Booking.Status.CONFIRMED, b2, "maextro-s800", "沪E88888", "night_service", annual),
    ]
    for minutes, status, bay, model, plate, mode, services in specs:
        start = now + dt.timedelta(minutes=minutes)
        BookingFactory(
            outlet=outlet,
            bay=bay,
            start=start,
            end=start + dt.timedelta(minutes=sum(s.labour_minutes for s in services)),
            bay_released_at=start + dt.timedelta(minutes=sum(s.labour_minutes for s in services)),
            status=status,
            mode=mode,
            pickup_address="88 Century Avenue" if "pickup" in mode or "night" in mode else "",
            checked_in_at=start - dt.timedelta(minutes=5) if minutes < -10 else None,
            started_at=start if status in ("in_service", "ready") else None,
            ready_at=now - dt.timedelta(minutes=10) if status == "ready" else None,
            vehicle=VehicleFactory(model=vehicle_model(model), plate=plate),
            services=services,
        )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("size", ["desktop", "tablet", "phone"])
def test_board_screenshots(board_floor, live_server, open_page, language, size):
    _fill_the_day(board_floor["outlet"])
    for user in board_floor["advisors"]:
        user.language = language
        user.save()
    page = open_page(
        language, viewport={"desktop": DESKTOP, "tablet": TABLET, "phone": PHONE}[size]
    )
    staff_sign_in(page, live_server.url, "advisor-a", "SH-LIVE-01")
    shoot(page, "board", language, size, curated=size != "tablet")
    if language == "en" and size == "desktop":
        shutil.copy(DOCS / "board-en-1280.png", DOCS / "board.png")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_dashboard_screenshots(live_server, open_page, language, size):
    """The audit dashboard's overview on the demo network, as AITO's brand admin sees it."""
    seed_demo()
    User.objects.filter(username="brand.aito").update(language=language)
    page = open_page(language, viewport=DESKTOP if size == "desktop" else PHONE)
    brand_admin_sign_in(page, live_server.url, "brand.aito")
    shoot(page, "dashboard", language, size, curated=True)
