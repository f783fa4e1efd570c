"""The demo's workshop crews: every outlet plans by crews and has its service desk's limits, and
technicians (staff accounts with the technician role) with skills, brand authorizations,
high-voltage certificates, weekly shifts covering its opening hours, and a few absences.

Idempotent: an outlet that already has shifts is left as it is (a manager may have changed
them); the scenario's absence is added again only when none lies ahead. Deterministic: the
names and dates come from a generator seeded by the outlet's code."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import User
from crews.models import Absence, BrandAuthorization, HvLevel, Shift, Technician
from outlets.models import Outlet, OutletMembership

from .crew_rosters import (
    ABSENCES,
    DESK,
    DESK_BY_OUTLET,
    GIVEN_NAMES,
    MUNICH_NAMES,
    NAMED,
    ROSTER_BY_OUTLET,
    ROSTERS,
    SCENARIO,
    SHIFT_HOURS,
    SURNAMES,
    Profile,
)
from .network import STAFFED, Login, _demo_password_hash
from .outlet_specs import OUTLETS, OutletSpec
from .outlet_templates import HOURS


def outlet_today(outlet: Outlet) -> dt.date:
    return timezone.now().astimezone(ZoneInfo(outlet.time_zone)).date()


def _suffix(code: str) -> str:
    """SH-PUDONG-01 → sh-pudong, as the staff logins; SH-JIADING-EX → sh-jiading-ex."""
    code = code.lower()
    return code.removesuffix("-01")


def _open_days(template: str) -> dict[int, tuple[dt.time, dt.time]]:
    """Each open weekday's span, first opening to last closing."""
    spans: dict[int, tuple[dt.time, dt.time]] = {}
    for days, intervals in HOURS[template]:
        for day in days:
            spans[day] = (min(o for o, _ in intervals), max(c for _, c in intervals))
    return dict(sorted(spans.items()))


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _clock(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def shift_hours(span: tuple[dt.time, dt.time], part: str) -> tuple[dt.time, dt.time]:
    """The shift of `part` on a day open over `span`: the whole day when it fits in one shift
    (a lunch break inside it), else the early or late shift, overlapping in the middle."""
    opens, closes = _minutes(span[0]), _minutes(span[1])
    length = SHIFT_HOURS * 60
    if closes - opens <= length or part == "day":
        return span
    if part == "early":
        return span[0], _clock(opens + length)
    return _clock(closes - length), span[1]


def rota_days(template: str, rota: str) -> list[int]:
    """Rota A works the first five open days of the week, rota B the last five."""
    days = list(_open_days(template))
    return days[:5] if rota == "A" else days[-5:]


@dataclass
class _Person:
    profile: Profile
    username: str
    last_name: str
    first_name: str


def _people(spec: OutletSpec, rng: random.Random) -> list[_Person]:
    roster = ROSTERS[ROSTER_BY_OUTLET.get(spec.code, spec.template)]
    suffix = _suffix(spec.code)
    named = NAMED.get(spec.code, {})
    if spec.country != "CN":
        names = [
            (last, first, f"{last}.{first}.{suffix}".lower().replace("ı", "i"))
            for last, first in MUNICH_NAMES
        ]
    else:
        taken = {(last, first) for last, first, _ in named.values()}
        pairs = [(s, g) for s in SURNAMES for g in GIVEN_NAMES if (s[0], g[0]) not in taken]
        names = [(s[0], g[0], f"{s[1]}.{g[1]}.{suffix}") for s, g in rng.sample(pairs, len(roster))]
    people = []
    for index, profile in enumerate(roster):
        last, first, username = named.get(index) or names[index]
        if index == 0 and suffix in STAFFED:
            username = f"tech.{suffix}"  # the outlet's technician login is its first
        people.append(_Person(profile, username, last, first))
    return people


def _staff(spec: OutletSpec, outlet: Outlet, today: dt.date) -> list[Technician]:
    """The outlet's technicians with their certificates and shifts; returns them in roster
    order."""
    rng = random.Random(f"crews:{spec.code}")
    people = _people(spec, rng)
    existing = {
        u.username: u for u in User.objects.filter(username__in=[p.username for p in people])
    }
    language = "zh-hans" if spec.country == "CN" else "en"
    new_users = User.objects.bulk_create(
        User(
            username=p.username,
            first_name=p.first_name,
            last_name=p.last_name,
            email=f"{p.username}@hima.example",
            language=language,
            time_zone=spec.time_zone,
            password=_demo_password_hash(),
        )
        for p in people
        if p.username not in existing
    )
    OutletMembership.objects.bulk_create(
        OutletMembership(user=user, outlet=outlet, role=OutletMembership.Role.TECHNICIAN)
        for user in new_users
    )
    for p in people:
        if p.username in existing:  # the staff login seeded before: it gets its name
            User.objects.filter(username=p.username, first_name="").update(
                first_name=p.first_name, last_name=p.last_name
            )
    users = existing | {u.username: u for u in new_users}
    certified = set(
        Technician.objects.filter(user__in=existing.values()).values_list("user_id", flat=True)
    )
    Technician.objects.bulk_create(
        Technician(
            user=users[p.username],
            skills=list(p.profile.skills),
            hv_level=p.profile.hv_level,
            # High-voltage certificates run one to two years from the last course.
            hv_valid_until=today + dt.timedelta(days=rng.randrange(365, 730))
            if p.profile.hv_level > HvLevel.NONE
            else None,
        )
        for p in people
        if users[p.username].pk not in certified
    )
    by_user = {t.user_id: t for t in Technician.objects.filter(user__in=users.values())}
    _certify(spec, outlet, today, rng, [(p, by_user[users[p.username].pk]) for p in people])
    return [by_user[users[p.username].pk] for p in people]


def _certify(
    spec: OutletSpec,
    outlet: Outlet,
    today: dt.date,
    rng: random.Random,
    staff: list[tuple[_Person, Technician]],
) -> None:
    """Brand authorizations (six to eighteen months ahead) and the weekly shifts."""
    brands = list(outlet.brands.all())
    several = len(brands) > 1
    BrandAuthorization.objects.bulk_create(
        (
            BrandAuthorization(
                technician=tech,
                brand=brand,
                valid_until=today + dt.timedelta(days=rng.randrange(183, 548)),
            )
            for person, tech in staff
            for brand in brands
            if person.profile.senior or not several or brand.code != "MAEXTRO"
        ),
        ignore_conflicts=True,
    )
    spans = _open_days(spec.template)
    Shift.objects.bulk_create(
        Shift(technician=tech, outlet=outlet, weekday=day, starts=starts, ends=ends)
        for person, tech in staff
        for day in rota_days(spec.template, person.profile.rota)
        for starts, ends in [shift_hours(spans[day], person.profile.part)]
    )


def scenario_away_days(outlet: Outlet, today: dt.date) -> tuple[dt.date, dt.date]:
    """Two consecutive working days of next week (Tuesday on) on which the outlet is open."""
    monday = today + dt.timedelta(days=7 - today.weekday())
    closed = set(outlet.closures.values_list("date", flat=True))
    days = [monday + dt.timedelta(days=n) for n in range(1, 5)]
    for first, second in zip(days, days[1:], strict=False):
        if first not in closed and second not in closed:
            return first, second
    return days[0], days[1]


def _scenario(outlets: dict[str, Outlet], staff: dict[str, list[Technician]]) -> None:
    """The guardian's leave next week (added again once it has passed) and the authorization
    that lapses within the month (set when the outlet is first staffed)."""
    outlet = outlets[SCENARIO.outlet]
    today = outlet_today(outlet)
    guardian = Technician.objects.get(user__username=SCENARIO.guardian_username)
    if not guardian.absences.filter(reason=SCENARIO.away_reason, last_day__gte=today).exists():
        first, last = scenario_away_days(outlet, today)
        Absence.objects.create(
            technician=guardian, first_day=first, last_day=last, reason=SCENARIO.away_reason
        )
    if SCENARIO.outlet in staff:
        BrandAuthorization.objects.filter(
            technician__user__username=SCENARIO.lapsing_username, brand__code="MAEXTRO"
        ).update(valid_until=today + dt.timedelta(days=SCENARIO.lapses_in_days))


def _story(outlets: dict[str, Outlet]) -> list[Login]:
    outlet = outlets[SCENARIO.outlet]
    today = outlet_today(outlet)
    away = Absence.objects.filter(
        technician__user__username=SCENARIO.guardian_username, last_day__gte=today
    ).first()
    lapsing = BrandAuthorization.objects.filter(
        technician__user__username=SCENARIO.lapsing_username, brand__code="MAEXTRO"
    ).first()
    guardian, lapser = "".join(SCENARIO.guardian), "".join(SCENARIO.lapsing)
    suffix = _suffix(SCENARIO.outlet)
    note = f"{SCENARIO.outlet}: crews"
    if away:
        note += f"; HV guardian {guardian} away {away.first_day}–{away.last_day}, no battery work"
    if lapsing:
        note += f"; {lapser}'s Maextro authorization lapses {lapsing.valid_until}"
    return [
        Login(f"manager.{suffix}", "crew story", note),
        Login(
            "brand.maextro", "crew story", f"{SCENARIO.outlet}: {lapser}'s lapsing authorization"
        ),
    ]


def seed_crews() -> list[Login]:
    """Crews at every demo outlet; returns the logins that show the technician scenario."""
    outlets = {o.code: o for o in Outlet.objects.filter(code__in=[s.code for s in OUTLETS])}
    planned = set(
        Shift.objects.filter(outlet__in=outlets.values()).values_list("outlet__code", flat=True)
    )
    staff: dict[str, list[Technician]] = {}
    for spec in OUTLETS:
        if spec.code in planned:
            continue
        outlet = outlets[spec.code]
        desk = DESK_BY_OUTLET.get(spec.code, DESK[spec.template])
        Outlet.objects.filter(pk=outlet.pk).update(
            plans_crews=True, desk_per_slot=desk.per_slot, desk_per_day=desk.per_day
        )
        staff[spec.code] = _staff(spec, outlet, outlet_today(outlet))
    for code, index, first, last, reason in ABSENCES:
        if code in staff:
            today = outlet_today(outlets[code])
            Absence.objects.create(
                technician=staff[code][index],
                first_day=today + dt.timedelta(days=first),
                last_day=today + dt.timedelta(days=last),
                reason=reason,
            )
    _scenario(outlets, staff)
    return _story(outlets)
