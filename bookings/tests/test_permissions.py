"""Who may do what (DESIGN rule 4), generated from one table: outside one's scope a booking
answers 404; inside it, an action one may not take answers 403."""

import datetime as dt

import pytest
from django.utils import timezone

from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from vehicles.tests.factories import valid_vin

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "owner",
    "other_owner",
    "advisor",
    "staff_elsewhere",
    "brand_admin",
    "other_brand_admin",
    "admin",
]

# endpoint -> (status the booking starts in, method, path, payload, expected per role in ROLES)
MATRIX = {
    # Booking for someone else's vehicle is a field error, like a vehicle that does not exist.
    "create": (
        "confirmed",
        "post",
        "/api/v1/bookings/",
        "create",
        [401, 201, 400, 400, 400, 400, 400, 400],
    ),
    "list": (
        "confirmed",
        "get",
        "/api/v1/bookings/",
        None,
        [401, 200, 200, 200, 200, 200, 200, 200],
    ),
    "detail": ("confirmed", "get", "{b}/", None, [401, 200, 404, 200, 404, 200, 404, 200]),
    "calendar": (
        "confirmed",
        "get",
        "{b}/calendar.ics",
        None,
        [401, 200, 404, 403, 404, 403, 404, 403],
    ),
    "reschedule": (
        "confirmed",
        "post",
        "{b}/reschedule/",
        "later",
        [401, 200, 404, 200, 404, 403, 404, 200],
    ),
    "cancel": ("confirmed", "post", "{b}/cancel/", {}, [401, 200, 404, 200, 404, 403, 404, 200]),
    "check-in": (
        "confirmed",
        "post",
        "{b}/check-in/",
        {},
        [401, 403, 404, 200, 404, 403, 404, 200],
    ),
    "start": ("checked_in", "post", "{b}/start/", {}, [401, 403, 404, 200, 404, 403, 404, 200]),
    "ready": (
        "in_service",
        "post",
        "{b}/ready/",
        "checklist",
        [401, 403, 404, 200, 404, 403, 404, 200],
    ),
    "complete": ("ready", "post", "{b}/complete/", {}, [401, 403, 404, 200, 404, 403, 404, 200]),
    "no-show": ("late", "post", "{b}/no-show/", {}, [401, 403, 404, 200, 404, 403, 404, 200]),
    "feedback": (
        "completed",
        "post",
        "{b}/feedback/",
        {"rating": 4},
        [401, 201, 404, 403, 404, 403, 404, 403],
    ),
    "queue": (
        "confirmed",
        "get",
        "/api/v1/outlets/{o}/queue/",
        None,
        [401, 404, 404, 200, 404, 404, 404, 200],
    ),
    "walk-in": (
        "confirmed",
        "post",
        "/api/v1/outlets/{o}/walk-ins/",
        "walk-in",
        [401, 404, 404, 201, 404, 404, 404, 201],
    ),
}

CASES = [
    (endpoint, role, expected[i])
    for endpoint, (*_, expected) in MATRIX.items()
    for i, role in enumerate(ROLES)
]


def _payload(kind, world, booking):
    if kind == "create":
        return world.payload(start=world.start(hour=15).isoformat())
    if kind == "later":
        return {"start": world.start(hour=15).isoformat()}
    if kind == "checklist":
        return {"checklist": {world.service.code: world.service.checklist}}
    if kind == "walk-in":
        return {
            "vin": valid_vin(777, wmi="LVV"),
            "model": "luxeed-r7",
            "services": [world.service.code],
            "owner_phone": "+86 138 0000 7777",
        }
    return kind


@pytest.fixture
def morning_of_the_booking(world, time_machine):
    """07:00 at the outlet on the booking's day: owners may still change it, staff may check
    it in. Returns the booking's start."""
    start = world.start()
    time_machine.move_to(start - dt.timedelta(hours=3))
    return start


@pytest.mark.parametrize(("endpoint", "role", "expected"), CASES)
def test_permission_matrix(world, morning_of_the_booking, endpoint, role, expected):
    state, method, path, payload, _ = MATRIX[endpoint]
    start = morning_of_the_booking
    if state == "late":
        state, start = "confirmed", timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    booking = BookingFactory(
        owner=world.owner,
        vehicle=world.vehicle,
        outlet=world.outlet,
        bay=world.bays[0],
        status=state,
        start=start,
        services=[world.service],
    )
    url = path.format(b=f"/api/v1/bookings/{booking.reference}", o=world.outlet.code)
    client = world.api(role)
    data = _payload(payload, world, booking)
    response = getattr(client, method)(url, data) if method == "post" else client.get(url)
    assert response.status_code == expected, (response.status_code, response.content[:300])
    if expected >= 400:
        body = response.json()
        assert set(body) >= {"code", "detail"}
        booking.refresh_from_db()
        assert booking.status == state
        assert not booking.events.exists()
        assert Booking.objects.count() == 1


def test_lists_are_scoped_to_what_each_role_may_see(world):
    mine = BookingFactory(owner=world.owner, vehicle=world.vehicle, outlet=world.outlet)
    elsewhere = BookingFactory(outlet=world.other_outlet)  # an AITO car at the other outlet
    seen = {
        role: {b["reference"] for b in world.api(role).get("/api/v1/bookings/").json()["results"]}
        for role in ROLES[1:]
    }
    assert seen["owner"] == {mine.reference}
    assert seen["other_owner"] == set()
    assert seen["advisor"] == {mine.reference}
    assert seen["staff_elsewhere"] == {elsewhere.reference}
    assert seen["brand_admin"] == {mine.reference}  # Luxeed
    assert seen["other_brand_admin"] == {elsewhere.reference}  # AITO
    assert seen["admin"] == {mine.reference, elsewhere.reference}
