"""Flagged to the manager: on the technicians page, the outlet's active bookings of the next 60
days whose crew may no longer do the work (a certificate lapsed after they were booked, someone
away, retired or no longer on shift for it), each with its reference, local start, the person
and the problem, in the reader's language; advisors and outlets planned by bays alone see no
such list."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from accounts.tests.factories import UserFactory
from bookings.models import Booking
from bookings.tests.crew_world import crew_world, technician
from bookings.tests.factories import BookingFactory
from crews.models import Shift, Technician
from outlets.models import Capability, Outlet, OutletMembership

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 3, 2, 10, 0, tzinfo=SHANGHAI)
LAPSES = dt.date(2027, 3, 10)  # Qiang Wang's HV certificate counts up to this day
BOTH = (Capability.GENERAL, Capability.EV_BATTERY)
Role = OutletMembership.Role


@pytest.fixture
def shop(db):
    with time_machine.travel(NOW, tick=False):
        world = crew_world()
        manager, advisor = UserFactory(username="flag-mgr"), UserFactory(username="flag-adv")
        OutletMembership.objects.create(user=manager, outlet=world.outlet, role=Role.MANAGER)
        OutletMembership.objects.create(user=advisor, outlet=world.outlet, role=Role.ADVISOR)
        wang = technician(world.outlet, skills=BOTH, hv_level=3, hv_valid_until=LAPSES)
        wang.user.first_name, wang.user.last_name = "强", "王"
        wang.user.save(update_fields=["first_name", "last_name"])
        li = technician(world.outlet, hv_level=2)
        yield {
            "world": world,
            "outlet": world.outlet,
            "manager": manager,
            "advisor": advisor,
            "crew": [wang.pk, li.pk],
        }


def _battery_job(shop, day: dt.date, *, status=Booking.Status.CONFIRMED, hour: int = 10):
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)
    return BookingFactory(
        outlet=shop["outlet"],
        bay=shop["outlet"].bays.get(name="hv1"),
        start=start,
        end=start + dt.timedelta(minutes=120),
        status=status,
        services=[shop["world"].battery],
        crew=shop["crew"],
    )


def _page(shop, who: str) -> str:
    client = Client()
    client.force_login(shop[who])
    response = client.get(f"/staff/{shop['outlet'].code}/manage/technicians/")
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str) -> str:
    part = html[html.index('id="crew-flags"') :]
    return part[: part.index("</section>")]


def test_the_manager_sees_the_bookings_whose_crew_lapsed(shop):
    before = _battery_job(shop, LAPSES)
    after = _battery_job(shop, LAPSES + dt.timedelta(days=5), hour=14)
    too_far = _battery_job(shop, NOW.date() + dt.timedelta(days=70))
    cancelled = _battery_job(shop, LAPSES + dt.timedelta(days=6), status=Booking.Status.CANCELLED)
    section = _section(_page(shop, "manager"))
    assert f'data-reference="{after.reference}"' in section
    row = section[section.index(f'data-reference="{after.reference}"') :]
    row = row[: row.index("</tr>")]
    assert "2027-03-15 14:00" in row  # the outlet's local time
    assert "王强" in row
    assert "⚠ HV certificate lapsed" in row
    for unflagged in (before, too_far, cancelled):
        assert unflagged.reference not in section


def test_the_manager_sees_a_booking_whose_crew_is_no_longer_on_shift(shop):
    booking = _battery_job(shop, NOW.date() + dt.timedelta(days=1))
    li = Technician.objects.get(pk=shop["crew"][1])
    Shift.objects.filter(technician=li).update(ends=dt.time(11))  # the job runs to 12:00
    section = _section(_page(shop, "manager"))
    row = section[section.index(f'data-reference="{booking.reference}"') :]
    row = row[: row.index("</tr>")]
    assert li.user.display_name in row
    assert "⚠ not on shift for the whole visit" in row


def test_the_list_in_chinese(shop):
    shop["manager"].language = "zh-hans"
    shop["manager"].save(update_fields=["language"])
    after = _battery_job(shop, LAPSES + dt.timedelta(days=1))
    section = _section(_page(shop, "manager"))
    assert after.reference in section
    assert "⚠ 高压证书已过期" in section
    with translation.override("zh-hans"):
        assert translation.gettext("Bookings whose crew may no longer do the work") in section


def test_nothing_flagged_says_so(shop):
    _battery_job(shop, LAPSES)
    section = _section(_page(shop, "manager"))
    assert "Every crew booked in the next 60 days may still do its work." in section
    assert "<tr" not in section


def test_an_advisor_and_an_outlet_planned_by_bays_see_no_list(shop):
    _battery_job(shop, LAPSES + dt.timedelta(days=1))
    assert 'id="crew-flags"' not in _page(shop, "advisor")
    Outlet.objects.filter(pk=shop["outlet"].pk).update(plans_crews=False)
    assert 'id="crew-flags"' not in _page(shop, "manager")
