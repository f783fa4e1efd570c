"""The availability engine: which starts are free at an outlet, and whether one start is bookable.

Reads only. Data is loaded in a fixed handful of queries (hours, closures, suitable bays, the
active bookings on those bays in the window, the vehicle's own bookings) and the starts are
computed in Python, so the cost in SQL does not grow with the number of bookings or outlets.
Occupancy here is advisory: the database's exclusion constraints are what forbid a double
booking (see bookings.reservation).

It lives in bookings because occupancy *is* availability: it reads bookings, and imports flow
bookings → outlets, never back. The outlet-only primitives (opening intervals across DST) are
in outlets.schedule.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, FloatField, Func, OuterRef, Q, QuerySet
from django.utils import timezone

from outlets.geo import with_distance_km
from outlets.models import Bay, Closure, OpeningHours, Outlet, ServiceType
from outlets.schedule import UTC, day_intervals, days_between, interval_starts
from vehicles.models import Brand, Vehicle

from .models import Booking

LEAD_TIME = dt.timedelta(hours=1)
HORIZON = dt.timedelta(days=60)
MAX_RANGE_DAYS = 31
NETWORK_DAYS = 14
# The network search walks candidate outlets outward in chunks of max(4 × limit, NETWORK_CHUNK),
# at most NETWORK_MAX_CHUNKS of them: five queries a chunk (candidates, hours, closures, bays,
# bookings), so never more than 16 with the vehicle's own bookings, however large the network.
NETWORK_CHUNK = 20
NETWORK_MAX_CHUNKS = 3
ACTIVE_STATUSES = [str(status) for status in Booking.ACTIVE_STATUSES]
# How far back a booking may start and still hold its bay in the window. A booking fits in one
# opening interval of one day (rule 2), plus turnover; walk-ins last their labour time. Were one
# ever longer, availability would show a start that the database then refuses (SlotTaken):
# never a double booking, because the constraint, not this read, decides.
LONGEST_BOOKING = dt.timedelta(days=3)


# --- small pure helpers ---------------------------------------------------------------------


def needed_capabilities(services: Iterable[ServiceType]) -> set[str]:
    return {service.capability for service in services}


def standard_duration(services: Iterable[ServiceType]) -> dt.timedelta:
    """Sum of the standard labour times (the booking's length)."""
    return dt.timedelta(minutes=sum(service.labour_minutes for service in services))


def _names(items: Iterable) -> str:
    return ", ".join(sorted(str(getattr(item, "name", item)) for item in items))


@dataclass
class _Busy:
    """Busy intervals of one bay (or vehicle), sorted by start, with a running max of ends so
    that one bisection answers "does [s, e) overlap anything?". Instants are epoch seconds:
    PostgreSQL sends them as float8, which loads ~10x faster than timestamptz (bench/)."""

    starts: list[float] = field(default_factory=list)
    ends_max: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, intervals: Iterable[tuple[float, float]]) -> _Busy:
        busy = cls()
        for start, end in sorted(intervals):
            busy.starts.append(start)
            busy.ends_max.append(max(end, busy.ends_max[-1]) if busy.ends_max else end)
        return busy

    def overlaps(self, start: float, end: float) -> bool:
        # Half-open ranges, like the constraint's tstzrange(start, end, '[)').
        i = bisect_left(self.starts, end)
        return i > 0 and self.ends_max[i - 1] > start


