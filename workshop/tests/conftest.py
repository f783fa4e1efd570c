"""The workshop's tests: photos stored in a folder of the test's own, and a checked-in car."""

from dataclasses import dataclass

import pytest

from accounts.tests.factories import UserFactory
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from outlets.models import OutletMembership
from outlets.tests.factories import OutletFactory, OutletMembershipFactory
from vehicles.tests.factories import BrandMembershipFactory, VehicleFactory, brand, vehicle_model


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every photo a test stores lands here, never in the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class Visit:
    booking: Booking
    owner: object
    advisor: object
    staff_elsewhere: object
    stranger: object
    brand_admin: object


@pytest.fixture
def visit(db) -> Visit:
    """A car checked in at its outlet, with the people around it."""
    owner = UserFactory(username="owner")
    vehicle = VehicleFactory(owner=owner, model=vehicle_model("luxeed-s7"), odometer_km=20000)
    outlet = OutletFactory(code="SH-PUDONG-01")
    booking = BookingFactory(
        vehicle=vehicle, outlet=outlet, reference="HS-7K2P9Q", status=Booking.Status.CHECKED_IN
    )
    return Visit(
        booking=booking,
        owner=owner,
        advisor=OutletMembershipFactory(outlet=outlet, role=OutletMembership.Role.ADVISOR).user,
        staff_elsewhere=OutletMembershipFactory(outlet=OutletFactory(code="SZ-NANSHAN-01")).user,
        stranger=UserFactory(username="stranger"),
        brand_admin=BrandMembershipFactory(brand=brand("LUXEED")).user,
    )
