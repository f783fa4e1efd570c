"""Reads the owner pages need beyond the domain selectors, shaped for templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone, translation

from accounts.models import User
from bookings.availability.engine import free_starts
from bookings.availability.network import NETWORK_DAYS, earliest_near
from bookings.models import Booking
from bookings.notify.maintenance import MaintenanceDue, maintenance_of, with_maintenance_facts
from outlets.catalog import duration_minutes
from outlets.models import Outlet, ServiceType
from recalls.models import AffectedVehicle
from recalls.selectors import open_recalls_by_vehicle
from vehicles.models import Brand, Vehicle
from vehicles.selectors import vehicle_list

PICK_DAYS = 14
SOONEST_NEARBY = 3


@dataclass(frozen=True)
class OpenRecall:
    code: str
    title: str  # in the page's language
    state: str


@dataclass(frozen=True)
class VehicleRow:
    vehicle: Vehicle
    maintenance: MaintenanceDue | None
    open_recalls: list[OpenRecall] = field(default_factory=list)


def _open_recall(row: AffectedVehicle) -> OpenRecall:
    campaign = row.campaign
    chinese = (translation.get_language() or "").startswith("zh")
    return OpenRecall(
        code=campaign.code,
        title=campaign.title_zh if chinese else campaign.title_en,
        state=row.get_state_display(),
    )


def vehicle_rows(*, owner: User, today: dt.date | None = None) -> list[VehicleRow]:
    """The owner's vehicles, each with its maintenance assessment (bookings.maintenance's own
    rule) and its open recalls (recalls.selectors), in four queries whatever the number of
    vehicles."""
    today = today or timezone.localdate()
    vehicles = list(with_maintenance_facts(vehicle_list(owner=owner), today=today))
    recalls = open_recalls_by_vehicle(vehicles)
    return [
        VehicleRow(
            v, maintenance_of(v, today=today), [_open_recall(r) for r in recalls.get(v.pk, [])]
        )
        for v in vehicles
    ]


@dataclass(frozen=True)
class DayStarts:
    day: dt.date
    starts: list[dt.datetime]


def starts_by_day(starts: Iterable[dt.datetime]) -> list[DayStarts]:
    """Free starts (aware, in the outlet's zone) grouped by their local day."""
    return [DayStarts(day, list(group)) for day, group in groupby(starts, key=lambda s: s.date())]


def owner_zone_name() -> str:
    """The zone owners read times in: the platform's (the site has no per-owner zone yet)."""
    return settings.TIME_ZONE


def zone_context(outlet: Outlet) -> dict:
    """The outlet's zone for the templates, and whether to name it (not the owner's)."""
    return {"outlet_zone": outlet.time_zone, "zone_differs": outlet.time_zone != owner_zone_name()}


@dataclass(frozen=True)
class Visit:
    """What one visit asks for: the services, their total time and standard price."""

    services: list[ServiceType]
    minutes: int
    price: Decimal


def visit_of(services: Sequence[ServiceType]) -> Visit:
    return Visit(
        services=list(services),
        minutes=duration_minutes(services),
        price=sum((s.price for s in services), Decimal("0")),
    )


def free_days(
    *,
    outlet: Outlet,
    services: Sequence[ServiceType],
    vehicle: Vehicle,
    ignore_booking: Booking | None = None,
) -> list[DayStarts]:
    """The next 14 days of free starts at the outlet, from today in the outlet's zone."""
    today = timezone.now().astimezone(ZoneInfo(outlet.time_zone)).date()
    starts = free_starts(
        outlet=outlet,
        services=services,
        date_from=today,
        date_to=today + dt.timedelta(days=PICK_DAYS - 1),
        vehicle=vehicle,
        ignore_booking=ignore_booking,
    )
    return starts_by_day(starts)


def soonest_nearby(*, outlet: Outlet, services: Sequence[ServiceType], vehicle: Vehicle) -> list:
    """The network search from this outlet's location: the other outlets nearby where the car
    is served soonest."""
    slots = earliest_near(
        latitude=float(outlet.latitude),
        longitude=float(outlet.longitude),
        services=services,
        brand=vehicle.model.brand,
        vehicle=vehicle,
        limit=SOONEST_NEARBY + 1,
    )
    return [slot for slot in slots if slot.outlet.pk != outlet.pk][:SOONEST_NEARBY]


def soonest_by_outlet(
    *,
    outlets: Sequence[Outlet],
    services: Sequence[ServiceType],
    brand: Brand,
    vehicle: Vehicle | None,
    near: tuple[float, float] | None,
) -> dict[int, dt.datetime]:
    """Each listed outlet's soonest free start, from one network search around the given
    position (else the listed outlets' centre): a bounded number of queries for any list."""
    if not outlets or not services:
        return {}
    if near is None:
        near = (
            sum(float(o.latitude) for o in outlets) / len(outlets),
            sum(float(o.longitude) for o in outlets) / len(outlets),
        )
    slots = earliest_near(
        latitude=near[0],
        longitude=near[1],
        services=services,
        brand=brand,
        vehicle=vehicle,
        limit=len(outlets),
        days=NETWORK_DAYS,
    )
    listed = {o.pk for o in outlets}
    return {s.outlet.pk: s.earliest_start for s in slots if s.outlet.pk in listed}


def upcoming_and_past(bookings: QuerySet[Booking]) -> tuple[list[Booking], list[Booking]]:
    """Upcoming: still to come or still at the outlet (ready for pickup included), soonest
    first; past: completed, cancelled or missed, latest first."""
    still_open = {*Booking.ACTIVE_STATUSES, Booking.Status.READY}
    upcoming = [b for b in bookings if b.status in still_open]
    past = [b for b in bookings if b.status not in still_open]
    return upcoming, past[::-1]
