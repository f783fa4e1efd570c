"""Forms of the staff pages (the board's actions, walk-ins, the manager pages, the counter's
verification): they parse and label input; the rules stay in the services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from outlets.models import Bay, Capability, ServiceType
from outlets.services import Interval
from vehicles.models import VehicleModel

from ..common.display import car_name, local_name
from .intervals import day_intervals


class ActionForm(forms.Form):
    """The input of one day-of-service action on a booking's card (web.staff.actions). Its
    cleaned data are the keyword arguments of the action's service, beside the booking and the
    actor; an action that takes nothing more uses this form as it is. A refused form is shown
    again bound, with what was typed and ticked."""

    def __init__(self, data: Any = None, *, booking: Booking):
        super().__init__(data, initial=self.initial_for(booking))
        self.booking = booking

    def initial_for(self, booking: Booking) -> dict[str, Any]:
        return {}


class CheckInForm(ActionForm):
    odometer_km = forms.IntegerField(
        label=_("Odometer (km)"), min_value=0, max_value=5_000_000, required=False
    )


class StartForm(ActionForm):
    """Start the work; the bay chosen here, one of the outlet's bays in use, assigns or changes
    the booking's bay; the crew chosen (technician ids, lead first, comma-separated: the board
    offers them only at an outlet that plans crews) assigns or changes its crew. Whether that
    crew may do the work now is booking_start's to say."""

    bay = forms.ModelChoiceField(label=_("Bay"), queryset=Bay.objects.none(), required=False)
    crew = forms.CharField(label=_("Crew"), max_length=200, required=False)

    def __init__(self, data: Any = None, *, booking: Booking):
        super().__init__(data, booking=booking)
        self.fields["bay"].queryset = Bay.objects.filter(
            outlet_id=booking.outlet_id, is_active=True
        )

    def clean_crew(self) -> list[int] | None:
        """None (not chosen: the service keeps or picks one) or the ids, lead first."""
        text = self.cleaned_data.get("crew", "").strip()
        if not text:
            return None
        try:
            ids = [int(part) for part in text.split(",")]
        except ValueError as exc:
            raise ValidationError(_("Choose a crew from the list.")) from exc
        if len(set(ids)) != len(ids) or min(ids) < 1:
            raise ValidationError(_("Choose a crew from the list."))
        return ids


def checklist_items(service: ServiceType) -> list[tuple[str, str]]:
    """(item, as shown) for each item of a service's standard checklist: the item itself is
    what a tick sends (the checklist's key), shown in the reader's language."""
    return list(zip(service.checklist, service.display_checklist, strict=False))


class ReadyForm(ActionForm):
    """The car is declared ready with its checklist, as one list of ticked items per service
    (`check-<code>`); the service refuses anything short of every standard item."""

    # Never rendered as an input: the page shows the checklist's boxes, and the service's
    # messages about them land on this field (form_error places errors on visible fields).
    checklist = forms.CharField(required=False)
    # Shown once ready was refused for approved extra work not done (estimates.services).
    defer_reason = forms.CharField(
        label=_("Why the approved extra work waits for a later visit"),
        max_length=255,
        required=False,
    )

    def __init__(self, data: Any = None, *, booking: Booking):
        super().__init__(data, booking=booking)
        # As the board prefetched them (bookings.selectors.with_details): no query per card.
        self.services = [line.service_type for line in booking.booking_services.all()]

    def ticked(self, service: ServiceType) -> list[str]:
        return list(self.data.getlist(f"check-{service.code}")) if self.is_bound else []

    @property
    def checklists(self) -> list[tuple[ServiceType, list[tuple[str, str, bool]]]]:
        """Each service with its items: (item, as shown, ticked as submitted)."""
        lists = []
        for service in self.services:
            ticked = set(self.ticked(service))
            items = [(item, shown, item in ticked) for item, shown in checklist_items(service)]
            lists.append((service, items))
        return lists

    def clean_checklist(self) -> dict[str, list[str]]:
        """The ticked items of each of the booking's services, as the service reads them."""
        return {s.code: self.ticked(s) for s in self.services}


