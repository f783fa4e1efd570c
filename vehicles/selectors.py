from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import User

from .models import Brand, Vehicle, VehicleModel

MAX_ID = 2**63 - 1  # a bigint: a larger id names nothing (and would not use the index)


def brand_list() -> QuerySet[Brand]:
    return Brand.objects.order_by("name")


def vehicle_model_list(*, brand: str | None = None) -> QuerySet[VehicleModel]:
    models = VehicleModel.objects.select_related("brand").order_by("brand__name", "name")
    if brand:
        models = models.filter(brand__code__iexact=brand)
    return models


def vehicle_list(*, owner: User) -> QuerySet[Vehicle]:
    """The cars the account holds now (one released to its verified owner is gone)."""
    return Vehicle.objects.filter(owner=owner, released_at__isnull=True).select_related(
        "model__brand"
    )


def vehicles_released(*, owner: User) -> QuerySet[Vehicle]:
    """Cars the account lost to their verified owner, latest first: it is told why."""
    return (
        Vehicle.objects.filter(owner=owner, released_at__isnull=False)
        .select_related("model__brand")
        .order_by("-released_at")
    )


def vehicle_get(*, owner: User, vehicle_id: int) -> Vehicle:
    """The owner's vehicle; anyone else's answers 404, exactly like a missing one."""
    return get_object_or_404(vehicle_list(owner=owner), pk=vehicle_id)


def check_owned(*, vehicle: Vehicle, owner: User, field: str = "vehicle") -> None:
    """The one ownership rule for a vehicle named in input: someone else's is refused exactly
    like a missing one, so its existence is not revealed (rule 4)."""
    if vehicle.owner_id != owner.pk or vehicle.released_at is not None:
        raise ValidationError({field: [_("Unknown vehicle.")]})


def owned_vehicle(*, owner: User, vehicle_id: int, field: str = "vehicle") -> Vehicle:
    """The owner's vehicle by the id a client sent, with its model and brand, or a field error
    (see check_owned). One query."""
    vehicle = None
    if 0 < vehicle_id <= MAX_ID:
        vehicle = Vehicle.objects.select_related("model__brand").filter(pk=vehicle_id).first()
    if vehicle is None:
        raise ValidationError({field: [_("Unknown vehicle.")]})
    check_owned(vehicle=vehicle, owner=owner, field=field)
    return vehicle
