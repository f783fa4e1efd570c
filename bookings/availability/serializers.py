"""What the availability endpoints take and answer. The response serializers render the real
answers (and so document exactly what is sent)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from outlets.geo import parse_lat_lng

MAX_LIMIT = 20


# --- input ----------------------------------------------------------------------------------


class _QueryBase(serializers.Serializer):
    service = serializers.ListField(
        child=serializers.CharField(max_length=64),
        allow_empty=False,
        error_messages={"empty": _("Name at least one service, e.g. service=maintenance-basic.")},
    )
    vehicle = serializers.IntegerField(required=False, min_value=1)
    brand = serializers.CharField(required=False, max_length=16)


class OutletAvailabilityQuery(_QueryBase):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


class NetworkAvailabilityQuery(_QueryBase):
    near = serializers.CharField()
    limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_LIMIT, default=5)

    def validate_near(self, value: str) -> tuple[float, float]:
        try:
            return parse_lat_lng(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("vehicle") and not attrs.get("brand"):
            raise serializers.ValidationError(
                {"vehicle": [_("Give vehicle=<your vehicle id>, or brand=<brand code>.")]}
            )
        return attrs


# --- output ---------------------------------------------------------------------------------


class LocalDateTimeField(serializers.DateTimeField):
    """An instant as the outlet's clock reads it, with its offset. DRF's own field would
    convert it to the server's zone; the contract is the outlet's zone."""

    def to_representation(self, value: dt.datetime) -> str:
        return value.isoformat()


class RoundedFloatField(serializers.FloatField):
    # The DRF stubs type FloatField's representation as str; DRF's own is a float, like this.
    def to_representation(self, value: float) -> float:  # type: ignore[override]
        return round(float(value), 2)


class AvailabilityDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    starts = serializers.ListField(child=LocalDateTimeField())


class OutletAvailabilitySerializer(serializers.Serializer):
    outlet = serializers.CharField(source="outlet.code")
    name = serializers.CharField(source="outlet.name")
    time_zone = serializers.CharField(source="outlet.time_zone")
    services = serializers.ListField(child=serializers.CharField())
    duration_minutes = serializers.IntegerField()
    slot_step_minutes = serializers.IntegerField(source="outlet.slot_step_minutes")
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    days = AvailabilityDaySerializer(many=True)


class NetworkOutletSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    city = serializers.CharField()
    address = serializers.CharField()
    time_zone = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


class NetworkResultSerializer(serializers.Serializer):
    outlet = NetworkOutletSerializer()
    distance_km = RoundedFloatField()
    earliest_start = LocalDateTimeField()


class NetworkAvailabilitySerializer(serializers.Serializer):
    brand = serializers.CharField(source="brand.code")
    services = serializers.ListField(child=serializers.CharField())
    duration_minutes = serializers.IntegerField()
    within_days = serializers.IntegerField()
    results = NetworkResultSerializer(many=True)
