"""Availability over HTTP: one outlet's free starts, and the network's soonest start near a place.

Anyone may ask. `vehicle=<id>` (signed in, one's own vehicle; anyone else's answers 404)
applies the brand authorization and the vehicle's own other bookings; anonymous callers pass
`brand=<code>` instead, which applies the brand authorization only. The network search needs
one of the two, because "which outlets can serve it" depends on the brand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from outlets.geo import parse_lat_lng
from outlets.schedule import days_between
from outlets.selectors import outlet_get_active, service_types_by_code
from vehicles.models import Brand, Vehicle
from vehicles.selectors import vehicle_get

from .availability import NETWORK_DAYS, earliest_near, free_starts, standard_duration

MAX_LIMIT = 20


# --- input ----------------------------------------------------------------------------------


class _QueryBase(serializers.Serializer):
    service = serializers.ListField(
        child=serializers.CharField(max_length=64),
        allow_empty=False,
        error_messages={"empty": "Name at least one service, e.g. service=maintenance-basic."},
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
                {"vehicle": ["Give vehicle=<your vehicle id>, or brand=<brand code>."]}
            )
        return attrs


def _query_data(request: Request, names: Sequence[str]) -> dict:
    params = request.query_params
    data: dict = {
        "service": [
            code.strip()
            for value in params.getlist("service")
            for code in value.split(",")
            if code.strip()
        ]
    }
    data.update({name: params[name] for name in names if params.get(name, "") != ""})
    return data


def _vehicle_and_brand(request: Request, params: dict) -> tuple[Vehicle | None, Brand | None]:
    if params.get("vehicle"):
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated(
                "Sign in to ask with vehicle=, or ask with brand=<brand code>."
            )
        vehicle = vehicle_get(owner=request.user, vehicle_id=params["vehicle"])
        return vehicle, vehicle.model.brand
    if params.get("brand"):
        brand = Brand.objects.filter(code__iexact=params["brand"]).first()
        if brand is None:
            raise ValidationError({"brand": [f"Unknown brand: {params['brand']}."]})
        return None, brand
    return None, None


@contextmanager
def _named_as_query(*, brand_param: bool) -> Iterator[None]:
    """The engine names inputs as the booking API does ("services", "vehicle"); here the
    client sent `service=` and maybe `brand=`, so name the fields after what they sent."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        renames = {"services": "service", **({"vehicle": "brand"} if brand_param else {})}
        raise ValidationError(
            {renames.get(key, key): value for key, value in exc.message_dict.items()}
        ) from exc


# --- output ---------------------------------------------------------------------------------


class AvailabilityDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    starts = serializers.ListField(child=serializers.DateTimeField())


class OutletAvailabilitySerializer(serializers.Serializer):
    outlet = serializers.CharField()
    name = serializers.CharField()
    time_zone = serializers.CharField()
    services = serializers.ListField(child=serializers.CharField())
    duration_minutes = serializers.IntegerField()
    slot_step_minutes = serializers.IntegerField()
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
    distance_km = serializers.FloatField()
    earliest_start = serializers.DateTimeField()


class NetworkAvailabilitySerializer(serializers.Serializer):
    brand = serializers.CharField()
    services = serializers.ListField(child=serializers.CharField())
    duration_minutes = serializers.IntegerField()
    within_days = serializers.IntegerField()
    results = NetworkResultSerializer(many=True)


def _iso(start: dt.datetime) -> str:
    # DRF would render in the server's zone; the contract is the outlet's own zone and offset.
    return start.isoformat()


SERVICE_PARAM = OpenApiParameter(
    "service", str, many=True, required=True, description="service type code; repeat for more"
)
VEHICLE_PARAM = OpenApiParameter(
    "vehicle", int, description="your vehicle's id: applies its brand and its own bookings"
)
BRAND_PARAM = OpenApiParameter("brand", str, description="brand code, for anonymous callers")


# --- views ----------------------------------------------------------------------------------


