"""The day's board at an outlet: its bookings and walk-ins in order, how long the arrived ones
have waited, and when those still waiting can expect to start: within the outlet's opening
hours, so that a car still waiting at closing time is expected at the next opening, not at an
hour when nobody is there to start it; and, where the outlet plans crews, when a qualified crew
is on shift and free for the work, as the Start form will ask for one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from crews.rules import CrewNeeds
from outlets.models import Outlet
from outlets.schedule import days_between

from .availability.calendar import load_hours
from .crews import CrewCalendar, load_crew_calendars
from .models import Booking
from .selectors import with_details

CARRIED_OVER = (Booking.Status.CHECKED_IN, Booking.Status.IN_SERVICE, Booking.Status.READY)
# How far past the board's day (or today) an estimate looks for the outlet's next opening and,
# where it plans crews, for a qualified crew: beyond a fortnight of closures, the bays' own answer
# stands; with no crew in the fortnight, there is no estimate.
OPENING_SEARCH_DAYS = 14

Interval = tuple[datetime, datetime]
# A bay's time taken: from, until, and the booking taking it.
Span = tuple[datetime, datetime, int]
# The cars the board estimates a start for.
WAITING = (Booking.Status.CONFIRMED, Booking.Status.CHECKED_IN)


@dataclass
class QueueEntry:
    booking: Booking
    waiting_minutes: int | None
    estimated_start: datetime | None
    # The estimate falls on a later local day than today (the car waits past closing time):
    # a reader needs its date as well as its time.
    starts_on_a_later_day: bool = False


def _earliest_gap(busy: list[Span], after: datetime, length: timedelta) -> datetime:
    """The first moment >= after from which `length` fits between the busy intervals."""
    candidate = after
    for begin, end, _ in sorted(busy):
        if end <= candidate:
            continue
        if begin >= candidate + length:
            break
        candidate = max(candidate, end)
    return candidate


def _opening_intervals(outlet: Outlet, first_day: date, until: date) -> list[Interval]:
    """The outlet's opening intervals (UTC, in order) from `first_day` to `until`, its closed
    days left out. Two queries."""
    calendar = load_hours(outlet, first_day, until)
    return [
        interval
        for day in days_between(first_day, until)
        for interval in calendar.open_intervals(day)
    ]


def _next_open(moment: datetime, openings: list[Interval]) -> datetime | None:
    """`moment` if the outlet is open then, else its next opening; None past the last one."""
    for opens, closes in openings:
        if moment < closes:
            return max(moment, opens)
    return None


def _estimated_start(
    busy: list[Span], after: datetime, length: timedelta, openings: list[Interval]
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


def queue_span(outlet: Outlet, day: date, now: datetime) -> tuple[date, date]:
    """The local days an estimate on `day`'s board may fall on, seen at `now`: from the earlier
    of that day and today to OPENING_SEARCH_DAYS past the later."""
    today = outlet.local_day(now)
    return min(day, today), max(day, today) + timedelta(days=OPENING_SEARCH_DAYS)


def queue_crews(*, outlet: Outlet, day: date, now: datetime) -> CrewCalendar | None:
    """The crews calendar over the board's queue_span, for outlet_queue (and the board's Start
    forms, which read the same people); None at an outlet planned by bays alone. Five queries
    where the outlet plans crews (bookings.crews.load_crew_calendars), none otherwise."""
    first, last = queue_span(outlet, day, now)
    return load_crew_calendars([outlet], date_from=first, date_to=last).get(outlet.pk)


@dataclass(frozen=True)
class _Ask:
    """What a waiting car asks: a bay with its work's capabilities, and people qualified for
    the work (`needs`) for as long as the reservation would hold them (`work`), its own
    booking's hold disregarded."""

    capabilities: frozenset[str]
    needs: CrewNeeds
    work: timedelta
    booking_id: int


def _ask(booking: Booking) -> _Ask:
    lines = list(booking.booking_services.all())
    return _Ask(
        capabilities=frozenset(line.service_type.capability for line in lines),
        needs=CrewNeeds.of([line.service_type for line in lines], booking.vehicle.model.brand_id),
        # A crew is held for the booking's own span, as the reservation holds it.
        work=booking.end - booking.start,
        booking_id=booking.pk,
    )


