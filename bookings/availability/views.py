"""Availability over HTTP: one outlet's free starts, and the network's soonest start near a place.

Anyone may ask. `vehicle=<id>` (signed in, one's own vehicle; anyone else's answers 404)
applies the brand authorization and the vehicle's own other bookings; anonymous callers pass
`brand=<code>` instead, which applies the brand authorization only. The network search needs
one of the two, because "which outlets can serve it" depends on the brand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from outlets.catalog import duration_minutes
from outlets.models import Outlet, ServiceType
from outlets.schedule import days_between
from outlets.selectors import outlet_get_active, service_types_by_code
from vehicles.models import Brand, Vehicle
from vehicles.selectors import vehicle_get

from ..busy import Busy
from . import answers
from .calendar import own_car_and_busy
from .engine import free_starts
from .network import NETWORK_DAYS, earliest_near
from .rules import HORIZON, fields_renamed
from .serializers import (
    MAX_LIMIT,
    NetworkAvailabilityQuery,
    NetworkAvailabilitySerializer,
    OutletAvailabilityQuery,
    OutletAvailabilitySerializer,
)


@dataclass(frozen=True)
class AvailabilityQuery:
    params: dict
    services: list[ServiceType]
    vehicle: Vehicle | None
    brand: Brand | None
    # The rules name inputs as the booking API does ("services", "vehicle"); the client sent
    # `service=` and maybe `brand=`, so errors are named after what it sent.
    renames: dict[str, str]

    def for_brand(self) -> AvailabilityQuery:
        """The same question without the car: its errors still named after what was sent."""
        return dataclasses.replace(self, vehicle=None)


def not_signed_in() -> str:
    """Why an ask with vehicle= needs a sign-in, in the language of the request."""
    return _("Sign in to ask with vehicle=, or ask with brand=<brand code>.")


def parse_query(
    request: Request, query_class: type[serializers.Serializer], names: list[str]
) -> AvailabilityQuery:
    """Both availability views read their input the same way: repeated or comma-separated
    `service=` codes, the caller's vehicle (own only) or a brand code."""
    query_params = request.query_params
    data: dict = {
        "service": [
            code.strip()
            for value in query_params.getlist("service")
            for code in value.split(",")
            if code.strip()
        ]
    }
    data.update({name: query_params[name] for name in names if query_params.get(name, "") != ""})
    query = query_class(data=data)
    query.is_valid(raise_exception=True)
    params = query.validated_data
    services = service_types_by_code(params["service"], field="service")
    vehicle, brand = _vehicle_and_brand(request, params)
    named_brand = vehicle is None and brand is not None
    return AvailabilityQuery(
        params=params,
        services=services,
        vehicle=vehicle,
        brand=brand,
        renames={"services": "service", **({"vehicle": "brand"} if named_brand else {})},
    )


def _vehicle_and_brand(request: Request, params: dict) -> tuple[Vehicle | None, Brand | None]:
    if params.get("vehicle"):
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated(not_signed_in())
        vehicle = vehicle_get(owner=request.user, vehicle_id=params["vehicle"])
        return vehicle, vehicle.model.brand
    if params.get("brand"):
        brand = Brand.objects.filter(code__iexact=params["brand"]).first()
        if brand is None:
            raise ValidationError(
                {"brand": [_("Unknown brand: %(brand)s.") % {"brand": params["brand"]}]}
            )
        return None, brand
    return None, None


def car_asked_for(request: Request) -> tuple[str, Busy]:
    """The brand code of the caller's own car named by `vehicle=`, and the car's active bookings
    from now to the end of the horizon (every start an answer can offer, and the job after it):
    one query. Its errors are parse_query's: 401 signed out, 400 for a malformed id, 404 for
    anyone else's car."""
    if not request.user.is_authenticated:
        raise exceptions.NotAuthenticated(not_signed_in())
    try:
        vehicle_id = serializers.IntegerField(min_value=1).run_validation(
            request.query_params["vehicle"]
        )
    except serializers.ValidationError as error:
        raise serializers.ValidationError({"vehicle": error.detail}) from error
    now = timezone.now()
    return own_car_and_busy(
        owner=request.user,
        vehicle_id=vehicle_id,
        span=(now, now + HORIZON + dt.timedelta(days=1)),
    )


