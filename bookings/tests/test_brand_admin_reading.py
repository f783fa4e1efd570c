"""Brand admins read their brand's bookings without personal data (the
minimum necessary): no owner, plate, pickup address, notes or free text."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from bookings.lifecycle.feedback import feedback_leave
from bookings.models import Booking
from bookings.tests.factories import BookingFactory, next_local
from vehicles.tests.factories import VehicleFactory, vehicle_model

pytestmark = pytest.mark.django_db

PERSONAL = {"owner", "pickup_address", "notes", "cancel_reason", "notifications"}
SECRETS = ["Li", "Hua", "Gate code 4711", "88 Century Avenue", "沪A12345"]


@pytest.fixture
def home_pickup(world):
    world.vehicle.plate = "沪A12345"
    world.vehicle.save(update_fields=["plate"])
    return BookingFactory(
        vehicle=world.vehicle,
        outlet=world.outlet,
        bay=world.bays[0],
        mode=Booking.Mode.PICKUP_DELIVERY,
        pickup_address="88 Century Avenue, Pudong",
        notes="Gate code 4711",
        services=[world.service],
    )


def _no_personal_data(body: dict) -> None:
    assert not PERSONAL & set(body)
    assert set(body["vehicle"]) == {"vin", "brand", "model"}
    text = str(body)
    for secret in SECRETS:
        assert secret not in text


def test_brand_admin_list_has_no_personal_fields(world, home_pickup):
    body = world.api("brand_admin").get("/api/v1/bookings/").json()
    [row] = body["results"]
    assert row["reference"] == home_pickup.reference
    assert row["vehicle"]["vin"] == world.vehicle.vin
    assert row["mode"] == "pickup_delivery"
    _no_personal_data(row)


def test_brand_admin_detail_has_no_personal_fields_nor_who_acted(world, home_pickup):
    world.api("advisor").post(f"/api/v1/bookings/{home_pickup.reference}/cancel/", {})
    response = world.api("brand_admin").get(f"/api/v1/bookings/{home_pickup.reference}/")
    assert response.status_code == 200
    body = response.json()
    _no_personal_data(body)
    assert [e["to_status"] for e in body["events"]][-1] == "cancelled"
    assert all(set(e) == {"kind", "from_status", "to_status", "at"} for e in body["events"])


def test_brand_admin_sees_a_rating_but_not_its_comment(world):
    done = BookingFactory(
        vehicle=world.vehicle,
        outlet=world.outlet,
        bay=world.bays[0],
        start=timezone.now() - dt.timedelta(days=2),
        end=timezone.now() - dt.timedelta(days=2) + dt.timedelta(hours=1),
        status=Booking.Status.COMPLETED,
        completed_at=timezone.now() - dt.timedelta(days=2),
    )
    feedback_leave(booking=done, owner=world.owner, rating=4, comment="Call Li Hua on 138")
    body = world.api("brand_admin").get(f"/api/v1/bookings/{done.reference}/").json()
    assert set(body["feedback"]) == {"rating", "created_at"}
    assert body["feedback"]["rating"] == 4
    assert "Li Hua" not in str(body)


@pytest.mark.parametrize("who", ["owner", "advisor", "admin"])
def test_owner_staff_and_alliance_admin_see_the_booking_whole(world, home_pickup, who):
    body = world.api(who).get(f"/api/v1/bookings/{home_pickup.reference}/").json()
    assert body["owner"]["name"] == "Li Hua"
    assert body["pickup_address"] == "88 Century Avenue, Pudong"
    assert body["notes"] == "Gate code 4711"
    assert body["vehicle"]["plate"] == "沪A12345"
    listed = world.api(who).get("/api/v1/bookings/").json()["results"]
    assert [row["notes"] for row in listed] == ["Gate code 4711"]


def test_a_brand_admin_who_owns_a_car_sees_their_own_booking_whole_and_others_without(world):
    own_car = VehicleFactory(owner=world.brand_admin, model=vehicle_model("luxeed-s7"))
    own = BookingFactory(
        vehicle=own_car,
        outlet=world.outlet,
        bay=world.bays[1],
        notes="my own note",
        services=[world.service],
    )
    theirs = BookingFactory(
        vehicle=world.vehicle,
        outlet=world.outlet,
        bay=world.bays[0],
        notes="Gate code 4711",
        start=next_local(12),
        services=[world.service],
    )
    rows = {
        row["reference"]: row
        for row in world.api("brand_admin").get("/api/v1/bookings/").json()["results"]
    }
    assert rows[own.reference]["notes"] == "my own note"
    _no_personal_data(rows[theirs.reference])


def test_other_brands_admin_still_gets_404(world, home_pickup):
    response = world.api("other_brand_admin").get(f"/api/v1/bookings/{home_pickup.reference}/")
    assert response.status_code == 404


def test_brand_admin_has_no_queue_of_an_outlet(world, home_pickup):
    response = world.api("brand_admin").get(f"/api/v1/outlets/{world.outlet.code}/queue/")
    assert response.status_code == 404


def test_the_schema_says_brand_admins_get_the_reading_without_personal_data(client):
    response = client.get("/api/schema/", {"format": "json"})
    schemas = json.loads(response.content)["components"]["schemas"]
    reader = schemas["BookingForReader"]["oneOf"]
    assert {"$ref": "#/components/schemas/BookingAuditOutput"} in reader
    audit = schemas["BookingAuditOutput"]["properties"]
    assert not PERSONAL & set(audit)
    assert "plate" not in schemas["_AuditVehicleRef"]["properties"]
    detail = schemas["BookingDetailForReader"]["oneOf"]
    assert {"$ref": "#/components/schemas/BookingAuditDetailOutput"} in detail
