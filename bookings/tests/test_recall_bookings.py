"""Booking a recall fix: free for an affected vehicle, refused for others; completing the
booking closes the recall, cancelling or missing it gives it back."""

import datetime as dt

import pytest
from django.utils import timezone

from bookings.lifecycle.status import booking_mark_no_show
from bookings.models import Booking
from bookings.tests.test_races import as_user, race, statuses
from recalls.models import AffectedVehicle, RecallCampaign
from recalls.tests.factories import AffectedVehicleFactory, RecallCampaignFactory, recall_service
from vehicles.models import Vehicle
from vehicles.tests.factories import VehicleFactory, brand, vehicle_model

pytestmark = pytest.mark.django_db

State = AffectedVehicle.State


@pytest.fixture
def recall(world):
    """The world's outlet offers the catalog's recall fix; the owner's Luxeed is affected by
    an open Luxeed campaign fixed by it, and was notified."""
    service = recall_service("rcl-campaign")
    service.price = "150.00"  # a price in the catalog: the affected car still pays nothing
    service.save()
    world.outlet.services.add(service)
    return AffectedVehicleFactory(
        vehicle=world.vehicle,
        campaign=RecallCampaignFactory(),
        state=State.NOTIFIED,
        notified_at=timezone.now() - dt.timedelta(days=3),
    )


def book(world, services, **overrides):
    return world.api("owner").post(
        "/api/v1/bookings/", world.payload(services=services, **overrides)
    )


def test_an_affected_vehicle_books_the_recall_fix_free(world, recall):
    response = book(world, ["rcl-campaign", world.service.code])

    assert response.status_code == 201, response.json()
    body = response.json()
    prices = {s["code"]: s["price"] for s in body["services"]}
    assert prices == {"rcl-campaign": "0.00", "annual-maintenance": "399.00"}
    assert body["price_total"] == "399.00"
    recall.refresh_from_db()
    assert recall.state == State.BOOKED
    assert recall.outlet == world.outlet
    assert recall.booking_reference == body["reference"]
    # The vehicle's open recall now says where it is booked.
    vehicle = world.api("owner").get(f"/api/v1/vehicles/{world.vehicle.pk}/").json()
    assert vehicle["open_recalls"][0]["state"] == "booked"
    assert vehicle["open_recalls"][0]["booking"] == body["reference"]


@pytest.mark.parametrize(
    "case", ["not affected", "other campaign service", "closed", "done", "other brand"]
)
def test_the_recall_fix_is_refused_to_a_vehicle_without_an_open_recall(world, recall, case):
    if case == "not affected":
        recall.delete()
    elif case == "other campaign service":
        recall.campaign.service_type = recall_service("rcl-hv-connector")
        recall.campaign.save()
    elif case == "closed":
        recall.campaign.status = RecallCampaign.Status.CLOSED
        recall.campaign.save()
    elif case == "done":
        AffectedVehicle.objects.filter(pk=recall.pk).update(state=State.DONE, outlet=world.outlet)
    elif case == "other brand":
        recall.campaign.brand = brand("AITO")
        recall.campaign.save()

    response = book(world, ["rcl-campaign"])

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "not affected by an open recall" in body["fields"]["services"][0]
    assert not Booking.objects.exists()


def test_a_booked_recall_cannot_be_booked_twice(world, recall):
    first = book(world, ["rcl-campaign"])
    second = book(world, ["rcl-campaign"], start=world.start(hour=10, days=3).isoformat())

    assert first.status_code == 201
    assert second.status_code == 400
    assert first.json()["reference"] in second.json()["fields"]["services"][0]
    assert Booking.objects.count() == 1


def test_another_holder_of_the_vin_is_not_shown_the_owners_recall_booking(world, recall):
    # The owner's car is not verified yet, so another account may add the same VIN.
    Vehicle.objects.filter(pk=world.vehicle.pk).update(verified_at=None, verified_via="")
    other = world.api("other_owner")
    added = other.post(
        "/api/v1/vehicles/", {"vin": world.vehicle.vin, "model": world.vehicle.model.code}
    )
    assert added.status_code == 201, added.json()
    reference = book(world, ["rcl-campaign"]).json()["reference"]

    theirs = other.get(f"/api/v1/vehicles/{added.json()['id']}/").json()["open_recalls"]
    again = other.post(
        "/api/v1/bookings/",
        {**world.payload(services=["rcl-campaign"]), "vehicle": added.json()["id"]},
    )

    # The car's recall is booked, but where and under which reference is the owner's.
    assert [(r["state"], r["outlet"], r["booking"]) for r in theirs] == [("booked", None, "")]
    assert again.status_code == 400
    assert again.json()["fields"]["services"] == [
        "This recall is already booked for this car from another account."
    ]
    mine = world.api("owner").get(f"/api/v1/vehicles/{world.vehicle.pk}/").json()
    assert mine["open_recalls"][0]["booking"] == reference


