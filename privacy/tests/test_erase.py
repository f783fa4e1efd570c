"""Erasing my account also deletes the photos of my car and blanks the notes typed about my
visits, while the readings, the work and its prices stay for the audit."""

import json
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from accounts.tests.factories import PASSWORD
from bookings.models import Booking
from bookings.tests.factories import BookingFactory, next_local
from conftest import client_for
from estimates.models import EstimateLine
from hima_service.exceptions import Conflict, RuleViolation
from privacy.services import account_erase
from vehicles.tests.factories import VehicleFactory
from workshop.models import DamageMark, Inspection, Photo, WalkAroundView

pytestmark = pytest.mark.django_db


def _files(booking: Booking) -> list[str]:
    names = []
    for photo in Photo.objects.filter(booking=booking):
        names += [photo.image.name, photo.thumbnail.name]
    return names


def test_erasure_deletes_my_photos_rows_and_files_once_committed(
    workshop, owner, neighbour, django_capture_on_commit_callbacks
):
    mine = workshop.finished_visit(owner, "HS-MINE01")
    theirs = workshop.finished_visit(neighbour, "HS-THEIR1")
    my_files, their_files = _files(mine), _files(theirs)
    assert len(my_files) == 6  # the view's, the damage's and the line's, each with a thumbnail
    assert all(default_storage.exists(name) for name in my_files)

    with django_capture_on_commit_callbacks(execute=True):
        account_erase(user=owner, password=PASSWORD)

    assert not Photo.objects.filter(booking=mine).exists()
    assert not any(default_storage.exists(name) for name in my_files)
    assert Photo.objects.filter(booking=theirs).count() == 3
    assert all(default_storage.exists(name) for name in their_files)
    # What pointed at the photos lets go of them.
    assert WalkAroundView.objects.get(inspection__booking=mine).photo is None
    assert DamageMark.objects.get(inspection__booking=mine).photo is None
    assert not EstimateLine.objects.get(booking=mine).photos.exists()


def test_erasure_blanks_the_notes_and_keeps_readings_work_and_prices(workshop, owner, neighbour):
    mine = workshop.finished_visit(owner, "HS-MINE01")
    theirs = workshop.finished_visit(neighbour, "HS-THEIR1")

    assert account_erase(user=owner, password=PASSWORD) == 0

    inspection = Inspection.objects.get(booking=mine)
    assert (inspection.odometer_km, inspection.state_of_charge) == (20500, 64)
    assert inspection.views.get().note == ""
    damage = inspection.damage_marks.get()
    assert (damage.location, damage.note) == ("rear bumper", "")
    line = EstimateLine.objects.get(booking=mine)
    assert line.hold_note == ""
    assert line.description == "Replace front brake pads"
    assert (line.state, line.price, line.currency) == ("approved", Decimal("420.00"), "CNY")
    assert line.decided_at is not None
    # Another owner's visit is untouched.
    assert WalkAroundView.objects.get(inspection__booking=theirs).note == "Child seat behind"
    assert DamageMark.objects.get(inspection__booking=theirs).note == "Hit a post at home"
    assert EstimateLine.objects.get(booking=theirs).hold_note == "Bay 2 busy until 15:00"


def test_erasure_cancels_future_bookings_and_answers_how_many(workshop, owner):
    workshop.finished_visit(owner, "HS-MINE01")
    BookingFactory(vehicle=VehicleFactory(owner=owner), start=next_local(10, days=3))

    assert account_erase(user=owner, password=PASSWORD) == 1


def test_a_wrong_password_erases_nothing(workshop, owner):
    mine = workshop.finished_visit(owner, "HS-MINE01")

    with pytest.raises(RuleViolation):
        account_erase(user=owner, password="not-it")

    assert Photo.objects.filter(booking=mine).count() == 3
    assert WalkAroundView.objects.get(inspection__booking=mine).note == "Child seat behind"


def test_a_car_at_the_outlet_holds_the_erasure_and_its_photos(workshop, owner):
    mine = workshop.finished_visit(owner, "HS-MINE01")
    Booking.objects.filter(pk=mine.pk).update(status=Booking.Status.READY, completed_at=None)

    with pytest.raises(Conflict):
        account_erase(user=owner, password=PASSWORD)

    assert Photo.objects.filter(booking=mine).count() == 3


def test_the_api_erasure_deletes_the_photos(workshop, owner, django_capture_on_commit_callbacks):
    mine = workshop.finished_visit(owner, "HS-MINE01")
    files = _files(mine)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).delete("/api/v1/me/", {"password": PASSWORD}, format="json")

    assert response.status_code == 204
    assert not Photo.objects.filter(booking=mine).exists()
    assert not any(default_storage.exists(name) for name in files)


def test_the_my_data_page_erasure_deletes_the_photos_and_the_download_has_the_visit(
    workshop, owner, django_capture_on_commit_callbacks
):
    mine = workshop.finished_visit(owner, "HS-MINE01")
    files = _files(mine)
    page = Client()
    assert page.login(username="owner", password=PASSWORD)

    download = json.loads(page.get("/my-data/download/").content)
    assert download["bookings"][0]["inspection"]["damage_marks"][0]["note"] == "Hit a post at home"
    with django_capture_on_commit_callbacks(execute=True):
        response = page.post("/my-data/erase/", {"password": PASSWORD})

    assert response.status_code == 302
    assert not Photo.objects.filter(booking=mine).exists()
    assert not any(default_storage.exists(name) for name in files)
    assert DamageMark.objects.get(inspection__booking=mine).note == ""
