"""A small outlet that plans crews, for the crews tests of the engine and the reservation: two
battery bays and one general bay, open 09:00–18:00, a battery job (crew of two, HV 2) and a
general one; technicians are added by each test with `technician`."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from accounts.tests.factories import UserFactory
from bookings.models import Booking, BookingService
from bookings.reservation import reserve_bay
from crews.models import Absence, BrandAuthorization, Shift, Technician
from outlets.models import Capability, Outlet, ServiceType
from outlets.tests.factories import BayFactory, OutletFactory, ServiceTypeFactory
from vehicles.models import Brand, Vehicle
from vehicles.tests.factories import VehicleFactory

LONG_AGO_VALID = dt.date(2030, 12, 31)


@dataclass
class CrewWorld:
    outlet: Outlet
    battery: ServiceType
    general: ServiceType


def crew_world() -> CrewWorld:
    battery = ServiceTypeFactory(
        code="t-battery",
        labour_minutes=120,
        capability=Capability.EV_BATTERY,
        skill=Capability.EV_BATTERY,
        min_hv_level=2,
        crew_size=2,
    )
    general = ServiceTypeFactory(code="t-general", labour_minutes=60)
    outlet = OutletFactory(services=[battery, general], plans_crews=True)
    BayFactory(outlet=outlet, name="hv1", capabilities=[Capability.GENERAL, Capability.EV_BATTERY])
    BayFactory(outlet=outlet, name="hv2", capabilities=[Capability.GENERAL, Capability.EV_BATTERY])
    BayFactory(outlet=outlet, name="gen", capabilities=[Capability.GENERAL])
    return CrewWorld(outlet=outlet, battery=battery, general=general)


def technician(
    outlet: Outlet,
    *,
    skills: tuple[str, ...] = (Capability.GENERAL,),
    hv_level: int = 0,
    hv_valid_until: dt.date | None = None,
    brands: dict[Brand, dt.date] | None = None,
    hours: tuple[dt.time, dt.time] = (dt.time(9), dt.time(18)),
    away: tuple[dt.date, dt.date] | None = None,
) -> Technician:
    """A technician on shift at `outlet` every day, authorized for every brand unless told."""
    person = Technician.objects.create(
        user=UserFactory(),
        skills=list(skills),
        hv_level=hv_level,
        hv_valid_until=hv_valid_until or (LONG_AGO_VALID if hv_level else None),
    )
    for brand, until in (
        brands if brands is not None else dict.fromkeys(Brand.objects.all(), LONG_AGO_VALID)
    ).items():
        BrandAuthorization.objects.create(technician=person, brand=brand, valid_until=until)
    Shift.objects.bulk_create(
        Shift(technician=person, outlet=outlet, weekday=day, starts=hours[0], ends=hours[1])
        for day in range(7)
    )
    if away is not None:
        Absence.objects.create(technician=person, first_day=away[0], last_day=away[1])
    return person


def reserve(world: CrewWorld, services, start: dt.datetime, vehicle: Vehicle | None = None):
    """A booking of `services` at `start` through the reservation core (a bay and a crew, or
    SlotTaken / CrewUnavailable), with its service lines, as a create writes them."""
    vehicle = vehicle or VehicleFactory()
    with transaction.atomic():
        booking = Booking(owner=vehicle.owner, vehicle=vehicle, outlet=world.outlet, start=start)
        reserve_bay(booking=booking, services=services)
        for service in services:
            BookingService.objects.create(
                booking=booking,
                service_type=service,
                labour_minutes=service.labour_minutes,
                price=service.price,
            )
    return booking