class CompleteForm(ActionForm):
    """The owner collects the car; the labour time is proposed from the start to ready."""

    actual_labour_minutes = forms.IntegerField(
        label=_("Actual labour time (minutes)"), min_value=1, max_value=24 * 60
    )

    def initial_for(self, booking: Booking) -> dict[str, Any]:
        if booking.started_at and booking.ready_at and booking.ready_at > booking.started_at:
            minutes = round((booking.ready_at - booking.started_at).total_seconds() / 60)
            return {"actual_labour_minutes": max(1, minutes)}
        return {}


class ModelChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: VehicleModel) -> str:
        return car_name(obj)


class WalkInForm(forms.Form):
    vin = forms.CharField(label=_("VIN"), max_length=32)
    service = forms.MultipleChoiceField(
        label=_("Services"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    model = ModelChoice(
        label=_("Model (for a car new to HIMA)"),
        queryset=VehicleModel.objects.none(),
        required=False,
        to_field_name="code",
    )
    plate = forms.CharField(label=_("Plate (optional)"), max_length=16, required=False)
    notes = forms.CharField(label=_("Notes (optional)"), max_length=500, required=False)
    # Asked for by the service only when the desk's day is full (bookings.lifecycle.desk).
    desk_override_reason = forms.CharField(
        label=_("Reason to pass the service desk's limit (only when it is full)"),
        max_length=200,
        required=False,
    )

    def __init__(self, *args: Any, services: Sequence[ServiceType], models: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(s.code, local_name(s)) for s in services]
        self.fields["model"].queryset = models


WEEKDAY_LABELS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


class HoursForm(forms.Form):
    """The week as text, one line per weekday: intervals like `08:30-12:00, 13:00-18:00`; an
    empty line is a closed day. The service validates overlaps and order."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for day, label in enumerate(WEEKDAY_LABELS):
            self.fields[f"day{day}"] = forms.CharField(
                label=label,
                required=False,
                max_length=200,
                help_text=_("For example 08:30-12:00, 13:00-18:00; empty: closed."),
            )

    def _parse(self, day: int, text: str) -> list[Interval]:
        try:
            times = day_intervals(text)
        except ValueError as exc:
            raise ValidationError(
                {f"day{day}": [_("Write each interval as HH:MM-HH:MM.")]}
            ) from exc
        return [Interval(weekday=day, opens=opens, closes=closes) for opens, closes in times]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        intervals: list[Interval] = []
        for day in range(7):
            try:
                intervals.extend(self._parse(day, cleaned.get(f"day{day}", "") or ""))
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    self.add_error(name, messages)
        cleaned["intervals"] = intervals
        return cleaned


class ClosureForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason (optional)"), max_length=128, required=False)
    reason_zh = forms.CharField(
        label=_("Reason in Chinese (optional)"), max_length=128, required=False
    )


class ClosureDeleteForm(forms.Form):
    date = forms.DateField(widget=forms.HiddenInput)


class CapacityForm(forms.Form):
    """How the outlet plans its work and its service desk's limits (outlets.services
    .outlet_capacity_update decides what is allowed)."""

    plans_crews = forms.BooleanField(
        label=_("Plan starts by crews as well as bays"),
        required=False,
        help_text=_(
            "Switch it on once every technician, their certificates and shifts are entered: "
            "from then on a start is offered only when a qualified crew is free too."
        ),
    )
    desk_per_slot = forms.IntegerField(
        label=_("Check-ins at one slot start"),
        required=False,
        help_text=_("Empty: no limit."),
    )
    desk_per_day = forms.IntegerField(
        label=_("Check-ins in one day"),
        required=False,
        help_text=_("Empty: no limit. Walk-ins count against this one only."),
    )


class BayForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=32)
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=32, required=False)
    capabilities = forms.MultipleChoiceField(
        label=_("Capabilities"), choices=Capability.choices, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class CounterVerifyForm(forms.Form):
    booking = forms.CharField(label=_("Reference of the car's visit"), max_length=12)
    phone = forms.CharField(
        label=_("Owner's verified mobile number"),
        max_length=32,
        help_text=_("Check the name on the registration certificate (行驶证) against the person."),
    )
