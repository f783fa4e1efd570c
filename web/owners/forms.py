"""Forms of the owner pages: they parse and label input; the rules stay in the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, Feedback
from bookings.serializers import FIRST_DAY, LAST_DAY
from outlets.models import Amenity, Outlet, ServiceType
from vehicles.models import Vehicle, VehicleModel
from vehicles.validators import EARLIEST_DELIVERY, validate_delivery_date

from ..common.display import car_name, local_name
from ..common.fields import CodeField
from .selectors import NEARBY_KM, NEARBY_KM_CHOICES


class VehicleModelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: VehicleModel) -> str:
        return car_name(obj)


class VehicleAddForm(forms.Form):
    vin = forms.CharField(
        label=_("VIN"),
        max_length=32,
        help_text=_("17 characters, on the registration certificate and the windscreen."),
    )
    model = VehicleModelChoiceField(label=_("Model"), queryset=VehicleModel.objects.none())
    model_year = forms.IntegerField(
        label=_("Model year (optional)"), min_value=1980, max_value=2100, required=False
    )
    plate = forms.CharField(label=_("Plate (optional)"), max_length=16, required=False)
    odometer_km = forms.IntegerField(
        label=_("Odometer (km)"), min_value=0, max_value=5_000_000, initial=0
    )
    delivery_date = forms.DateField(
        label=_("Delivery date (optional)"),
        required=False,
        validators=[validate_delivery_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, models: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = models
        # The browser's date picker offers only the days the validator accepts.
        self.fields["delivery_date"].widget.attrs.update(
            min=EARLIEST_DELIVERY.isoformat(), max=timezone.localdate().isoformat()
        )


class VehicleEditForm(forms.Form):
    plate = forms.CharField(label=_("Plate"), max_length=16, required=False)
    odometer_km = forms.IntegerField(label=_("Odometer (km)"), min_value=0, max_value=5_000_000)


class OwnedVehicleField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Vehicle) -> str:
        name = car_name(obj.model)
        return f"{name} · {obj.plate}" if obj.plate else f"{name} · {obj.vin}"


class ServicesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ServiceType) -> str:
        return local_name(obj)


class ServiceGroupsMixin:
    """The service checkboxes grouped by catalog category (a fieldset each), and the chosen
    ones' labels, which the folded choice shows in its summary."""

    def service_groups(self) -> list[tuple[str, list]]:
        labels = dict(ServiceType.Category.choices)
        groups: dict[str, list] = {}
        for option in self["service"]:  # type: ignore[index]
            category = option.data["value"].instance.category
            groups.setdefault(category, []).append(option)
        order = list(labels)
        return [
            (labels.get(category, category), options)
            for category, options in sorted(
                groups.items(), key=lambda item: order.index(item[0]) if item[0] in order else 99
            )
        ]

    def chosen_labels(self, name: str) -> list[str]:
        """The labels of the options checked in the field `name`, as submitted."""
        field = self[name]  # type: ignore[index]
        chosen = {str(v) for v in (field.value() or [])}
        return [str(o.choice_label) for o in field if str(o.data["value"]) in chosen]

    def chosen_services(self) -> list[str]:
        return self.chosen_labels("service")


class OutletSearchForm(ServiceGroupsMixin, forms.Form):
    """The outlet search's filters; `near` is filled by the page's script when the browser
    shares its position."""

    city = forms.ChoiceField(label=_("City"), required=False)
    vehicle = OwnedVehicleField(
        label=_("Your vehicle"),
        queryset=Vehicle.objects.none(),
        required=False,
        empty_label=_("Any brand"),
    )
    service = ServicesField(
        label=_("Services"),
        queryset=ServiceType.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    amenity = forms.MultipleChoiceField(
        label=_("Amenities"),
        choices=Amenity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    night_service = forms.BooleanField(label=_("Starry Night Service"), required=False)
    near = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        cities: list[tuple[str, str]],
        vehicles: Any,
        services: Any,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", _("All cities")), *cities]
        self.fields["vehicle"].queryset = vehicles
        self.fields["service"].queryset = services

    def chosen_amenities(self) -> list[str]:
        return self.chosen_labels("amenity")


class RadiusField(forms.TypedChoiceField):
    """How far "nearby" reaches; an unknown value (an edited link) means the default."""

    def clean(self, value: Any) -> Any:
        try:
            return super().clean(value)
        except ValidationError:
            return self.empty_value


class PickForm(ServiceGroupsMixin, forms.Form):
    """Vehicle and services of one visit (the picker's first step), and how far the soonest
    nearby alternatives may be."""

    vehicle = OwnedVehicleField(
        label=_("Vehicle"), queryset=Vehicle.objects.none(), empty_label=None
    )
    service = ServicesField(
        label=_("Services"),
        queryset=ServiceType.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one service.")},
    )
    within = RadiusField(
        label=_("Search within"),
        coerce=int,
        choices=[(km, format_lazy(_("{km} km"), km=km)) for km in NEARBY_KM_CHOICES],
        required=False,
        empty_value=NEARBY_KM,
        initial=NEARBY_KM,
    )

    def __init__(self, *args: Any, vehicles: Any, services: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = vehicles
        self.fields["service"].queryset = services


class StartField(forms.DateTimeField):
    """An ISO-8601 start with its offset, as the picker's links carry it."""

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        try:
            parsed = dt.datetime.fromisoformat(str(value).strip().replace(" ", "+"))
        except ValueError as exc:
            raise ValidationError(_("Choose one of the free times."), code="invalid") from exc
        # Within the calendar the API takes: at its ends, moving to another zone overflows.
        if parsed.tzinfo is None or not FIRST_DAY <= parsed.date() <= LAST_DAY:
            raise ValidationError(_("Choose one of the free times."), code="invalid")
        return parsed


class ConfirmForm(PickForm):
    MODES = [
        (Booking.Mode.DROP_OFF, _("Drop off the car")),
        (Booking.Mode.WAIT, _("Wait at the outlet")),
        (Booking.Mode.PICKUP_DELIVERY, _("Pickup and delivery")),
        (Booking.Mode.NIGHT_SERVICE, _("Starry Night Service (overnight)")),
    ]

    start = StartField(widget=forms.HiddenInput)
    mode = forms.ChoiceField(
        label=_("How the car comes"),
        choices=MODES,
        initial=Booking.Mode.DROP_OFF,
        widget=forms.RadioSelect,
    )
    pickup_address = forms.CharField(
        label=_("Pickup address"),
        max_length=255,
        required=False,
        help_text=_("Needed for pickup and delivery and for the Starry Night Service."),
    )
    notes = forms.CharField(
        label=_("Notes for the outlet (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, outlet: Outlet, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not outlet.night_service:
            # Offered only where the outlet has it; the service refuses it anyway elsewhere.
            self.fields["mode"].choices = [
                c for c in self.MODES if c[0] != Booking.Mode.NIGHT_SERVICE
            ]


class RescheduleForm(forms.Form):
    start = StartField()


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=255, required=False)


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=Feedback._meta.get_field("comment").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class EmailForm(forms.Form):
    email = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )


class CodeForm(forms.Form):
    code = CodeField()
