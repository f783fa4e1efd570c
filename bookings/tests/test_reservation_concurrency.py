"""Real races: 30+ threads, each on its own PostgreSQL connection, released together by a barrier,
fight for the last free bays of one slot. Only the database can make exactly `capacity` win."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction

from bookings.models import Booking, BookingService
from bookings.reservation import move_booking, reserve_bay
from bookings.tests.factories import BookingFactory
from hima_service.exceptions import SlotTaken
from outlets.models import Capability
from outlets.tests.factories import BayFactory, OutletFactory, ServiceTypeFactory
from vehicles.tests.factories import VehicleFactory

# The brands and catalog that a transactional test's flush removes are put back by conftest.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

THREADS = 32
SHANGHAI = ZoneInfo("Asia/Shanghai")
SLOT = dt.datetime(2027, 3, 2, 10, tzinfo=SHANGHAI)

OVERLAPS_SQL = """
    SELECT count(*) FROM bookings_booking a
    JOIN bookings_booking b ON a.id < b.id AND ({same})
    WHERE a.status IN ('confirmed', 'checked_in', 'in_service')
      AND b.status IN ('confirmed', 'checked_in', 'in_service')
      AND tstzrange(a.start, a.{end}) && tstzrange(b.start, b.{end})
"""


def overlapping_pairs() -> tuple[int, int]:
    """(bay overlaps, vehicle overlaps) among active bookings, counted by PostgreSQL itself."""
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS_SQL.format(same="a.bay_id = b.bay_id", end="bay_released_at"))
        bays = cursor.fetchone()[0]
        cursor.execute(OVERLAPS_SQL.format(same="a.vehicle_id = b.vehicle_id", end='"end"'))
        return bays, cursor.fetchone()[0]


def race(work, count: int, *, taken: tuple[type[Exception], ...] = (SlotTaken,)) -> list:
    """Run work(i) in `count` threads at once; each returns "won", "taken" (one of `taken`
    raised) or the exception."""
    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def run(i: int) -> None:
        try:
            connection.ensure_connection()  # its own connection, open before the start line
            barrier.wait(timeout=60)
            work(i)
            outcomes[i] = "won"
        except taken:
            outcomes[i] = "taken"
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def oil():
    return ServiceTypeFactory(code="t-oil", labour_minutes=60, capability=Capability.GENERAL)


@pytest.mark.parametrize("capacity", [1, 3])
def test_racing_reservations_for_the_last_free_bays(oil, capacity):
    outlet = OutletFactory(services=[oil])
    full = BayFactory(outlet=outlet, name="full")
    BookingFactory(outlet=outlet, bay=full, start=SLOT, services=[oil])
    for n in range(capacity):
        BayFactory(outlet=outlet, name=f"free{n}")
    vehicles = [VehicleFactory() for _ in range(THREADS)]

    def reserve(i: int) -> None:
        with transaction.atomic():
            booking = Booking(
                owner=vehicles[i].owner, vehicle=vehicles[i], outlet=outlet, start=SLOT
            )
            reserve_bay(booking=booking, services=[oil])
            BookingService.objects.create(
                booking=booking, service_type=oil, labour_minutes=60, price=oil.price
            )

    outcomes = race(reserve, THREADS)

    assert [o for o in outcomes if o not in ("won", "taken")] == [], outcomes
    assert outcomes.count("won") == capacity
    assert outcomes.count("taken") == THREADS - capacity
    at_slot = Booking.objects.filter(outlet=outlet, start=SLOT)
    assert at_slot.count() == capacity + 1
    assert at_slot.values("bay").distinct().count() == capacity + 1
    assert BookingService.objects.filter(booking__in=at_slot).count() == capacity + 1
    assert overlapping_pairs() == (0, 0)


def test_racing_moves_into_the_last_free_bay(oil):
    """Thirty owners reschedule into one free slot: one wins, every other row is untouched."""
    outlet = OutletFactory(services=[oil])
    home = BayFactory(outlet=outlet, name="home")
    BayFactory(outlet=outlet, name="target")
    BookingFactory(outlet=outlet, bay=home, start=SLOT, services=[oil])  # `home` is full then
    later = SLOT + dt.timedelta(days=1)
    bookings = [
        BookingFactory(
            outlet=outlet,
            bay=home,
            start=later + dt.timedelta(days=i // 8, hours=i % 8),
            services=[oil],
        )
        for i in range(THREADS)
    ]
    before = {b.pk: (b.start, b.bay_id) for b in bookings}

    def move(i: int) -> None:
        with transaction.atomic():
            move_booking(booking=bookings[i], start=SLOT)

    outcomes = race(move, THREADS)

    assert [o for o in outcomes if o not in ("won", "taken")] == [], outcomes
    assert outcomes.count("won") == 1
    winner = bookings[outcomes.index("won")].pk
    for booking in Booking.objects.filter(pk__in=before):
        if booking.pk == winner:
            assert (booking.start, booking.bay.name) == (SLOT, "target")
        else:
            assert (booking.start, booking.bay_id) == before[booking.pk]
    assert overlapping_pairs() == (0, 0)
