"""Crews on the board, as an advisor meets them on a phone: the card names the booked crew, the
Start form proposes the crews free for the whole visit (the booked one first, the guardian
marked), another crew can be chosen, and a crew whose certificate has lapsed is flagged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from bookings.models import Booking
from bookings.tests.crew_world import crew_world, technician
from bookings.tests.factories import BookingFactory
from crews.models import Technician
from outlets.models import Capability, OpeningHours, OutletMembership
from outlets.tests.factories import OutletMembershipFactory

from .conftest import PHONE, check_accessibility
from .test_staff_board import staff_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

BOTH = (Capability.GENERAL, Capability.EV_BATTERY)


def t(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def named(person: Technician, first: str, last: str) -> Technician:
    person.user.first_name, person.user.last_name = first, last
    person.user.save(update_fields=["first_name", "last_name"])
    return person


@pytest.fixture
def crew_floor(db):
    world = crew_world()
    outlet = world.outlet
    outlet.code, outlet.name = "SH-CREW-01", "Crew Centre"
    outlet.save(update_fields=["code", "name"])
    OpeningHours.objects.filter(outlet=outlet).update(opens=dt.time(0), closes=dt.time(23, 59))
    all_day = (dt.time(0), dt.time(23, 59))
    lead = named(technician(outlet, skills=BOTH, hv_level=3, hours=all_day), "强", "王")
    guardian = named(technician(outlet, hv_level=2, hours=all_day), "洋", "刘")
    other_lead = named(technician(outlet, skills=BOTH, hv_level=2, hours=all_day), "磊", "赵")
    advisor = UserFactory(username="crew-advisor")
    OutletMembershipFactory(user=advisor, outlet=outlet, role=OutletMembership.Role.ADVISOR)
    now = timezone.now().replace(second=0, microsecond=0)
    start = now + dt.timedelta(hours=3)
    battery = BookingFactory(
        outlet=outlet,
        bay=outlet.bays.get(name="hv1"),
        start=start,
        end=start + dt.timedelta(minutes=world.battery.labour_minutes),
        bay_released_at=start + dt.timedelta(minutes=world.battery.labour_minutes),
        services=[world.battery],
        crew=[lead.pk, guardian.pk],
        status=Booking.Status.CHECKED_IN,
        checked_in_at=now,
    )
    return {
        "battery": battery,
        "lead": lead,
        "guardian": guardian,
        "other": other_lead,
        "advisor": advisor,
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_advisor_starts_a_battery_job_with_another_crew(
    crew_floor, live_server, open_page, language
):
    battery = crew_floor["battery"]
    crew_floor["advisor"].language = language
    crew_floor["advisor"].save(update_fields=["language"])
    page = open_page(language)
    page.set_viewport_size(PHONE)
    staff_sign_in(page, live_server.url, "crew-advisor", "SH-CREW-01")

    card = page.locator(f"#card-{battery.reference}")
    expect(card.locator("dd.crew")).to_contain_text("王强")
    expect(card.locator("dd.crew")).to_contain_text("刘洋")
    options = card.locator("select[name=crew] option")
    expect(options.first).to_contain_text("王强")  # the booked crew, proposed first
    expect(options.first).to_contain_text(t(language, "guardian"))
    check_accessibility(page)

    other = crew_floor["other"]
    value = f"{other.pk},{crew_floor['guardian'].pk}"
    card.locator("select[name=crew]").select_option(value)
    card.get_by_role("button", name=t(language, "Start")).click()
    started = page.locator(f"section.stage-in_service #card-{battery.reference}")
    expect(started.locator("dd.crew")).to_contain_text("赵磊")
    assert Booking.objects.get(pk=battery.pk).crew == [other.pk, crew_floor["guardian"].pk]

    # The guardian's certificate lapses: the card says so, and nothing is cancelled.
    Technician.objects.filter(pk=crew_floor["guardian"].pk).update(
        hv_valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    page.reload()
    flag = page.locator(f"#card-{battery.reference} .flag-crew")
    expect(flag).to_contain_text("刘洋")
    assert Booking.objects.get(pk=battery.pk).status == Booking.Status.IN_SERVICE
    check_accessibility(page)
    assert page.csp_violations == []
