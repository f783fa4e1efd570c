"""A card offers only what can be done: a start on a bay that is free for the whole visit, the
no-show only once it is due (and as a step aside, not the card's main button), the checklist
when the car is declared ready. A car started early keeps its promised time, shown beside the
real start on the card and on the owner's booking."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from accounts.tests.factories import PASSWORD, UserFactory
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from outlets.models import OutletMembership, ServiceType
from outlets.tests.factories import BayFactory, OutletFactory, OutletMembershipFactory

from .conftest import PHONE, check_accessibility
from .test_staff_board import staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

Role = OutletMembership.Role


def t(language: str, text: str, **params: str) -> str:
    with translation.override(language):
        return translation.gettext(text) % params if params else translation.gettext(text)


@pytest.fixture
def card_floor(db):
    service = ServiceType.objects.get(code="mnt-annual")
    outlet = OutletFactory(
        code="SH-CARD-01",
        name="Card Centre",
        name_zh="卡片中心",
        services=[service],
        hours=[(dt.time(0), dt.time(23, 59))],
    )
    b1, _b2, b3 = (BayFactory(outlet=outlet, name=name) for name in ("B1", "B2", "B3"))
    advisor = UserFactory(username="card-advisor")
    OutletMembershipFactory(user=advisor, outlet=outlet, role=Role.ADVISOR)
    now = timezone.now().replace(second=0, microsecond=0)

    def booking(bay, minutes: int, **kwargs) -> Booking:
        start = now + dt.timedelta(minutes=minutes)
        return BookingFactory(
            outlet=outlet,
            bay=bay,
            start=start,
            end=start + dt.timedelta(minutes=service.labour_minutes),
            bay_released_at=start + dt.timedelta(minutes=service.labour_minutes),
            services=[service],
            **kwargs,
        )

    # Checked in two hours early on B1; B1 is held from 20 minutes on by the next car, B3 by a
    # car 40 minutes late: only B2 is free for its whole visit from now.
    early = booking(b1, 120, status=Booking.Status.CHECKED_IN, checked_in_at=now)
    next_car = booking(b1, 20)
    late_car = booking(b3, -40)
    return {"advisor": advisor, "early": early, "next": next_car, "late": late_car}


def _sign_in_owner(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/sign-in/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/vehicles/$"))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_card_offers_only_what_can_be_done_and_keeps_the_promise(
    card_floor, live_server, open_page, language
):
    base = live_server.url
    card_floor["advisor"].language = language
    card_floor["advisor"].save()
    early, next_car, late_car = card_floor["early"], card_floor["next"], card_floor["late"]
    zone = early.outlet.zone
    desk = open_page(language)
    staff_sign_in(desk, base, "card-advisor", "SH-CARD-01")

    # The start proposes the one bay free until the work would end.
    card = desk.locator(f"#card-{early.reference}")
    expect(card.locator("select[name=bay] option")).to_have_text(["B2"])
    # No-show: not offered before it is due; once due, a small button aside.
    next_card = desk.locator(f"#card-{next_car.reference}")
    expect(next_card.get_by_role("button", name=t(language, "Check in"))).to_be_visible()
    expect(next_card.get_by_role("button", name=t(language, "No-show"))).to_have_count(0)
    late_card = desk.locator(f"#card-{late_car.reference}")
    no_show = late_card.get_by_role("button", name=t(language, "No-show"))
    expect(no_show).to_be_visible()
    assert no_show.bounding_box()["width"] < late_card.bounding_box()["width"] / 2
    check_accessibility(desk)

    # Started now, two hours before the promise: both are on the card.
    card.get_by_role("button", name=t(language, "Start")).click()
    started_card = desk.locator(f"section.stage-in_service #card-{early.reference}")
    expect(started_card).to_be_visible()
    started = Booking.objects.get(pk=early.pk)
    assert started.promised_start == early.start
    promised = f"{early.start.astimezone(zone):%H:%M}"
    actual = t(language, "started %(time)s", time=f"{started.started_at.astimezone(zone):%H:%M}")
    expect(started_card.locator(".promised")).to_have_text(f"{promised} · {actual}")
    # The checklist is asked when the car is declared ready, not at completion.
    expect(started_card.locator("input[type=checkbox]")).to_have_count(
        len(ServiceType.objects.get(code="mnt-annual").checklist)
    )
    expect(started_card.get_by_role("button", name=t(language, "Ready for pickup"))).to_be_visible()
    check_accessibility(desk)
    desk.set_viewport_size(PHONE)
    check_accessibility(desk)

    # The owner's booking keeps the promised time and says when the work started.
    owner = early.owner
    owner.language = language
    owner.save()
    page = open_page(language)
    _sign_in_owner(page, base, owner.username)
    page.goto(f"{base}/bookings/{early.reference}/")
    when = page.locator("dd.when")
    expect(when).to_contain_text(promised)
    expect(when).to_contain_text(actual)
    end = early.end.astimezone(zone)  # the promised visit's end, as booked
    expect(when).to_contain_text(f"{promised}–{end:%H:%M}")
    check_accessibility(page)
    page.goto(f"{base}/bookings/")
    expect(page.locator(".booking-row", has_text=early.reference)).to_contain_text(actual)
    assert desk.csp_violations == []
    assert page.csp_violations == []
