"""The copy of my data holds what the workshop and the extra work keep about my visits, and
nothing about anybody else's."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.tests.factories import BookingFactory
from conftest import client_for
from privacy.selectors import personal_data_export
from vehicles.tests.factories import VehicleFactory
from workshop.models import Photo

pytestmark = pytest.mark.django_db


def _booking(data: dict, reference: str) -> dict:
    return next(row for row in data["bookings"] if row["reference"] == reference)


def test_export_holds_each_visits_inspection_with_notes_and_photo_addresses(
    workshop, owner, neighbour
):
    visit = workshop.finished_visit(owner, "HS-MINE01")
    workshop.finished_visit(neighbour, "HS-THEIR1")

    data = personal_data_export(user=owner)

    assert [row["reference"] for row in data["bookings"]] == ["HS-MINE01"]
    inspection = _booking(data, "HS-MINE01")["inspection"]
    assert inspection["odometer_km"] == 20500
    assert inspection["state_of_charge"] == 64
    [front] = inspection["views"]
    assert front["angle"] == "front"
    assert front["note"] == "Child seat behind"
    photo = Photo.objects.get(booking=visit, pk=visit.inspection.views.get().photo_id)
    assert front["photo"]["url"] == f"/api/v1/photos/{photo.key}/"
    assert front["photo"]["thumbnail_url"] == f"/api/v1/photos/{photo.key}/thumbnail/"
    [damage] = inspection["damage_marks"]
    assert damage["location"] == "rear bumper"
    assert damage["note"] == "Hit a post at home"
    assert damage["photo"]["url"].startswith("/api/v1/photos/")


def test_export_holds_the_extra_work_with_prices_times_and_my_decision(workshop, owner, neighbour):
    workshop.finished_visit(owner, "HS-MINE01")
    workshop.finished_visit(neighbour, "HS-THEIR1")

    [line] = _booking(personal_data_export(user=owner), "HS-MINE01")["extra_work"]

    assert line["description"] == "Replace front brake pads"
    assert line["grade"] == "urgent"
    assert line["state"] == "approved"
    assert line["parts"] == [{"name": "Brake pad set", "quantity": "1.00", "unit_price": "420.00"}]
    assert line["parts_price"] == "420.00"
    assert line["price"] == line["parts_price"]
    assert line["currency"] == "CNY"
    assert line["sent_at"] is not None
    assert line["viewed_at"] == line["decided_at"] is not None
    assert line["decided_by"] == "you"
    assert len(line["photos"]) == 1


def test_a_booking_not_yet_visited_has_no_inspection_and_no_extra_work(owner):
    BookingFactory(vehicle=VehicleFactory(owner=owner), reference="HS-NEXT01")

    [booking] = personal_data_export(user=owner)["bookings"]

    assert booking["reference"] == "HS-NEXT01"
    assert booking["inspection"] is None
    assert booking["extra_work"] == []


def test_export_costs_the_same_queries_for_one_visit_or_three(
    workshop, owner, django_assert_num_queries
):
    workshop.finished_visit(owner, "HS-MINE01", days_ago=9)
    with CaptureQueriesContext(connection) as one:
        personal_data_export(user=owner)
    workshop.finished_visit(owner, "HS-MINE02", days_ago=8)
    workshop.finished_visit(owner, "HS-MINE03", days_ago=7)
    with django_assert_num_queries(len(one.captured_queries)):
        data = personal_data_export(user=owner)
    assert len(data["bookings"]) == 3


def test_the_api_download_carries_the_inspection_and_the_extra_work(workshop, owner):
    workshop.finished_visit(owner, "HS-MINE01")

    response = client_for(owner).get("/api/v1/me/export/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="hima-my-data-')
    booking = _booking(json.loads(response.content), "HS-MINE01")
    assert booking["inspection"]["views"][0]["note"] == "Child seat behind"
    assert booking["extra_work"][0]["decided_by"] == "you"