@dataclass
class _CrewPlan:
    """The crews side of the simulation: the calendar as read (shifts, and the bookings holding
    each person), and the crews the simulation gives the cars in the waiting line, so that the
    next car in the line does not count on the same people. The calendar itself is not changed:
    the board's Start forms read it as the database has it."""

    calendar: CrewCalendar
    last_day: date
    planned: dict[int, list[tuple[float, float]]] = field(default_factory=dict)

    def _free(self, start: float, end: float, booking_id: int) -> Callable[[int], bool]:
        booked = self.calendar.free(start, end, ignore_booking_id=booking_id)

        def is_free(member_id: int) -> bool:
            return booked(member_id) and not any(
                begin < end and start < until for begin, until in self.planned.get(member_id, ())
            )

        return is_free

    def crew_at(self, ask: _Ask, start: datetime) -> tuple[int, ...] | None:
        """The first crew on shift and free for the work from `start`; None when there is none."""
        at, until = start.timestamp(), (start + ask.work).timestamp()
        plan = self.calendar.day(start.astimezone(self.calendar.zone).date(), ask.needs)
        return plan.first_crew(at, until, is_free=self._free(at, until, ask.booking_id))

    def first_moment(self, ask: _Ask, after: datetime) -> datetime | None:
        """The first moment >= after at which a crew may start the work; None when none may
        by the end of the calendar's days. Only a shift starting or someone's busy time ending
        frees a crew where none was, so those are the moments tried after `after` itself."""
        if self.crew_at(ask, after) is not None:
            return after
        for moment in self._changes(ask.needs, after):
            when = datetime.fromtimestamp(moment, tz=after.tzinfo)
            if self.crew_at(ask, when) is not None:
                return when
        return None

    def _changes(self, needs: CrewNeeds, after: datetime) -> list[float]:
        moments: set[float] = set()
        for day in days_between(after.astimezone(self.calendar.zone).date(), self.last_day):
            plan = self.calendar.day(day, needs)
            for _member, duty in [*plan.leads, *plan.guards]:
                moments.update(opens for opens, _closes in duty)
        for held in self.calendar.held.values():
            moments.update(end for _start, end, _booking in held)
        for planned in self.planned.values():
            moments.update(end for _start, end in planned)
        since = after.timestamp()
        return sorted(moment for moment in moments if moment > since)

    def hold(self, crew: tuple[int, ...], start: datetime, work: timedelta) -> None:
        """The simulation gives `crew` a waiting car's work from `start`."""
        span = (start.timestamp(), (start + work).timestamp())
        for member_id in crew:
            self.planned.setdefault(member_id, []).append(span)


def _start(
    busy: list[Span],
    after: datetime,
    length: timedelta,
    openings: list[Interval],
    crews: _CrewPlan | None,
    ask: _Ask,
) -> datetime | None:
    """_estimated_start on one bay, at a moment a crew may start the work as well where the
    outlet plans crews; None when no crew may within the calendar's days. Each turn moves the
    moment later, so the loop ends."""
    candidate = _estimated_start(busy, after, length, openings)
    while crews is not None:
        moment = crews.first_moment(ask, candidate)
        if moment is None:
            return None
        if moment == candidate:
            break
        candidate = _estimated_start(busy, moment, length, openings)
    return candidate


def _keeps_its_turn(booking: Booking, now: datetime, bays: dict[int, list[Span]]) -> bool:
    """A car booked on one of the bays keeps its turn once here, and while its time is to come:
    one late and not yet here is fitted in around the others instead, delaying none of them."""
    return booking.bay_id in bays and (
        booking.status == Booking.Status.CHECKED_IN or booking.start >= now
    )


def _place(
    booking: Booking,
    estimate: datetime | None,
    bay_id: int,
    length: timedelta,
    ask: _Ask,
    placed: dict[int, list[Span]],
    crews: _CrewPlan | None,
) -> datetime | None:
    """Give the car its bay from `estimate` in the simulation, and a crew where the outlet plans
    them and the car's own reservation does not already hold one then, so that the cars
    simulated after it count on neither."""
    if estimate is None:
        return None
    placed[bay_id].append((estimate, estimate + length, booking.pk))
    moved = booking.bay_id is None or estimate != booking.start
    if crews is not None and moved and (crew := crews.crew_at(ask, estimate)):
        crews.hold(crew, estimate, ask.work)
    return estimate


