"""The outlet's waiting line of the day as its staff read it: each car's booking, how long it
has waited and when its work should start, on the outlet's clock."""

from rest_framework import serializers

from .outputs import BookingOutputSerializer, local_iso


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
