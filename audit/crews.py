"""Reads of the crews audit (DESIGN.md "Workshop capacity"): for one brand, per outlet
authorized for it, the certificates of its technicians that lapse soon, and the days on which
the brand's jobs could find no qualified crew at all.

Both reads cost a fixed number of queries whatever the number of outlets, technicians and days;
who may lead or guard a job is judged by crews.rules alone, over rosters from crews.roster.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Q

from crews.models import Shift
from crews.roster import load_rosters
from crews.rules import CrewNeeds, Member, day_crews
from hima_service.language import localized
from outlets.models import Closure, OpeningHours, Outlet
from outlets.schedule import day_intervals, days_between, interval_starts, keeps_offset
from vehicles.models import Brand

from .selectors import Period

# Certificates lapsing within this many days of today (today and the last day included).
LAPSING_DAYS = 30


class Certificate:
    HV = "hv"
    BRAND = "brand"


@dataclass(frozen=True)
class CrewOutlet:
    id: int
    code: str
    name: str
    name_zh: str
    city: str
    city_zh: str
    time_zone: str
    plans_crews: bool
    slot_step_minutes: int

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_zh)

    @property
    def display_city(self) -> str:
        return localized(self.city, self.city_zh)


@dataclass(frozen=True)
class LapsingCertificate:
    """A technician's certificate that stops counting after `valid_until`: their high-voltage
    level (`certificate` "hv") or their authorization for the brand ("brand")."""

    technician_id: int
    technician: str
    certificate: str
    hv_level: int | None  # the level that lapses; None for a brand authorization
    valid_until: dt.date
    days_left: int


@dataclass(frozen=True)
class UnstaffedService:
    code: str
    name: str
    name_zh: str

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_zh)


@dataclass(frozen=True)
class CrewlessDay:
    """A day the outlet was open on which no qualified crew existed for these services."""

    date: dt.date
    services: list[UnstaffedService]


@dataclass
class OutletCrews:
    outlet: CrewOutlet
    lapsing: list[LapsingCertificate] = field(default_factory=list)
    crewless_days: list[CrewlessDay] = field(default_factory=list)


@dataclass(frozen=True)
class CrewAudit:
    brand: Brand
    today: dt.date
    period: Period
    outlets: list[OutletCrews]


def crew_audit(*, brand: Brand, period: Period, today: dt.date) -> CrewAudit:
    """Both reads for every active outlet authorized for `brand`, in outlet code order."""
    outlets = brand_outlets(brand=brand)
    lapsing = lapsing_certificates(brand=brand, outlets=outlets, today=today)
    crewless = crewless_days(brand=brand, outlets=outlets, period=period)
    return CrewAudit(
        brand=brand,
        today=today,
        period=period,
        outlets=[
            OutletCrews(
                outlet=outlet,
                lapsing=lapsing.get(outlet.id, []),
                crewless_days=crewless.get(outlet.id, []),
            )
            for outlet in outlets
        ],
    )


def brand_outlets(*, brand: Brand) -> list[CrewOutlet]:
    """The outlets the audit covers for a brand: the active ones authorized for it. One query."""
    return [
        CrewOutlet(*row)
        for row in Outlet.objects.filter(is_active=True, brands=brand)
        .order_by("code")
        .values_list(
            "id",
            "code",
            "name",
            "name_zh",
            "city",
            "city_zh",
            "time_zone",
            "plans_crews",
            "slot_step_minutes",
        )
    ]


def lapsing_certificates(
    *, brand: Brand, outlets: list[CrewOutlet], today: dt.date
) -> dict[int, list[LapsingCertificate]]:
    """{outlet id: certificates lapsing in [today, today + 30 days]} of the active technicians
    with a shift there who are authorized for the brand today; soonest first. One query."""
    last = today + dt.timedelta(days=LAPSING_DAYS)
    # One filter() call: the authorization conditions all bind the same joined row.
    rows = (
        Shift.objects.filter(
            Q(technician__hv_level__gt=0, technician__hv_valid_until__range=(today, last))
            | Q(technician__authorizations__valid_until__lte=last),
            outlet_id__in=[outlet.id for outlet in outlets],
            technician__is_active=True,
            technician__authorizations__brand=brand,
            technician__authorizations__valid_until__gte=today,
        )
        .order_by()
        .values_list(
            "outlet_id",
            "technician_id",
            "technician__user__first_name",
            "technician__user__last_name",
            "technician__user__username",
            "technician__hv_level",
            "technician__hv_valid_until",
            "technician__authorizations__valid_until",
        )
        .distinct()
    )
    found: dict[int, list[LapsingCertificate]] = defaultdict(list)
    for outlet_id, tech_id, first, last_name, username, hv_level, hv_until, brand_until in rows:
        name = f"{last_name}{first}".strip() or username
        lapses = []
        if hv_level and hv_until is not None and today <= hv_until <= last:
            lapses.append((Certificate.HV, hv_level, hv_until))
        if brand_until <= last:
            lapses.append((Certificate.BRAND, None, brand_until))
        for certificate, level, until in lapses:
            found[outlet_id].append(
                LapsingCertificate(
                    technician_id=tech_id,
                    technician=name,
                    certificate=certificate,
                    hv_level=level,
                    valid_until=until,
                    days_left=(until - today).days,
                )
            )
    for certificates in found.values():
        certificates.sort(key=lambda c: (c.valid_until, c.technician, c.certificate))
    return dict(found)


@dataclass(frozen=True)
class _Service:
    code: str
    name: str
    name_zh: str
    skill: str
    min_hv_level: int
    crew_size: int
    labour_minutes: int


def crewless_days(
    *, brand: Brand, outlets: list[CrewOutlet], period: Period
) -> dict[int, list[CrewlessDay]]:
    """{outlet id: the days it was open on which some service it offers could not be staffed for
    the brand's cars}, for the outlets that plan crews. Bookings are ignored: a day counts only
    when no crew at all, on duty during the opening hours, could do the job from start to
    end. Six queries (outlets' services, hours, closures, and the rosters)."""
    planned = {outlet.id: outlet for outlet in outlets if outlet.plans_crews}
    if not planned:
        return {}
    ids = list(planned)
    services: dict[int, list[_Service]] = defaultdict(list)
    for outlet_id, *row in (
        Outlet.services.through.objects.filter(outlet_id__in=ids, servicetype__is_active=True)
        .order_by("servicetype__code")
        .values_list(
            "outlet_id",
            "servicetype__code",
            "servicetype__name",
            "servicetype__name_zh",
            "servicetype__skill",
            "servicetype__min_hv_level",
            "servicetype__crew_size",
            "servicetype__labour_minutes",
        )
    ):
        services[outlet_id].append(_Service(*row))
    hours: dict[int, dict[int, list[tuple[dt.time, dt.time]]]] = defaultdict(dict)
    for outlet_id, weekday, opens, closes in (
        OpeningHours.objects.filter(outlet_id__in=ids)
        .order_by()
        .values_list("outlet_id", "weekday", "opens", "closes")
    ):
        hours[outlet_id].setdefault(weekday, []).append((opens, closes))
    closed = set(
        Closure.objects.filter(
            outlet_id__in=ids, date__range=(period.date_from, period.date_to)
        ).values_list("outlet_id", "date")
    )
    rosters = load_rosters(
        ids, date_from=period.date_from, date_to=period.date_to, brand_id=brand.pk
    )
    found: dict[int, list[CrewlessDay]] = {}
    for outlet_id, outlet in planned.items():
        members, zone = rosters[outlet_id], ZoneInfo(outlet.time_zone)
        # Services that need the same crew are judged once, for each of their lengths.
        groups: dict[CrewNeeds, list[_Service]] = defaultdict(list)
        for service in services[outlet_id]:
            groups[CrewNeeds.of([service], brand.pk)].append(service)
        # A day is judged as an earlier day of its weekday was when no member's absences or
        # certificates changed anything between the two (Member.changes) and neither day's
        # clocks change: the same people, shifts and hours, at the same distances from each
        # other. A month is then about a week's work; judging every day anew was most of it.
        changes = sorted({day for member in members for day in member.changes(brand.pk)})
        judged: dict[tuple[int, int], list[_Service]] = {}
        days = []
        for day in days_between(period.date_from, period.date_to):
            opening = hours[outlet_id].get(day.weekday())
            if not opening or (outlet_id, day) in closed:
                continue
            alike = None
            if keeps_offset(day, zone):
                alike = (day.weekday(), bisect.bisect_right(changes, day))
            unstaffed = judged.get(alike) if alike is not None else None
            if unstaffed is None:
                unstaffed = sorted(
                    (
                        service
                        for needs, group in groups.items()
                        for service in _unstaffed(members, needs, group, day, outlet, zone, opening)
                    ),
                    key=lambda s: s.code,
                )
                if alike is not None:
                    judged[alike] = unstaffed
            if unstaffed:
                days.append(
                    CrewlessDay(
                        date=day,
                        services=[UnstaffedService(s.code, s.name, s.name_zh) for s in unstaffed],
                    )
                )
        if days:
            found[outlet_id] = days
    return found


def _unstaffed(
    members: list[Member],
    needs: CrewNeeds,
    group: list[_Service],
    day: dt.date,
    outlet: CrewOutlet,
    zone: ZoneInfo,
    opening: list[tuple[dt.time, dt.time]],
) -> list[_Service]:
    """The services of one crew need that no crew could do on `day`, at any start the outlet
    offers (its slot step from each opening), nobody's bookings counted."""
    crews = day_crews(members, needs, day, zone)
    if not crews.leads or len(crews.guards) < needs.size - 1:
        return list(group)
    intervals = day_intervals(day, opening, zone)
    step = dt.timedelta(minutes=outlet.slot_step_minutes)
    fits: dict[int, bool] = {}
    # A crew for a longer job is one for a shorter one too: once a length fails, longer ones do.
    for minutes in sorted({service.labour_minutes for service in group}):
        if fits and not fits[max(fits)]:
            fits[minutes] = False
            continue
        length = dt.timedelta(minutes=minutes)
        fits[minutes] = any(
            crews.first_crew(
                start.timestamp(), (start + length).timestamp(), is_free=lambda _id: True
            )
            is not None
            for opens, closes in intervals
            for start in interval_starts(opens, closes, duration=length, step=step)
        )
    return [service for service in group if not fits[service.labour_minutes]]