SERVICE_PARAM = OpenApiParameter(
    "service", str, many=True, required=True, description="service type code; repeat for more"
)
VEHICLE_PARAM = OpenApiParameter(
    "vehicle", int, description="your vehicle's id: applies its brand and its own bookings"
)
BRAND_PARAM = OpenApiParameter("brand", str, description="brand code, for anonymous callers")


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
        if not answers.caching():
            return Response(self.answer(self.query(request), outlet_get_active(code=code)))
        if request.query_params.get("vehicle"):
            return Response(self.for_the_car(request, code))
        key = answers.answer_key(f"outlet:{code}", answers.asked(request))
        return Response(
            self.cached_or_computed(request, code, key, query=lambda: self.query(request))
        )

    def for_the_car(self, request: Request, code: str) -> Mapping:
        """The brand's answer, cached or computed (and cached), less the car's own bookings."""
        brand_code, own = car_asked_for(request)
        key = answers.answer_key(
            f"outlet:{code}", answers.for_brand(answers.asked(request), brand_code)
        )
        data = self.cached_or_computed(
            request, code, key, query=lambda: self.query(request).for_brand()
        )
        return answers.less_own_bookings(data, own)

    def cached_or_computed(
        self, request: Request, code: str, key: str, *, query: Callable[[], AvailabilityQuery]
    ) -> Mapping:
        now = timezone.now()
        data = answers.outlet_answer(
            key, now=now, default_dates="date_from" not in request.query_params
        )
        if data is None:

            def compute() -> tuple[dict, list[int]]:
                outlet = outlet_get_active(code=code)
                return self.answer(query(), outlet, now=now), [outlet.pk]

            data, versions = answers.computed(compute)
            answers.store(key, data, versions)
        return data

    @staticmethod
    def query(request: Request) -> AvailabilityQuery:
        return parse_query(
            request, OutletAvailabilityQuery, ["date_from", "date_to", "vehicle", "brand"]
        )

    def answer(
        self, query: AvailabilityQuery, outlet: Outlet, *, now: dt.datetime | None = None
    ) -> dict:
        now = now or timezone.now()
        date_from = query.params.get("date_from") or outlet.local_day(now)
        # A week by default, cut short at the end of the calendar (date_from=9999-12-30).
        date_to = query.params.get("date_to") or date_from + dt.timedelta(
            days=min(6, (dt.date.max - date_from).days)
        )
        with fields_renamed(query.renames):
            starts = free_starts(
                outlet=outlet,
                services=query.services,
                date_from=date_from,
                date_to=date_to,
                vehicle=query.vehicle,
                brand=query.brand,
                now=now,
            )
        by_day: dict[dt.date, list[dt.datetime]] = {d: [] for d in days_between(date_from, date_to)}
        for start in starts:
            by_day[start.date()].append(start)
        answer = {
            "outlet": outlet,
            "services": [s.code for s in query.services],
            "duration_minutes": duration_minutes(query.services),
            "date_from": date_from,
            "date_to": date_to,
            "days": [{"date": day, "starts": day_starts} for day, day_starts in by_day.items()],
        }
        return OutletAvailabilitySerializer(answer).data


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
        if not answers.caching():
            return Response(self.answer(self.query(request))[0])
        if request.query_params.get("vehicle"):
            return Response(self.for_the_car(request))
        key = answers.answer_key("network", answers.asked(request))
        return Response(self.cached_or_computed(key, query=lambda: self.query(request)))

    def for_the_car(self, request: Request) -> Mapping:
        """The brand's answer, cached or computed (and cached), when none of its earliest starts
        overlaps the car's own bookings; else the car's own answer, computed."""
        brand_code, own = car_asked_for(request)
        key = answers.answer_key("network", answers.for_brand(answers.asked(request), brand_code))
        data = self.cached_or_computed(key, query=lambda: self.query(request).for_brand())
        if answers.holds_for_the_car(data, own):
            return data
        return self.answer(self.query(request))[0]

    def cached_or_computed(self, key: str, *, query: Callable[[], AvailabilityQuery]) -> Mapping:
        now = timezone.now()
        data = answers.network_answer(key, now=now)
        if data is None:
            data, versions = answers.computed(lambda: self.answer(query(), now=now))
            answers.store(key, data, versions)
        return data

    @staticmethod
    def query(request: Request) -> AvailabilityQuery:
        return parse_query(request, NetworkAvailabilityQuery, ["near", "vehicle", "brand", "limit"])

    def answer(
        self, query: AvailabilityQuery, *, now: dt.datetime | None = None
    ) -> tuple[dict, list[int]]:
        """The answer, and the outlets it names."""
        latitude, longitude = query.params["near"]
        # NetworkAvailabilityQuery requires vehicle= or brand=, and either gives the brand.
        assert query.brand is not None  # noqa: S101 - narrows the type
        with fields_renamed(query.renames):
            slots = earliest_near(
                latitude=latitude,
                longitude=longitude,
                services=query.services,
                brand=query.brand,
                vehicle=query.vehicle,
                limit=query.params["limit"],
                now=now,
            )
        answer = {
            "brand": query.brand,
            "services": [s.code for s in query.services],
            "duration_minutes": duration_minutes(query.services),
            "within_days": NETWORK_DAYS,
            "results": slots,
        }
        return NetworkAvailabilitySerializer(answer).data, [slot.outlet.pk for slot in slots]
