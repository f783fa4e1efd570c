"""Crews through the API, end to end: a booking made online holds a crew, staff start it with
another one, and a crew that is busy is refused by name."""

import datetime as dt

import pytest

from bookings.models import Booking
from bookings.tests.crew_world import technician

pytestmark = pytest.mark.django_db


@pytest.fixture
def crewed(world):
    world.outlet.plans_crews = True
    world.outlet.save(update_fields=["plans_crews"])
    return world


def test_an_online_booking_holds_a_crew_and_shows_it(crewed):
    lead = technician(crewed.outlet)
    response = crewed.api("owner").post("/api/v1/bookings/", crewed.payload(), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["crew"] == [lead.pk]


def test_no_crew_on_shift_is_a_409_naming_the_crew(crewed):
    technician(crewed.outlet, hours=(dt.time(14), dt.time(18)))
    response = crewed.api("owner").post("/api/v1/bookings/", crewed.payload(), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "crew_unavailable"
    assert not Booking.objects.exists()


def check_in_at_ten(world, time_machine) -> str:
    start = world.start(10)
    response = world.api("owner").post("/api/v1/bookings/", world.payload(), format="json")
    reference = response.json()["reference"]
    time_machine.move_to(start + dt.timedelta(minutes=5))
    checked = world.api("advisor").post(f"/api/v1/bookings/{reference}/check-in/", {})
    assert checked.status_code == 200, checked.json()
    return reference


def test_staff_start_with_another_free_crew(crewed, time_machine):
    first = technician(crewed.outlet)
    second = technician(crewed.outlet)
    reference = check_in_at_ten(crewed, time_machine)
    response = crewed.api("advisor").post(
        f"/api/v1/bookings/{reference}/start/", {"crew": [second.pk]}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["crew"]) == ("in_service", [second.pk])
    assert first.pk not in body["crew"]


def test_a_crew_not_on_this_outlets_roster_is_refused(crewed, time_machine):
    technician(crewed.outlet)
    stranger = technician(crewed.other_outlet)
    reference = check_in_at_ten(crewed, time_machine)
    response = crewed.api("advisor").post(
        f"/api/v1/bookings/{reference}/start/", {"crew": [stranger.pk]}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "crew_unavailable"
    assert list(body["fields"]) == ["crew"]
    assert Booking.objects.get(reference=reference).status == Booking.Status.CHECKED_IN
