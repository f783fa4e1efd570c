"""The crews side of a booking's time: the rosters of outlets that plan crews (crews.roster),
with when each technician is held by an active booking, at any outlet. Read by the availability
engine to offer only starts a crew can work, and by the reservation to propose crews in order.
Advisory like the bays' busy flags: the exclusion constraint booking_no_crew_overlap decides.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from django.contrib.postgres.fields import ArrayField, RangeBoundary
from django.db.models import Exists, F, Func, IntegerField, OuterRef, Subquery

from crews.models import Absence, BrandAuthorization, Shift
from crews.roster import load_members, load_rosters, load_shifts
from crews.rules import CrewNeeds, CrewProblem, DayCrews, Member, crew_problems, day_crews
from outlets.models import Outlet, ServiceType

from .busy import Busy, epoch
from .models import Booking, HoldsCrew, IsActive, TsTzRange

# How long before the asked days a booking may start and still hold a technician then: as for
# the bays (bookings.availability.calendar.LONGEST_BOOKING, which this layer cannot import).
LONGEST_BOOKING = dt.timedelta(days=3)
# The asked local days as UTC instants in any zone (offsets reach ±14 h).
ZONES_MARGIN = dt.timedelta(days=1)


@dataclass
class CrewCalendar:
    """One outlet's roster for some days, with every member's busy time (epoch seconds)."""

    zone: ZoneInfo
    members: list[Member]
    busy: dict[int, Busy]
    # The same busy times with the booking holding each: (start, end, booking id).
    held: dict[int, list[tuple[float, float, int]]] = field(default_factory=dict)
    _days: dict[tuple[dt.date, CrewNeeds], DayCrews] = field(default_factory=dict)

    def day(self, day: dt.date, needs: CrewNeeds) -> DayCrews:
        key = (day, needs)
        if key not in self._days:
            self._days[key] = day_crews(self.members, needs, day, self.zone)
        return self._days[key]

    def free(
        self, start: float, end: float, *, ignore_booking_id: int | None = None
    ) -> Callable[[int], bool]:
        """Whether a member is free over [start, end), the booking `ignore_booking_id` aside
        (the board asks for each card's own booking in turn)."""

        def is_free(member_id: int) -> bool:
            busy = self.busy.get(member_id)
            return busy is None or not busy.overlaps(start, end)

        def is_free_but_for(member_id: int) -> bool:
            return not any(
                held_start < end and start < held_end and booking_id != ignore_booking_id
                for held_start, held_end, booking_id in self.held.get(member_id, ())
            )

        return is_free if ignore_booking_id is None else is_free_but_for

    def crews_at(
        self,
        needs: CrewNeeds,
        start: dt.datetime,
        end: dt.datetime,
        *,
        ignore_booking_id: int | None = None,
    ) -> list[tuple[int, ...]]:
        """Every crew that may work [start, end) and is free then, best first."""
        at, until = start.timestamp(), end.timestamp()
        day = start.astimezone(self.zone).date()
        is_free = self.free(at, until, ignore_booking_id=ignore_booking_id)
        return list(self.day(day, needs).crews_at(at, until, is_free=is_free))

    def has_crew(self, day: dt.date, needs: CrewNeeds, start: float, end: float) -> bool:
        plan = self.day(day, needs)
        return plan.first_crew(start, end, is_free=self.free(start, end)) is not None


def load_crew_calendars(
    outlets: Sequence[Outlet],
    *,
    date_from: dt.date,
    date_to: dt.date,
    ignore_booking_id: int | None = None,
) -> dict[int, CrewCalendar]:
    """A CrewCalendar for each outlet that plans crews (none for the others). Five queries
    when one does (three for the rosters, two for the busy times), none otherwise."""
    planned = [outlet for outlet in outlets if outlet.plans_crews]
    if not planned:
        return {}
    rosters = load_rosters([o.pk for o in planned], date_from=date_from, date_to=date_to)
    member_ids = sorted({m.id for members in rosters.values() for m in members})
    wanted = set(member_ids)
    held: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    if member_ids:
        since = dt.datetime.combine(date_from, dt.time(), tzinfo=dt.UTC) - ZONES_MARGIN
        until = dt.datetime.combine(date_to, dt.time(), tzinfo=dt.UTC) + 2 * ZONES_MARGIN
        # Their bookings are looked for at the outlets where they have shifts, by outlet and
        # start (the walk of the availability's window read, bookings.availability.calendar),
        # not by the crew column: the constraint's GiST index over a hundred ids is slower.
        # One booked at an outlet they no longer work at is missed here, and the constraint
        # still refuses it. Each row comes once per member (unnest), as plain integers.
        where = sorted(
            set(
                Shift.objects.filter(technician_id__in=member_ids)
                .order_by()
                .values_list("outlet_id", flat=True)
            )
        )
        rows = (
            Booking.objects.filter(
                IsActive(),
                outlet_id__in=where,
                start__gte=since - LONGEST_BOOKING,
                start__lt=until,
                end__gt=since,
                crew__overlap=member_ids,
            )
            .order_by()
            .values_list(
                Func(F("crew"), function="unnest", output_field=IntegerField()),
                epoch("start"),
                epoch("end"),
                "pk",
            )
        )
        if ignore_booking_id is not None:
            rows = rows.exclude(pk=ignore_booking_id)
        for member_id, start, end, booking_id in rows:
            if member_id in wanted:
                held[member_id].append((start, end, booking_id))
    busy = {
        member_id: Busy.of((start, end) for start, end, _ in found)
        for member_id, found in held.items()
    }
    return {
        outlet.pk: CrewCalendar(zone=outlet.zone, members=rosters[outlet.pk], busy=busy, held=held)
        for outlet in planned
    }


def crews_for(
    *,
    outlet: Outlet,
    services: Sequence[ServiceType],
    brand_id: int | None,
    start: dt.datetime,
    end: dt.datetime,
    ignore_booking_id: int | None = None,
) -> list[tuple[int, ...]]:
    """Every crew that may work [start, end) at the outlet and is free then, best first (the
    reservation's order, and the board's proposals). Empty at an outlet that plans no crews."""
    day = outlet.local_day(start)
    calendar = load_crew_calendars(
        [outlet], date_from=day, date_to=day, ignore_booking_id=ignore_booking_id
    ).get(outlet.pk)
    if calendar is None:
        return []
    return calendar.crews_at(CrewNeeds.of(services, brand_id), start, end)


def crews_for_write(
    *,
    outlet: Outlet,
    services: Sequence[ServiceType],
    brand_id: int | None,
    start: dt.datetime,
    end: dt.datetime,
    ignore_booking_id: int | None = None,
) -> list[tuple[int, ...]]:
    """crews_for, for one write's own times, in one statement instead of five: each shift of
    the outlet's active technicians on that weekday, with the technician's certificate, their
    authorization for the brand, whether they are away that day and whether an active booking
    (other than `ignore_booking_id`) holds them over [start, end) — found through the crew
    constraint's GiST index. Empty at an outlet that plans no crews."""
    if not outlet.plans_crews:
        return []
    day = outlet.local_day(start)
    holding = Booking.objects.alias(span=TsTzRange("start", "end", RangeBoundary())).filter(
        IsActive(),
        HoldsCrew(),
        span__overlap=(start, end),
        crew__contains=Func(
            OuterRef("technician_id"),
            template="ARRAY[%(expressions)s]::integer[]",
            output_field=ArrayField(IntegerField()),
        ),
    )
    if ignore_booking_id is not None:
        holding = holding.exclude(pk=ignore_booking_id)
    rows = (
        Shift.objects.filter(outlet_id=outlet.pk, weekday=day.weekday(), technician__is_active=True)
        .annotate(
            brand_until=Subquery(
                BrandAuthorization.objects.filter(
                    technician_id=OuterRef("technician_id"), brand_id=brand_id or 0
                )
                .order_by()
                .values("valid_until")[:1]
            ),
            away=Exists(
                Absence.objects.filter(
                    technician_id=OuterRef("technician_id"), first_day__lte=day, last_day__gte=day
                )
            ),
            busy=Exists(holding),
        )
        .order_by()
        .values_list(
            "technician_id",
            "starts",
            "ends",
            "technician__skills",
            "technician__hv_level",
            "technician__hv_valid_until",
            "brand_until",
            "away",
            "busy",
        )
    )
    members: dict[int, Member] = {}
    busy: set[int] = set()
    for tech_id, starts, ends, skills, hv_level, hv_until, brand_until, away, held in rows:
        member = members.get(tech_id)
        if member is None:
            member = members[tech_id] = Member(
                id=tech_id,
                name="",
                skills=frozenset(skills),
                hv_level=hv_level,
                hv_valid_until=hv_until,
                brands={brand_id: brand_until} if brand_id and brand_until else {},
                absences=[(day, day)] if away else [],
            )
        member.shifts.setdefault(day.weekday(), []).append((starts, ends))
        if held:
            busy.add(tech_id)
    plan = day_crews(members.values(), CrewNeeds.of(services, brand_id), day, outlet.zone)
    return list(
        plan.crews_at(start.timestamp(), end.timestamp(), is_free=lambda tech: tech not in busy)
    )


def crew_warnings(bookings: Sequence[Booking]) -> dict[int, list[CrewProblem]]:
    """For each booking that holds a crew, what keeps that crew from its work on the booking's
    day now (crews.rules.crew_problems): a certificate lapsed after it was booked, someone
    away, retired or no longer on shift at its outlet for the whole visit. Only bookings with
    problems are keys. Each booking's `lines` with their service types, its vehicle's model and
    its outlet are read as loaded (the board and the manager's list load them); four queries
    for the people and their shifts, none without crews."""
    crewed = [booking for booking in bookings if booking.crew]
    if not crewed:
        return {}
    days = {booking.pk: booking.outlet.local_day(booking.start) for booking in crewed}
    people = sorted({member for booking in crewed for member in booking.crew})
    members = load_members(people, date_from=min(days.values()), date_to=max(days.values()))
    shifts = load_shifts(people, sorted({booking.outlet_id for booking in crewed}))
    warnings = {}
    for booking in crewed:
        needs = CrewNeeds.of(
            [line.service_type for line in booking.lines], booking.vehicle.model.brand_id
        )
        # Each person as the booking's outlet knows them: with their shifts there.
        here = {
            member_id: replace(
                members[member_id], shifts=shifts.get((member_id, booking.outlet_id), {})
            )
            for member_id in booking.crew
            if member_id in members
        }
        found = crew_problems(
            booking.crew,
            here,
            needs,
            days[booking.pk],
            span=(booking.start, booking.end),
            zone=booking.outlet.zone,
        )
        if found:
            warnings[booking.pk] = found
    return warnings
