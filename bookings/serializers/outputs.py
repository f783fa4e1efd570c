"""A booking as its owner and the outlet's staff read it: every instant in the outlet's own zone
with its offset, so that no reader has to guess whose clock a time is on."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Booking, BookingEvent


def local_iso(value, booking: Booking) -> str | None:
    """An instant in the outlet's own zone, with its offset."""
    if value is None:
        return None
    return booking.outlet.local_iso(value)


@extend_schema_field(OpenApiTypes.STR)
class LocalTimeField(serializers.Field):
    """One of a booking's instants (`attribute`) in its outlet's zone, with the offset."""

    def __init__(self, attribute: str, **kwargs) -> None:
        super().__init__(source="*", read_only=True, **kwargs)
        self.attribute = attribute

    def to_representation(self, booking: Booking) -> str | None:
        return local_iso(getattr(booking, self.attribute), booking)


class _OwnerRef(serializers.Serializer):
    """Read from the booking: a walk-in shows its owner masked (Booking.owner_shown_name)."""

    id = serializers.IntegerField(source="owner_id")
    name = serializers.CharField(source="owner_shown_name")
    phone = serializers.CharField(source="owner_shown_phone")


class _VehicleRef(serializers.Serializer):
    id = serializers.IntegerField()
    vin = serializers.CharField()
    plate = serializers.CharField()
    brand = serializers.CharField(source="model.brand.code")
    model = serializers.CharField(source="model.name")


class _OutletRef(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    time_zone = serializers.CharField()


class _BayRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class _ServiceLine(serializers.Serializer):
    code = serializers.CharField(source="service_type.code")
    name = serializers.CharField(source="service_type.name")
    labour_minutes = serializers.IntegerField()
    price = serializers.DecimalField(max_digits=9, decimal_places=2)
    checklist_result = serializers.JSONField()


class _Feedback(serializers.Serializer):
    rating = serializers.IntegerField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


# Its relations come as bookings.selectors leaves them (booking_for_output, with_details); the
# service lines and the feedback through Booking.lines and Booking.feedback_or_none.
class BookingOutputSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    owner = _OwnerRef(source="*")
    vehicle = _VehicleRef()
    outlet = _OutletRef()
    bay = _BayRef(allow_null=True)
    crew = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="The technicians held (ids, lead first; GET /outlets/{code}/technicians/ "
        "names them to staff); empty at an outlet planned by bays alone.",
    )
    services = _ServiceLine(source="lines", many=True)
    start = LocalTimeField("start")
    end = LocalTimeField("end")
    # The time promised to the owner; `start` moves to the work's real start when it begins
    # at another time.
    promised_start = LocalTimeField("promised")
    mode = serializers.CharField()
    pickup_address = serializers.CharField()
    channel = serializers.CharField()
    notes = serializers.CharField()
    price_total = serializers.DecimalField(max_digits=10, decimal_places=2)
    cancel_reason = serializers.CharField()
    checked_in_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    ready_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    actual_labour_minutes = serializers.IntegerField(allow_null=True)
    feedback = _Feedback(source="feedback_or_none", allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_field({"type": "string", "nullable": True})
class _Actor(serializers.Field):
    """Who acted, by username; on a walk-in, whose owner is shown masked, the owner's own
    events say "owner": their username could name them."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, event: BookingEvent) -> str | None:
        if event.actor is None:
            return None
        booking = event.booking
        if event.actor_id == booking.owner_id and booking.channel == Booking.Channel.WALK_IN:
            return "owner"
        return event.actor.username


class EventOutputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = _Actor(allow_null=True)
    details = serializers.JSONField()
    at = serializers.DateTimeField(source="created_at")


class NotificationOutputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    channel = serializers.CharField()
    status = serializers.CharField()
    due_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)


# The booking with its history: its events (oldest first) and notifications (by due time), as
# bookings.selectors.booking_parts_in_hand hands them over (`history`, `notices`).
class BookingDetailOutputSerializer(BookingOutputSerializer):
    events = EventOutputSerializer(source="history", many=True)
    notifications = NotificationOutputSerializer(source="notices", many=True)
