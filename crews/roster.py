"""The roster of outlets, loaded in bulk for crews.rules: the active technicians with a shift
at each outlet, with their shifts there, brand authorizations and absences in a date range
(three queries whatever the number of outlets and technicians); and the people booked on
crews, for the checks that they still may do the work."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import QuerySet

from accounts.models import person_name

from .models import Absence, BrandAuthorization, Shift, Technician
from .rules import Member


def load_rosters(
    outlet_ids: Sequence[int],
    *,
    date_from: dt.date,
    date_to: dt.date,
    brand_id: int | None = None,
) -> dict[int, list[Member]]:
    """{outlet id: its members}, for every outlet asked (empty where none has a shift). With
    `brand_id`, each member knows their authorization for that brand alone: for a reader that
    judges one brand's jobs (the crews audit), where every brand's were five times the rows."""
    rosters: dict[int, dict[int, Member]] = {outlet_id: {} for outlet_id in outlet_ids}
    people: dict[int, list[Member]] = defaultdict(list)
    on_shift = Shift.objects.filter(outlet_id__in=list(outlet_ids), technician__is_active=True)
    # One row per technician and outlet, their week's shifts in arrays (in one order, so that
    # the three line up): a row per shift repeated each person's columns seven times over.
    in_order = ("weekday", "starts")
    person = (
        "outlet_id",
        "technician_id",
        "technician__user__first_name",
        "technician__user__last_name",
        "technician__user__username",
        "technician__skills",
        "technician__hv_level",
        "technician__hv_valid_until",
    )
    rows = (
        on_shift.order_by()
        .values(*person)
        .annotate(
            shift_weekdays=ArrayAgg("weekday", order_by=in_order),
            shift_starts=ArrayAgg("starts", order_by=in_order),
            shift_ends=ArrayAgg("ends", order_by=in_order),
        )
        .values_list(*person, "shift_weekdays", "shift_starts", "shift_ends")
    )
    for (
        outlet_id,
        tech_id,
        first,
        last,
        username,
        skills,
        hv_level,
        hv_valid_until,
        weekdays,
        starts,
        ends,
    ) in rows:
        member = _member(tech_id, first, last, username, skills, hv_level, hv_valid_until)
        for weekday, shift in zip(weekdays, zip(starts, ends, strict=True), strict=True):
            member.shifts.setdefault(weekday, []).append(shift)
        rosters[outlet_id][tech_id] = member
        people[tech_id].append(member)
    # The people as the shifts' subquery: a network's thousands of ids, sent as parameters
    # one by one, cost more to send than the certificates to read.
    _add_certificates(
        people,
        on_shift.values("technician_id"),
        date_from=date_from,
        date_to=date_to,
        brand_id=brand_id,
    )
    return {outlet_id: list(members.values()) for outlet_id, members in rosters.items()}


def load_members(
    technician_ids: Sequence[int], *, date_from: dt.date, date_to: dt.date
) -> dict[int, Member]:
    """{technician id: Member} for these technicians, retired ones included, without shifts:
    whether the people a booking holds still may do its work (bookings.crews). Three
    queries, none without ids."""
    people: dict[int, list[Member]] = {}
    for tech_id, first, last, username, skills, hv_level, hv_valid_until, is_active in (
        Technician.objects.filter(pk__in=list(technician_ids))
        .order_by()
        .values_list(
            "id",
            "user__first_name",
            "user__last_name",
            "user__username",
            "skills",
            "hv_level",
            "hv_valid_until",
            "is_active",
        )
    ):
        people[tech_id] = [
            _member(tech_id, first, last, username, skills, hv_level, hv_valid_until, is_active)
        ]
    _add_certificates(people, list(people), date_from=date_from, date_to=date_to)
    return {tech_id: members[0] for tech_id, members in people.items()}


def load_shifts(
    technician_ids: Sequence[int], outlet_ids: Sequence[int]
) -> dict[tuple[int, int], dict[int, list[tuple[dt.time, dt.time]]]]:
    """{(technician id, outlet id): {weekday: shifts}} of these technicians at these outlets,
    as Member.shifts holds them: whether the people a booking holds are still on shift for it
    (bookings.crews). One query, none without ids."""
    found: dict[tuple[int, int], dict[int, list[tuple[dt.time, dt.time]]]] = {}
    if not technician_ids or not outlet_ids:
        return found
    for tech_id, outlet_id, weekday, starts, ends in (
        Shift.objects.filter(technician_id__in=list(technician_ids), outlet_id__in=list(outlet_ids))
        .order_by("weekday", "starts")
        .values_list("technician_id", "outlet_id", "weekday", "starts", "ends")
    ):
        found.setdefault((tech_id, outlet_id), {}).setdefault(weekday, []).append((starts, ends))
    return found


def _member(
    tech_id: int,
    first: str,
    last: str,
    username: str,
    skills: list[str],
    hv_level: int,
    hv_valid_until: dt.date | None,
    is_active: bool = True,
) -> Member:
    """A technician's Member from their row, without shifts or certificates yet."""
    return Member(
        id=tech_id,
        name=person_name(first, last) or username,
        skills=frozenset(skills),
        hv_level=hv_level,
        hv_valid_until=hv_valid_until,
        is_active=is_active,
    )


def _add_certificates(
    people: Mapping[int, list[Member]],
    technician_ids: Sequence[int] | QuerySet[Any, Any],
    *,
    date_from: dt.date,
    date_to: dt.date,
    brand_id: int | None = None,
) -> None:
    """Each person's brand authorizations (only `brand_id`'s, when given) and the absences that
    touch the dates, on every Member that stands for them (one per outlet); `technician_ids`
    are the people's ids, or a query of them. Two queries, none without people."""
    if not people:
        return
    authorizations = BrandAuthorization.objects.filter(technician_id__in=technician_ids)
    if brand_id is not None:
        authorizations = authorizations.filter(brand_id=brand_id)
    for tech_id, brand, valid_until in authorizations.values_list(
        "technician_id", "brand_id", "valid_until"
    ):
        # .get: a query of ids is read after the people were, and may find someone new since.
        for member in people.get(tech_id, ()):
            member.brands[brand] = valid_until
    for tech_id, first_day, last_day in Absence.objects.filter(
        technician_id__in=technician_ids, first_day__lte=date_to, last_day__gte=date_from
    ).values_list("technician_id", "first_day", "last_day"):
        for member in people.get(tech_id, ()):
            member.absences.append((first_day, last_day))
