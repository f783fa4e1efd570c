"""A second-hand buyer takes a verified car over (DESIGN.md "Identity and trust"): the seller's
future bookings of it are cancelled and the seller is told why; a visit in progress stays with
the seller, whose visit it is, except the walk-in at which staff checked the buyer's
registration certificate, which is the buyer's."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from bookings.identity.ownership import (
    vehicle_code_confirm,
    vehicle_code_request,
    vehicle_verify_at_counter,
)
from bookings.lifecycle.walk_ins import walk_in_register
from bookings.models import Booking, Notification
from bookings.notify.outbox import notify_booking_ready
from bookings.tests.factories import BookingFactory, next_local
from recalls.tests.factories import AffectedVehicleFactory, RecallCampaignFactory
from vehicles.models import DeliveryRecord, Vehicle
from vehicles.tests.factories import UnverifiedVehicleFactory, brand

pytestmark = pytest.mark.django_db

Status = Booking.Status
BUYER_PHONE = "+8613800009001"


@pytest.fixture
def sale(world):
    """The seller (the world's owner, verified) has a booking next week; the buyer has a
    verified phone."""
    future = BookingFactory(
        vehicle=world.vehicle, outlet=world.outlet, bay=world.bays[1], start=next_local(10, days=7)
    )
    buyer = UserFactory(username="buyer", phone=BUYER_PHONE)
    return {"future": future, "buyer": buyer}


def _booked_visit_in_service(world) -> Booking:
    now = timezone.now()
    return BookingFactory(
        vehicle=world.vehicle,
        outlet=world.outlet,
        bay=world.bays[0],
        start=now - dt.timedelta(minutes=30),
        end=now + dt.timedelta(minutes=30),
        status=Status.IN_SERVICE,
        notes="Seller's note: leave the key at the desk",
    )


def _buyer_car(world) -> Vehicle:
    return Vehicle.objects.get(vin=world.vehicle.vin, released_at__isnull=True)


def _assert_seller_lost_the_car(world, sale) -> None:
    world.vehicle.refresh_from_db()
    assert world.vehicle.released_at is not None
    assert _buyer_car(world).owner == sale["buyer"]
    sale["future"].refresh_from_db()
    assert sale["future"].status == Status.CANCELLED
    assert "owner was verified" in sale["future"].cancel_reason
    assert Notification.objects.filter(
        recipient=world.owner, kind=Notification.Kind.VEHICLE_RELEASED
    ).exists()


def test_by_the_delivery_record_code_the_sellers_visit_in_progress_stays_theirs(world, sale):
    visit = _booked_visit_in_service(world)
    buyer = sale["buyer"]
    # The brand recorded the resale after the seller was verified.
    DeliveryRecord.objects.create(
        brand=brand("LUXEED"),
        vin=world.vehicle.vin,
        buyer_phone=BUYER_PHONE,
        uploaded_by=world.brand_admin,
        uploaded_at=timezone.now() + dt.timedelta(seconds=1),
    )
    car = UnverifiedVehicleFactory(owner=buyer, vin=world.vehicle.vin, model=world.vehicle.model)
    sent = vehicle_code_request(user=buyer, vehicle=car)

    vehicle_code_confirm(user=buyer, vehicle=car, code=sent.issued.code)

    _assert_seller_lost_the_car(world, sale)
    visit.refresh_from_db()
    assert visit.status == Status.IN_SERVICE
    assert (visit.owner, visit.vehicle) == (world.owner, world.vehicle)
    assert not Booking.objects.filter(owner=buyer).exists()


def test_at_the_counter_the_walk_in_where_the_buyer_was_verified_is_the_buyers(world, sale):
    visit = walk_in_register(
        outlet=world.outlet,
        actor=world.advisor,
        vin=world.vehicle.vin,
        service_codes=[world.service.code],
    )
    assert visit.owner == world.owner  # the car's verified owner, until the buyer shows theirs
    notify_booking_ready(booking=visit)  # a message to the seller still waiting

    vehicle_verify_at_counter(
        outlet=world.outlet,
        staff=world.advisor,
        booking_reference=visit.reference,
        phone=BUYER_PHONE,
    )

    _assert_seller_lost_the_car(world, sale)
    visit.refresh_from_db()
    assert (visit.owner, visit.vehicle) == (sale["buyer"], _buyer_car(world))
    assert visit.status == Status.CHECKED_IN
    assert not Notification.objects.filter(
        booking=visit, recipient=world.owner, status=Notification.Status.PENDING
    ).exists()


def test_at_the_counter_a_visit_the_seller_booked_stays_the_sellers(world, sale):
    visit = _booked_visit_in_service(world)

    vehicle_verify_at_counter(
        outlet=world.outlet,
        staff=world.advisor,
        booking_reference=visit.reference,
        phone=BUYER_PHONE,
    )

    _assert_seller_lost_the_car(world, sale)
    visit.refresh_from_db()
    assert (visit.owner, visit.vehicle) == (world.owner, world.vehicle)
    assert visit.notes == "Seller's note: leave the key at the desk"
    assert not Booking.objects.filter(owner=sale["buyer"]).exists()


def test_the_cars_recall_rows_follow_the_buyer_only_for_its_own_brand(world, sale):
    """Another brand's campaign that listed the same VIN does not get the buyer's car."""
    own = AffectedVehicleFactory(campaign=RecallCampaignFactory(), vehicle=world.vehicle)
    other = AffectedVehicleFactory(
        campaign=RecallCampaignFactory(brand=brand("AITO")), vehicle=None, vin=world.vehicle.vin
    )
    visit = walk_in_register(
        outlet=world.outlet,
        actor=world.advisor,
        vin=world.vehicle.vin,
        service_codes=[world.service.code],
    )
    vehicle_verify_at_counter(
        outlet=world.outlet,
        staff=world.advisor,
        booking_reference=visit.reference,
        phone=BUYER_PHONE,
    )
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.vehicle == _buyer_car(world)
    assert other.vehicle is None
