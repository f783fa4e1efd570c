"""A booking as a brand admin reads it, apart from the owner's and staff's shapes so that no
personal data can slip in with a shared field, and shown in the schema as exactly its fields."""

from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from .outputs import LocalTimeField, _OutletRef, _ServiceLine

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
