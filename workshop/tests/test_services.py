"""Recording the inspection: the outlet's staff, while the car is in, all or nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bookings.models import Booking
from vehicles.models import OdometerReading
from workshop.models import DamageMark, Inspection, Photo
from workshop.services import DamageInput, InspectionClosed, ViewInput, inspection_record

from .images import jpeg_bytes, upload


def record(visit, actor=None, **overrides):
    arguments = {
        "booking": visit.booking,
        "actor": actor or visit.advisor,
        "odometer_km": 20150,
        "state_of_charge": 64,
        **overrides,
    }
    return inspection_record(**arguments)


def test_staff_record_the_readings_views_and_a_damage_mark(visit):
    inspection = record(
        visit,
        views={
            "front": ViewInput(note="Stone chip on the bonnet", photo=upload(jpeg_bytes())),
            "dashboard": ViewInput(note="No warning lights"),
        },
        damage=DamageInput(location="Rear bumper, left", note="Scuff", photo=upload(jpeg_bytes())),
    )
    assert (inspection.odometer_km, inspection.state_of_charge) == (20150, 64)
    assert inspection.inspected_by == visit.advisor
    views = {view.angle: view for view in inspection.views.all()}
    assert views["front"].note == "Stone chip on the bonnet"
    assert views["front"].photo
    assert views["dashboard"].note == "No warning lights"
    assert views["dashboard"].photo is None
    [mark] = inspection.damage_marks.all()
    assert (mark.location, mark.note) == ("Rear bumper, left", "Scuff")
    assert mark.photo
    assert Photo.objects.filter(booking=visit.booking).count() == 2


def test_the_odometer_joins_the_cars_history_as_a_service_reading(visit):
    record(visit, odometer_km=20150)
    visit.booking.vehicle.refresh_from_db()
    assert visit.booking.vehicle.odometer_km == 20150
    reading = OdometerReading.objects.get(vehicle=visit.booking.vehicle)
    assert (reading.km, reading.source) == (20150, OdometerReading.Source.SERVICE)


def test_an_odometer_below_the_cars_reading_is_refused(visit):
    with pytest.raises(ValidationError) as caught:
        record(visit, odometer_km=19000)
    assert list(caught.value.message_dict) == ["odometer_km"]
    assert not Inspection.objects.exists()


def test_recording_again_updates_and_keeps_what_is_not_given(
    visit, django_capture_on_commit_callbacks
):
    record(visit, views={"rear": ViewInput(note="Clean", photo=upload(jpeg_bytes()))})
    first_photo = Photo.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        inspection = record(
            visit,
            state_of_charge=80,
            views={"rear": ViewInput(photo=upload(jpeg_bytes(colour=(0, 0, 200))))},
            damage=DamageInput(location="Roof"),
        )
    assert Inspection.objects.count() == 1
    assert inspection.state_of_charge == 80
    [rear] = inspection.views.all()
    assert rear.note == "Clean"  # kept
    assert rear.photo != first_photo  # replaced, and the old one is gone
    assert not Photo.objects.filter(pk=first_photo.pk).exists()
    record(visit, damage=DamageInput(location="Door"))
    assert DamageMark.objects.count() == 2  # marks are added, one at a time


def test_one_refused_photo_refuses_the_whole_record_each_message_at_its_field(visit):
    with pytest.raises(ValidationError) as caught:
        record(
            visit,
            views={
                "front": ViewInput(photo=upload(jpeg_bytes())),
                "left": ViewInput(photo=upload(b"not an image", "left.jpg")),
            },
            damage=DamageInput(location="Roof", photo=upload(b"%PDF-1.7", "roof.jpg")),
        )
    assert sorted(caught.value.message_dict) == ["damage_photo", "left_photo"]
    assert not Inspection.objects.exists()
    assert not Photo.objects.exists()


def test_a_damage_mark_needs_its_location(visit):
    with pytest.raises(ValidationError) as caught:
        record(visit, damage=DamageInput(location=" ", note="Dent"))
    assert list(caught.value.message_dict) == ["damage_location"]


@pytest.mark.parametrize("status", [Booking.Status.CHECKED_IN, Booking.Status.IN_SERVICE])
def test_the_car_is_inspected_while_it_is_in(visit, status):
    Booking.objects.filter(pk=visit.booking.pk).update(status=status)
    assert record(visit).booking_id == visit.booking.pk


@pytest.mark.parametrize(
    "status",
    [
        Booking.Status.CONFIRMED,
        Booking.Status.READY,
        Booking.Status.COMPLETED,
        Booking.Status.CANCELLED,
        Booking.Status.NO_SHOW,
    ],
)
def test_not_before_check_in_nor_once_the_car_is_ready(visit, status):
    Booking.objects.filter(pk=visit.booking.pk).update(status=status)
    with pytest.raises(InspectionClosed):
        record(visit)


@pytest.mark.parametrize("who", ["owner", "staff_elsewhere", "stranger", "brand_admin"])
def test_only_the_outlets_staff_record_it(visit, who):
    with pytest.raises(PermissionDenied):
        record(visit, actor=getattr(visit, who))
    assert not Inspection.objects.exists()
