"""Reads of crews, with their joins and prefetches decided here, once.

A technician is listed at an outlet when they have a shift there or a membership there (a new
hire before their first shift is entered; a manager or advisor who also works on cars keeps
their own role's membership, so any role counts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from hima_service.exceptions import NotFound
from outlets.models import Outlet, OutletMembership
from outlets.selectors import outlet_by_code

from .models import BrandAuthorization, HvLevel, Shift, Technician

LAPSE_WARNING_DAYS = 30


def outlet_for_staff(*, user: User, code: str) -> Outlet:
    """The outlet by code (see outlets.selectors.outlet_by_code) when `user` works there in any
    role, or is an alliance admin; everyone else gets the same 404 as for an unknown code."""
    outlets = Outlet.objects.all()
    if not user.is_alliance_admin:
        # Scoped before the match, so a code typed in another case finds the user's own outlet.
        outlets = outlets.filter(memberships__user=user)
    outlet = outlet_by_code(outlets, code=code)
    if outlet is None:
        raise NotFound(_("No outlet with this code is run by you."))
    return outlet


def may_manage(*, user: User, outlet: Outlet) -> bool:
    """Whether `user` keeps this outlet's technicians: its manager, or an alliance admin."""
    return (
        user.is_alliance_admin
        or OutletMembership.objects.filter(
            user=user, outlet=outlet, role=OutletMembership.Role.MANAGER
        ).exists()
    )


def _listed_at(outlet_ids: Iterable[int]) -> Q:
    ids = list(outlet_ids)
    on_shift = Exists(Shift.objects.filter(technician=OuterRef("pk"), outlet_id__in=ids))
    member = Exists(OutletMembership.objects.filter(user=OuterRef("user_id"), outlet_id__in=ids))
    return Q(on_shift) | Q(member)


def is_listed_at(*, technician: Technician, outlet: Outlet) -> bool:
    return Technician.objects.filter(_listed_at([outlet.pk]), pk=technician.pk).exists()


def technician_list(*, outlet: Outlet) -> QuerySet[Technician]:
    """The outlet's technicians, retired ones too, with their user, brand authorizations
    (`authorizations`, with the brand), shifts at this outlet (`outlet_shifts`) and absences:
    five queries, however many technicians."""
    return (
        Technician.objects.filter(_listed_at([outlet.pk]))
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "authorizations",
                queryset=BrandAuthorization.objects.select_related("brand").order_by("brand__code"),
            ),
            Prefetch(
                "shifts",
                queryset=Shift.objects.filter(outlet=outlet).order_by("weekday", "starts"),
                to_attr="outlet_shifts",
            ),
            "absences",
        )
        .order_by("user__username")
    )


def technician_get(*, outlet: Outlet, technician_id: int) -> Technician:
    """One technician listed at the outlet, prefetched as technician_list; 404 otherwise."""
    technician = technician_list(outlet=outlet).filter(pk=technician_id).first()
    if technician is None:
        raise NotFound(_("This outlet has no such technician."))
    return technician


@dataclass
class Lapsing:
    """A technician's certificates that lapse within the warning window: the high-voltage one
    (its valid-until date, or None when it does not lapse then) and brand authorizations."""

    technician: Technician
    hv_valid_until: dt.date | None
    authorizations: list[BrandAuthorization]
    # Which of the outlets asked about the technician is listed at.
    outlet_ids: set[int] = field(default_factory=set)


def _in_window(day: dt.date | None, today: dt.date, within_days: int) -> bool:
    return day is not None and today <= day <= today + dt.timedelta(days=within_days)


def lapsing_of(
    technician: Technician, *, today: dt.date, within_days: int = LAPSE_WARNING_DAYS
) -> Lapsing | None:
    """What of a technician's certificates lapses in [today, today + within_days], from what is
    loaded (technician_list prefetches the authorizations): no query. None when nothing does."""
    hv = technician.hv_valid_until if technician.hv_level > HvLevel.NONE else None
    hv = hv if _in_window(hv, today, within_days) else None
    authorizations = [
        a for a in technician.authorizations.all() if _in_window(a.valid_until, today, within_days)
    ]
    if hv is None and not authorizations:
        return None
    return Lapsing(technician=technician, hv_valid_until=hv, authorizations=authorizations)


def lapsing_certificates(
    outlet_ids: Iterable[int], today: dt.date, within_days: int = LAPSE_WARNING_DAYS
) -> list[Lapsing]:
    """Per active technician listed at any of these outlets, the HV certificate and brand
    authorizations whose valid-until falls in [today, today + within_days] (the manager's
    warning; the audit filters the authorizations by brand). Soonest first; four queries."""
    ids = list(outlet_ids)
    until = today + dt.timedelta(days=within_days)
    window = BrandAuthorization.objects.filter(valid_until__range=(today, until))
    technicians = (
        Technician.objects.filter(_listed_at(ids), is_active=True)
        .filter(
            Q(hv_level__gt=HvLevel.NONE, hv_valid_until__range=(today, until))
            | Q(pk__in=window.values("technician_id"))
        )
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "authorizations",
                queryset=window.select_related("brand").order_by("valid_until", "brand__code"),
            )
        )
    )
    lapses = (lapsing_of(t, today=today, within_days=within_days) for t in technicians)
    found = [lapsing for lapsing in lapses if lapsing is not None]
    by_technician = {lapsing.technician.pk: lapsing for lapsing in found}
    memberships = OutletMembership.objects.filter(
        outlet_id__in=ids, user__technician__in=list(by_technician)
    ).values_list("user__technician", "outlet_id")
    shifts = Shift.objects.filter(outlet_id__in=ids, technician__in=list(by_technician))
    for technician_id, outlet_id in [*memberships, *shifts.values_list("technician", "outlet")]:
        by_technician[technician_id].outlet_ids.add(outlet_id)
    return sorted(found, key=_soonest)


def _soonest(lapsing: Lapsing) -> tuple[dt.date, str]:
    days = [a.valid_until for a in lapsing.authorizations]
    if lapsing.hv_valid_until is not None:
        days.append(lapsing.hv_valid_until)
    return min(days), lapsing.technician.user.username
