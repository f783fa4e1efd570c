import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Booking

AWARE_HINT = _("Give the time with its UTC offset, e.g. 2026-11-24T10:00:00+08:00.")


# Dates a booking can have: far outside them there is nothing to find, and at the ends of the
# calendar a day's arithmetic would overflow.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2999, 12, 31)


def filter_date(**kwargs) -> serializers.DateField:
    return serializers.DateField(
        validators=[MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)], **kwargs
    )


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO-8601 instant that must carry its offset: a booking time is never ambiguous."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None
            if parsed is None:
                raise serializers.ValidationError(f"Not an ISO-8601 date and time. {AWARE_HINT}")
            if parsed.tzinfo is None:
                raise serializers.ValidationError(AWARE_HINT)
            if not FIRST_DAY <= parsed.date() <= LAST_DAY:
                raise serializers.ValidationError(
                    _("Out of range: between %(first)s and %(last)s.")
                    % {"first": FIRST_DAY.year, "last": LAST_DAY.year}
                )
            return parsed
        raise serializers.ValidationError(AWARE_HINT)


def local_iso(value, booking: Booking) -> str | None:
    """An instant in the outlet's own zone, with its offset."""
    if value is None:
        return None
    return booking.outlet.local_iso(value)


# --- input ---


class BookingCreateInputSerializer(serializers.Serializer):
    vehicle = serializers.IntegerField(min_value=1)
    outlet = serializers.CharField(max_length=32)
    services = serializers.ListField(
        child=serializers.CharField(max_length=32), min_length=1, max_length=10
    )
    start = AwareDateTimeField()
    mode = serializers.ChoiceField(choices=Booking.Mode.choices, default=Booking.Mode.DROP_OFF)
    pickup_address = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


DESK_OVERRIDE_HELP = (
    "Staff only: why the car is taken although the service desk's limit is reached "
    "(recorded in the booking's history)."
)


class RescheduleInputSerializer(serializers.Serializer):
    start = AwareDateTimeField()
    desk_override_reason = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=DESK_OVERRIDE_HELP
    )


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class CheckInInputSerializer(serializers.Serializer):
    odometer_km = serializers.IntegerField(min_value=0, max_value=5_000_000, required=False)


class StartInputSerializer(serializers.Serializer):
    bay = serializers.IntegerField(min_value=1, required=False)
    crew = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        min_length=1,
        max_length=3,
        required=False,
        help_text="Technician ids, lead first: another crew than the one booked "
        "(free and qualified for the whole visit from now).",
    )


class ReadyInputSerializer(serializers.Serializer):
    checklist = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(max_length=200), max_length=50),
        help_text="Service code → the checklist items ticked.",
    )


class CompleteInputSerializer(serializers.Serializer):
    actual_labour_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False)


class FeedbackInputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class WalkInInputSerializer(serializers.Serializer):
    vin = serializers.CharField(max_length=32)
    services = serializers.ListField(
        child=serializers.CharField(max_length=32), min_length=1, max_length=10
    )
    model = serializers.CharField(
        max_length=32, required=False, allow_blank=True, help_text="needed for a new VIN"
    )
    plate = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    desk_override_reason = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text=DESK_OVERRIDE_HELP
    )


class BookingFilterSerializer(serializers.Serializer):
    status = serializers.MultipleChoiceField(choices=Booking.Status.choices, required=False)
    outlet = serializers.CharField(max_length=32, required=False)
    brand = serializers.CharField(max_length=16, required=False)
    date_from = filter_date(required=False)
    date_to = filter_date(required=False)

    def validate(self, attrs):
        if (
            attrs.get("date_from")
            and attrs.get("date_to")
            and attrs["date_to"] < attrs["date_from"]
        ):
            raise serializers.ValidationError({"date_to": [_("Must not be before date_from.")]})
        return attrs


class QueueFilterSerializer(serializers.Serializer):
    date = filter_date(required=False, help_text="the outlet's local day, default today")


# --- output ---


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


class EventOutputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField(source="actor.username", default=None)
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


# --- the brand admin's reading: no personal data ---
# DESIGN ("Identity and trust"): brand admins see times, outcomes, services, model and VIN, and
# nothing that says who the owner is: no owner, plate, pickup address, notes, cancel reason,
# feedback comment, nor who did what in the history (an owner's username can be their name).


class _AuditVehicleRef(serializers.Serializer):
    vin = serializers.CharField()
    brand = serializers.CharField(source="model.brand.code")
    model = serializers.CharField(source="model.name")


class _AuditFeedback(serializers.Serializer):
    rating = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class _AuditEvent(serializers.Serializer):
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")


class BookingAuditOutputSerializer(serializers.Serializer):
    """A booking as a brand admin reads it: times, outcomes, services, model and VIN only."""

    reference = serializers.CharField()
    status = serializers.CharField()
    vehicle = _AuditVehicleRef()
    outlet = _OutletRef()
    services = _ServiceLine(source="lines", many=True)
    start = LocalTimeField("start")
    end = LocalTimeField("end")
    mode = serializers.CharField()
    channel = serializers.CharField()
    price_total = serializers.DecimalField(max_digits=10, decimal_places=2)
    checked_in_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    ready_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    actual_labour_minutes = serializers.IntegerField(allow_null=True)
    feedback = _AuditFeedback(source="feedback_or_none", allow_null=True)
    created_at = serializers.DateTimeField()


class BookingAuditDetailOutputSerializer(BookingAuditOutputSerializer):
    """A booking and its history as a brand admin reads it: no personal data."""

    events = _AuditEvent(source="history", many=True)


class BookingAuditSchema(OpenApiSerializerExtension):
    """The brand admin's readings in the schema list their fields and nothing more, so that
    a whole booking never passes for one (the list's and detail's `oneOf` picks exactly one)."""

    target_class = BookingAuditOutputSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        return {**schema, "additionalProperties": False}


class QueueEntryOutputSerializer(serializers.Serializer):
    booking = BookingOutputSerializer()
    waiting_minutes = serializers.IntegerField(allow_null=True)
    estimated_start = serializers.SerializerMethodField()

    def get_estimated_start(self, entry) -> str | None:
        return local_iso(entry.estimated_start, entry.booking)


class QueueOutputSerializer(serializers.Serializer):
    outlet = serializers.CharField(source="outlet.code")
    date = serializers.DateField()
    entries = QueueEntryOutputSerializer(many=True)
