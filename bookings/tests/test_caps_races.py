"""The caps under truly concurrent creates (each thread its own connection, released together
by a barrier): the owner's row lock makes them count one after the other, so no car ends with
more than 2 upcoming bookings and no account with more than 5, and nobody gets a 500."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from bookings.tests.test_races import as_user, race, statuses
from hima_service.testing import wait_until
from outlets.tests.factories import BayFactory, OutletFactory
from vehicles.tests.factories import VehicleFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def upcoming(**filters) -> int:
    return Booking.objects.filter(status="confirmed", **filters).count()


def test_five_concurrent_creates_for_one_car_leave_it_two_bookings(world):
    outlets = [world.outlet, world.other_outlet]
    calls = [
        (
            lambda days=days, outlet=outlets[days % 2]: as_user(world.owner).post(
                "/api/v1/bookings/",
                world.payload(outlet=outlet.code, start=world.start(days=days).isoformat()),
            )
        )
        for days in range(1, 6)
    ]

    results = race(calls)

    assert statuses(results) == [201, 201, 409, 409, 409]
    refused = [r.json() for r in results if r.status_code == 409]
    assert {body["code"] for body in refused} == {"booking_limit"}
    assert upcoming(vehicle=world.vehicle) == 2


def test_two_concurrent_creates_for_the_accounts_last_place_book_once(world):
    for days in (1, 2, 3, 4):
        BookingFactory(
            owner=world.owner,
            vehicle=VehicleFactory(owner=world.owner, model=world.vehicle.model),
            outlet=world.outlet,
            start=world.start(days=days),
        )
    cars = [VehicleFactory(owner=world.owner, model=world.vehicle.model) for _ in range(2)]
    calls = [
        (
            lambda car=car, outlet=outlet: as_user(world.owner).post(
                "/api/v1/bookings/",
                world.payload(vehicle=car.pk, outlet=outlet.code),
            )
        )
        for car, outlet in zip(cars, [world.outlet, world.other_outlet], strict=True)
    ]

    results = race(calls)

    assert statuses(results) == [201, 409]
    assert upcoming(owner=world.owner) == 5


def test_a_night_and_a_day_create_of_one_owner_at_one_outlet_do_not_deadlock(world):
    # The night create holds the outlet FOR UPDATE before its share lock; the day create locks
    # the outlet before the owner row in one statement, so neither waits holding what the
    # other needs.
    outlet = OutletFactory(
        code="SH-NIGHT-01",
        night_service=True,
        night_capacity=2,
        services=[world.service],
        hours=[(dt.time(9), dt.time(23))],
    )
    BayFactory(outlet=outlet, name="N1")
    second_car = VehicleFactory(owner=world.owner, model=world.vehicle.model)
    for days in (1, 2, 3):
        night = world.payload(
            outlet=outlet.code,
            mode="night_service",
            pickup_address="1 Century Avenue",
            start=world.start(hour=19, days=days).isoformat(),
        )
        day = world.payload(
            outlet=outlet.code,
            vehicle=second_car.pk,
            start=world.start(hour=10, days=days).isoformat(),
        )
        results = race(
            [
                lambda night=night: as_user(world.owner).post("/api/v1/bookings/", night),
                lambda day=day: as_user(world.owner).post("/api/v1/bookings/", day),
            ]
        )
        codes = statuses(results)
        if days < 3:
            assert codes == [201, 201], [r.json() for r in results]
    # The third pair met the caps (2 per car): refused in the error shape, never a 500.
    assert codes == [409, 409]
    assert upcoming(owner=world.owner) == 4


def test_a_create_waiting_for_its_outlet_does_not_hold_the_owner_row(world):
    # What makes the night/day pair above safe, made deterministic: while a night create (or a
    # manager) holds the outlet FOR UPDATE, an owner's create waits for it without having
    # locked the owner row yet (the outlet's locking clause comes first).
    outlet_held, release = threading.Event(), threading.Event()

    def hold_the_outlet():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id FROM outlets_outlet WHERE id = %s FOR UPDATE", [world.outlet.pk]
                )
                outlet_held.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_outlet)
    holder.start()
    assert outlet_held.wait(30)
    answers = []

    def create():
        try:
            answers.append(as_user(world.owner).post("/api/v1/bookings/", world.payload()))
        finally:
            connection.close()

    creator = threading.Thread(target=create)
    creator.start()
    try:
        assert wait_until(lambda: waiting_on_a_lock("FOR SHARE OF o"), timeout=30)
        with transaction.atomic(), connection.cursor() as cursor:
            # Not locked by the waiting create: NOWAIT would raise if it were.
            cursor.execute(
                "SELECT id FROM accounts_user WHERE id = %s FOR NO KEY UPDATE NOWAIT",
                [world.owner.pk],
            )
    finally:
        release.set()
        holder.join(30)
        creator.join(60)
    assert [answer.status_code for answer in answers] == [201]


def waiting_on_a_lock(statement: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE %s",
            [f"%{statement}%"],
        )
        return cursor.fetchone()[0] > 0
