"""A booking's brand is its car's, kept by the database (bookings migration 0014) whoever
writes: set on every insert, moved with the car, put back when written by hand, and corrected
with the car's model. The audit counts a brand's bookings by it."""

import pytest

from bookings.models import Booking
from bookings.tests.factories import BookingFactory, next_local
from vehicles.tests.factories import VehicleFactory, brand, vehicle_model

pytestmark = pytest.mark.django_db


def brand_of(booking: Booking) -> str:
    return Booking.objects.values_list("brand__code", flat=True).get(pk=booking.pk)


def test_a_booking_written_without_a_brand_gets_its_cars():
    booking = BookingFactory(vehicle=VehicleFactory(model=vehicle_model("luxeed-s7")))

    assert booking.brand_id is None  # not written by the code, not read back
    assert brand_of(booking) == "LUXEED"


def test_a_booking_moved_to_another_car_takes_that_cars_brand():
    booking = BookingFactory()
    luxeed_car = VehicleFactory(model=vehicle_model("luxeed-s7"))

    Booking.objects.filter(pk=booking.pk).update(vehicle=luxeed_car)

    assert brand_of(booking) == "LUXEED"


def test_a_brand_written_by_hand_is_put_back():
    booking = BookingFactory()

    Booking.objects.filter(pk=booking.pk).update(brand=brand("MAEXTRO"))

    assert brand_of(booking) == "AITO"


def test_a_full_save_of_an_instance_not_read_back_keeps_the_brand():
    booking = BookingFactory()
    booking.notes = "gate code 1234"

    booking.save()

    assert brand_of(booking) == "AITO"


def test_a_cars_model_corrected_moves_its_bookings_and_only_those():
    car = VehicleFactory(model=vehicle_model("aito-m7"))
    first = BookingFactory(vehicle=car, start=next_local(10))
    second = BookingFactory(vehicle=car, start=next_local(14))
    other = BookingFactory()

    car.model = vehicle_model("maextro-s800")
    car.save()

    assert [brand_of(first), brand_of(second), brand_of(other)] == ["MAEXTRO", "MAEXTRO", "AITO"]
