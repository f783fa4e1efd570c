"""No hoarding: a car holds at most 2 upcoming bookings and an account at most 5 (bookings made
by staff are never refused); an account's creates and reschedules are limited per hour."""

import datetime as dt

import pytest
from django.utils import timezone

from bookings.lifecycle.caps import ACCOUNT_UPCOMING_LIMIT, CAR_UPCOMING_LIMIT
from bookings.lifecycle.create import booking_create, booking_reschedule
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from hima_service import cache as hima_cache
from hima_service.exceptions import BookingLimit, BookingRateLimited
from vehicles.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db


def create(world, *, vehicle=None, days=1, hour=10, **kwargs):
    return booking_create(
        owner=world.owner,
        vehicle=vehicle or world.vehicle,
        outlet=world.outlet,
        services=[world.service],
        start=world.start(hour=hour, days=days),
        **kwargs,
    )


def another_car(world):
    return VehicleFactory(owner=world.owner, model=world.vehicle.model)


# --- caps ----------------------------------------------------------------------------------


def test_a_car_holds_at_most_two_upcoming_bookings_and_the_refusal_names_them(world):
    held = [create(world, days=1), create(world, days=2)]

    with pytest.raises(BookingLimit) as refused:
        create(world, days=3)

    assert refused.value.code == "booking_limit"
    assert refused.value.status_code == 409
    detail = refused.value.detail
    assert f"at most {CAR_UPCOMING_LIMIT} upcoming bookings" in detail
    assert all(booking.reference in detail for booking in held)
    assert refused.value.fields == {"vehicle": ["At most 2 upcoming bookings per car."]}
    assert Booking.objects.filter(vehicle=world.vehicle).count() == 2  # nothing half-written


def test_bookings_that_are_over_cancelled_or_already_begun_do_not_count(world):
    now = timezone.now()
    for status in ("cancelled", "completed", "no_show"):
        BookingFactory(owner=world.owner, vehicle=world.vehicle, outlet=world.outlet, status=status)
    # Begun earlier today: active, but its start is not upcoming.
    BookingFactory(
        owner=world.owner,
        vehicle=world.vehicle,
        outlet=world.outlet,
        bay=world.bays[0],
        status="checked_in",
        start=now - dt.timedelta(minutes=30),
    )
    create(world, days=1)
    create(world, days=2)
    with pytest.raises(BookingLimit):
        create(world, days=3)


def test_an_early_check_in_still_holds_its_upcoming_slot(world):
    ahead = BookingFactory(
        owner=world.owner, vehicle=world.vehicle, outlet=world.outlet, start=world.start(days=5)
    )
    Booking.objects.filter(pk=ahead.pk).update(status="checked_in")
    create(world, days=1)
    with pytest.raises(BookingLimit):
        create(world, days=2)


def test_an_account_holds_at_most_five_upcoming_bookings(world):
    for days in range(1, ACCOUNT_UPCOMING_LIMIT + 1):
        create(world, vehicle=another_car(world), days=days)

    with pytest.raises(BookingLimit) as refused:
        create(world, vehicle=another_car(world), days=6)

    assert f"at most {ACCOUNT_UPCOMING_LIMIT} upcoming bookings" in refused.value.detail
    assert refused.value.fields == {"vehicle": ["At most 5 upcoming bookings per account."]}
    assert Booking.objects.filter(owner=world.owner).count() == ACCOUNT_UPCOMING_LIMIT


def test_bookings_made_by_staff_are_never_refused_and_still_count(world):
    create(world, days=1)
    create(world, days=2)
    by_phone = create(world, days=3, channel=Booking.Channel.PHONE, actor=world.advisor)
    assert by_phone.channel == "phone"
    # An online booking made by someone other than the owner is staff's too.
    create(world, days=4, actor=world.advisor)
    # The owner's own next one is refused: the car holds 4 upcoming bookings.
    with pytest.raises(BookingLimit):
        create(world, days=5)


# --- hourly limits -------------------------------------------------------------------------


def test_an_account_makes_at_most_its_hours_creates(world, settings, time_machine):
    settings.BOOKING_CREATES_PER_HOUR = 2
    create(world, vehicle=another_car(world), days=1)
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=20))
    create(world, vehicle=another_car(world), days=2)

    with pytest.raises(BookingRateLimited) as refused:
        create(world, vehicle=another_car(world), days=3)

    assert refused.value.status_code == 429
    assert refused.value.code == "booking_rate_limit"
    assert "at most 2 bookings an hour" in refused.value.detail
    # The first one leaves the hour 40 minutes from now.
    assert 39 * 60 <= refused.value.retry_after <= 40 * 60
    assert "try again in 40 min" in refused.value.detail

    time_machine.move_to(timezone.now() + dt.timedelta(minutes=41))
    create(world, vehicle=another_car(world), days=3)


