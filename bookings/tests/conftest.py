"""A small shared-centre world for booking tests: one outlet open 09:00–18:00 every day with two
general bays, a standard service, an owner with a Luxeed, and the people around them."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection

from accounts.tests.factories import AdminFactory, UserFactory
from bookings.tests.factories import next_local
from conftest import client_for
from outlets.models import Capability, OutletMembership
from outlets.tests.factories import (
    BayFactory,
    OutletFactory,
    OutletMembershipFactory,
    ServiceTypeFactory,
)
from vehicles.tests.factories import BrandMembershipFactory, VehicleFactory, brand, vehicle_model


@dataclass
class World:
    outlet: object
    other_outlet: object
    bays: list
    service: object
    owner: object
    vehicle: object
    other_owner: object
    advisor: object
    technician: object
    staff_elsewhere: object
    brand_admin: object
    other_brand_admin: object
    admin: object

    def start(self, hour: int = 10, days: int = 1) -> dt.datetime:
        return next_local(hour, days=days)

    def payload(self, **overrides) -> dict:
        return {
            "vehicle": self.vehicle.pk,
            "outlet": self.outlet.code,
            "services": [self.service.code],
            "start": self.start().isoformat(),
            "mode": "drop_off",
            **overrides,
        }

    def api(self, who: str):
        return client_for(None if who == "anonymous" else getattr(self, who))


@pytest.fixture
def world(db):
    service = ServiceTypeFactory(
        code="annual-maintenance",
        name="Annual maintenance",
        labour_minutes=60,
        capability=Capability.GENERAL,
        checklist=["Check brake fluid", "Rotate tyres", "Read fault codes"],
        counts_as_maintenance=True,
    )
    outlet = OutletFactory(code="SH-PUDONG-01", name="Pudong Service Centre", services=[service])
    other_outlet = OutletFactory(code="SZ-NANSHAN-01", name="Nanshan", services=[service])
    bays = [BayFactory(outlet=outlet, name=f"B{i}") for i in (1, 2)]
    BayFactory(outlet=other_outlet, name="B1")
    owner = UserFactory(username="owner", first_name="Li", last_name="Hua")
    vehicle = VehicleFactory(owner=owner, model=vehicle_model("luxeed-s7"))
    advisor = OutletMembershipFactory(outlet=outlet, role=OutletMembership.Role.ADVISOR).user
    technician = OutletMembershipFactory(outlet=outlet, role=OutletMembership.Role.TECHNICIAN).user
    staff_elsewhere = OutletMembershipFactory(outlet=other_outlet).user
    return World(
        outlet=outlet,
        other_outlet=other_outlet,
        bays=bays,
        service=service,
        owner=owner,
        vehicle=vehicle,
        other_owner=UserFactory(username="stranger"),
        advisor=advisor,
        technician=technician,
        staff_elsewhere=staff_elsewhere,
        brand_admin=BrandMembershipFactory(brand=brand("LUXEED")).user,
        other_brand_admin=BrandMembershipFactory(brand=brand("AITO")).user,
        admin=AdminFactory(),
    )


@pytest.fixture
def versions_counted_at_once(db):
    """Bookings count in their outlet's version at commit (a deferred trigger: bookings
    migration 0007); a test's transaction never commits, so count them at each statement."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS bookings_booking_version IMMEDIATE")
