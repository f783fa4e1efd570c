"""The day's board at an outlet: its bookings and walk-ins in order, how long the arrived ones
have waited, and when those still waiting can expect to start: within the outlet's opening
hours, so that a car still waiting at closing time is expected at the next opening, not at an
hour when nobody is there to start it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from outlets.models import Closure, Outlet
from outlets.schedule import day_intervals, days_between

from .models import Booking
from .selectors import with_details

CARRIED_OVER = (Booking.Status.CHECKED_IN, Booking.Status.IN_SERVICE, Booking.Status.READY)
# How far past the board's day an estimate looks for the outlet's next opening: beyond a
# fortnight of closures, the bays' own answer stands.
OPENING_SEARCH_DAYS = 14

Interval = tuple[datetime, datetime]


@dataclass
class QueueEntry:
    booking: Booking
    waiting_minutes: int | None
    estimated_start: datetime | None
    # The estimate falls on a later local day than today (the car waits past closing time):
    # a reader needs its date as well as its time.
    starts_on_a_later_day: bool = False


def _earliest_gap(busy: list[tuple], after: datetime, length: timedelta) -> datetime:
    """The first moment >= after from which `length` fits between the busy intervals."""
    candidate = after
    for begin, end, _ in sorted(busy):
        if end <= candidate:
            continue
        if begin >= candidate + length:
            break
        candidate = max(candidate, end)
    return candidate


def _opening_intervals(outlet: Outlet, first_day: date, last_day: date) -> list[Interval]:
    """The outlet's opening intervals (UTC, in order) from `first_day` to OPENING_SEARCH_DAYS
    past `last_day`, its closed days left out. Two queries."""
    until = last_day + timedelta(days=OPENING_SEARCH_DAYS)
    hours: dict[int, list[tuple[time, time]]] = {}
    for opening in outlet.opening_hours.all():
        hours.setdefault(opening.weekday, []).append((opening.opens, opening.closes))
    closed = set(
        Closure.objects.filter(outlet=outlet, date__range=(first_day, until)).values_list(
            "date", flat=True
        )
    )
    return [
        interval
        for day in days_between(first_day, until)
        if day not in closed
        for interval in day_intervals(day, hours.get(day.weekday(), []), outlet.zone)
    ]


def _next_open(moment: datetime, openings: list[Interval]) -> datetime | None:
    """`moment` if the outlet is open then, else its next opening; None past the last one."""
    for opens, closes in openings:
        if moment < closes:
            return max(moment, opens)
    return None


def _estimated_start(
    busy: list[tuple], after: datetime, length: timedelta, openings: list[Interval]
) -> datetime:
    """The first moment >= after, in the opening hours, from which `length` fits between the
    busy intervals. The work may run past closing, as a started job does; only its start has
    to fall in the hours. Without an opening in the search, the bays' own answer."""
    candidate = _earliest_gap(busy, after, length)
    # Each turn moves the candidate later, so the loop ends: at an open moment, or past the
    # last opening.
    while (opened := _next_open(candidate, openings)) not in (None, candidate):
        candidate = _earliest_gap(busy, opened, length)
    return candidate


def outlet_queue(*, outlet: Outlet, day: date, now: datetime | None = None) -> list[QueueEntry]:
    """The day's board at an outlet: bookings and walk-ins in order, how long the arrived ones
    have waited, and when those still waiting can expect to start (a simulation over the bays:
    work running now, bookings ahead, and the waiting line in arrival order), each start in
    the outlet's opening hours."""
    now = now or timezone.now()
    day_start, day_end = outlet.day_bounds(day)
    today = outlet.local_day(now)
    openings = _opening_intervals(outlet, min(day, today), max(day, today))
    on_the_day = Q(start__gte=day_start, start__lt=day_end)
    if day == today:
        # Today's board also carries the cars still here from earlier days: work that ran
        # over, and cars ready but not yet collected.
        on_the_day |= Q(start__lt=day_start, status__in=CARRIED_OVER)
    bookings = list(
        with_details(Booking.objects.filter(on_the_day, outlet=outlet)).order_by("start", "id")
    )
    bays = list(outlet.bays.filter(is_active=True).order_by("name"))
    # bay id -> [(busy from, busy until, booking id)]
    busy: dict[int, list[tuple[datetime, datetime, int | None]]] = {bay.pk: [] for bay in bays}
    for b in bookings:
        if b.bay_id in busy and b.status in Booking.ACTIVE_STATUSES:
            begin = b.started_at or b.start
            busy[b.bay_id].append((begin, max(begin + (b.bay_released_at - b.start), now), b.pk))
    entries = []
    for b in bookings:
        waiting = estimate = None
        if b.status == Booking.Status.CHECKED_IN and b.checked_in_at:
            waiting = max(0, int((now - b.checked_in_at).total_seconds() // 60))
        if b.status in (Booking.Status.CONFIRMED, Booking.Status.CHECKED_IN):
            if b.bay_id:
                others = [iv for iv in busy.get(b.bay_id, []) if iv[2] != b.pk]
                estimate = _estimated_start(others, max(b.start, now), b.end - b.start, openings)
            else:
                needed = {line.service_type.capability for line in b.booking_services.all()}
                length = b.bay_released_at - b.start
                options = [
                    (_estimated_start(busy[bay.pk], now, length, openings), bay.pk)
                    for bay in bays
                    if needed <= set(bay.capabilities)
                ]
                if options:
                    estimate, bay_id = min(options)
                    busy[bay_id].append((estimate, estimate + length, None))
        entries.append(
            QueueEntry(
                booking=b,
                waiting_minutes=waiting,
                estimated_start=estimate,
                starts_on_a_later_day=estimate is not None and outlet.local_day(estimate) > today,
            )
        )
    return entries
