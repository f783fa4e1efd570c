"""Forms of the technicians pages: they parse and label what a manager types into the inputs of
crews.services (skills, certificates, shifts at this outlet, absences); the rules stay there."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crews.models import HvLevel, Technician
from crews.services import BrandInput, ShiftInput, validate_shifts
from outlets.models import Capability
from vehicles.models import Brand

from ..common.display import local_name
from .forms import WEEKDAY_LABELS
from .intervals import day_intervals

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TechnicianAddForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("The person's existing HIMA account; they join this outlet as a technician."),
    )


def parse_shifts(day: int, text: str) -> list[ShiftInput]:
    """`08:00-12:00, 13:00-17:00` as the shifts of one weekday; an empty text is no shift."""
    try:
        times = day_intervals(text)
    except ValueError as exc:
        raise ValidationError(_("Write each interval as HH:MM-HH:MM.")) from exc
    return [ShiftInput(weekday=day, starts=starts, ends=ends) for starts, ends in times]


def shifts_text(technician: Technician, day: int) -> str:
    """The technician's shifts at this outlet on `day` as the form writes them (technician_get
    loaded them as `outlet_shifts`)."""
    return ", ".join(
        f"{s.starts:%H:%M}-{s.ends:%H:%M}" for s in technician.outlet_shifts if s.weekday == day
    )


class TechnicianForm(forms.Form):
    """Skills, the high-voltage certificate, one valid-until date per brand (empty: not
    authorized) and the week's shifts at this outlet, one line per weekday as on the opening
    hours page. Saved at once by technician_update, which replaces these lists."""

    skills = forms.MultipleChoiceField(
        label=_("Skills"),
        choices=Capability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    hv_level = forms.TypedChoiceField(
        label=_("High-voltage level"), choices=HvLevel.choices, coerce=int
    )
    hv_valid_until = forms.DateField(
        label=_("High-voltage certificate valid until"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Needed for any level above none."),
    )
    # Never rendered as inputs: the page shows a date per brand and a line per weekday, and the
    # service's messages about the whole list land on these (form_error places them).
    brands = forms.CharField(required=False)
    shifts = forms.CharField(required=False)

    def __init__(self, *args: Any, brands: Sequence[Brand], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.brand_list = list(brands)
        for brand in self.brand_list:
            self.fields[f"brand_{brand.code}"] = forms.DateField(
                label=local_name(brand), required=False, widget=DATE_INPUT
            )
        for day, label in enumerate(WEEKDAY_LABELS):
            self.fields[f"shift{day}"] = forms.CharField(
                label=label, required=False, max_length=200
            )

    @classmethod
    def initial_of(cls, technician: Technician) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "skills": list(technician.skills),
            "hv_level": technician.hv_level,
            "hv_valid_until": technician.hv_valid_until,
        }
        for authorization in technician.authorizations.all():
            initial[f"brand_{authorization.brand.code}"] = authorization.valid_until
        for day in range(7):
            initial[f"shift{day}"] = shifts_text(technician, day)
        return initial

    @property
    def brand_fields(self) -> list[forms.BoundField]:
        return [self[f"brand_{brand.code}"] for brand in self.brand_list]

    @property
    def shift_fields(self) -> list[forms.BoundField]:
        return [self[f"shift{day}"] for day in range(7)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned["brands"] = [
            BrandInput(brand=brand.code, valid_until=cleaned[f"brand_{brand.code}"])
            for brand in self.brand_list
            if cleaned.get(f"brand_{brand.code}")
        ]
        shifts: list[ShiftInput] = []
        for day in range(7):
            name = f"shift{day}"
            try:
                day_shifts = parse_shifts(day, cleaned.get(name) or "")
                # The service checks the week again on save, with the other outlets' shifts;
                # checking each day here puts a day's message next to its own line.
                validate_shifts(day_shifts)
            except ValidationError as exc:
                self.add_error(name, exc.messages)
                continue
            shifts.extend(day_shifts)
        cleaned["shifts"] = shifts
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of technician_update, from the cleaned form."""
        data = self.cleaned_data
        level = data["hv_level"]
        return {
            "skills": data["skills"],
            "hv_level": level,
            # A date kept for level 0 would suggest a certificate that does not exist.
            "hv_valid_until": data["hv_valid_until"] if level != HvLevel.NONE else None,
            "brands": data["brands"],
            "shifts": data["shifts"],
        }


class AbsenceForm(forms.Form):
    first_day = forms.DateField(label=_("First day"), widget=DATE_INPUT)
    last_day = forms.DateField(label=_("Last day"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason (optional)"), max_length=120, required=False)


class AbsenceRemoveForm(forms.Form):
    absence = forms.IntegerField(widget=forms.HiddenInput)
