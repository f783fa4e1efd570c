"""The demo's technician scenario as an owner sees it, through the availability engine: at the
scenario outlet, battery work (a crew of two at high-voltage level 2 or more) is not offered on
the two days next week the guardian is away, while general work is, and battery work is offered
on the other working days of that week.

Needs the crew-aware engine (bookings.availability.engine.free_starts planning crews at
outlets with `plans_crews`)."""

import datetime as dt

import pytest

from bookings.availability.engine import free_starts
from crews.models import Absence
from demo.crew_rosters import SCENARIO
from demo.crews import outlet_today
from outlets.models import Outlet, ServiceType
from vehicles.models import Brand

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_network):
    return demo_network


def _days_offered(outlet: Outlet, service_code: str, first: dt.date, last: dt.date) -> set:
    starts = free_starts(
        outlet=outlet,
        services=[ServiceType.objects.get(code=service_code)],
        date_from=first,
        date_to=last,
        brand=Brand.objects.get(code="AITO"),
    )
    return {start.astimezone(outlet.zone).date() for start in starts}


def test_battery_work_waits_for_the_guardian_while_general_work_goes_on(seeded):
    outlet = Outlet.objects.get(code=SCENARIO.outlet)
    today = outlet_today(outlet)
    monday = today + dt.timedelta(days=7 - today.weekday())
    friday = monday + dt.timedelta(days=4)
    absence = Absence.objects.get(technician__user__username=SCENARIO.guardian_username)
    away = {absence.first_day + dt.timedelta(days=n) for n in range(2)}
    working_week = {monday + dt.timedelta(days=n) for n in range(5)}
    closed = set(outlet.closures.values_list("date", flat=True))

    battery = _days_offered(outlet, "bat-health", monday, friday)
    general = _days_offered(outlet, "mnt-annual", monday, friday)

    assert battery.isdisjoint(away)
    assert battery == working_week - away - closed
    assert away <= general
