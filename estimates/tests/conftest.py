"""A car in the workshop today (checked in at 09:30, held until 11:30 on its bay), with the
people around it, and helpers to propose and send extra work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from bookings.models import Booking
from bookings.tests.factories import BookingFactory, next_local
from conftest import client_for
from estimates import services
from estimates.models import EstimateLine
from outlets.models import OutletMembership
from outlets.tests.factories import OutletFactory, OutletMembershipFactory, ServiceTypeFactory
from vehicles.tests.factories import BrandMembershipFactory, VehicleFactory, brand, vehicle_model


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
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

    def api(self, who: str):
        return client_for(getattr(self, who))

    def repair(self, **overrides) -> EstimateLine:
        fields = {
            "booking": self.booking,
            "actor": self.advisor,
            "grade": EstimateLine.Grade.URGENT,
            "description": "Replace front brake pads",
            "labour_minutes": 60,
            "parts": [
                services.PartInput(
                    name="Brake pad set", quantity=Decimal("1"), unit_price=Decimal("420")
                )
            ],
        }
        return services.estimate_line_add(**{**fields, **overrides})

    def send(self) -> str:
        _sending, token = services.estimate_send(booking=self.booking, actor=self.advisor)
        return token

    def refresh(self) -> Booking:
        self.booking.refresh_from_db()
        return self.booking


@pytest.fixture
def visit(db) -> Visit:
    owner = UserFactory(username="owner")
    vehicle = VehicleFactory(owner=owner, model=vehicle_model("luxeed-s7"))
    outlet = OutletFactory(code="SH-PUDONG-01")
    start = next_local(9, days=0) + dt.timedelta(minutes=30)
    booking = BookingFactory(
        vehicle=vehicle,
        outlet=outlet,
        reference="HS-7K2P9Q",
        start=start,
        end=start + dt.timedelta(hours=2),
        bay_released_at=start + dt.timedelta(hours=2),
        status=Booking.Status.CHECKED_IN,
        checked_in_at=start,
        services=[ServiceTypeFactory(code="annual-check", labour_minutes=120)],
    )
    return Visit(
        booking=booking,
        owner=owner,
        advisor=OutletMembershipFactory(outlet=outlet, role=OutletMembership.Role.ADVISOR).user,
        staff_elsewhere=OutletMembershipFactory(outlet=OutletFactory(code="SZ-NANSHAN-01")).user,
        stranger=UserFactory(username="stranger"),
        brand_admin=BrandMembershipFactory(brand=brand("LUXEED")).user,
    )