def test_creates_counted_on_another_database_do_not_count(world, settings, monkeypatch):
    settings.BOOKING_CREATES_PER_HOUR = 1
    # Another checkout's server on the same Redis, whose account has this one's id.
    monkeypatch.setattr(hima_cache, "database_namespace", lambda: "hima_elsewhere:16384")
    create(world, days=1)
    monkeypatch.undo()

    create(world, vehicle=another_car(world), days=2)  # this database's first of the hour
    with pytest.raises(BookingRateLimited):
        create(world, vehicle=another_car(world), days=3)


def test_refused_creates_do_not_count_towards_the_hour(world, settings):
    settings.BOOKING_CREATES_PER_HOUR = 3
    create(world, days=1)
    create(world, days=2)
    for _attempt in range(3):
        with pytest.raises(BookingLimit):  # refused by the car's cap, not counted
            create(world, days=3)
    create(world, vehicle=another_car(world), days=3)  # the hour's third
    with pytest.raises(BookingRateLimited):
        create(world, vehicle=another_car(world), days=4)


def test_staff_bookings_are_not_limited_per_hour(world, settings):
    settings.BOOKING_CREATES_PER_HOUR = 1
    for days in (1, 2, 3):
        create(world, days=days, channel=Booking.Channel.PHONE, actor=world.advisor)
    create(world, vehicle=another_car(world), days=4)  # the owner's own first one of the hour


def test_an_owner_moves_bookings_at_most_the_hours_reschedules(world, settings, time_machine):
    settings.BOOKING_RESCHEDULES_PER_HOUR = 2
    booking = create(world, days=2)
    booking_reschedule(booking=booking, start=world.start(hour=11, days=2), actor=world.owner)
    booking_reschedule(booking=booking, start=world.start(hour=12, days=2), actor=world.owner)

    with pytest.raises(BookingRateLimited) as refused:
        booking_reschedule(booking=booking, start=world.start(hour=13, days=2), actor=world.owner)

    assert "move bookings at most 2 times an hour" in refused.value.detail
    assert refused.value.fields == {"start": ["At most 2 moves an hour."]}
    booking.refresh_from_db()
    assert booking.start == world.start(hour=12, days=2)
    # The outlet's staff may still move it.
    booking_reschedule(booking=booking, start=world.start(hour=13, days=2), actor=world.advisor)
    # And the owner again an hour later.
    time_machine.move_to(timezone.now() + dt.timedelta(hours=1, minutes=1))
    booking_reschedule(booking=booking, start=world.start(hour=14, days=2), actor=world.owner)


# --- over the API --------------------------------------------------------------------------


def test_api_refuses_a_third_booking_of_a_car_with_409_in_the_error_shape(world):
    owner = world.api("owner")
    for days in (1, 2):
        assert (
            owner.post(
                "/api/v1/bookings/", world.payload(start=world.start(days=days).isoformat())
            ).status_code
            == 201
        )

    response = owner.post("/api/v1/bookings/", world.payload(start=world.start(days=3).isoformat()))

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "booking_limit"
    assert body["detail"].startswith("A car may hold at most 2 upcoming bookings")
    assert body["fields"] == {"vehicle": ["At most 2 upcoming bookings per car."]}


def test_api_refusal_is_in_the_users_language(world):
    owner = world.api("owner")
    owner.credentials(HTTP_ACCEPT_LANGUAGE="zh-hans")
    for days in (1, 2):
        owner.post("/api/v1/bookings/", world.payload(start=world.start(days=days).isoformat()))

    body = owner.post(
        "/api/v1/bookings/", world.payload(start=world.start(days=3).isoformat())
    ).json()

    assert body["code"] == "booking_limit"
    assert "每辆车最多" in body["detail"]
    assert body["fields"]["vehicle"] == ["每辆车最多 2 个待进行的预约。"]


def test_api_answers_429_with_retry_after_over_the_hours_creates(world, settings):
    settings.BOOKING_CREATES_PER_HOUR = 1
    owner = world.api("owner")
    assert owner.post("/api/v1/bookings/", world.payload()).status_code == 201

    response = owner.post(
        "/api/v1/bookings/",
        world.payload(vehicle=another_car(world).pk, start=world.start(days=2).isoformat()),
    )

    assert response.status_code == 429
    assert response.json()["code"] == "booking_rate_limit"
    assert set(response.json()) == {"code", "detail", "fields"}
    assert 3590 <= int(response["Retry-After"]) <= 3600


def test_api_answers_429_over_the_hours_reschedules(world, settings):
    settings.BOOKING_RESCHEDULES_PER_HOUR = 2
    owner = world.api("owner")
    reference = owner.post("/api/v1/bookings/", world.payload()).json()["reference"]
    url = f"/api/v1/bookings/{reference}/reschedule/"
    for hour in (11, 12):
        assert owner.post(url, {"start": world.start(hour=hour).isoformat()}).status_code == 200

    response = owner.post(url, {"start": world.start(hour=13).isoformat()})

    assert response.status_code == 429
    assert response.json()["fields"] == {"start": ["At most 2 moves an hour."]}
    assert int(response["Retry-After"]) > 0
