"""Recording the check-in inspection: staff of the outlet, while the car is at the outlet."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from bookings import access
from bookings.locks import lock_booking
from bookings.models import Booking
from hima_service.exceptions import Conflict
from vehicles.models import OdometerReading
from vehicles.services import vehicle_update

from .models import Angle, DamageMark, Inspection, WalkAroundView
from .photos import PreparedPhoto, photo_delete, photo_prepare, photo_save
from .selectors import inspection_of

# The car is in the workshop's hands from check-in until it is ready: inspected then.
INSPECTABLE = (Booking.Status.CHECKED_IN, Booking.Status.IN_SERVICE)


class InspectionClosed(Conflict):
    code = "inspection_closed"
    default_detail = gettext_lazy(
        "The inspection is recorded while the car is checked in or in service."
    )


@dataclass(frozen=True)
class ViewInput:
    """One walk-around view: a note to set (None keeps it) and a photo to replace it with."""

    note: str | None = None
    photo: UploadedFile | None = None


@dataclass(frozen=True)
class DamageInput:
    location: str
    note: str = ""
    photo: UploadedFile | None = None


def _prepare_all(
    views: Mapping[str, ViewInput], damage: DamageInput | None
) -> tuple[dict[str, PreparedPhoto], PreparedPhoto | None]:
    """Every upload checked before anything is stored: one refused photo refuses the whole
    record, with each refusal under its own field (`front_photo`, `damage_photo`)."""
    errors: dict[str, list[str]] = {}
    prepared: dict[str, PreparedPhoto] = {}
    damage_photo = None
    for angle, view in views.items():
        if view.photo is not None:
            try:
                prepared[angle] = photo_prepare(upload=view.photo)
            except ValidationError as error:
                errors[f"{angle}_photo"] = error.message_dict["photo"]
    if damage is not None and damage.photo is not None:
        try:
            damage_photo = photo_prepare(upload=damage.photo)
        except ValidationError as error:
            errors["damage_photo"] = error.message_dict["photo"]
    if errors:
        raise ValidationError(errors)
    return prepared, damage_photo


@transaction.atomic
def inspection_record(
    *,
    booking: Booking,
    actor: User,
    odometer_km: int,
    state_of_charge: int,
    views: Mapping[str, ViewInput] | None = None,
    damage: DamageInput | None = None,
) -> Inspection:
    """Record or update the booking's inspection; `damage` adds one damage mark. The odometer
    reading joins the car's history as a service reading, as at check-in."""
    views = views or {}
    unknown = set(views) - set(Angle.values)
    if unknown:
        raise ValueError(f"unknown walk-around views: {sorted(unknown)}")
    locked = lock_booking(booking.pk)
    if not access.may_run(actor, locked):
        raise PermissionDenied(_("Only the outlet's staff record the inspection."))
    if locked.status not in INSPECTABLE:
        raise InspectionClosed()
    if not 0 <= state_of_charge <= 100:
        raise ValidationError(
            {"state_of_charge": [_("The state of charge is a percentage from 0 to 100.")]}
        )
    if damage is not None and not damage.location.strip():
        raise ValidationError({"damage_location": [_("Say where the damage is.")]})
    prepared, damage_photo = _prepare_all(views, damage)
    vehicle_update(
        vehicle=locked.vehicle,
        odometer_km=odometer_km,
        odometer_source=OdometerReading.Source.SERVICE,
    )
    inspection, _created = Inspection.objects.update_or_create(
        booking=locked,
        defaults={
            "odometer_km": odometer_km,
            "state_of_charge": state_of_charge,
            "inspected_by": actor,
        },
    )
    for angle, view_input in views.items():
        _update_view(inspection, angle, view_input, prepared.get(angle), actor)
    if damage is not None:
        DamageMark.objects.create(
            inspection=inspection,
            location=damage.location.strip(),
            note=damage.note.strip(),
            photo=photo_save(booking=locked, prepared=damage_photo, actor=actor)
            if damage_photo
            else None,
        )
    found = inspection_of(locked)
    assert found is not None  # noqa: S101 - written above, in this transaction
    return found


def _update_view(
    inspection: Inspection,
    angle: str,
    view_input: ViewInput,
    prepared: PreparedPhoto | None,
    actor: User,
) -> None:
    view, _created = WalkAroundView.objects.get_or_create(inspection=inspection, angle=angle)
    replaced = None
    if view_input.note is not None:
        view.note = view_input.note.strip()
    if prepared is not None:
        replaced = view.photo
        view.photo = photo_save(booking=inspection.booking, prepared=prepared, actor=actor)
    view.save()
    # A replaced photo goes, unless an extra-work line shows it: the owner was asked to approve
    # the work on what it shows.
    if replaced is not None and not replaced.estimate_lines.exists():
        photo_delete(photo=replaced)