def outlet_queue(
    *,
    outlet: Outlet,
    day: date,
    now: datetime | None = None,
    crews: CrewCalendar | None = None,
) -> list[QueueEntry]:
    """The day's board at an outlet: bookings and walk-ins in order, how long the arrived ones
    have waited, and when those still waiting can expect to start (a simulation over the bays:
    the work running now, then the booked cars in their booked order, then the walk-ins in
    arrival order and the late cars not yet here, fitted around them), each start in
    the outlet's opening hours and, where the outlet plans crews, with a qualified crew on
    shift and free (`crews`, as queue_crews reads it; read here when not given). A car no crew
    may start within the calendar's days gets no estimate."""
    now = now or timezone.now()
    day_start, day_end = outlet.day_bounds(day)
    today = outlet.local_day(now)
    first_day, last_day = queue_span(outlet, day, now)
    openings = _opening_intervals(outlet, first_day, last_day)
    if crews is None:
        crews = queue_crews(outlet=outlet, day=day, now=now)
    plan = _CrewPlan(crews, last_day) if crews is not None else None
    on_the_day = Q(start__gte=day_start, start__lt=day_end)
    if day == today:
        # Today's board also carries the cars still here from earlier days: work that ran
        # over, and cars ready but not yet collected.
        on_the_day |= Q(start__lt=day_start, status__in=CARRIED_OVER)
    bookings = list(
        with_details(Booking.objects.filter(on_the_day, outlet=outlet)).order_by("start", "id")
    )
    bays = list(outlet.bays.filter(is_active=True).order_by("name"))
    # Per bay: the work running now, and the reservations of the cars not yet started.
    running: dict[int, list[Span]] = {bay.pk: [] for bay in bays}
    held: dict[int, list[Span]] = {bay.pk: [] for bay in bays}
    for b in bookings:
        if b.bay_id in running and b.status in Booking.ACTIVE_STATUSES:
            begin = b.started_at or b.start
            span = (begin, max(begin + (b.bay_released_at - b.start), now), b.pk)
            (running if b.status == Booking.Status.IN_SERVICE else held)[b.bay_id].append(span)
    waiting = [b for b in bookings if b.status in WAITING]
    in_turn = [b for b in waiting if _keeps_its_turn(b, now, running)]
    in_turn_ids = {b.pk for b in in_turn}
    # Placed by the simulation, per bay: when each waiting car is expected on it.
    placed: dict[int, list[Span]] = {bay.pk: [] for bay in bays}
    estimates: dict[int, datetime | None] = {}
    # Booked cars keep their turn, in the order of their booked start: each on its bay once the
    # work there and the cars booked before it are done, as the Start form lets a car late on
    # its booked bay start. An overrun delays them in turn; no two are promised one bay at once.
    for b in in_turn:
        ask, length = _ask(b), b.bay_released_at - b.start
        estimate = _start(
            running[b.bay_id] + placed[b.bay_id], max(b.start, now), length, openings, plan, ask
        )
        estimates[b.pk] = _place(b, estimate, b.bay_id, length, ask, placed, plan)
    # Then the cars that fit around them, delaying no booked car: walk-ins waiting for a bay in
    # arrival order, then cars past their booked time and not yet here. Their start must also
    # clear every reservation on the bay, as the Start form's would.
    rest = sorted(
        (b for b in waiting if b.pk not in in_turn_ids),
        key=lambda b: (b.status != Booking.Status.CHECKED_IN, b.start, b.pk),
    )
    for b in rest:
        ask, length = _ask(b), b.bay_released_at - b.start
        # Its own bay, or a waiting walk-in any bay that can do the work.
        usable = [
            bay.pk
            for bay in bays
            if (bay.pk == b.bay_id if b.bay_id else ask.capabilities <= set(bay.capabilities))
        ]
        options = [
            (found, bay_id)
            for bay_id in usable
            if (
                found := _start(
                    [s for s in running[bay_id] + held[bay_id] + placed[bay_id] if s[2] != b.pk],
                    max(b.start, now),
                    length,
                    openings,
                    plan,
                    ask,
                )
            )
        ]
        estimate, bay_id = min(options, default=(None, 0))
        estimates[b.pk] = _place(b, estimate, bay_id, length, ask, placed, plan)
    entries = []
    for b in bookings:
        waiting_minutes = None
        if b.status == Booking.Status.CHECKED_IN and b.checked_in_at:
            waiting_minutes = max(0, int((now - b.checked_in_at).total_seconds() // 60))
        estimate = estimates.get(b.pk)
        entries.append(
            QueueEntry(
                booking=b,
                waiting_minutes=waiting_minutes,
                estimated_start=estimate,
                starts_on_a_later_day=estimate is not None and outlet.local_day(estimate) > today,
            )
        )
    return entries
