"""The desk's last place under a real race: owners on their own connections, released together,
book the same slot on different free bays. The outlet-day lock makes the counts exact: one
wins, the others are told the desk is full."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bookings.lifecycle.create import booking_create
from bookings.lifecycle.desk import DeskFull
from bookings.models import Booking
from bookings.tests.test_reservation_concurrency import race
from outlets.tests.factories import BayFactory, OutletFactory, ServiceTypeFactory
from vehicles.tests.factories import VehicleFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

THREADS = 8
SLOT = dt.datetime(2027, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
NOW = dt.datetime(2027, 3, 1, 8, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_owners_racing_for_the_desks_last_place_at_one_slot():
    service = ServiceTypeFactory(code="t-desk", labour_minutes=60)
    outlet = OutletFactory(services=[service], desk_per_slot=1)
    for n in range(THREADS):
        BayFactory(outlet=outlet, name=f"B{n}")
    vehicles = [VehicleFactory() for _ in range(THREADS)]

    def book(i: int) -> None:
        booking_create(
            owner=vehicles[i].owner,
            vehicle=vehicles[i],
            outlet=outlet,
            services=[service],
            start=SLOT,
            now=NOW,
        )

    outcomes = race(book, THREADS, taken=(DeskFull,))
    assert sorted(map(str, outcomes)) == ["taken"] * (THREADS - 1) + ["won"]
    assert Booking.objects.filter(outlet=outlet).count() == 1
