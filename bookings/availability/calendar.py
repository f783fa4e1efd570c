"""An outlet's calendar for the availability engine, loaded in bulk: opening hours, closures,
suitable bays and when each is busy, and the vehicle's own bookings.

A fixed handful of queries, whatever the number of outlets and bookings; the starts are then
computed in Python. Occupancy here is advisory: the exclusion constraints decide (see
bookings.reservation).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import User
from crews.rules import CrewNeeds
from hima_service.language import localized
from outlets.models import Bay, Closure, OpeningHours, Outlet
from outlets.schedule import UTC, day_intervals, interval_starts
from vehicles.models import Vehicle
from vehicles.selectors import vehicle_list

from ..busy import Busy, epoch
from ..crews import CrewCalendar, load_crew_calendars
from ..models import ACTIVE_STATUSES, DESK_UNCOUNTED, Booking, IsActive

# How far back a booking may start and still hold its bay in the window. A booking fits in one
# opening interval of one day (rule 2), plus turnover; walk-ins last their labour time. Were one
# ever longer, availability would show a start that the database then refuses (SlotTaken):
# never a double booking, because the constraint, not this read, decides.
LONGEST_BOOKING = dt.timedelta(days=3)


@dataclass
class OutletCalendar:
    """Everything needed to compute one outlet's free starts, loaded in bulk."""

    outlet: Outlet
    zone: ZoneInfo
    hours: dict[int, list[tuple[dt.time, dt.time]]] = field(default_factory=dict)
    closures: dict[dt.date, str] = field(default_factory=dict)  # reason, reader's language
    bays: dict[int, Busy] = field(default_factory=dict)  # suitable active bays only
    # At an outlet that plans crews: its roster and what the job needs of a crew.
    crews: CrewCalendar | None = None
    crew_needs: CrewNeeds | None = None
    # At an outlet with service-desk limits: cars counted per promised start and local day.
    desk_at: Counter[float] = field(default_factory=Counter)
    desk_on: Counter[dt.date] = field(default_factory=Counter)

    def desk_full(self, day: dt.date, at: float | None = None) -> bool:
        per_day, per_slot = self.outlet.desk_per_day, self.outlet.desk_per_slot
        if per_day is not None and self.desk_on[day] >= per_day:
            return True
        return at is not None and per_slot is not None and self.desk_at[at] >= per_slot

    def open_intervals(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The day's opening intervals (UTC, in order); none on a closed day."""
        if day in self.closures:
            return []
        return day_intervals(day, self.hours.get(day.weekday(), ()), self.zone)

    def starts_on(
        self,
        day: dt.date,
        *,
        duration: dt.timedelta,
        earliest: dt.datetime,
        latest: dt.datetime,
        vehicle_busy: Busy | None = None,
    ) -> Iterator[dt.datetime]:
        """Free starts of one local day, in real-time order, as aware datetimes in the zone."""
        if day in self.closures or not self.bays or self.desk_full(day):
            return
        length = duration.total_seconds()
        block = length + self.outlet.turnover_minutes * 60
        step = dt.timedelta(minutes=self.outlet.slot_step_minutes)
        seen: set[dt.datetime] = set()
        roster, crews = self.crews, None
        if roster is not None and self.crew_needs is not None:
            crews = roster.day(day, self.crew_needs)
        for opens, closes in self.open_intervals(day):
            for start in interval_starts(opens, closes, duration=duration, step=step):
                if start < earliest or start in seen:
                    continue
                if start > latest:
                    return
                seen.add(start)
                at = start.timestamp()
                if vehicle_busy is not None and vehicle_busy.overlaps(at, at + length):
                    continue
                if self.desk_full(day, at):
                    continue
                if not any(not bay.overlaps(at, at + block) for bay in self.bays.values()):
                    continue
                if (
                    crews is not None
                    and roster is not None
                    and crews.first_crew(at, at + length, is_free=roster.free(at, at + length))
                    is None
                ):
                    continue
                yield start.astimezone(self.zone)


def window(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """A UTC window that covers those local dates in any zone (offsets reach ±14 h)."""
    start = dt.datetime.combine(date_from - dt.timedelta(days=1), dt.time(), tzinfo=UTC)
    end = dt.datetime.combine(date_to + dt.timedelta(days=2), dt.time(), tzinfo=UTC)
    return start, end


def _load_hours_and_closures(
    calendars: dict[int, OutletCalendar],
    *,
    date_from: dt.date,
    date_to: dt.date,
    with_hours: bool = True,
) -> None:
    ids = list(calendars)
    if with_hours:
        for outlet_id, weekday, opens, closes in (
            OpeningHours.objects.filter(outlet_id__in=ids)
            .order_by()
            .values_list("outlet_id", "weekday", "opens", "closes")
        ):
            calendars[outlet_id].hours.setdefault(weekday, []).append((opens, closes))
    for outlet_id, day, reason, reason_zh in (
        Closure.objects.filter(outlet_id__in=ids, date__range=(date_from, date_to))
        .order_by()
        .values_list("outlet_id", "date", "reason", "reason_zh")
    ):
        calendars[outlet_id].closures[day] = localized(reason, reason_zh)


def load_hours(outlet: Outlet, date_from: dt.date, date_to: dt.date) -> OutletCalendar:
    """One outlet's hours and its closures from date_from to date_to, without bays: what its
    opening intervals over those days need (OutletCalendar.open_intervals). Two queries."""
    calendar = OutletCalendar(outlet=outlet, zone=outlet.zone)
    _load_hours_and_closures({outlet.pk: calendar}, date_from=date_from, date_to=date_to)
    return calendar


def load_day(
    outlet: Outlet,
    day: dt.date,
    *,
    hours: Iterable[tuple[int, dt.time, dt.time]] | None = None,
    closures: dict[dt.date, str] | None = None,
) -> OutletCalendar:
    """One outlet's hours and that day's closure, without bays: what rule 2 needs to judge one
    start. Two queries, one when the caller already read the `hours` (weekday, opens,
    closes), none when it read the day's `closures` too ({day: reason}, or {} when open).
    The caller decides how it learns about bays."""
    calendar = OutletCalendar(outlet=outlet, zone=outlet.zone)
    for weekday, opens, closes in hours or ():
        calendar.hours.setdefault(weekday, []).append((opens, closes))
    if hours is not None and closures is not None:
        calendar.closures.update(closures)
        return calendar
    _load_hours_and_closures(
        {outlet.pk: calendar}, date_from=day, date_to=day, with_hours=hours is None
    )
    return calendar


def _load_desk(
    calendars: dict[int, OutletCalendar],
    *,
    date_from: dt.date,
    date_to: dt.date,
    ignore_booking_id: int | None,
) -> None:
    """The service desk's counts at the outlets with limits (bookings.lifecycle.desk): one
    query when some outlet has them, none otherwise."""
    limited = [
        outlet_id
        for outlet_id, calendar in calendars.items()
        if calendar.outlet.desk_per_day is not None or calendar.outlet.desk_per_slot is not None
    ]
    if not limited:
        return
    span = window(date_from, date_to)
    rows = (
        Booking.objects.filter(outlet_id__in=limited, start__gte=span[0], start__lt=span[1])
        .exclude(status__in=DESK_UNCOUNTED)
        .order_by()
        .values_list("outlet_id", Coalesce("promised_start", "start"))
    )
    if ignore_booking_id is not None:
        rows = rows.exclude(pk=ignore_booking_id)
    for outlet_id, promised in rows:
        calendar = calendars[outlet_id]
        calendar.desk_at[promised.timestamp()] += 1
        calendar.desk_on[promised.astimezone(calendar.zone).date()] += 1


def load_calendars(
    outlets: Sequence[Outlet],
    *,
    needed: set[str],
    date_from: dt.date,
    date_to: dt.date,
    ignore_booking_id: int | None = None,
    crew_needs: CrewNeeds | None = None,
) -> dict[int, OutletCalendar]:
    """Four queries whatever the number of outlets and bookings: hours, closures, suitable
    active bays, and the active bookings holding those bays in the window. With `crew_needs`,
    five more when some outlet plans crews (bookings.crews): their rosters and busy times."""
    calendars = {outlet.pk: OutletCalendar(outlet=outlet, zone=outlet.zone) for outlet in outlets}
    if not calendars:
        return calendars
    _load_desk(calendars, date_from=date_from, date_to=date_to, ignore_booking_id=ignore_booking_id)
    if crew_needs is not None:
        crew_calendars = load_crew_calendars(
            outlets, date_from=date_from, date_to=date_to, ignore_booking_id=ignore_booking_id
        )
        for outlet_id, crews in crew_calendars.items():
            calendars[outlet_id].crews, calendars[outlet_id].crew_needs = crews, crew_needs
    ids = list(calendars)
    _load_hours_and_closures(calendars, date_from=date_from, date_to=date_to)
    bay_outlet = dict(
        Bay.objects.filter(outlet_id__in=ids, is_active=True, capabilities__contains=sorted(needed))
        .order_by()
        .values_list("id", "outlet_id")
    )
    if not bay_outlet:
        return calendars
    span = window(date_from, date_to)
    rows = (
        window_bookings(
            outlet_ids=ids, bay_ids=list(bay_outlet), start=span[0] - LONGEST_BOOKING, end=span[1]
        )
        .filter(bay_released_at__gt=span[0])
        .values_list("bay_id", epoch("start"), epoch("bay_released_at"))
    )
    if ignore_booking_id is not None:
        rows = rows.exclude(pk=ignore_booking_id)
    per_bay: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for bay_id, start, released in rows:
        per_bay[bay_id].append((start, released))
    for bay_id, outlet_id in bay_outlet.items():
        calendars[outlet_id].bays[bay_id] = Busy.of(per_bay.get(bay_id, ()))
    return calendars


def window_bookings(
    *, outlet_ids: Sequence[int], bay_ids: Sequence[int], start: dt.datetime, end: dt.datetime
) -> QuerySet[Booking]:
    """Active bookings of these outlets' bays starting in [start, end): the window read, written
    so that its plan cannot depend on statistics (a test EXPLAINs it).

    It matches the partial index `booking_active_window` (outlet, start) INCLUDE (bay,
    bay_released_at) WHERE active, so PostgreSQL walks that one B-tree range per outlet. The
    bay filter is `bay_id + 0 = ANY(…)`: an expression no index has, so the planner can never
    again combine the walk with the exclusion constraint's GiST index on `bay_id` — a plan
    it chose on some statistics, two orders of magnitude slower (bench/availability.py). The
    lower bound on start keeps the walk short; see LONGEST_BOOKING."""
    return (
        Booking.objects.alias(bay_key=F("bay_id") + 0)
        .filter(
            IsActive(),
            outlet_id__in=outlet_ids,
            start__gte=start,
            start__lt=end,
            bay_key__in=list(bay_ids),
        )
        .order_by()
    )


def vehicle_busy(
    vehicle: Vehicle | int | None,
    span: tuple[dt.datetime, dt.datetime],
    ignore_booking_id: int | None,
) -> Busy | None:
    """The vehicle's (or the vehicle id's) own active bookings at any outlet (one query). A car
    has a few: read as timestamps, whose conversion costs less than compiling epoch()."""
    if vehicle is None:
        return None
    rows = (
        Booking.objects.filter(IsActive(), vehicle=vehicle, start__lt=span[1], end__gt=span[0])
        .order_by()
        .values_list("start", "end")
    )
    if ignore_booking_id is not None:
        rows = rows.exclude(pk=ignore_booking_id)
    return Busy.of((start.timestamp(), end.timestamp()) for start, end in rows)


def own_car_and_busy(
    *, owner: User, vehicle_id: int, span: tuple[dt.datetime, dt.datetime]
) -> tuple[str, Busy]:
    """The brand code of the owner's own car and its active bookings overlapping `span`, in
    one query: all an owner's availability ask needs of the car. Anyone else's car answers 404,
    exactly like a missing one (vehicle_list's rule).

    The car comes with every booking it ever had, sifted here: a car has a few a year, and a
    condition on the joined bookings would lose the car's row when none meets it. Two queries
    (the car, then vehicle_busy) cost a quarter more than this one, and a FilteredRelation
    (which keeps the row) twice as much: bench/http.py's owner's ask. So the cost grows with
    the car's history (docs/performance.md measures a bench car booked solid)."""
    rows = list(
        vehicle_list(owner=owner)
        .filter(pk=vehicle_id)
        .values_list("model__brand__code", "bookings__start", "bookings__end", "bookings__status")
    )
    if not rows:
        raise Http404
    begin, end = span
    return rows[0][0], Busy.of(
        (start.timestamp(), stop.timestamp())
        for _, start, stop, status in rows
        if status in ACTIVE_STATUSES and start < end and stop > begin
    )
