"""Races between truly concurrent requests: every thread has its own database connection and a
barrier releases them together. No double booking, no 500, one booking per idempotency key."""

import datetime as dt
import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from vehicles.models import Vehicle
from vehicles.tests.factories import VehicleFactory, valid_vin

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def race(calls):
    """Run the callables at once; return their results (an exception counts as a result)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def as_user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def overlapping_bay_pairs() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM bookings_booking a JOIN bookings_booking b
              ON a.id < b.id AND a.bay_id = b.bay_id
             AND tstzrange(a.start, a.bay_released_at) && tstzrange(b.start, b.bay_released_at)
             WHERE a.status IN ('confirmed', 'checked_in', 'in_service')
               AND b.status IN ('confirmed', 'checked_in', 'in_service')
            """
        )
        return cursor.fetchone()[0]


def statuses(results):
    assert not [r for r in results if isinstance(r, Exception)], results
    return sorted(r.status_code for r in results)


def test_two_owners_race_for_the_last_slot(world):
    BookingFactory(outlet=world.outlet, bay=world.bays[0], start=world.start())
    rival = VehicleFactory(owner=world.other_owner)
    results = race(
        [
            lambda: as_user(world.owner).post("/api/v1/bookings/", world.payload()),
            lambda: as_user(world.other_owner).post(
                "/api/v1/bookings/", world.payload(vehicle=rival.pk)
            ),
        ]
    )
    assert statuses(results) == [201, 409]
    assert overlapping_bay_pairs() == 0


def test_create_and_reschedule_race_into_the_same_slot(world):
    BookingFactory(outlet=world.outlet, bay=world.bays[0], start=world.start(hour=14))
    mover = BookingFactory(
        owner=world.other_owner,
        vehicle=VehicleFactory(owner=world.other_owner),
        outlet=world.outlet,
        bay=world.bays[1],
        start=world.start(hour=11),
        services=[world.service],
    )
    target = world.start(hour=14)
    results = race(
        [
            lambda: as_user(world.owner).post(
                "/api/v1/bookings/", world.payload(start=target.isoformat())
            ),
            lambda: as_user(world.other_owner).post(
                f"/api/v1/bookings/{mover.reference}/reschedule/", {"start": target.isoformat()}
            ),
        ]
    )
    assert statuses(results) in ([200, 409], [201, 409])
    assert overlapping_bay_pairs() == 0
    assert Booking.objects.filter(start=target, status="confirmed").count() == 2


def test_two_reschedules_race_for_one_slot(world):
    BookingFactory(outlet=world.outlet, bay=world.bays[0], start=world.start(hour=14))
    movers = [
        BookingFactory(
            owner=world.owner,
            vehicle=VehicleFactory(owner=world.owner),
            outlet=world.outlet,
            bay=world.bays[i],
            start=world.start(hour=10 + i),
            services=[world.service],
        )
        for i in (0, 1)
    ]
    target = world.start(hour=14).isoformat()
    results = race(
        [
            lambda m=m: as_user(world.owner).post(
                f"/api/v1/bookings/{m.reference}/reschedule/", {"start": target}
            )
            for m in movers
        ]
    )
    assert statuses(results) == [200, 409]
    assert overlapping_bay_pairs() == 0
    loser = next(m for m, r in zip(movers, results, strict=True) if r.status_code == 409)
    loser_before = loser.start
    loser.refresh_from_db()
    assert loser.start == loser_before  # the loser keeps its old time


def test_cancel_and_check_in_race(world, time_machine):
    booking = BookingFactory(
        owner=world.owner, vehicle=world.vehicle, outlet=world.outlet, bay=world.bays[0]
    )
    # The morning of the booking's day: the owner may still cancel, the desk may check in.
    time_machine.move_to(booking.start - dt.timedelta(hours=3))
    base = f"/api/v1/bookings/{booking.reference}"
    results = race(
        [
            lambda: as_user(world.owner).post(f"{base}/cancel/", {}),
            lambda: as_user(world.advisor).post(f"{base}/check-in/", {}),
        ]
    )
    assert statuses(results) == [200, 409]
    booking.refresh_from_db()
    assert booking.status in {"cancelled", "checked_in"}
    assert booking.events.count() == 1


def test_twenty_concurrent_requests_with_one_key_create_one_booking(world):
    payload = world.payload()
    results = race(
        [
            lambda: as_user(world.owner).post(
                "/api/v1/bookings/", payload, HTTP_IDEMPOTENCY_KEY="tap-tap-tap"
            )
            for _ in range(20)
        ]
    )
    assert statuses(results) == [201] * 20
    assert len({r.json()["reference"] for r in results}) == 1
    assert Booking.objects.count() == 1


def test_two_desks_register_the_same_new_car_at_once(world):

    vin = valid_vin(909, wmi="LVV")
    payload = {
        "vin": vin,
        "model": "luxeed-r7",
        "services": [world.service.code],
        "owner_phone": "+86 138 0000 9090",
    }
    url = f"/api/v1/outlets/{world.outlet.code}/walk-ins/"
    results = race([lambda: as_user(world.advisor).post(url, payload) for _ in range(2)])
    # One car, one visit: the second desk finds the car the first created, and the car cannot
    # be in two visits at once.
    assert statuses(results) == [201, 409]
    assert {r.json()["code"] for r in results if r.status_code == 409} == {"vehicle_busy"}
    assert Vehicle.objects.filter(vin=vin).count() == 1
