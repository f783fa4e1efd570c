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
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from accounts.models import User
from bookings.availability.engine import free_starts
from bookings.availability.network import NETWORK_DAYS, NetworkSlot, earliest_near, sooner_near
from bookings.models import Booking
from bookings.notify.maintenance import MaintenanceDue, maintenance_of, with_maintenance_facts
from outlets.catalog import duration_minutes
from outlets.models import Outlet, ServiceType
from recalls.models import AffectedVehicle
from recalls.selectors import open_recalls_by_vehicle
from vehicles.models import Brand, Vehicle
from vehicles.selectors import vehicle_list

from ..common.display import zone_note

PICK_DAYS = 14
SOONEST_NEARBY = 3
# "Nearby" for the soonest-nearby alternatives: a drive across one metropolitan area by
# default; the owner may widen it to a neighbouring city or a region.
NEARBY_KM = 50
NEARBY_KM_CHOICES = (25, 50, 100, 200, 500)
# The picker shows the days up to the third with free times; the later ones fold.
PICK_DAYS_SHOWN = 3


@dataclass(frozen=True)
class OpenRecall:
    code: str
    title: str  # in the page's language
    state: str
    service_code: str  # the campaign's fix, which the owner books like any service
    booked: bool


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
        service_code=campaign.service_type.code,
        booked=row.state == AffectedVehicle.State.BOOKED,
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
    closed: str = ""  # why the outlet is closed that day; empty when it opens
    later: bool = False  # folded under "Later days" in the picker


def starts_by_day(starts: Iterable[dt.datetime]) -> list[DayStarts]:
    """Free starts (aware, in the outlet's zone) grouped by their local day."""
    return [DayStarts(day, list(group)) for day, group in groupby(starts, key=lambda s: s.date())]


def closed_days(*, outlet: Outlet, date_from: dt.date, date_to: dt.date) -> dict[dt.date, str]:
    """The days the outlet is closed between two local dates (inclusive), each with its reason:
    a closure's own (staff write it), else the weekday it never opens. Two queries."""
    open_weekdays = set(outlet.opening_hours.values_list("weekday", flat=True))
    closures = {
        closure.date: closure.display_reason
        for closure in outlet.closures.filter(date__range=(date_from, date_to))
    }
    closed: dict[dt.date, str] = {}
    for n in range((date_to - date_from).days + 1):
        day = date_from + dt.timedelta(days=n)
        if day in closures:
            closed[day] = closures[day] or _("closure")
        elif day.weekday() not in open_weekdays:
            closed[day] = _("no opening hours on %(weekday)s") % {
                "weekday": WEEKDAYS[day.weekday()]
            }
    return closed


def _every_day(
    starts: Sequence[dt.datetime], closed: dict[dt.date, str], date_from: dt.date, count: int
) -> list[DayStarts]:
    """Each of `count` days from `date_from`: its free starts, or why it is closed; the days
    after the PICK_DAYS_SHOWN-th with free starts are marked `later`."""
    by_day = {d.day: d.starts for d in starts_by_day(starts)}
    days: list[DayStarts] = []
    with_starts = 0
    for n in range(count):
        day = date_from + dt.timedelta(days=n)
        day_starts = by_day.get(day, [])
        days.append(DayStarts(day, day_starts, closed.get(day, ""), with_starts >= PICK_DAYS_SHOWN))
        with_starts += bool(day_starts)
    return days


def owner_zone_name(owner: User | None = None) -> str:
    """The zone an owner reads times in: their own, else the platform's (signed out)."""
    return getattr(owner, "time_zone", "") or settings.TIME_ZONE


def zone_context(outlet: Outlet, owner: User | None = None) -> dict:
    """The outlet's zone and the owner's for the templates; `zone_note` says whose clock the
    outlet's times are on, and is empty when the owner's clock reads the same."""
    own_zone = owner_zone_name(owner)
    note = zone_note(outlet.time_zone, own_zone, at=timezone.now())
    return {
        "outlet_zone": outlet.time_zone,
        "own_zone": own_zone,
        "zone_differs": bool(note),
        "zone_note": note,
    }


@dataclass(frozen=True)
class Visit:
    """What one visit asks for: the services, their total time and standard price, in the
    currency of the outlet that quotes it."""

    services: list[ServiceType]
    minutes: int
    price: Decimal | None  # None: the price book cannot price it there (none is shown)
    currency: str = "CNY"


def visit_of(services: Sequence[ServiceType], *, price: Decimal, currency: str) -> Visit:
    """A booked visit: its services and the price it was booked at (moving it changes neither)."""
    return Visit(
        services=list(services),
        minutes=duration_minutes(services),
        price=price,
        currency=currency,
    )


def free_days(
    *,
    outlet: Outlet,
    services: Sequence[ServiceType],
    vehicle: Vehicle,
    ignore_booking: Booking | None = None,
) -> list[DayStarts]:
    """The next 14 days at the outlet, from today in the outlet's zone: every day with its
    free starts, a closed day with its reason (it does not just vanish from the list). Empty
    when no day has a free start."""
    today = timezone.now().astimezone(ZoneInfo(outlet.time_zone)).date()
    last = today + dt.timedelta(days=PICK_DAYS - 1)
    starts = free_starts(
        outlet=outlet,
        services=services,
        date_from=today,
        date_to=last,
        vehicle=vehicle,
        ignore_booking=ignore_booking,
    )
    if not starts:
        return []
    closed = closed_days(outlet=outlet, date_from=today, date_to=last)
    return _every_day(starts, closed, today, PICK_DAYS)


def first_free(days: Sequence[DayStarts]) -> dt.datetime | None:
    return next((start for day in days for start in day.starts), None)


def soonest_nearby(
    *,
    outlet: Outlet,
    services: Sequence[ServiceType],
    vehicle: Vehicle,
    first: dt.datetime | None,
    within_km: float = NEARBY_KM,
) -> list[NetworkSlot]:
    """Other outlets within `within_km` of this one where the car is served sooner than its
    first free start `first` (network.sooner_near's rule)."""
    return sooner_near(
        outlet=outlet,
        services=services,
        brand=vehicle.model.brand,
        vehicle=vehicle,
        first_free=first,
        max_km=within_km,
        limit=SOONEST_NEARBY,
    )


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
