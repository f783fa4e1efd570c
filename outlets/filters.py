"""Query-string filters of the outlet search and the catalog (django-filter).

Bad values are 400s with `fields` (the backend raises them), never silently ignored."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from vehicles.models import Brand

from .geo import parse_lat_lng, with_distance_km
from .models import Amenity, Outlet, ServiceType


class LatLngField(forms.CharField):
    """`lat,lng` → a (lat, lng) tuple, or a field error saying how to write it."""

    def clean(self, value: Any) -> tuple[float, float] | None:
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_lat_lng(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc


class LatLngFilter(django_filters.Filter):
    field_class = LatLngField


class StrictBooleanField(forms.Field):
    """`true` or `false` (also `1` or `0`, any case); anything else is a field error.

    django-filter's BooleanFilter reads the value through NullBooleanSelect, which turns any
    unknown value into "no filter": `night_service=maybe` would silently list every outlet."""

    widget = forms.TextInput  # hands over the raw value, so the field can judge it
    TRUE = frozenset({"true", "1"})
    FALSE = frozenset({"false", "0"})
    default_error_messages = {"invalid": _("Use true or false.")}

    def clean(self, value: Any) -> bool | None:
        value = super().clean(value)
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class BrandCodeField(forms.ModelChoiceField):
    """A brand by code, any case (`aito`, `AITO`)."""

    def to_python(self, value: Any) -> Brand | None:
        if isinstance(value, str):
            value = value.strip().upper()
        return super().to_python(value)


class BrandCodeFilter(django_filters.ModelChoiceFilter):
    field_class = BrandCodeField


@extend_schema_field(OpenApiTypes.STR)
class ServiceCodesFilter(django_filters.ModelMultipleChoiceFilter):
    """Service codes; repeated, the outlet must offer every one."""


class OutletFilter(django_filters.FilterSet):
    city = django_filters.CharFilter(field_name="city", lookup_expr="iexact")
    brand = BrandCodeFilter(
        field_name="brands",
        queryset=Brand.objects.all(),
        to_field_name="code",
        help_text="Brand code, any case (AITO, luxeed…).",
    )
    # Repeatable; an outlet must offer every one given (one join per code, so no duplicates).
    service = ServiceCodesFilter(
        # to_field_name makes the predicate the code itself, hence the `__code` path.
        field_name="services__code",
        queryset=ServiceType.objects.filter(is_active=True),
        to_field_name="code",
        conjoined=True,
        help_text="Service code; repeat to require several.",
    )
    amenity = django_filters.MultipleChoiceFilter(
        choices=Amenity.choices, method="filter_amenity", help_text="Repeat to require several."
    )
    night_service = StrictBooleanFilter(
        field_name="night_service", help_text="true or false: Starry Night Service."
    )
    kind = django_filters.ChoiceFilter(choices=Outlet.Kind.choices)
    near = LatLngFilter(
        method="filter_near", help_text="lat,lng: sorts by great-circle distance (distance_km)."
    )

    class Meta:
        model = Outlet
        fields = ["city", "brand", "service", "amenity", "night_service", "kind", "near"]

    def filter_amenity(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(amenities__contains=list(value)) if value else queryset

    def filter_near(self, queryset: QuerySet, name: str, value: tuple[float, float]) -> QuerySet:
        if not value:
            return queryset
        latitude, longitude = value
        return with_distance_km(queryset, latitude=latitude, longitude=longitude).order_by(
            "distance_km", "code"
        )


class ServiceTypeFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=ServiceType.Category.choices)

    class Meta:
        model = ServiceType
        fields = ["category"]
