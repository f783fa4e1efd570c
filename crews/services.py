"""Writes on crews: a manager keeps the technicians of their outlet (skills, certificates,
shifts at that outlet, absences). Every rule is checked here, so the API, the pages and the
admin refuse the same things; errors are ValidationError keyed by the input at fault.

A technician is a person: their skills, certificates and absences hold at every outlet they
work at, their shifts belong to one outlet each. Technicians are retired, never deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from hima_service.exceptions import NotFound
from outlets.models import Outlet, OutletMembership

from .models import Absence, BrandAuthorization, Shift, Technician
from .selectors import is_listed_at
from .validation import (
    AbsenceInput,
    BrandInput,
    ShiftInput,
    clean_brands,
    clean_hv,
    clean_skills,
    validate_absences,
    validate_shifts,
)

# The input shapes and rules are crews.validation's; named here too, for callers of the
# services (the pages' forms).
__all__ = [
    "UNSET",
    "AbsenceInput",
    "BrandInput",
    "ShiftInput",
    "clean_brands",
    "clean_hv",
    "clean_skills",
    "technician_create",
    "technician_retire",
    "technician_update",
    "validate_absences",
    "validate_shifts",
]

UNSET: Any = object()  # "not given", as opposed to an explicit value


def _user_by_username(username: str) -> User:
    # A username is one account in any case (accounts.models), as at sign-in.
    user = User.objects.filter(username__iexact=username.strip(), is_active=True).first()
    if user is None or user.is_counter_customer:
        raise ValidationError({"username": [_("No account has this username.")]})
    return user


def _shifts_elsewhere(technician: Technician, outlet: Outlet) -> list[ShiftInput]:
    return [
        ShiftInput(weekday=s.weekday, starts=s.starts, ends=s.ends)
        for s in technician.shifts.exclude(outlet=outlet)
    ]


@transaction.atomic
def technician_create(
    *,
    outlet: Outlet,
    username: str,
    skills: Iterable[str] = UNSET,
    hv_level: int = UNSET,
    hv_valid_until: dt.date | None = UNSET,
    is_active: bool = UNSET,
    brands: Sequence[BrandInput] = UNSET,
    shifts: Sequence[ShiftInput] = UNSET,
    absences: Sequence[AbsenceInput] = UNSET,
) -> Technician:
    """Make an existing account a technician of `outlet`: keeps the user's membership there
    (adds one with the technician role if they have none). A person who is already a
    technician elsewhere joins this outlet as the same technician (one certificate, one
    calendar), with the fields given applied; one already listed here is refused.

    Locks the user row, so that two managers adding the same person make one technician."""
    user = _user_by_username(username)
    User.objects.select_for_update().filter(pk=user.pk).first()
    technician = Technician.objects.filter(user=user).first()
    if technician is not None and is_listed_at(technician=technician, outlet=outlet):
        raise ValidationError(
            {"username": [_("This person is already a technician of this outlet.")]}
        )
    OutletMembership.objects.get_or_create(
        user=user, outlet=outlet, defaults={"role": OutletMembership.Role.TECHNICIAN}
    )
    if technician is None:
        try:
            with transaction.atomic():
                technician = Technician.objects.create(user=user)
        except IntegrityError as exc:  # a concurrent create of the same person
            raise ValidationError(
                {"username": [_("This person is already a technician of this outlet.")]}
            ) from exc
    return _apply(
        technician=technician,
        outlet=outlet,
        skills=skills,
        hv_level=hv_level,
        hv_valid_until=hv_valid_until,
        is_active=is_active,
        brands=brands,
        shifts=shifts,
        absences=absences,
    )


@transaction.atomic
def technician_update(
    *,
    technician: Technician,
    outlet: Outlet,
    skills: Iterable[str] = UNSET,
    hv_level: int = UNSET,
    hv_valid_until: dt.date | None = UNSET,
    is_active: bool = UNSET,
    brands: Sequence[BrandInput] = UNSET,
    shifts: Sequence[ShiftInput] = UNSET,
    absences: Sequence[AbsenceInput] = UNSET,
) -> Technician:
    """Change what is given; a list given (brands, shifts at `outlet`, absences) replaces the
    whole list. Shifts at other outlets are never touched. Whoever has their shifts here kept
    is on the outlet's staff: their membership is kept (added, with the technician role, when
    they had none), as technician_create does.

    Locks the technician row FOR UPDATE: two managers saving at once leave one version of each
    list, not a mix of both."""
    locked = Technician.objects.select_for_update().get(pk=technician.pk)
    if shifts is not UNSET:
        # A technician is listed at an outlet by a shift or a membership there
        # (crews.selectors); someone on shift here without one (entered by an alliance admin)
        # would drop off the outlet's list when their last shift is taken away, and the manager
        # who kept them could no longer find them. Keeping the shifts is keeping the person.
        OutletMembership.objects.get_or_create(
            user_id=locked.user_id,
            outlet=outlet,
            defaults={"role": OutletMembership.Role.TECHNICIAN},
        )
    return _apply(
        technician=locked,
        outlet=outlet,
        skills=skills,
        hv_level=hv_level,
        hv_valid_until=hv_valid_until,
        is_active=is_active,
        brands=brands,
        shifts=shifts,
        absences=absences,
    )


def technician_retire(*, technician: Technician, outlet: Outlet) -> Technician:
    """Retire a technician (is_active false): never deleted, as bookings name them."""
    return technician_update(technician=technician, outlet=outlet, is_active=False)


def _recorded_absences(technician: Technician, *, without: int | None = None) -> list[AbsenceInput]:
    return [
        AbsenceInput(first_day=a.first_day, last_day=a.last_day, reason=a.reason)
        for a in technician.absences.order_by("first_day", "id")
        if a.pk != without
    ]


@transaction.atomic
def technician_absence_add(
    *, technician: Technician, outlet: Outlet, absence: AbsenceInput
) -> Technician:
    """Record one more absence, read with the others under the technician's lock: two managers
    adding one each at once keep both (a list sent whole would keep the last one's)."""
    locked = Technician.objects.select_for_update().get(pk=technician.pk)
    return technician_update(
        technician=locked, outlet=outlet, absences=[*_recorded_absences(locked), absence]
    )


@transaction.atomic
def technician_absence_remove(
    *, technician: Technician, outlet: Outlet, absence_id: int
) -> Technician:
    """Remove one recorded absence (NotFound for another technician's), under the lock."""
    locked = Technician.objects.select_for_update().get(pk=technician.pk)
    if not locked.absences.filter(pk=absence_id).exists():
        raise NotFound()
    return technician_update(
        technician=locked, outlet=outlet, absences=_recorded_absences(locked, without=absence_id)
    )


def _apply(
    *,
    technician: Technician,
    outlet: Outlet,
    skills: Iterable[str],
    hv_level: int,
    hv_valid_until: dt.date | None,
    is_active: bool,
    brands: Sequence[BrandInput],
    shifts: Sequence[ShiftInput],
    absences: Sequence[AbsenceInput],
) -> Technician:
    """Validate everything given, then write: nothing is written when any input is refused,
    and every refused input is named at once."""
    errors: dict[str, list[str]] = {}

    def check(validate: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return validate(*args, **kwargs)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
            return None

    changed: list[str] = []
    if skills is not UNSET:
        technician.skills = check(clean_skills, skills)
        changed.append("skills")
    if hv_level is not UNSET or hv_valid_until is not UNSET:
        level = technician.hv_level if hv_level is UNSET else hv_level
        until = technician.hv_valid_until if hv_valid_until is UNSET else hv_valid_until
        technician.hv_valid_until = check(clean_hv, hv_level=level, hv_valid_until=until)
        technician.hv_level = level
        changed += ["hv_level", "hv_valid_until"]
    if is_active is not UNSET:
        technician.is_active = is_active
        changed.append("is_active")
    cleaned_brands = None if brands is UNSET else check(clean_brands, brands)
    if shifts is not UNSET:
        check(validate_shifts, shifts, elsewhere=_shifts_elsewhere(technician, outlet))
    if absences is not UNSET:
        check(validate_absences, absences)
    if errors:
        raise ValidationError(errors)

    if changed:
        technician.save(update_fields=[*changed, "updated_at"])
    if cleaned_brands is not None:
        technician.authorizations.all().delete()
        BrandAuthorization.objects.bulk_create(
            BrandAuthorization(technician=technician, brand=brand, valid_until=valid_until)
            for brand, valid_until in cleaned_brands
        )
    if shifts is not UNSET:
        technician.shifts.filter(outlet=outlet).delete()
        Shift.objects.bulk_create(
            Shift(
                technician=technician,
                outlet=outlet,
                weekday=s["weekday"],
                starts=s["starts"],
                ends=s["ends"],
            )
            for s in shifts
        )
    if absences is not UNSET:
        technician.absences.all().delete()
        Absence.objects.bulk_create(
            Absence(
                technician=technician,
                first_day=a["first_day"],
                last_day=a["last_day"],
                reason=a.get("reason", "").strip(),
            )
            for a in absences
        )
    return technician
