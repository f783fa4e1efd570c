"""The desk's last place under a real race: owners on their own connections, released together,
book the same slot on different free bays. The outlet-day lock makes the counts exact: one
wins, the others are told the desk is full."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from bookings.lifecycle.create import booking_create
from bookings.lifecycle.desk import DeskFull
from bookings.models import Booking
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
    barrier = threading.Barrier(THREADS)
    outcomes: list = [None] * THREADS

    def book(i: int) -> None:
        try:
            connection.ensure_connection()
            barrier.wait(timeout=60)
            booking_create(
                owner=vehicles[i].owner,
                vehicle=vehicles[i],
                outlet=outlet,
                services=[service],
                start=SLOT,
                now=NOW,
            )
            outcomes[i] = "won"
        except DeskFull:
            outcomes[i] = "full"
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, outcomes)) == ["full"] * (THREADS - 1) + ["won"]
    assert Booking.objects.filter(outlet=outlet).count() == 1
