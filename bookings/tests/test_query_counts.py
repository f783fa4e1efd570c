"""How many SQL queries each booking write costs over the API, asserted so that a change that
adds round trips to the hot paths shows up here ("was" is an earlier count, in this same
test). Every answer must equal a fresh GET of the booking: built from the objects in hand,
it still shows what the database holds. The counts include the savepoint (two queries) that
the test's own transaction turns each service's transaction into; in production that is the
BEGIN/COMMIT, which Django sends without a captured query."""

import datetime as dt
import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking, Notification
from bookings.tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

# Print every query of a measured request: QUERY_COUNTS_VERBOSE=1 pytest -s this file.
VERBOSE = bool(os.environ.get("QUERY_COUNTS_VERBOSE"))

CREATE = 14  # was 30; the price book's read (pricing.selectors) is the 14th
RESCHEDULE = 17  # was 40
CANCEL = 12  # was 18
CHECK_IN = 15  # was 18
START = 10  # was 13
START_EARLY = 16  # was 22
READY = 12  # the checklist is read and recorded here; the approved extra work read (12th)
COMPLETE = 11  # was 17
NO_SHOW = 10  # was 13


def measured(client, url, data, limit, django_capture_on_commit_callbacks):
    """POST and assert at most `limit` queries, on-commit callbacks (the delivery kick) run."""
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url, data, format="json")
    if VERBOSE:
        print(f"\n{url}: {len(queries)} queries")
        for query in queries.captured_queries:
            print("   ", str(query["sql"])[:160])
    assert response.status_code in (200, 201), response.json()
    assert len(queries) <= limit, f"{url}: {len(queries)} queries, at most {limit} expected"
    return response


@pytest.fixture
def kick(monkeypatch):
    """The on-commit kick publishes to Redis, not SQL: record what it is given instead."""
    kicked = []
    monkeypatch.setattr(
        "bookings.notify.outbox.notifications_kick",
        lambda *, notification_ids: kicked.append(list(notification_ids)),
    )
    return kicked


def test_create_query_count_and_an_answer_from_the_objects_in_hand(
    world, kick, django_capture_on_commit_callbacks
):
    # Two days ahead: tomorrow's start has no 24-hour reminder once that time has passed today.
    response = measured(
        world.api("owner"),
        "/api/v1/bookings/",
        world.payload(start=world.start(days=2).isoformat()),
        CREATE,
        django_capture_on_commit_callbacks,
    )
    body = response.json()
    booking = Booking.objects.get(reference=body["reference"])
    # The answer is what a fresh read of the booking shows.
    fresh = world.api("owner").get(f"/api/v1/bookings/{booking.reference}/").json()
    assert body == fresh
    assert [e["kind"] for e in body["events"]] == ["created"]
    assert {n["kind"] for n in body["notifications"]} == {
        "confirmation",
        "reminder_24h",
        "reminder_2h",
    }
    # One kick, with every message due now (the confirmations), after commit.
    due_now = set(
        Notification.objects.filter(booking=booking, kind="confirmation").values_list(
            "pk", flat=True
        )
    )
    assert [set(ids) for ids in kick] == [due_now]


def test_reschedule_query_count(world, kick, django_capture_on_commit_callbacks):
    reference = world.api("owner").post("/api/v1/bookings/", world.payload()).json()["reference"]
    response = measured(
        world.api("owner"),
        f"/api/v1/bookings/{reference}/reschedule/",
        {"start": world.start(hour=14).isoformat()},
        RESCHEDULE,
        django_capture_on_commit_callbacks,
    )
    body = response.json()
    assert body == world.api("owner").get(f"/api/v1/bookings/{reference}/").json()
    assert body["start"] == world.start(hour=14).isoformat()


def test_cancel_query_count(world, kick, django_capture_on_commit_callbacks):
    reference = world.api("owner").post("/api/v1/bookings/", world.payload()).json()["reference"]
    response = measured(
        world.api("owner"),
        f"/api/v1/bookings/{reference}/cancel/",
        {"reason": "plans changed"},
        CANCEL,
        django_capture_on_commit_callbacks,
    )
    assert response.json() == world.api("owner").get(f"/api/v1/bookings/{reference}/").json()
    assert response.json()["status"] == "cancelled"


def test_day_of_service_action_query_counts(
    world, kick, time_machine, django_capture_on_commit_callbacks
):
    reference = world.api("owner").post("/api/v1/bookings/", world.payload()).json()["reference"]
    base = f"/api/v1/bookings/{reference}"
    advisor, technician = world.api("advisor"), world.api("technician")
    time_machine.move_to(world.start() + dt.timedelta(minutes=5))
    steps = [
        (advisor, "check-in", {"odometer_km": world.vehicle.odometer_km + 500}, CHECK_IN),
        (technician, "start", {}, START),
        (technician, "ready", {"checklist": {world.service.code: world.service.checklist}}, READY),
        (technician, "complete", {}, COMPLETE),
    ]
    for client, action, data, limit in steps:
        response = measured(
            client, f"{base}/{action}/", data, limit, django_capture_on_commit_callbacks
        )
        assert response.json() == advisor.get(f"{base}/").json(), action
    assert response.json()["status"] == "completed"


def test_early_start_moving_the_reservation_query_count(
    world, kick, time_machine, django_capture_on_commit_callbacks
):
    reference = world.api("owner").post("/api/v1/bookings/", world.payload()).json()["reference"]
    base = f"/api/v1/bookings/{reference}"
    time_machine.move_to(world.start() - dt.timedelta(minutes=20))
    world.api("advisor").post(f"{base}/check-in/", {})
    response = measured(
        world.api("technician"),
        f"{base}/start/",
        {},
        START_EARLY,
        django_capture_on_commit_callbacks,
    )
    assert response.json() == world.api("advisor").get(f"{base}/").json()
    assert response.json()["status"] == "in_service"


def test_no_show_query_count(world, kick, time_machine, django_capture_on_commit_callbacks):
    booking = BookingFactory(
        owner=world.owner, vehicle=world.vehicle, outlet=world.outlet, bay=world.bays[0]
    )
    time_machine.move_to(booking.start + dt.timedelta(minutes=31))
    response = measured(
        world.api("advisor"),
        f"/api/v1/bookings/{booking.reference}/no-show/",
        {},
        NO_SHOW,
        django_capture_on_commit_callbacks,
    )
    assert response.json()["status"] == "no_show"
