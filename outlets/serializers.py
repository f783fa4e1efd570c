"""Plain input and output serializers of the outlets API; rules live in services."""

from __future__ import annotations

from itertools import groupby

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Capability, Outlet, ServiceType
from .services import WEEKDAYS


class ServiceTypeOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceType
        fields = [
            "code",
            "name",
            "name_zh",
            "category",
            "labour_minutes",
            "capability",
            "skill",
            "min_hv_level",
            "crew_size",
            "price",
            "checklist",
            "checklist_zh",
            "counts_as_maintenance",
        ]


class OfferedServiceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_zh = serializers.CharField()
    category = serializers.CharField()
    labour_minutes = serializers.IntegerField()
    capability = serializers.CharField()
    price = serializers.DecimalField(max_digits=9, decimal_places=2)


class BrandRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}$", "example": "08:30"})
class ClockTimeField(serializers.TimeField):
    """A wall-clock time as HH:MM. Not OpenAPI's `format: time`, which requires seconds."""

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%H:%M", **kwargs)


class IntervalSerializer(serializers.Serializer):
    opens = ClockTimeField()
    closes = ClockTimeField()


class DayHoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField()
    day = serializers.CharField()
    intervals = IntervalSerializer(many=True)


def weekly_hours(outlet: Outlet) -> list[dict]:
    """All seven days, Monday first; a day without intervals is closed (empty list)."""
    hours = sorted(outlet.opening_hours.all(), key=lambda h: (h.weekday, h.opens))
    by_day = {day: list(items) for day, items in groupby(hours, key=lambda h: h.weekday)}
    return [
        {
            "weekday": day,
            "day": WEEKDAYS[day],
            "intervals": [{"opens": h.opens, "closes": h.closes} for h in by_day.get(day, [])],
        }
        for day in range(7)
    ]


class OutletListOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_zh = serializers.CharField()
    kind = serializers.CharField()
    address = serializers.CharField()
    address_zh = serializers.CharField()
    city = serializers.CharField()
    city_zh = serializers.CharField()
    province = serializers.CharField()
    province_zh = serializers.CharField()
    country = serializers.CharField()
    currency = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    time_zone = serializers.CharField()
    phone = serializers.CharField()
    brands = serializers.SerializerMethodField()
    services = serializers.SerializerMethodField()
    amenities = serializers.ListField(child=serializers.CharField())
    night_service = serializers.BooleanField()
    night_capacity = serializers.IntegerField()
    distance_km = serializers.SerializerMethodField()

    def get_brands(self, outlet: Outlet) -> list[str]:
        return sorted(b.code for b in outlet.brand_list)

    def get_services(self, outlet: Outlet) -> list[str]:
        return [s.code for s in outlet.service_list]

    def get_distance_km(self, outlet: Outlet) -> float | None:
        distance = getattr(outlet, "distance_km", None)
        return None if distance is None else round(distance, 1)


class ClosureOutputSerializer(serializers.Serializer):
    date = serializers.DateField()
    reason = serializers.CharField()
    reason_zh = serializers.CharField()


class BayOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    name_zh = serializers.CharField()
    capabilities = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField()


class PublicBaySerializer(serializers.Serializer):
    name = serializers.CharField()
    name_zh = serializers.CharField()
    capabilities = serializers.ListField(child=serializers.CharField())


class OutletDetailOutputSerializer(OutletListOutputSerializer):
    distance_km = None  # only the search knows where the user is
    brands = serializers.SerializerMethodField()
    services = serializers.SerializerMethodField()
    hours = serializers.SerializerMethodField()
    closures = serializers.SerializerMethodField()
    bays = serializers.SerializerMethodField()
    slot_step_minutes = serializers.IntegerField()
    turnover_minutes = serializers.IntegerField()

    def get_brands(self, outlet: Outlet) -> list[dict]:
        return BrandRefSerializer(sorted(outlet.brand_list, key=lambda b: b.code), many=True).data

    def get_services(self, outlet: Outlet) -> list[dict]:
        return OfferedServiceSerializer(outlet.service_list, many=True).data

    def get_hours(self, outlet: Outlet) -> list[dict]:
        return DayHoursSerializer(weekly_hours(outlet), many=True).data

    def get_closures(self, outlet: Outlet) -> list[dict]:
        return ClosureOutputSerializer(outlet.closures_ahead, many=True).data

    def get_bays(self, outlet: Outlet) -> list[dict]:
        return PublicBaySerializer(outlet.active_bays, many=True).data


# --- input ---


class HoursIntervalInputSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6)
    opens = serializers.TimeField()
    closes = serializers.TimeField()


class HoursInputSerializer(serializers.Serializer):
    """The whole week: every interval of every day (an absent day is closed)."""

    hours = HoursIntervalInputSerializer(many=True, allow_empty=True)


class ClosureInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    reason = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    reason_zh = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")


class BayCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=32)
    name_zh = serializers.CharField(max_length=32, required=False, allow_blank=True)
    capabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Capability.choices), allow_empty=False
    )
    is_active = serializers.BooleanField(default=True)


class BayUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=32, required=False)
    name_zh = serializers.CharField(max_length=32, required=False, allow_blank=True)
    capabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Capability.choices),
        allow_empty=False,
        required=False,
    )
    is_active = serializers.BooleanField(required=False)
