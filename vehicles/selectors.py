from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import Brand, Vehicle, VehicleModel


def brand_list() -> QuerySet[Brand]:
    return Brand.objects.order_by("name")


def vehicle_model_list(*, brand: str | None = None) -> QuerySet[VehicleModel]:
    models = VehicleModel.objects.select_related("brand").order_by("brand__name", "name")
    if brand:
        models = models.filter(brand__code__iexact=brand)
    return models


def vehicle_list(*, owner: User) -> QuerySet[Vehicle]:
    return Vehicle.objects.filter(owner=owner).select_related("model__brand")


def vehicle_get(*, owner: User, vehicle_id: int) -> Vehicle:
    """The owner's vehicle; anyone else's answers 404, exactly like a missing one."""
    return get_object_or_404(vehicle_list(owner=owner), pk=vehicle_id)