def test_completing_the_booking_closes_the_recall(world, recall, time_machine):
    reference = book(world, ["rcl-campaign"]).json()["reference"]
    time_machine.move_to(world.start() - dt.timedelta(minutes=5))
    advisor = world.api("advisor")
    checklist = {"rcl-campaign": recall_service().checklist}
    for action, data in [("check-in", {}), ("start", {}), ("ready", {"checklist": checklist})]:
        response = advisor.post(f"/api/v1/bookings/{reference}/{action}/", data)
        assert response.status_code == 200, response.json()

    done = advisor.post(f"/api/v1/bookings/{reference}/complete/", {})

    assert done.status_code == 200, done.json()
    recall.refresh_from_db()
    assert recall.state == State.DONE
    assert recall.outlet == world.outlet
    assert recall.done_at == Booking.objects.get(reference=reference).completed_at
    vehicle = world.api("owner").get(f"/api/v1/vehicles/{world.vehicle.pk}/").json()
    assert vehicle["open_recalls"] == []
    # …and the campaign's progress moved.
    progress = world.api("brand_admin").get(f"/api/v1/recalls/{recall.campaign.code}/").json()
    assert progress["progress"]["completed"] == 1
    assert progress["outlets"] == [
        {
            "outlet": world.outlet.code,
            "outlet_name": world.outlet.name,
            "city": world.outlet.city,
            "booked": 0,
            "completed": 1,
            "completion_rate": 1.0,
        }
    ]


def test_cancelling_gives_the_recall_back_as_notified(world, recall):
    reference = book(world, ["rcl-campaign"]).json()["reference"]

    response = world.api("owner").post(f"/api/v1/bookings/{reference}/cancel/", {})

    assert response.status_code == 200
    recall.refresh_from_db()
    assert (recall.state, recall.outlet, recall.booking_reference) == (State.NOTIFIED, None, "")
    assert book(world, ["rcl-campaign"]).status_code == 201  # bookable again


def test_a_no_show_gives_back_a_recall_never_notified_as_affected(world, recall, time_machine):
    AffectedVehicle.objects.filter(pk=recall.pk).update(state=State.AFFECTED, notified_at=None)
    booking = Booking.objects.get(reference=book(world, ["rcl-campaign"]).json()["reference"])
    time_machine.move_to(booking.start + dt.timedelta(minutes=31))

    booking_mark_no_show(booking=booking, actor=None)

    recall.refresh_from_db()
    assert (recall.state, recall.outlet, recall.booking_reference) == (State.AFFECTED, None, "")


def test_a_walk_in_for_the_recall_fix_is_free_and_books_the_recall(world, recall, time_machine):
    time_machine.move_to(world.start())
    response = world.api("advisor").post(
        f"/api/v1/outlets/{world.outlet.code}/walk-ins/",
        {"vin": world.vehicle.vin, "services": ["rcl-campaign"]},
    )
    unaffected = VehicleFactory(model=vehicle_model("luxeed-r7"))
    refused = world.api("advisor").post(
        f"/api/v1/outlets/{world.outlet.code}/walk-ins/",
        {"vin": unaffected.vin, "services": ["rcl-campaign"]},
    )

    assert response.status_code == 201, response.json()
    assert response.json()["price_total"] == "0.00"
    recall.refresh_from_db()
    assert recall.state == State.BOOKED
    assert refused.status_code == 400
    assert "services" in refused.json()["fields"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_bookings_of_one_recall_at_once_claim_it_once(world, recall):
    # Different days: the vehicle exclusion constraint would let both in; the recall row's
    # lock is what makes the second wait and then see it booked.
    first = world.payload(services=["rcl-campaign"])
    second = world.payload(services=["rcl-campaign"], start=world.start(days=2).isoformat())

    results = race(
        [
            lambda: as_user(world.owner).post("/api/v1/bookings/", first),
            lambda: as_user(world.owner).post("/api/v1/bookings/", second),
        ]
    )

    assert statuses(results) == [201, 400]
    recall.refresh_from_db()
    assert recall.state == State.BOOKED
    assert Booking.objects.get().reference == recall.booking_reference
