"""Thin views: parse, check who may act, call one service, serialize. The booking's actions
(reschedule, cancel and the day of service) are in action_views."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from hima_service.idempotency import idempotent
from outlets.selectors import outlet_with_services
from vehicles.selectors import owned_vehicle

from . import access, selectors
from .calendar import booking_ics
from .lifecycle.create import booking_create
from .lifecycle.walk_ins import walk_in_register
from .models import Booking
from .notify.selectors import booking_notifications
from .queue import outlet_queue
from .serializers import (
    BookingAuditDetailOutputSerializer,
    BookingAuditOutputSerializer,
    BookingCreateInputSerializer,
    BookingDetailOutputSerializer,
    BookingFilterSerializer,
    BookingOutputSerializer,
    QueueFilterSerializer,
    QueueOutputSerializer,
    WalkInInputSerializer,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Repeat a POST safely: the same key and body replay the first answer.",
)


def parse_input(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def sees_owner(user, booking: Booking) -> bool:
    """Whether the reader sees the booking's personal data: its owner, its outlet's staff and
    alliance admins do; a brand admin (who sees it only for its brand) reads it without."""
    return access.owns(user, booking) or access.may_run(user, booking)


# The two readings of a booking, for the schema: whole, or a brand admin's without personal data.
BOOKING_FOR_READER = PolymorphicProxySerializer(
    component_name="BookingForReader",
    serializers=[BookingOutputSerializer, BookingAuditOutputSerializer],
    resource_type_field_name=None,
)
BOOKING_DETAIL_FOR_READER = PolymorphicProxySerializer(
    component_name="BookingDetailForReader",
    serializers=[BookingDetailOutputSerializer, BookingAuditDetailOutputSerializer],
    resource_type_field_name=None,
)


def detail_response(
    booking: Booking, *, status_code: int = status.HTTP_200_OK, user=None
) -> Response:
    """The booking's detail, built from what the service returned (see booking_for_output):
    a create answers from the objects in hand, an action reads only what it did not touch.
    Given the reader (`user`), a brand admin gets the reading without personal data."""
    if user is not None and not sees_owner(user, booking):
        selectors.booking_parts_in_hand(booking, events=selectors.booking_events(booking=booking))
        return Response(BookingAuditDetailOutputSerializer(booking).data, status=status_code)
    booking = selectors.booking_for_output(booking=booking)
    selectors.booking_parts_in_hand(
        booking,
        events=selectors.booking_events(booking=booking),
        notifications=booking_notifications(booking),
    )
    return Response(BookingDetailOutputSerializer(booking).data, status=status_code)


class BookingListView(ListAPIView):
    serializer_class = BookingOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Booking.objects.none()
        filters = parse_input(BookingFilterSerializer, self.request.query_params)
        if "status" in filters:
            filters["status"] = sorted(filters["status"])
        return selectors.booking_list(user=self.request.user, **filters)

    def list(self, request, *args, **kwargs):
        # Each booking in the reader's own reading: a brand admin who also owns a car sees
        # their own bookings whole and their brand's without personal data.
        page = self.paginate_queryset(self.get_queryset())
        user = request.user
        data = [
            (BookingOutputSerializer if sees_owner(user, b) else BookingAuditOutputSerializer)(
                b
            ).data
            for b in page
        ]
        return self.get_paginated_response(data)

    @extend_schema(
        parameters=[BookingFilterSerializer],
        responses={200: BOOKING_FOR_READER},
        description="Bookings the user may read. Brand admins read their brand's bookings "
        "without personal data (no owner, plate, pickup address, notes, cancel reason, "
        "feedback comment or actors): the BookingAuditOutput shape.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=BookingCreateInputSerializer,
        responses={201: BookingDetailOutputSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @idempotent
    def post(self, request):
        data = parse_input(BookingCreateInputSerializer, request.data)
        vehicle = owned_vehicle(owner=request.user, vehicle_id=data["vehicle"])
        outlet, services = outlet_with_services(data["outlet"], data["services"])
        if outlet is None:
            raise ValidationError({"outlet": [_("Unknown outlet.")]})
        booking = booking_create(
            owner=request.user,
            vehicle=vehicle,
            outlet=outlet,
            services=services,
            start=data["start"],
            mode=data["mode"],
            pickup_address=data["pickup_address"],
            notes=data["notes"],
        )
        return detail_response(booking, status_code=status.HTTP_201_CREATED)


class BookingDetailView(APIView):
    @extend_schema(
        responses={200: BOOKING_DETAIL_FOR_READER},
        description="A booking and its history. Brand admins read it without personal data: "
        "the BookingAuditDetailOutput shape.",
    )
    def get(self, request, reference: str):
        booking = selectors.booking_get(user=request.user, reference=reference)
        return detail_response(booking, user=request.user)


class CalendarView(APIView):
    @extend_schema(responses={(200, "text/calendar"): bytes})
    def get(self, request, reference: str):
        booking = selectors.booking_get(user=request.user, reference=reference)
        if not access.owns(request.user, booking):
            raise PermissionDenied(_("The calendar file is for the booking's owner."))
        response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{booking.reference}.ics"'
        return response


class QueueView(APIView):
    @extend_schema(
        parameters=[QueueFilterSerializer],
        responses={200: QueueOutputSerializer},
    )
    def get(self, request, code: str):
        outlet = selectors.outlet_for_staff(user=request.user, code=code)
        day = parse_input(QueueFilterSerializer, request.query_params).get("date")
        if day is None:
            day = outlet.local_day(timezone.now())
        entries = outlet_queue(outlet=outlet, day=day)
        return Response(
            QueueOutputSerializer({"outlet": outlet, "date": day, "entries": entries}).data
        )


class WalkInView(APIView):
    @extend_schema(
        request=WalkInInputSerializer,
        responses={201: BookingDetailOutputSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @idempotent
    def post(self, request, code: str):
        outlet = selectors.outlet_for_staff(user=request.user, code=code)
        data = parse_input(WalkInInputSerializer, request.data)
        booking = walk_in_register(
            outlet=outlet,
            actor=request.user,
            vin=data["vin"],
            service_codes=data["services"],
            model_code=data.get("model"),
            plate=data["plate"],
            notes=data["notes"],
            desk_override_reason=data["desk_override_reason"],
        )
        return detail_response(booking, status_code=status.HTTP_201_CREATED)
