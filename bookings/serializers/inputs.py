"""What a client may send to book, move and act on a booking, and to filter the lists: checked
at the door, so that the services only ever see instants with their offset and dates they can
count with."""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Booking

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
                raise serializers.ValidationError(
                    _("Not an ISO-8601 date and time. %(hint)s") % {"hint": AWARE_HINT}
                )
            if parsed.tzinfo is None:
                raise serializers.ValidationError(AWARE_HINT)
            if not FIRST_DAY <= parsed.date() <= LAST_DAY:
                raise serializers.ValidationError(
                    _("Out of range: between %(first)s and %(last)s.")
                    % {"first": FIRST_DAY.year, "last": LAST_DAY.year}
                )
            return parsed
        raise serializers.ValidationError(AWARE_HINT)


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
