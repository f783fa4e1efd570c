"""What an owner's availability ask reads of their car: its brand and its own active bookings,
in one query, and nothing of anyone else's car."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.availability.calendar import own_car_and_busy
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from vehicles.tests.factories import VehicleFactory, vehicle_model

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FROM = dt.datetime(2027, 3, 1, 8, 0, tzinfo=SHANGHAI)
TO = dt.datetime(2027, 3, 20, 0, 0, tzinfo=SHANGHAI)


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2027, 3, day, hour, 0, tzinfo=SHANGHAI)


def busy_hours(car, *, span=(FROM, TO)) -> list[tuple[dt.datetime, dt.datetime]]:
    _, busy = own_car_and_busy(owner=car.owner, vehicle_id=car.pk, span=span)
    return [
        (dt.datetime.fromtimestamp(start, SHANGHAI), dt.datetime.fromtimestamp(end, SHANGHAI))
        for start, end in zip(busy.starts, busy.ends_max, strict=True)
    ]


def test_ones_own_car_gives_its_brand_and_no_bookings_when_it_has_none():
    car = VehicleFactory(model=vehicle_model("luxeed-s7"))

    with CaptureQueriesContext(connection) as queries:
        brand_code, busy = own_car_and_busy(owner=car.owner, vehicle_id=car.pk, span=(FROM, TO))

    assert brand_code == car.model.brand.code
    assert busy.starts == []
    assert len(queries) == 1


def test_only_the_cars_active_bookings_overlapping_the_span_are_busy():
    car = VehicleFactory()
    BookingFactory(vehicle=car, start=at(2, 10), end=at(2, 11))
    BookingFactory(vehicle=car, start=at(1, 7), end=at(1, 8))  # ends as the span begins
    BookingFactory(vehicle=car, start=at(20, 0), end=at(20, 1))  # starts as the span ends
    BookingFactory(vehicle=car, start=at(3, 10), end=at(3, 11), status=Booking.Status.CANCELLED)
    BookingFactory(vehicle=car, start=at(4, 10), end=at(4, 11), status=Booking.Status.NO_SHOW)
    BookingFactory(vehicle=car, start=at(5, 10), end=at(5, 11), status=Booking.Status.CHECKED_IN)
    BookingFactory(start=at(6, 10), end=at(6, 11))  # another car's

    assert busy_hours(car) == [(at(2, 10), at(2, 11)), (at(5, 10), at(5, 11))]
    # A booking under way when the span begins still takes its time.
    half_past = at(2, 10) + dt.timedelta(minutes=30)
    assert busy_hours(car, span=(half_past, TO)) == [(at(2, 10), at(2, 11)), (at(5, 10), at(5, 11))]


def test_someone_elses_car_is_not_found_like_a_missing_one():
    car, other = VehicleFactory(), VehicleFactory()
    BookingFactory(vehicle=car, start=at(2, 10), end=at(2, 11))

    with pytest.raises(Http404):
        own_car_and_busy(owner=other.owner, vehicle_id=car.pk, span=(FROM, TO))
    with pytest.raises(Http404):
        own_car_and_busy(owner=car.owner, vehicle_id=car.pk + 1000, span=(FROM, TO))


def test_a_car_released_to_its_verified_owner_is_not_found():
    car = VehicleFactory(released_at=timezone.now())

    with pytest.raises(Http404):
        own_car_and_busy(owner=car.owner, vehicle_id=car.pk, span=(FROM, TO))