class OutletAvailabilityView(APIView):
    """Free start times at one outlet, in its own zone with the UTC offset."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            SERVICE_PARAM,
            OpenApiParameter("date_from", OpenApiTypes.DATE, description="default: today"),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description="default: +6 days; ≤ 31"),
            VEHICLE_PARAM,
            BRAND_PARAM,
        ],
        responses={200: OutletAvailabilitySerializer},
    )
    def get(self, request: Request, code: str) -> Response:
        outlet = outlet_get_active(code=code)
        query = OutletAvailabilityQuery(
            data=_query_data(request, ["date_from", "date_to", "vehicle", "brand"])
        )
        query.is_valid(raise_exception=True)
        params = query.validated_data
        services = service_types_by_code(params["service"], field="service")
        vehicle, brand = _vehicle_and_brand(request, params)
        zone = ZoneInfo(outlet.time_zone)
        date_from = params.get("date_from") or timezone.now().astimezone(zone).date()
        # A week by default, cut short at the end of the calendar (date_from=9999-12-30).
        date_to = params.get("date_to") or date_from + dt.timedelta(
            days=min(6, (dt.date.max - date_from).days)
        )
        with _named_as_query(brand_param=vehicle is None and brand is not None):
            starts = free_starts(
                outlet=outlet,
                services=services,
                date_from=date_from,
                date_to=date_to,
                vehicle=vehicle,
                brand=brand,
            )
        by_day: dict[dt.date, list[str]] = {day: [] for day in days_between(date_from, date_to)}
        for start in starts:
            by_day[start.date()].append(_iso(start))
        return Response(
            {
                "outlet": outlet.code,
                "name": outlet.name,
                "time_zone": outlet.time_zone,
                "services": [s.code for s in services],
                "duration_minutes": int(standard_duration(services).total_seconds() // 60),
                "slot_step_minutes": outlet.slot_step_minutes,
                "date_from": date_from.isoformat(),
                "date_to": date_to.isoformat(),
                "days": [
                    {"date": day.isoformat(), "starts": day_starts}
                    for day, day_starts in by_day.items()
                ],
            }
        )


class NetworkAvailabilityView(APIView):
    """Where and when can this car be served soonest? The `limit` nearest outlets authorized
    for its brand and offering every service that have a free start in the next 14 days, each
    with its earliest one, sorted soonest first (ties: nearer first)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("near", str, required=True, description="lat,lng e.g. 31.23,121.47"),
            SERVICE_PARAM,
            VEHICLE_PARAM,
            BRAND_PARAM,
            OpenApiParameter(
                "limit",
                int,
                description=(
                    f"how many of the nearest outlets with a free start; default 5, at most "
                    f"{MAX_LIMIT}"
                ),
            ),
        ],
        responses={200: NetworkAvailabilitySerializer},
    )
    def get(self, request: Request) -> Response:
        query = NetworkAvailabilityQuery(
            data=_query_data(request, ["near", "vehicle", "brand", "limit"])
        )
        query.is_valid(raise_exception=True)
        params = query.validated_data
        services = service_types_by_code(params["service"], field="service")
        vehicle, brand = _vehicle_and_brand(request, params)
        latitude, longitude = params["near"]
        with _named_as_query(brand_param=vehicle is None):
            slots = earliest_near(
                latitude=latitude,
                longitude=longitude,
                services=services,
                brand=brand,
                vehicle=vehicle,
                limit=params["limit"],
            )
        return Response(
            {
                "brand": brand.code,
                "services": [s.code for s in services],
                "duration_minutes": int(standard_duration(services).total_seconds() // 60),
                "within_days": NETWORK_DAYS,
                "results": [
                    {
                        "outlet": {
                            "code": slot.outlet.code,
                            "name": slot.outlet.name,
                            "city": slot.outlet.city,
                            "address": slot.outlet.address,
                            "time_zone": slot.outlet.time_zone,
                            "latitude": float(slot.outlet.latitude),
                            "longitude": float(slot.outlet.longitude),
                        },
                        "distance_km": round(slot.distance_km, 2),
                        "earliest_start": _iso(slot.earliest_start),
                    }
                    for slot in slots
                ],
            }
        )
