"""The outlet's waiting line of the day as its staff read it: each car's booking, how long it
has waited and when its work should start, on the outlet's clock."""

from rest_framework import serializers

from .outputs import BookingOutputSerializer, local_iso


class QueueEntryOutputSerializer(serializers.Serializer):
    booking = BookingOutputSerializer()
    waiting_minutes = serializers.IntegerField(
        allow_null=True, help_text="Minutes since check-in, for a car checked in; else null."
    )
    estimated_start = serializers.SerializerMethodField(
        help_text="When a car not yet started can expect to: the first moment, in the outlet's "
        "opening hours, that a capable bay is free after the work ahead of it and, at an outlet "
        "that plans crews, a qualified crew is on shift and free for the work. Null for a car "
        "already started, one no bay can take, or one no crew may start within a fortnight."
    )

    def get_estimated_start(self, entry) -> str | None:
        return local_iso(entry.estimated_start, entry.booking)


class QueueOutputSerializer(serializers.Serializer):
    outlet = serializers.CharField(source="outlet.code")
    date = serializers.DateField()
    entries = QueueEntryOutputSerializer(many=True)
