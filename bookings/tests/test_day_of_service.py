"""Rules of the day a car is at the outlet: when it may be checked in, what starting work does
to the bay's reservation, and how night-service places are counted."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from bookings.extension import extend_booking
from bookings.lifecycle.create import booking_create
from bookings.lifecycle.status import (
    booking_check_in,
    booking_complete,
    booking_ready,
    booking_start,
)
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from hima_service.exceptions import RuleViolation, SlotTaken

pytestmark = pytest.mark.django_db


def test_check_in_opens_on_the_bookings_local_day(world):
    booking = BookingFactory(outlet=world.outlet, bay=world.bays[0], start=world.start(days=2))
    day_before = booking.start - dt.timedelta(days=1)
    with pytest.raises(RuleViolation, match="booking's day"):
        booking_check_in(booking=booking, actor=world.advisor, now=day_before)
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    # Just after midnight at the outlet (Asia/Shanghai) is already the booking's day.
    midnight = booking.start.replace(hour=0, minute=1)
    checked_in = booking_check_in(booking=booking, actor=world.advisor, now=midnight)
    assert checked_in.status == "checked_in"


def test_a_booking_of_an_earlier_day_is_not_checked_in(world):
    """Not checked in on its day, it was a no-show: the car that comes later is a walk-in, not
    this booking on its old, past reservation."""
    booking = BookingFactory(outlet=world.outlet, bay=world.bays[0], start=world.start(days=-1))
    # Just after midnight at the outlet (Asia/Shanghai) is already the next day.
    next_day = (booking.start + dt.timedelta(days=1)).replace(hour=0, minute=1)
    late_that_day = booking.start.replace(hour=23, minute=59)
    with pytest.raises(RuleViolation, match="earlier day") as refused:
        booking_check_in(booking=booking, actor=world.advisor, now=next_day)
    assert "start" in refused.value.fields
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert booking_check_in(booking=booking, actor=world.advisor, now=late_that_day).status == (
        "checked_in"
    )


def test_a_start_after_the_booked_end_moves_the_reservation_to_now(world):
    booking = BookingFactory(
        outlet=world.outlet, bay=world.bays[0], start=world.start(), status="checked_in"
    )
    now = booking.end + dt.timedelta(hours=3)
    started = booking_start(booking=booking, actor=world.technician, now=now)
    started.refresh_from_db()
    assert (started.start, started.end) == (now, now + dt.timedelta(minutes=60))
    assert started.bay == world.bays[0]
    assert started.promised_start == world.start()


def test_starting_early_moves_the_reservation_to_now(world):
    booking = BookingFactory(
        outlet=world.outlet, bay=world.bays[0], start=world.start(), status="checked_in"
    )
    now = booking.start - dt.timedelta(minutes=40)
    started = booking_start(booking=booking, actor=world.technician, now=now)
    started.refresh_from_db()
    assert (started.start, started.end) == (now, now + dt.timedelta(minutes=60))
    assert started.bay == world.bays[0]
    event = started.events.get(to_status="in_service")
    assert event.details["booked_start"] == world.start().isoformat()
    # The owner's promise is kept beside the work's real start.
    assert started.promised_start == world.start()
    assert started.promised == world.start()
    assert started.promised_end == world.start() + dt.timedelta(minutes=60)
    assert started.started_off_promise


@pytest.mark.parametrize("bay", [None, 1], ids=["early on its bay", "early on another bay"])
def test_an_early_start_keeps_the_time_added_for_approved_extra_work(world, bay):
    booking = BookingFactory(
        outlet=world.outlet, bay=world.bays[0], start=world.start(), status="checked_in"
    )
    extend_booking(booking=booking, minutes=45)  # the owner approved 45 minutes more
    now = booking.start - dt.timedelta(minutes=40)
    named = world.bays[bay] if bay is not None else None
    started = booking_start(booking=booking, actor=world.technician, bay=named, now=now)
    started.refresh_from_db()
    assert (started.start, started.end) == (now, now + dt.timedelta(minutes=60 + 45))
    assert started.bay_released_at == started.end


def test_a_start_on_time_keeps_start_as_the_promise(world):
    booking = BookingFactory(
        outlet=world.outlet, bay=world.bays[0], start=world.start(), status="checked_in"
    )
    started = booking_start(booking=booking, actor=world.technician, now=booking.start)
    started.refresh_from_db()
    assert started.promised_start is None
    assert started.promised == started.start == world.start()
    assert not started.started_off_promise


def test_the_checklist_is_ticked_to_declare_the_car_ready(world):
    booking = BookingFactory(
        outlet=world.outlet,
        bay=world.bays[0],
        start=world.start(),
        status="in_service",
        services=[world.service],
    )
    items = list(world.service.checklist)
    with pytest.raises(ValidationError) as refused:
        booking_ready(
            booking=booking, actor=world.technician, checklist={world.service.code: items[:-1]}
        )
    message = refused.value.message_dict["checklist"][0]
    assert world.service.name in message
    assert items[-1] in message
    booking.refresh_from_db()
    assert booking.status == "in_service"
    ready = booking_ready(
        booking=booking, actor=world.technician, checklist={world.service.code: items}
    )
    assert ready.status == "ready"
    line = ready.booking_services.get()
    assert line.checklist_result == [{"item": item, "done": True} for item in items]
    done = booking_complete(booking=ready, actor=world.technician)
    assert done.status == "completed"


def test_starting_early_on_a_busy_booked_bay_moves_to_a_free_capable_bay(world):
    earlier = BookingFactory(
        outlet=world.outlet, bay=world.bays[0], start=world.start(hour=9), status="in_service"
    )
    booking = BookingFactory(
        outlet=world.outlet, bay=world.bays[0], start=world.start(), status="checked_in"
    )
    now = earlier.start + dt.timedelta(minutes=30)
    # The booked bay B1 is busy until 10:00, B2 is free: the car goes there, without running
    # into B1's previous booking and without sending staff off to choose a bay.
    started = booking_start(booking=booking, actor=world.technician, now=now)
    started.refresh_from_db()
    assert (started.status, started.bay) == ("in_service", world.bays[1])
    assert (started.start, started.end) == (now, now + dt.timedelta(minutes=60))
    assert started.events.filter(kind="bay_assigned", details__bay="B2").exists()
    earlier.refresh_from_db()
    assert (earlier.bay, earlier.start) == (world.bays[0], world.start(hour=9))


def test_starting_early_on_a_named_busy_bay_is_refused(world):
    earlier = BookingFactory(
        outlet=world.outlet, bay=world.bays[0], start=world.start(hour=9), status="in_service"
    )
    booking = BookingFactory(
        outlet=world.outlet, bay=world.bays[1], start=world.start(), status="checked_in"
    )
    with pytest.raises(SlotTaken, match="Bay B1"):
        booking_start(
            booking=booking,
            actor=world.technician,
            bay=world.bays[0],
            now=earlier.start + dt.timedelta(minutes=30),
        )
    booking.refresh_from_db()
    assert (booking.status, booking.start, booking.bay) == (
        "checked_in",
        world.start(),
        world.bays[1],
    )


def test_starting_early_is_refused_when_every_capable_bay_is_busy(world):
    for bay in world.bays:
        BookingFactory(outlet=world.outlet, bay=bay, start=world.start(hour=9), status="in_service")
    booking = BookingFactory(
        outlet=world.outlet, bay=world.bays[0], start=world.start(), status="checked_in"
    )
    with pytest.raises(SlotTaken, match="Every suitable bay"):
        booking_start(
            booking=booking,
            actor=world.technician,
            now=world.start(hour=9) + dt.timedelta(minutes=30),
        )
    booking.refresh_from_db()
    assert (booking.status, booking.start, booking.bay) == (
        "checked_in",
        world.start(),
        world.bays[0],
    )
    assert not booking.events.filter(kind="bay_assigned").exists()


def test_starting_late_keeps_the_booked_reservation(world):
    booking = BookingFactory(
        outlet=world.outlet, bay=world.bays[0], start=world.start(), status="checked_in"
    )
    BookingFactory(outlet=world.outlet, bay=world.bays[0], start=world.start(hour=11))
    now = booking.start + dt.timedelta(minutes=15)
    started = booking_start(booking=booking, actor=world.technician, now=now)
    started.refresh_from_db()
    assert started.status == "in_service"
    assert (started.start, started.started_at) == (world.start(), now)


def test_night_places_stay_taken_by_cars_already_served_that_night(world):
    world.outlet.night_service, world.outlet.night_capacity = True, 1
    world.outlet.save()
    world.outlet.opening_hours.update(closes=dt.time(23, 0))
    BookingFactory(
        outlet=world.outlet,
        bay=world.bays[1],
        start=world.start(hour=18),
        mode="night_service",
        pickup_address="1 Century Ave",
        status="completed",
    )

    def book_night():
        return booking_create(
            owner=world.owner,
            vehicle=world.vehicle,
            outlet=world.outlet,
            services=[world.service],
            start=world.start(hour=20),
            mode="night_service",
            pickup_address="8 Lujiazui Ring Rd",
        )

    with pytest.raises(RuleViolation, match="fully booked"):
        book_night()
    Booking.objects.filter(mode="night_service").update(status="no_show")
    booked = book_night()
    assert booked.mode == "night_service"