@dataclass
class OutletCalendar:
    """Everything needed to compute one outlet's free starts, loaded in bulk."""

    outlet: Outlet
    zone: ZoneInfo
    hours: dict[int, list[tuple[dt.time, dt.time]]] = field(default_factory=dict)
    closures: dict[dt.date, str] = field(default_factory=dict)
    bays: dict[int, _Busy] = field(default_factory=dict)  # suitable active bays only

    def starts_on(
        self,
        day: dt.date,
        *,
        duration: dt.timedelta,
        earliest: dt.datetime,
        latest: dt.datetime,
        vehicle_busy: _Busy | None = None,
    ) -> Iterator[dt.datetime]:
        """Free starts of one local day, in real-time order, as aware datetimes in the zone."""
        if day in self.closures or not self.bays:
            return
        length = duration.total_seconds()
        block = length + self.outlet.turnover_minutes * 60
        step = dt.timedelta(minutes=self.outlet.slot_step_minutes)
        seen: set[dt.datetime] = set()
        for opens, closes in day_intervals(day, self.hours.get(day.weekday(), ()), self.zone):
            for start in interval_starts(opens, closes, duration=duration, step=step):
                if start < earliest or start in seen:
                    continue
                if start > latest:
                    return
                seen.add(start)
                at = start.timestamp()
                if vehicle_busy is not None and vehicle_busy.overlaps(at, at + length):
                    continue
                if any(not bay.overlaps(at, at + block) for bay in self.bays.values()):
                    yield start.astimezone(self.zone)


def _epoch(column: str) -> Func:
    return Func(
        F(column), template="EXTRACT(EPOCH FROM %(expressions)s)::float8", output_field=FloatField()
    )


