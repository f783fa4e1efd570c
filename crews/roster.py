"""The roster of outlets, loaded in bulk for crews.rules: the active technicians with a shift
at each outlet, with their shifts there, brand authorizations and absences in a date range.
Three queries whatever the number of outlets and technicians."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from accounts.models import person_name

from .models import Absence, BrandAuthorization, Shift
from .rules import Member


def load_rosters(
    outlet_ids: Sequence[int], *, date_from: dt.date, date_to: dt.date
) -> dict[int, list[Member]]:
    """{outlet id: its members}, for every outlet asked (empty where none has a shift)."""
    rosters: dict[int, dict[int, Member]] = {outlet_id: {} for outlet_id in outlet_ids}
    people: dict[int, list[Member]] = defaultdict(list)
    shifts = (
        Shift.objects.filter(outlet_id__in=list(outlet_ids), technician__is_active=True)
        .order_by()
        .values_list(
            "outlet_id",
            "weekday",
            "starts",
            "ends",
            "technician_id",
            "technician__user__first_name",
            "technician__user__last_name",
            "technician__user__username",
            "technician__skills",
            "technician__hv_level",
            "technician__hv_valid_until",
        )
    )
    for (
        outlet_id,
        weekday,
        starts,
        ends,
        tech_id,
        first,
        last,
        username,
        skills,
        hv_level,
        hv_valid_until,
    ) in shifts:
        member = rosters[outlet_id].get(tech_id)
        if member is None:
            member = Member(
                id=tech_id,
                name=person_name(first, last) or username,
                skills=frozenset(skills),
                hv_level=hv_level,
                hv_valid_until=hv_valid_until,
            )
            rosters[outlet_id][tech_id] = member
            people[tech_id].append(member)
        member.shifts.setdefault(weekday, []).append((starts, ends))
    if people:
        for tech_id, brand_id, valid_until in BrandAuthorization.objects.filter(
            technician_id__in=list(people)
        ).values_list("technician_id", "brand_id", "valid_until"):
            for member in people[tech_id]:
                member.brands[brand_id] = valid_until
        for tech_id, first_day, last_day in Absence.objects.filter(
            technician_id__in=list(people), first_day__lte=date_to, last_day__gte=date_from
        ).values_list("technician_id", "first_day", "last_day"):
            for member in people[tech_id]:
                member.absences.append((first_day, last_day))
    return {outlet_id: list(members.values()) for outlet_id, members in rosters.items()}
