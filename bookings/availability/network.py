"""The network search: where and when can this car be served soonest? The nearest outlets that
can serve it, walked outward by distance in bounded chunks, each with its earliest free start."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crews.rules import CrewNeeds
from outlets.catalog import booking_duration, needed_capabilities
from outlets.geo import with_distance_km
from outlets.models import Bay, Outlet, ServiceType
from outlets.schedule import UTC, days_between
from vehicles.models import Brand, Vehicle

from .calendar import Busy, OutletCalendar, load_calendars, vehicle_busy, window
from .rules import HORIZON, LEAD_TIME

if TYPE_CHECKING:  # django-stubs-ext is a development tool, not installed in the image
    from django_stubs_ext import WithAnnotations

NETWORK_DAYS = 14
# The network search walks candidate outlets outward in chunks of max(4 × limit, NETWORK_CHUNK),
# at most NETWORK_MAX_CHUNKS of them: five queries a chunk (candidates, hours, closures, bays,
# bookings), so never more than 16 with the vehicle's own bookings, however large the network.
NETWORK_CHUNK = 20
NETWORK_MAX_CHUNKS = 3


@dataclass(frozen=True)
class NetworkSlot:
    outlet: Outlet
    distance_km: float
    earliest_start: dt.datetime


class Distance(TypedDict):
    """What outlets.geo.with_distance_km annotates on each outlet."""

    distance_km: float


def _network_candidates(
    *,
    latitude: float,
    longitude: float,
    services: Sequence[ServiceType],
    brand: Brand,
    max_km: float | None = None,
) -> QuerySet[WithAnnotations[Outlet, Distance]]:
    """Active outlets authorized for the brand, offering every service, with one active bay
    able to do them all, within `max_km` when given; nearest first (ties by code), with
    `distance_km`."""
    service_ids = sorted({s.pk for s in services})
    suitable_bay = Bay.objects.filter(
        outlet=OuterRef("pk"),
        is_active=True,
        capabilities__contains=sorted(needed_capabilities(services)),
    )
    candidates = (
        with_distance_km(
            Outlet.objects.filter(is_active=True, brands=brand)
            .filter(Exists(suitable_bay))
            .annotate(
                offered=Count(
                    "services",
                    filter=Q(services__in=service_ids, services__is_active=True),
                    distinct=True,
                )
            ),
            latitude=latitude,
            longitude=longitude,
        )
        .filter(offered=len(service_ids))
        .order_by("distance_km", "code")
    )
    if max_km is not None:
        candidates = candidates.filter(distance_km__lte=max_km)
    return candidates


def _first_start(
    calendar: OutletCalendar,
    days: Iterable[dt.date],
    *,
    duration: dt.timedelta,
    earliest: dt.datetime,
    latest: dt.datetime,
    own: Busy | None,
) -> dt.datetime | None:
    return next(
        (
            start
            for day in days
            for start in calendar.starts_on(
                day,
                duration=duration,
                earliest=earliest,
                latest=latest,
                vehicle_busy=own,
            )
        ),
        None,
    )


def earliest_near(
    *,
    latitude: float,
    longitude: float,
    services: Sequence[ServiceType],
    brand: Brand,
    vehicle: Vehicle | None = None,
    limit: int = 5,
    days: int = NETWORK_DAYS,
    now: dt.datetime | None = None,
    max_km: float | None = None,
    before: dt.datetime | None = None,
) -> list[NetworkSlot]:
    """ "Where and when can my car be served soonest?" — the `limit` nearest outlets that can
    serve it and have a free start in the next `days` days, each with its earliest one, sorted
    soonest first (ties: nearer first).

    Candidates (active, authorized for the brand, offering every service, with a suitable bay)
    are walked outward by distance, a chunk at a time, skipping those with no free start, until
    `limit` are found: a far outlet that opens sooner never pushes out a nearer one that has a
    start. Bounded: at most NETWORK_MAX_CHUNKS chunks (beyond them the search gives up and
    returns what it found), five queries each (candidates, hours, closures, bays, bookings),
    five more where outlets of the chunk plan crews (rosters and busy times, bookings.crews),
    plus one for the vehicle's own bookings.

    `max_km` keeps the search within that distance; `before` counts only starts strictly
    before that instant, so an outlet with nothing sooner is skipped and a farther one that is
    sooner takes its place (see sooner_near).
    """
    now = now or timezone.now()
    if not services:
        raise ValidationError({"services": [_("Choose at least one service.")]})
    candidates = _network_candidates(
        latitude=latitude, longitude=longitude, services=services, brand=brand, max_km=max_km
    )
    earliest = now + LEAD_TIME
    latest = min(now + HORIZON, now + dt.timedelta(days=days))
    if before is not None:
        latest = min(latest, before - dt.timedelta(microseconds=1))
        if latest < earliest:
            return []
    date_from = now.astimezone(UTC).date() - dt.timedelta(days=1)  # local "today" in any zone
    date_to = latest.astimezone(UTC).date() + dt.timedelta(days=1)
    period = list(days_between(date_from, date_to))
    own = vehicle_busy(vehicle, window(date_from, date_to), None)
    duration = booking_duration(services)
    needed = needed_capabilities(services)
    crew_needs = CrewNeeds.of(services, brand.pk)
    size = max(4 * limit, NETWORK_CHUNK)
    found: list[NetworkSlot] = []
    for chunk_number in range(NETWORK_MAX_CHUNKS):
        chunk = list(candidates[chunk_number * size : (chunk_number + 1) * size])
        calendars = load_calendars(
            chunk,
            needed=needed,
            date_from=date_from,
            date_to=date_to,
            crew_needs=crew_needs,
        )
        for outlet in chunk:
            first = _first_start(
                calendars[outlet.pk],
                period,
                duration=duration,
                earliest=earliest,
                latest=latest,
                own=own,
            )
            if first is not None:
                found.append(NetworkSlot(outlet, float(outlet.distance_km), first))
                if len(found) == limit:
                    break
        if len(found) == limit or len(chunk) < size:
            break
    found.sort(key=lambda slot: (slot.earliest_start, slot.distance_km, slot.outlet.code))
    return found


def sooner_near(
    *,
    outlet: Outlet,
    services: Sequence[ServiceType],
    brand: Brand,
    vehicle: Vehicle | None,
    first_free: dt.datetime | None,
    max_km: float,
    limit: int = 3,
    days: int = NETWORK_DAYS,
    now: dt.datetime | None = None,
) -> list[NetworkSlot]:
    """The alternatives to an outlet worth offering: other outlets within `max_km` of it
    whose earliest free start comes strictly before `first_free` (its own first free start;
    None when it has none, so any free start is sooner), soonest first. An outlet farther
    away or not sooner is no alternative."""
    slots = earliest_near(
        latitude=float(outlet.latitude),
        longitude=float(outlet.longitude),
        services=services,
        brand=brand,
        vehicle=vehicle,
        limit=limit + 1,
        days=days,
        now=now,
        max_km=max_km,
        before=first_free,
    )
    return [slot for slot in slots if slot.outlet.pk != outlet.pk][:limit]
