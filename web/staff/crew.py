"""The crews on the staff pages: the crew a board card names (Booking.crew, lead first, every
card's names in one query), the crews its Start form proposes, and the people a booking holds
who may no longer do its work (on the card, and on the manager's technicians page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bookings.crews import CrewCalendar, crew_warnings, load_crew_calendars
from bookings.models import ACTIVE_STATUSES, Booking
from bookings.selectors import with_details
from crews.models import Technician
from crews.rules import CrewNeeds, Problem
from outlets.catalog import booking_duration
from outlets.models import Outlet

# How far ahead the manager's list looks for bookings whose crew may no longer do the work.
FLAG_DAYS = 60


@dataclass(frozen=True)
class CrewMember:
    name: str
    # The first of the crew leads the job; the others are there as guardians (监护人).
    lead: bool


def crews_of(bookings: Iterable[Booking]) -> dict[int, list[CrewMember]]:
    """Booking pk → its crew, in the booking's order. One query for all of them (none when no
    booking holds a crew)."""
    bookings = list(bookings)
    ids = {technician_id for booking in bookings for technician_id in booking.crew}
    if not ids:
        return {}
    names = {
        technician.pk: technician.user.display_name
        for technician in Technician.objects.filter(pk__in=ids).select_related("user")
    }
    return {
        booking.pk: [
            CrewMember(name=names[technician_id], lead=n == 0)
            for n, technician_id in enumerate(booking.crew)
            if technician_id in names
        ]
        for booking in bookings
        if booking.crew
    }


@dataclass(frozen=True)
class ProposedCrew:
    """A crew the Start form offers: its technicians' ids (lead first) and names."""

    ids: tuple[int, ...]
    members: list[CrewMember]

    @property
    def value(self) -> str:
        """What the form sends: the ids, lead first, comma-separated (web.staff.forms)."""
        return ",".join(str(technician_id) for technician_id in self.ids)


def start_crews(
    bookings: Sequence[Booking],
    *,
    outlet: Outlet,
    now: dt.datetime,
    calendar: CrewCalendar | None = None,
) -> dict[int, list[ProposedCrew]]:
    """Booking pk → the crews that may start it now and stay until its standard work would
    end (the reservation's crew span: bookings.reservation.move_booking), best first, its own
    crew first when it is among them, as booking_start would keep it. The crews `calendar`
    covering today (the board's: bookings.queue.queue_crews) serves all of them; without one,
    it is read here once (bookings.crews.load_crew_calendars: a fixed number of queries), and
    only at an outlet that plans crews. Each booking's own crew does not count against itself."""
    if not bookings or not outlet.plans_crews:
        return {}
    if calendar is None:
        day = outlet.local_day(now)
        calendar = load_crew_calendars([outlet], date_from=day, date_to=day).get(outlet.pk)
    if calendar is None:
        return {}
    names = {member.id: member.name for member in calendar.members}
    proposed: dict[int, list[ProposedCrew]] = {}
    for booking in bookings:
        lines = list(booking.booking_services.all())  # as the board prefetched them
        needs = CrewNeeds.of([line.service_type for line in lines], booking.vehicle.model.brand_id)
        until = now + booking_duration(lines)
        crews = calendar.crews_at(needs, now, until, ignore_booking_id=booking.pk)
        own = tuple(booking.crew)
        if own in crews:
            crews = [own, *(crew for crew in crews if crew != own)]
        proposed[booking.pk] = [
            ProposedCrew(
                ids=crew,
                members=[
                    CrewMember(name=names.get(member, str(member)), lead=n == 0)
                    for n, member in enumerate(crew)
                ],
            )
            for crew in crews
        ]
    return proposed


# Why a booked person may no longer do the work, as a card and the manager's list say it.
PROBLEMS: dict[str, Promise] = {
    Problem.RETIRED: _("retired"),
    Problem.AWAY: _("away that day"),
    Problem.HV_LAPSED: _("HV certificate lapsed"),
    Problem.BRAND_LAPSED: _("brand authorization lapsed"),
    Problem.SKILL: _("no longer has the skill for this work"),
    Problem.OFF_SHIFT: _("not on shift for the whole visit"),
}


@dataclass(frozen=True)
class CrewFlag:
    """One person a booking holds who may no longer do its work, and why."""

    name: str
    problem: str

    @property
    def problem_text(self) -> str:
        return str(PROBLEMS.get(self.problem, self.problem))

    def __str__(self) -> str:
        return gettext("%(name)s: %(problem)s") % {"name": self.name, "problem": self.problem_text}


def crew_flags(bookings: Sequence[Booking]) -> dict[int, list[CrewFlag]]:
    """Booking pk → what keeps its crew from the work on its day (bookings.crews.crew_warnings:
    four queries for all of them, none when no booking holds a crew); only flagged bookings
    are keys. An outlet planned by bays alone does not hold crews to the work (its starts need
    none), so its bookings are never flagged. The bookings come with their lines, vehicle
    model and outlet loaded."""
    planned = [booking for booking in bookings if booking.outlet.plans_crews]
    return {
        pk: [CrewFlag(name=found.name, problem=str(found.problem)) for found in problems]
        for pk, problems in crew_warnings(planned).items()
    }


def flagged_bookings(
    *, outlet: Outlet, today: dt.date, days: int = FLAG_DAYS
) -> list[tuple[Booking, list[CrewFlag]]]:
    """The outlet's active bookings from `today` for `days` days whose crew may no longer do
    the work (the manager's list of what to re-plan), soonest first. Two queries for the
    bookings with their lines, and crew_flags' four; none at an outlet planned by bays."""
    if not outlet.plans_crews:
        return []
    day_start, _end = outlet.day_bounds(today)
    _start, until = outlet.day_bounds(today + dt.timedelta(days=days - 1))
    bookings = list(
        with_details(
            Booking.objects.filter(
                outlet_id=outlet.pk,
                status__in=ACTIVE_STATUSES,
                start__gte=day_start,
                start__lt=until,
            ).exclude(crew=[])
        ).order_by("start", "pk")
    )
    flags = crew_flags(bookings)
    return [(booking, flags[booking.pk]) for booking in bookings if booking.pk in flags]