def _window(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """A UTC window that covers those local dates in any zone (offsets reach ±14 h)."""
    start = dt.datetime.combine(date_from - dt.timedelta(days=1), dt.time(), tzinfo=UTC)
    end = dt.datetime.combine(date_to + dt.timedelta(days=2), dt.time(), tzinfo=UTC)
    return start, end


def load_calendars(
    outlets: Sequence[Outlet],
    *,
    needed: set[str],
    date_from: dt.date,
    date_to: dt.date,
    ignore_booking_id: int | None = None,
) -> dict[int, OutletCalendar]:
    """Four queries whatever the number of outlets and bookings: hours, closures, suitable
    active bays, and the active bookings holding those bays in the window."""
    calendars = {
        outlet.pk: OutletCalendar(outlet=outlet, zone=ZoneInfo(outlet.time_zone))
        for outlet in outlets
    }
    if not calendars:
        return calendars
    ids = list(calendars)
    for outlet_id, weekday, opens, closes in (
        OpeningHours.objects.filter(outlet_id__in=ids)
        .order_by()
        .values_list("outlet_id", "weekday", "opens", "closes")
    ):
        calendars[outlet_id].hours.setdefault(weekday, []).append((opens, closes))
    for outlet_id, day, reason in (
        Closure.objects.filter(outlet_id__in=ids, date__range=(date_from, date_to))
        .order_by()
        .values_list("outlet_id", "date", "reason")
    ):
        calendars[outlet_id].closures[day] = reason
    bay_outlet = dict(
        Bay.objects.filter(outlet_id__in=ids, is_active=True, capabilities__contains=sorted(needed))
        .order_by()
        .values_list("id", "outlet_id")
    )
    if not bay_outlet:
        return calendars
    window = _window(date_from, date_to)
    # By outlet and start, so PostgreSQL walks the (outlet, start) B-tree: the exclusion
    # constraint's GiST index answers `bay_id = ANY(...)` poorly (300 ms against 2 ms at 100k
    # bookings, see bench/). The lower bound on start makes the walk short; see LONGEST_BOOKING.
    rows = (
        Booking.objects.filter(
            outlet_id__in=ids,
            start__gte=window[0] - LONGEST_BOOKING,
            start__lt=window[1],
            bay_released_at__gt=window[0],
            status__in=ACTIVE_STATUSES,
            bay_id__in=list(bay_outlet),
        )
        .order_by()
        .values_list("bay_id", _epoch("start"), _epoch("bay_released_at"))
    )
    if ignore_booking_id is not None:
        rows = rows.exclude(pk=ignore_booking_id)
    per_bay: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for bay_id, start, released in rows:
        per_bay[bay_id].append((start, released))
    for bay_id, outlet_id in bay_outlet.items():
        calendars[outlet_id].bays[bay_id] = _Busy.of(per_bay.get(bay_id, ()))
    return calendars


def _vehicle_busy(
    vehicle: Vehicle | None, window: tuple[dt.datetime, dt.datetime], ignore_booking_id: int | None
) -> _Busy | None:
    """The vehicle's own active bookings at any outlet (one query)."""
    if vehicle is None:
        return None
    rows = (
        Booking.objects.filter(
            vehicle=vehicle, status__in=ACTIVE_STATUSES, start__lt=window[1], end__gt=window[0]
        )
        .order_by()
        .values_list(_epoch("start"), _epoch("end"))
    )
    if ignore_booking_id is not None:
        rows = rows.exclude(pk=ignore_booking_id)
    return _Busy.of(rows)


# --- rules 2 and 3 --------------------------------------------------------------------------


def _brand_of(vehicle: Vehicle | None, brand: Brand | None) -> Brand | None:
    if vehicle is not None:
        return vehicle.model.brand
    return brand


def _serve_errors(
    *, outlet: Outlet, services: Sequence[ServiceType], brand: Brand | None
) -> dict[str, list[str]]:
    """Rule 3 without the bays: outlet active, services offered, brand authorized."""
    errors: dict[str, list[str]] = {}
    if not outlet.is_active:
        errors["outlet"] = [f"{outlet.name} is not taking bookings."]
    if not services:
        errors["services"] = ["Choose at least one service."]
    else:
        offered = set(
            outlet.services.filter(pk__in=[s.pk for s in services], is_active=True).values_list(
                "pk", flat=True
            )
        )
        missing = [s for s in services if s.pk not in offered]
        if missing:
            errors["services"] = [f"{outlet.name} does not offer {_names(missing)}."]
    if brand is not None and not outlet.brands.filter(pk=brand.pk).exists():
        errors["vehicle"] = [f"{outlet.name} is not authorized to service {brand.name} vehicles."]
    return errors


def _no_bay_message(outlet: Outlet, needed: set[str]) -> str:
    return (
        f"No bay at {outlet.name} has every capability these services need together "
        f"({', '.join(sorted(needed))}); book them separately or choose another outlet."
    )


def _hours_text(intervals: list[tuple[dt.datetime, dt.datetime]], zone: ZoneInfo) -> str:
    return ", ".join(
        f"{opens.astimezone(zone):%H:%M}–{closes.astimezone(zone):%H:%M}"
        for opens, closes in intervals
    )


def _span_errors(*, start: dt.datetime, now: dt.datetime) -> list[str]:
    """Rule 2's lead time and horizon. Checked before any calendar is loaded and before any
    conversion: comparing aware datetimes cannot overflow, converting 9999-12-31T23:00-05:00
    to UTC (or 0001-01-01T05:00+08:00) can."""
    if start < now + LEAD_TIME:
        return ["Book at least 1 hour ahead."]
    if start > now + HORIZON:
        return ["Bookings open at most 60 days ahead."]
    return []


def _bookable_days(zone: ZoneInfo, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The first and last local dates in `zone` on which a start may lie (rule 2)."""
    return (now + LEAD_TIME).astimezone(zone).date(), (now + HORIZON).astimezone(zone).date()


def _start_errors(
    *,
    calendar: OutletCalendar,
    start: dt.datetime,
    duration: dt.timedelta,
) -> list[str]:
    """Rule 2 for one start within the span (see _span_errors): closure, one opening interval,
    slot step."""
    outlet, zone = calendar.outlet, calendar.zone
    start = start.astimezone(UTC)
    day = start.astimezone(zone).date()
    if day in calendar.closures:
        reason = calendar.closures[day]
        return [f"{outlet.name} is closed on {day.isoformat()}{f' ({reason})' if reason else ''}."]
    intervals = day_intervals(day, calendar.hours.get(day.weekday(), ()), zone)
    if not intervals:
        return [f"{outlet.name} is closed on {day:%A}s."]
    minutes = int(duration.total_seconds() // 60)
    for opens, closes in intervals:
        if opens <= start < closes:
            if start + duration > closes:
                break
            step = dt.timedelta(minutes=outlet.slot_step_minutes)
            if (start - opens) % step:
                return [
                    f"Start on the {outlet.slot_step_minutes}-minute slots counted from "
                    f"{opens.astimezone(zone):%H:%M}."
                ]
            return []
    return [
        f"The services take {minutes} minutes and must fit within one opening interval "
        f"({_hours_text(intervals, zone)} on {day.isoformat()})."
    ]


def validate_bookable(
    *,
    outlet: Outlet,
    services: Sequence[ServiceType],
    start: dt.datetime,
    vehicle: Vehicle | None = None,
    now: dt.datetime | None = None,
    brand: Brand | None = None,
) -> None:
    """Rules 2 and 3 for one start; raises ValidationError keyed by the input at fault.

    Occupancy is not checked: the database does that when the booking is inserted.
    """
    now = now or timezone.now()
    errors = _serve_errors(outlet=outlet, services=services, brand=_brand_of(vehicle, brand))
    if timezone.is_naive(start):
        errors["start"] = ["Give the start with its UTC offset, e.g. 2026-11-24T09:00:00+08:00."]
        raise ValidationError(errors)
    if errors.get("services"):
        raise ValidationError(errors)
    if span_errors := _span_errors(start=start, now=now):
        errors["start"] = span_errors
        raise ValidationError(errors)
    needed = needed_capabilities(services)
    day = start.astimezone(ZoneInfo(outlet.time_zone)).date()
    calendar = load_calendars([outlet], needed=needed, date_from=day, date_to=day)[outlet.pk]
    if not calendar.bays:
        errors["services"] = [_no_bay_message(outlet, needed)]
    start_errors = _start_errors(
        calendar=calendar, start=start, duration=standard_duration(services)
    )
    if start_errors:
        errors["start"] = start_errors
    if errors:
        raise ValidationError(errors)


def check_range(*, date_from: dt.date, date_to: dt.date) -> None:
    if date_to < date_from:
        raise ValidationError({"date_to": ["date_to must not be before date_from."]})
    if (date_to - date_from).days + 1 > MAX_RANGE_DAYS:
        raise ValidationError({"date_to": [f"Ask for at most {MAX_RANGE_DAYS} days at a time."]})


def free_starts(
    *,
    outlet: Outlet,
    services: Sequence[ServiceType],
    date_from: dt.date,
    date_to: dt.date,
    vehicle: Vehicle | None = None,
    now: dt.datetime | None = None,
    ignore_booking: Booking | None = None,
    brand: Brand | None = None,
) -> list[dt.datetime]:
    """Every free start between two local dates (inclusive), aware in the outlet's zone.

    Raises ValidationError for a range over 31 days or reversed, services the outlet does not
    offer, a brand it is not authorized for, or services no single bay can do. At most 7
    queries, whatever the number of bookings. `ignore_booking` lets a reschedule see its own
    current slot as free.

    Only the dates where rule 2 allows a start (1 hour to 60 days ahead) are loaded: a range
    wholly in the past or beyond the horizon, up to date.min or date.max, is answered empty
    after the catalog checks, without loading any calendar (nor checking the bays).
    """
    check_range(date_from=date_from, date_to=date_to)
    now = now or timezone.now()
    errors = _serve_errors(outlet=outlet, services=services, brand=_brand_of(vehicle, brand))
    if errors:
        raise ValidationError(errors)
    first_day, last_day = _bookable_days(ZoneInfo(outlet.time_zone), now)
    date_from, date_to = max(date_from, first_day), min(date_to, last_day)
    if date_from > date_to:
        return []
    needed = needed_capabilities(services)
    ignore_id = ignore_booking.pk if ignore_booking is not None else None
    calendar = load_calendars(
        [outlet], needed=needed, date_from=date_from, date_to=date_to, ignore_booking_id=ignore_id
    )[outlet.pk]
    if not calendar.bays:
        raise ValidationError({"services": [_no_bay_message(outlet, needed)]})
    vehicle_busy = _vehicle_busy(vehicle, _window(date_from, date_to), ignore_id)
    duration = standard_duration(services)
    starts: list[dt.datetime] = []
    for day in days_between(date_from, date_to):
        starts.extend(
            calendar.starts_on(
                day,
                duration=duration,
                earliest=now + LEAD_TIME,
                latest=now + HORIZON,
                vehicle_busy=vehicle_busy,
            )
        )
    return starts


# --- network search -------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkSlot:
    outlet: Outlet
    distance_km: float
    earliest_start: dt.datetime


def _network_candidates(
    *,
    latitude: float,
    longitude: float,
    services: Sequence[ServiceType],
    brand: Brand,
) -> QuerySet[Outlet]:
    """Active outlets authorized for the brand, offering every service, with one active bay
    able to do them all; nearest first (ties by code), with `distance_km`."""
    service_ids = sorted({s.pk for s in services})
    suitable_bay = Bay.objects.filter(
        outlet=OuterRef("pk"),
        is_active=True,
        capabilities__contains=sorted(needed_capabilities(services)),
    )
    return (
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


def _first_start(
    calendar: OutletCalendar,
    days: Iterable[dt.date],
    *,
    duration: dt.timedelta,
    earliest: dt.datetime,
    latest: dt.datetime,
    vehicle_busy: _Busy | None,
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
                vehicle_busy=vehicle_busy,
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
) -> list[NetworkSlot]:
    """ "Where and when can my car be served soonest?" — the `limit` nearest outlets that can
    serve it and have a free start in the next `days` days, each with its earliest one, sorted
    soonest first (ties: nearer first).

    Candidates (active, authorized for the brand, offering every service, with a suitable bay)
    are walked outward by distance, a chunk at a time, skipping those with no free start, until
    `limit` are found: a far outlet that opens sooner never pushes out a nearer one that has a
    start. Bounded: at most NETWORK_MAX_CHUNKS chunks (beyond them the search gives up and
    returns what it found), five queries each (candidates, hours, closures, bays, bookings),
    plus one for the vehicle's own bookings.
    """
    now = now or timezone.now()
    if not services:
        raise ValidationError({"services": ["Choose at least one service."]})
    candidates = _network_candidates(
        latitude=latitude, longitude=longitude, services=services, brand=brand
    )
    earliest = now + LEAD_TIME
    latest = min(now + HORIZON, now + dt.timedelta(days=days))
    date_from = now.astimezone(UTC).date() - dt.timedelta(days=1)  # local "today" in any zone
    date_to = latest.astimezone(UTC).date() + dt.timedelta(days=1)
    period = list(days_between(date_from, date_to))
    vehicle_busy = _vehicle_busy(vehicle, _window(date_from, date_to), None)
    duration = standard_duration(services)
    needed = needed_capabilities(services)
    size = max(4 * limit, NETWORK_CHUNK)
    found: list[NetworkSlot] = []
    for chunk_number in range(NETWORK_MAX_CHUNKS):
        chunk = list(candidates[chunk_number * size : (chunk_number + 1) * size])
        calendars = load_calendars(chunk, needed=needed, date_from=date_from, date_to=date_to)
        for outlet in chunk:
            first = _first_start(
                calendars[outlet.pk],
                period,
                duration=duration,
                earliest=earliest,
                latest=latest,
                vehicle_busy=vehicle_busy,
            )
            if first is not None:
                found.append(NetworkSlot(outlet, float(outlet.distance_km), first))
                if len(found) == limit:
                    break
        if len(found) == limit or len(chunk) < size:
            break
    found.sort(key=lambda slot: (slot.earliest_start, slot.distance_km, slot.outlet.code))
    return found
