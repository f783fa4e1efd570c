"""The rules of one technician's inputs, each checked alone (skills, the high-voltage
certificate, brand authorizations, a week of shifts, absences): shared by crews.services, the
admin and the manager's pages' forms, so that all of them refuse the same things. Each raises
ValidationError keyed by the input at fault."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NotRequired, TypedDict

from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS as WEEKDAY_NAMES
from django.utils.translation import gettext as _

from outlets.models import Capability
from vehicles.models import Brand

from .models import HvLevel


class BrandInput(TypedDict):
    brand: str  # the brand's code
    valid_until: dt.date


class ShiftInput(TypedDict):
    weekday: int
    starts: dt.time
    ends: dt.time


class AbsenceInput(TypedDict):
    first_day: dt.date
    last_day: dt.date
    reason: NotRequired[str]


def _span(starts: dt.time, ends: dt.time) -> str:
    return f"{starts:%H:%M}–{ends:%H:%M}"


def clean_skills(skills: Iterable[str]) -> list[str]:
    """The skills as stored: known capabilities only, each once, in the order given."""
    allowed = set(Capability.values)
    cleaned: list[str] = []
    for skill in skills:
        if skill not in allowed:
            message = _("%(skill)s is not a skill.") % {"skill": repr(skill)}
            raise ValidationError({"skills": [message]})
        if skill not in cleaned:
            cleaned.append(skill)
    return cleaned


def clean_hv(*, hv_level: int, hv_valid_until: dt.date | None) -> dt.date | None:
    """The high-voltage certificate: level 0–3, a valid-until date for any level above 0 (none
    is kept for level 0, so that a date never suggests a certificate that does not exist)."""
    if hv_level not in HvLevel.values:
        raise ValidationError({"hv_level": [_("The high-voltage level is 0, 1, 2 or 3.")]})
    if hv_level == HvLevel.NONE:
        return None
    if hv_valid_until is None:
        raise ValidationError(
            {"hv_valid_until": [_("A high-voltage level needs the date it is valid until.")]}
        )
    return hv_valid_until


def clean_brands(brands: Sequence[BrandInput]) -> list[tuple[Brand, dt.date]]:
    """Known brand codes, each once."""
    codes = [item["brand"] for item in brands]
    found = {brand.code: brand for brand in Brand.objects.filter(code__in=codes)}
    errors: list[str] = []
    seen: set[str] = set()
    for code in codes:
        if code not in found:
            errors.append(_("Unknown brand: %(code)s.") % {"code": code})
        elif code in seen:
            errors.append(_("%(code)s is given twice.") % {"code": code})
        seen.add(code)
    if errors:
        raise ValidationError({"brands": errors})
    return [(found[item["brand"]], item["valid_until"]) for item in brands]


def validate_shifts(shifts: Iterable[ShiftInput], *, elsewhere: Iterable[ShiftInput] = ()) -> None:
    """Raise ValidationError({"shifts": [...]}) unless every shift is on weekday 0–6, ends
    after it starts, and overlaps (or touches) no other shift of its day, here or, in
    `elsewhere`, at the technician's other outlets: one person is in one place at a time.

    Touching shifts are one shift written twice: refused, as for opening hours, because a job
    must fit inside one shift."""
    errors: list[str] = []
    by_day: dict[int, list[ShiftInput]] = {}
    for shift in shifts:
        day, starts, ends = shift["weekday"], shift["starts"], shift["ends"]
        if not 0 <= day <= 6:
            errors.append(
                _("Weekday %(day)s does not exist: use 0 (Monday) to 6 (Sunday).") % {"day": day}
            )
            continue
        if ends <= starts:
            errors.append(
                _("%(day)s: %(shift)s ends before it starts.")
                % {"day": WEEKDAY_NAMES[day], "shift": _span(starts, ends)}
            )
            continue
        by_day.setdefault(day, []).append(shift)
    for day, day_shifts in sorted(by_day.items()):
        day_shifts.sort(key=lambda s: s["starts"])
        for before, after in zip(day_shifts, day_shifts[1:], strict=False):
            if after["starts"] <= before["ends"]:
                errors.append(
                    _("%(day)s: %(first)s and %(second)s overlap.")
                    % {
                        "day": WEEKDAY_NAMES[day],
                        "first": _span(before["starts"], before["ends"]),
                        "second": _span(after["starts"], after["ends"]),
                    }
                )
    for other in elsewhere:
        for shift in by_day.get(other["weekday"], []):
            if shift["starts"] < other["ends"] and other["starts"] < shift["ends"]:
                errors.append(
                    _("%(day)s: %(shift)s overlaps a shift at another outlet (%(other)s).")
                    % {
                        "day": WEEKDAY_NAMES[other["weekday"]],
                        "shift": _span(shift["starts"], shift["ends"]),
                        "other": _span(other["starts"], other["ends"]),
                    }
                )
    if errors:
        raise ValidationError({"shifts": errors})


def validate_absences(absences: Iterable[AbsenceInput]) -> None:
    """Each absence ends on or after its first day; its reason fits the field."""
    errors: list[str] = []
    for absence in absences:
        if absence["last_day"] < absence["first_day"]:
            errors.append(
                _("%(first)s–%(last)s: the last day is before the first.")
                % {"first": absence["first_day"], "last": absence["last_day"]}
            )
        if len(absence.get("reason", "").strip()) > 120:
            errors.append(_("A reason has at most 120 characters."))
    if errors:
        raise ValidationError({"absences": errors})
