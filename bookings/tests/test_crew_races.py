"""Real races for a crew: threads on their own PostgreSQL connections, released together, book
one slot at an outlet with bays to spare but one qualified crew. The exclusion constraint on
the crew, not the engine's read, makes exactly one win."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from bookings.models import Booking
from bookings.tests.crew_world import crew_world, reserve, technician
from bookings.tests.test_reservation_concurrency import race
from hima_service.exceptions import CrewUnavailable, SlotTaken
from outlets.models import Capability
from outlets.tests.factories import BayFactory
from vehicles.tests.factories import VehicleFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

THREADS = 16
SLOT = dt.datetime(2027, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))

CREW_OVERLAPS_SQL = """
    SELECT count(*) FROM bookings_booking a
    JOIN bookings_booking b ON a.id < b.id AND a.crew && b.crew
    WHERE a.status IN ('confirmed', 'checked_in', 'in_service')
      AND b.status IN ('confirmed', 'checked_in', 'in_service')
      AND tstzrange(a.start, a."end") && tstzrange(b.start, b."end")
"""


@pytest.mark.parametrize("crews", [1, 2])
def test_racing_bookings_for_the_last_free_crews(crews):
    world = crew_world()
    for n in range(4):
        BayFactory(outlet=world.outlet, name=f"extra{n}", capabilities=[Capability.GENERAL])
    for _ in range(crews):
        technician(world.outlet)
    vehicles = [VehicleFactory() for _ in range(THREADS)]

    def book(i: int) -> None:
        reserve(world, [world.general], SLOT, vehicles[i])

    outcomes = race(book, THREADS, taken=(SlotTaken, CrewUnavailable))
    assert [o for o in outcomes if o not in ("won", "taken")] == []
    assert outcomes.count("won") == crews
    with connection.cursor() as cursor:
        cursor.execute(CREW_OVERLAPS_SQL)
        assert cursor.fetchone()[0] == 0
    held = sorted(m for crew in Booking.objects.values_list("crew", flat=True) for m in crew)
    assert len(held) == len(set(held)) == crews
