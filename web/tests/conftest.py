"""A small network for the owner pages: a Shanghai centre with a lunch break and one general
bay, a night-service centre nearby, an owner with an AITO, and a stranger."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from outlets.models import Amenity, ServiceType
from outlets.tests.factories import BayFactory, OutletFactory
from vehicles.tests.factories import VehicleFactory, vehicle_model

SERVICES = ["mnt-annual", "dgn-full-scan"]


@dataclass
class Shop:
    outlet: object
    nearby: object
    owner: object
    vehicle: object
    stranger: object
    stranger_vehicle: object

    @property
    def services(self) -> list:
        return list(ServiceType.objects.filter(code__in=SERVICES).order_by("code"))


@pytest.fixture
def shop(db) -> Shop:
    services = list(ServiceType.objects.filter(code__in=SERVICES))
    outlet = OutletFactory(
        code="SH-WEB-01",
        name="Pudong Web Centre",
        name_zh="浦东网页中心",
        phone="+86 21 5000 0001",
        amenities=[Amenity.DINING, Amenity.CHARGING],
        services=services,
        hours=[(dt.time(8), dt.time(12)), (dt.time(13), dt.time(20))],
    )
    BayFactory(outlet=outlet, name="B1")
    nearby = OutletFactory(
        code="SH-WEB-02",
        name="Minhang Web Centre",
        latitude=Decimal("31.112000"),
        longitude=Decimal("121.381000"),
        night_service=True,
        night_capacity=2,
        services=services,
        hours=[(dt.time(8), dt.time(23))],
    )
    BayFactory(outlet=nearby, name="N1")
    owner = UserFactory(username="web-owner")
    stranger = UserFactory(username="web-stranger")
    return Shop(
        outlet=outlet,
        nearby=nearby,
        owner=owner,
        vehicle=VehicleFactory(owner=owner, model=vehicle_model("aito-m7"), plate="沪A12345"),
        stranger=stranger,
        stranger_vehicle=VehicleFactory(owner=stranger, model=vehicle_model("aito-m5")),
    )
