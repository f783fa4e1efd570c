"""Who may do a visit's work on a day (DESIGN.md "Workshop capacity"), as pure functions over
a roster already loaded (crews.roster): no queries here, so the availability engine, the
reservation and the audit judge a crew by one rule.

A visit of several services needs one crew for all of them, for the whole visit:
- the lead has every skill the services need, is authorized for the car's brand and holds at
  least the highest high-voltage level any of them needs, each certificate valid that day;
- a crew of more than one (battery work) adds guardians (监护人): HV level 2 or more (and no
  less than the job's own minimum), valid that day; they supervise and need no skill or brand.
Everyone is on shift at the outlet for the whole visit and not away that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from outlets.schedule import day_intervals

from .models import GUARDIAN_HV_LEVEL, HvLevel


class NeedsCrew(Protocol):
    skill: str
    min_hv_level: int
    crew_size: int


@dataclass(frozen=True)
class CrewNeeds:
    skills: frozenset[str]
    min_hv: int
    size: int
    brand_id: int | None

    @classmethod
    def of(cls, services: Iterable[NeedsCrew], brand_id: int | None) -> CrewNeeds:
        services = list(services)
        return cls(
            skills=frozenset(service.skill for service in services),
            min_hv=max((service.min_hv_level for service in services), default=0),
            size=max((service.crew_size for service in services), default=1),
            brand_id=brand_id,
        )

    @property
    def guardian_hv(self) -> int:
        return max(self.min_hv, GUARDIAN_HV_LEVEL)


@dataclass
class Member:
    """One technician as the roster of an outlet knows them."""

    id: int
    name: str
    skills: frozenset[str]
    hv_level: int
    hv_valid_until: dt.date | None
    brands: dict[int, dt.date] = field(default_factory=dict)  # brand id: valid until
    shifts: dict[int, list[tuple[dt.time, dt.time]]] = field(default_factory=dict)  # weekday
    absences: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    is_active: bool = True

    def hv_on(self, day: dt.date) -> int:
        """The level that counts on `day`: none from the day after the certificate lapses."""
        if self.hv_valid_until is None or day > self.hv_valid_until:
            return HvLevel.NONE
        return self.hv_level

    def authorized_on(self, brand_id: int | None, day: dt.date) -> bool:
        if brand_id is None:
            return True
        until = self.brands.get(brand_id)
        return until is not None and day <= until

    def away_on(self, day: dt.date) -> bool:
        return any(first <= day <= last for first, last in self.absences)

    def may_lead(self, needs: CrewNeeds, day: dt.date) -> bool:
        return (
            needs.skills <= self.skills
            and self.hv_on(day) >= needs.min_hv
            and self.authorized_on(needs.brand_id, day)
        )

    def may_guard(self, needs: CrewNeeds, day: dt.date) -> bool:
        return self.hv_on(day) >= needs.guardian_hv

    def changes(self, brand_id: int | None) -> list[dt.date]:
        """The days on which what may_lead, may_guard and duty read of a day (away or not, the
        level that counts, authorized for the brand: all but the shifts, which follow the
        weekday) may differ from the day before: each absence's first day and the day after
        its last, the day after each certificate's last valid day."""
        lasts = [last for _first, last in self.absences]
        authorized_until = self.brands.get(brand_id) if brand_id is not None else None
        lasts += [until for until in (self.hv_valid_until, authorized_until) if until]
        return [first for first, _last in self.absences] + [
            last + dt.timedelta(days=1) for last in lasts if last < dt.date.max
        ]

    def duty(self, day: dt.date, zone: ZoneInfo) -> list[tuple[dt.datetime, dt.datetime]]:
        """The day's shifts as UTC instants (DST-exact, as opening hours), none when away."""
        if self.away_on(day):
            return []
        return day_intervals(day, self.shifts.get(day.weekday(), ()), zone)


class Problem(StrEnum):
    """Why someone a booking holds may no longer do its work on its day."""

    RETIRED = "retired"
    AWAY = "away"
    HV_LAPSED = "hv_lapsed"
    BRAND_LAPSED = "brand_lapsed"
    SKILL = "skill"
    OFF_SHIFT = "off_shift"


