"""The service desk's limits: owners stop at them, staff pass them with a reason kept in the
booking's history, and the engine stops offering a full slot or a full day."""

import datetime as dt

import pytest

from bookings.availability.engine import free_starts
from bookings.lifecycle.create import booking_create, booking_reschedule
from bookings.lifecycle.desk import DeskFull, desk_counts
from bookings.lifecycle.walk_ins import walk_in_register
from bookings.models import Booking, BookingEvent
from bookings.tests.factories import BookingFactory
from vehicles.tests.factories import VehicleFactory, valid_vin

pytestmark = pytest.mark.django_db


def limit(world, *, per_slot=None, per_day=None):
    world.outlet.desk_per_slot, world.outlet.desk_per_day = per_slot, per_day
    world.outlet.save(update_fields=["desk_per_slot", "desk_per_day"])


def booked(world, start, **kwargs):
    return BookingFactory(
        outlet=world.outlet, bay=world.bays[1], start=start, services=[world.service], **kwargs
    )


def hours(world, start):
    day = start.date()
    found = free_starts(outlet=world.outlet, services=[world.service], date_from=day, date_to=day)
    return [f"{s:%H:%M}" for s in found]


def test_a_full_slot_is_no_longer_offered_and_its_neighbours_are(world):
    limit(world, per_slot=1)
    start = world.start(10)
    booked(world, start)
    shown = hours(world, start)
    assert "10:00" not in shown
    assert {"09:00", "11:00"} <= set(shown)


def test_a_full_day_is_no_longer_offered_at_all(world):
    limit(world, per_day=2)
    start = world.start(10)
    booked(world, start)
    assert hours(world, start)
    booked(world, world.start(15))
    assert hours(world, start) == []


def test_cancelled_bookings_and_no_shows_leave_their_place_at_the_desk(world):
    limit(world, per_slot=1)
    start = world.start(10)
    booked(world, start, status=Booking.Status.CANCELLED)
    assert "10:00" in hours(world, start)
    assert desk_counts(world.outlet, start) == (0, 0)


def test_an_owner_is_refused_at_a_full_slot(world):
    limit(world, per_slot=1)
    booked(world, world.start(10))
    response = world.api("owner").post("/api/v1/bookings/", world.payload(), format="json")
    assert response.status_code == 409, response.json()
    body = response.json()
    assert body["code"] == "desk_full"
    assert "start" in body["fields"]
    assert not Booking.objects.filter(vehicle=world.vehicle).exists()


def test_staff_must_give_a_reason_to_pass_the_limit_and_it_is_recorded(world):
    limit(world, per_day=1)
    booked(world, world.start(15))
    car = VehicleFactory()
    arguments = {
        "owner": car.owner,
        "vehicle": car,
        "outlet": world.outlet,
        "services": [world.service],
        "start": world.start(10),
        "channel": Booking.Channel.PHONE,
        "actor": world.advisor,
    }
    with pytest.raises(DeskFull) as refused:
        booking_create(**arguments)
    assert "desk_override_reason" in refused.value.fields
    booking = booking_create(**arguments, desk_override_reason="Fleet customer, agreed by phone")
    event = booking.events.get(kind=BookingEvent.Kind.DESK_OVERRIDE)
    assert event.actor == world.advisor
    assert event.details == {
        "limit": "day",
        "count": 1,
        "reason": "Fleet customer, agreed by phone",
    }


def test_an_owner_moving_their_booking_does_not_count_against_themselves(world):
    limit(world, per_day=1)
    booking = booking_create(
        owner=world.owner,
        vehicle=world.vehicle,
        outlet=world.outlet,
        services=[world.service],
        start=world.start(10),
    )
    moved = booking_reschedule(booking=booking, start=world.start(14), actor=world.owner)
    assert moved.start == world.start(14)


def test_an_owner_cannot_move_into_a_full_slot(world):
    limit(world, per_slot=1)
    booking = booking_create(
        owner=world.owner,
        vehicle=world.vehicle,
        outlet=world.outlet,
        services=[world.service],
        start=world.start(10),
    )
    booked(world, world.start(14))
    with pytest.raises(DeskFull):
        booking_reschedule(booking=booking, start=world.start(14), actor=world.owner)
    booking.refresh_from_db()
    assert booking.start == world.start(10)


def test_a_walk_in_counts_against_the_day_but_not_the_slot(world, time_machine):
    start = world.start(10)
    time_machine.move_to(start + dt.timedelta(minutes=5))
    limit(world, per_slot=1, per_day=2)
    booked(world, start)
    first = walk_in_register(
        outlet=world.outlet,
        actor=world.advisor,
        vin=valid_vin(601, wmi="LVV"),
        model_code="luxeed-r7",
        service_codes=[world.service.code],
    )
    assert first.status == Booking.Status.CHECKED_IN
    with pytest.raises(DeskFull):
        walk_in_register(
            outlet=world.outlet,
            actor=world.advisor,
            vin=valid_vin(602, wmi="LVV"),
            model_code="luxeed-r7",
            service_codes=[world.service.code],
        )


def test_the_walk_in_api_takes_the_reason(world, time_machine):
    start = world.start(10)
    time_machine.move_to(start + dt.timedelta(minutes=5))
    limit(world, per_day=1)
    booked(world, start)
    payload = {
        "vin": valid_vin(603, wmi="LVV"),
        "model": "luxeed-r7",
        "services": [world.service.code],
    }
    url = f"/api/v1/outlets/{world.outlet.code}/walk-ins/"
    refused = world.api("advisor").post(url, payload, format="json")
    assert refused.status_code == 409
    assert refused.json()["fields"] == {
        "desk_override_reason": ["Give the reason to pass the desk's limit."]
    }
    taken = world.api("advisor").post(
        url, {**payload, "desk_override_reason": "Tow truck delivery"}, format="json"
    )
    assert taken.status_code == 201, taken.json()
    kinds = [event["kind"] for event in taken.json()["events"]]
    assert "desk_override" in kinds
