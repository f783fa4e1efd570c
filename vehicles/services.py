from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Final, Literal

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from hima_service.exceptions import Conflict

from .models import OdometerReading, Vehicle, VehicleModel
from .ownership import delivery_record_names, holders, lock_vin
from .vin import normalize_vin, vin_model_years

VIN_TAKEN = _("This vehicle is already among your vehicles.")
HOW_TO_CLAIM = _(
    "This car is verified to another owner. If it is yours, show its registration certificate "
    "(行驶证) at the counter of any outlet, or ask the brand to record your purchase and then "
    "add the car again to verify it by a code sent to your phone."
)


class VehicleVerifiedElsewhere(Conflict):
    code = "vehicle_verified_elsewhere"


class Unset(Enum):
    """ "Not given", as opposed to an explicit None that clears a field; an enum member, so
    that the type checker narrows `is not UNSET`."""

    TOKEN = 0


UNSET: Final = Unset.TOKEN


def _check_vin(vin: str) -> str:
    try:
        return normalize_vin(vin)
    except ValidationError as exc:
        raise ValidationError({"vin": exc.messages}) from exc


def _model_year_for(vin: str, model_year: int | None) -> int:
    candidates = vin_model_years(vin)
    if model_year is None:
        if not candidates:
            raise ValidationError(
                {"vin": [gettext("The model-year code does not give a past year.")]}
            )
        return candidates[0]
    if model_year not in candidates:
        raise ValidationError(
            {
                "model_year": [
                    gettext("The VIN's year code stands for %(years)s.")
                    % {"years": gettext(" or ").join(map(str, candidates))}
                ]
            }
        )
    return model_year


@transaction.atomic
def vehicle_create(
    *,
    owner: User,
    vin: str,
    model: VehicleModel,
    model_year: int | None = None,
    plate: str = "",
    odometer_km: int = 0,
    delivery_date: date | None = None,
) -> Vehicle:
    """Add a car to an account, unverified. Several accounts may hold a VIN unverified; a car
    verified to someone else is refused with how to claim it, unless the brand's latest
    delivery record names this account's verified phone (vehicles.ownership). Takes the VIN's
    lock; the partial unique indexes back the rules up."""
    vin = _check_vin(vin)
    lock_vin(vin)
    current = list(holders(vin).only("owner_id", "verified_at"))
    if any(row.owner_id == owner.pk for row in current):
        raise ValidationError({"vin": [VIN_TAKEN]})
    verified = next((row for row in current if row.verified_at is not None), None)
    if verified is not None and not delivery_record_names(
        user=owner, vin=vin, brand_id=model.brand_id, after=verified.verified_at
    ):
        raise VehicleVerifiedElsewhere(str(HOW_TO_CLAIM), fields={"vin": [str(HOW_TO_CLAIM)]})
    vehicle = Vehicle(
        owner=owner,
        vin=vin,
        model=model,
        model_year=_model_year_for(vin, model_year),
        plate=_plate(plate),
        odometer_km=odometer_km,
        delivery_date=delivery_date,
    )
    try:
        with transaction.atomic():
            vehicle.save()
    except IntegrityError as exc:
        raise ValidationError({"vin": [VIN_TAKEN]}) from exc
    OdometerReading.objects.create(vehicle=vehicle, km=odometer_km, recorded_at=timezone.now())
    return vehicle


def _plate(text: str) -> str:
    """A plate as stored, in upper case, which can make it longer than typed ("ß" is "SS"):
    the column's length is checked on what is stored."""
    plate = text.strip().upper()
    try:
        MaxLengthValidator(Vehicle._meta.get_field("plate").max_length)(plate)
    except ValidationError as exc:
        raise ValidationError({"plate": exc.messages}) from exc
    return plate


@transaction.atomic
def vehicle_update(
    *,
    vehicle: Vehicle,
    plate: str | None = None,
    odometer_km: int | None = None,
    delivery_date: date | None | Literal[Unset.TOKEN] = UNSET,
    odometer_source: str = OdometerReading.Source.OWNER,
) -> Vehicle:
    """Change a vehicle's details. The odometer only ever increases (row locked to compare)."""
    locked = Vehicle.objects.select_for_update().select_related("model__brand").get(pk=vehicle.pk)
    changed: list[str] = []
    if plate is not None:
        locked.plate = _plate(plate)
        changed.append("plate")
    if delivery_date is not UNSET:
        locked.delivery_date = delivery_date
        changed.append("delivery_date")
    if odometer_km is not None and odometer_km != locked.odometer_km:
        if odometer_km < locked.odometer_km:
            raise ValidationError(
                {
                    "odometer_km": [
                        gettext("The odometer cannot go down (it reads %(km)s km).")
                        % {"km": locked.odometer_km}
                    ]
                }
            )
        locked.odometer_km = odometer_km
        changed.append("odometer_km")
        OdometerReading.objects.create(
            vehicle=locked, km=odometer_km, source=odometer_source, recorded_at=timezone.now()
        )
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    return locked


@transaction.atomic
def vehicle_delete(*, vehicle: Vehicle) -> None:
    """Remove a vehicle that has never been booked nor verified: a booked one keeps the service
    history, a verified one the record of who proved it theirs (OwnershipVerification). Such a
    car leaves the account when its next owner verifies it."""
    if vehicle.bookings.exists():
        raise Conflict(gettext("This vehicle has bookings and its service history must be kept."))
    if vehicle.verifications.exists():
        raise Conflict(
            gettext(
                "This vehicle was verified as yours and that record must be kept; it leaves "
                "your vehicles when its next owner verifies it."
            )
        )
    vehicle.delete()