@dataclass(frozen=True)
class CrewProblem:
    member_id: int
    name: str
    problem: Problem


def crew_problems(
    crew: Sequence[int],
    members: Mapping[int, Member],
    needs: CrewNeeds,
    day: dt.date,
    *,
    span: tuple[dt.datetime, dt.datetime],
    zone: ZoneInfo,
) -> list[CrewProblem]:
    """What keeps a booked crew (lead first) from doing `needs` over `span` on `day` (the span's
    local date in `zone`, the outlet's): a certificate or brand authorization lapsed since it
    was booked, a skill taken away, a technician retired, away, or no longer on shift for the
    whole visit. `members` carry their shifts at the booking's outlet. Empty when the crew
    still may."""
    start, end = (moment.timestamp() for moment in span)
    problems: list[CrewProblem] = []
    for place, member_id in enumerate(crew):
        member = members.get(member_id)
        if member is None:
            continue
        found: list[Problem] = []
        if not member.is_active:
            found.append(Problem.RETIRED)
        if member.away_on(day):
            found.append(Problem.AWAY)
        else:
            # As an absence: the person is there on the day, but not for this work's hours
            # (a shift taken away or shortened after booking). Away already says they are not.
            duty = [(s.timestamp(), e.timestamp()) for s, e in member.duty(day, zone)]
            if not on_duty(duty, start, end):
                found.append(Problem.OFF_SHIFT)
        if place == 0:
            if member.hv_on(day) < needs.min_hv:
                found.append(Problem.HV_LAPSED)
            if not member.authorized_on(needs.brand_id, day):
                found.append(Problem.BRAND_LAPSED)
            if not needs.skills <= member.skills:
                found.append(Problem.SKILL)
        elif member.hv_on(day) < needs.guardian_hv:
            found.append(Problem.HV_LAPSED)
        problems.extend(CrewProblem(member.id, member.name, problem) for problem in found)
    return problems


def on_duty(duty: Sequence[tuple[float, float]], start: float, end: float) -> bool:
    """Whether one shift (epoch seconds) covers all of [start, end)."""
    return any(opens <= start and end <= closes for opens, closes in duty)


@dataclass
class DayCrews:
    """The members who may lead and who may guard one job on one day, each with their shifts as
    epoch seconds, in the order crews are proposed: the narrowest qualification first, so the
    specialists stay free for the work only they can do."""

    size: int
    leads: list[tuple[Member, list[tuple[float, float]]]]
    guards: list[tuple[Member, list[tuple[float, float]]]]

    def crews_at(
        self, start: float, end: float, *, is_free: Callable[[int], bool]
    ) -> Iterator[tuple[int, ...]]:
        """Every crew (lead first) on shift and free over [start, end), best first; a crew
        of more than one pairs each lead with the first free guardians other than them."""
        guards = [m.id for m, duty in self.guards if on_duty(duty, start, end) and is_free(m.id)]
        for lead, duty in self.leads:
            if not on_duty(duty, start, end) or not is_free(lead.id):
                continue
            others = [member for member in guards if member != lead.id][: self.size - 1]
            if len(others) == self.size - 1:
                yield (lead.id, *others)

    def first_crew(
        self, start: float, end: float, *, is_free: Callable[[int], bool]
    ) -> tuple[int, ...] | None:
        return next(self.crews_at(start, end, is_free=is_free), None)


def day_crews(
    members: Iterable[Member], needs: CrewNeeds, day: dt.date, zone: ZoneInfo
) -> DayCrews:
    """Who may lead and guard `needs` on `day` at an outlet in `zone`, with their shifts."""
    leads, guards = [], []
    for member in members:
        duty = [(s.timestamp(), e.timestamp()) for s, e in member.duty(day, zone)]
        if not duty:
            continue
        if member.may_lead(needs, day):
            leads.append((member, duty))
        if needs.size > 1 and member.may_guard(needs, day):
            guards.append((member, duty))
    leads.sort(key=lambda pair: (len(pair[0].skills), pair[0].hv_on(day), pair[0].id))
    guards.sort(key=lambda pair: (pair[0].hv_on(day), len(pair[0].skills), pair[0].id))
    return DayCrews(size=needs.size, leads=leads, guards=guards)
