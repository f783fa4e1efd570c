"""The queue's estimated starts at an outlet that plans crews: a free bay is no start without a
qualified crew on shift and free, so a car waiting for one is expected when one can start it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.tests.factories import UserFactory
from bookings.lifecycle.walk_ins import walk_in_register
from bookings.models import Booking
from bookings.queue import outlet_queue
from bookings.tests.crew_world import crew_world, reserve, technician
from vehicles.tests.factories import valid_vin

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2027, 3, 2)  # a Tuesday; the crew world's outlet is open 09:00–18:00 every day


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def world():
    return crew_world()


def walk_in(world, number: int, services=None) -> Booking:
    return walk_in_register(
        outlet=world.outlet,
        actor=UserFactory(),
        vin=valid_vin(number, wmi="LVV"),
        model_code="luxeed-r7",
        service_codes=[service.code for service in services or [world.general]],
    )


def estimates(world, now: dt.datetime) -> dict[int, dt.datetime | None]:
    return {
        entry.booking.pk: entry.estimated_start
        for entry in outlet_queue(outlet=world.outlet, day=DAY, now=now)
    }


def test_a_walk_in_waiting_for_the_only_technician_is_expected_when_their_job_ends(
    world, time_machine
):
    time_machine.move_to(at(10), tick=False)
    technician(world.outlet)
    first = walk_in(world, 701)
    second = walk_in(world, 702)
    # Two bays stand free, but nobody to work on them before the first job's hour is up.
    assert (second.bay, second.crew) == (None, [])
    assert estimates(world, at(10))[second.pk] == first.end == at(11)


def test_a_car_waits_for_the_first_shift_of_the_day(world, time_machine):
    time_machine.move_to(at(10), tick=False)
    technician(world.outlet, hours=(dt.time(13), dt.time(18)))
    waiting = walk_in(world, 701)
    assert waiting.bay is None
    assert estimates(world, at(10))[waiting.pk] == at(13)


def test_the_waiting_line_takes_the_crew_in_turn(world, time_machine):
    time_machine.move_to(at(10), tick=False)
    technician(world.outlet)
    walk_in(world, 701)
    second, third = walk_in(world, 702), walk_in(world, 703)
    found = estimates(world, at(10))
    # The second car is given the technician from 11:00 to 12:00, so the third follows it.
    assert (found[second.pk], found[third.pk]) == (at(11), at(12))


def test_a_job_needing_two_waits_until_both_are_free(world, time_machine):
    time_machine.move_to(at(10), tick=False)
    technician(world.outlet, skills=("general", "ev_battery"), hv_level=2)
    guardian = technician(world.outlet, hv_level=2, hours=(dt.time(14), dt.time(18)))
    waiting = walk_in(world, 701, services=[world.battery])
    assert waiting.bay is None
    # The lead is there all day; the guardian the battery work needs comes at 14:00.
    assert estimates(world, at(10))[waiting.pk] == at(14)
    assert guardian.pk not in waiting.crew


def test_a_shift_too_short_for_the_work_is_not_a_start(world, time_machine):
    time_machine.move_to(at(10), tick=False)
    # 10:00–10:30 cannot hold an hour's work; the next shift, 15:00–18:00, can.
    person = technician(world.outlet, hours=(dt.time(10), dt.time(10, 30)))
    person.shifts.create(
        outlet=world.outlet, weekday=DAY.weekday(), starts=dt.time(15), ends=dt.time(18)
    )
    waiting = walk_in(world, 701)
    assert waiting.bay is None
    assert estimates(world, at(10))[waiting.pk] == at(15)


def test_a_booking_is_not_kept_waiting_by_its_own_crew(world, time_machine):
    time_machine.move_to(at(9), tick=False)
    technician(world.outlet)
    booked = reserve(world, [world.general], at(11))
    assert booked.crew
    assert estimates(world, at(9))[booked.pk] == at(11)


def test_without_a_crew_in_the_fortnight_the_car_gets_no_estimate(world, time_machine):
    time_machine.move_to(at(10), tick=False)
    technician(world.outlet, away=(DAY, DAY + dt.timedelta(days=60)))
    waiting = walk_in(world, 701)
    assert waiting.bay is None
    assert estimates(world, at(10))[waiting.pk] is None
