"""Plain input and output shapes of extra work and the settlement sheet."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bookings.serializers.inputs import ReadyInputSerializer
from workshop.serializers import PhotoOutputSerializer

from .models import EstimateLine, EstimatePart

MAX_PARTS = 20  # a repair's parts; more is a second line


class PartInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    quantity = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=Decimal("0.01"))
    unit_price = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=Decimal("0"))


class LineInputSerializer(serializers.Serializer):
    """A catalog service (`service`: its code) or a repair (`description`, `labour_minutes`,
    `parts`); `photos` are keys of photos already taken of this booking's car."""

    grade = serializers.ChoiceField(choices=EstimateLine.Grade.choices)
    service = serializers.SlugField(max_length=32, required=False)
    description = serializers.CharField(max_length=255, required=False, default="")
    labour_minutes = serializers.IntegerField(min_value=0, max_value=24 * 60, default=0)
    parts = PartInputSerializer(many=True, required=False, default=list, max_length=MAX_PARTS)
    photos = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, max_length=10
    )

    def validate(self, attrs):
        if attrs.get("service") and (attrs["description"] or attrs["parts"]):
            raise serializers.ValidationError(
                {"service": [_("A catalog service has its own standard price: no parts.")]}
            )
        if not attrs.get("service") and not attrs["description"].strip():
            raise serializers.ValidationError(
                {"description": [_("Describe the repair, or choose a catalog service.")]}
            )
        return attrs


class PartOutputSerializer(serializers.ModelSerializer):
    total = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = EstimatePart
        fields = ["name", "quantity", "unit_price", "total"]


class LineOutputSerializer(serializers.ModelSerializer):
    service = serializers.SlugRelatedField(slug_field="code", source="service_type", read_only=True)
    parts = PartOutputSerializer(many=True, read_only=True)
    photos = PhotoOutputSerializer(many=True, read_only=True)
    sent_at = serializers.DateTimeField(source="sending.sent_at", read_only=True, allow_null=True)
    expires_at = serializers.DateTimeField(
        source="sending.expires_at", read_only=True, allow_null=True
    )

    class Meta:
        model = EstimateLine
        fields = [
            "id",
            "kind",
            "service",
            "description",
            "grade",
            "state",
            "labour_minutes",
            "labour_rate",
            "labour_price",
            "parts",
            "parts_price",
            "price",
            "currency",
            "photos",
            "created_at",
            "sent_at",
            "expires_at",
            "viewed_at",
            "decided_at",
            "hold",
            "hold_note",
            "work_started_at",
            "work_completed_at",
        ]


class EstimateOutputSerializer(serializers.Serializer):
    reference = serializers.CharField()
    lines = LineOutputSerializer(many=True)


class SendingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sent_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    viewed_at = serializers.DateTimeField(allow_null=True)
    lines = LineOutputSerializer(many=True)


class LinkOutputSerializer(SendingOutputSerializer):
    reference = serializers.CharField()


class SheetItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["booked", "extra"])
    service = serializers.CharField(source="service.code", allow_null=True, default=None)
    description = serializers.CharField()
    grade = serializers.CharField()
    is_recall = serializers.BooleanField()
    labour_minutes = serializers.IntegerField()
    labour_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    parts = PartOutputSerializer(many=True)
    parts_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    price = serializers.DecimalField(max_digits=12, decimal_places=2)


class SettlementOutputSerializer(serializers.Serializer):
    reference = serializers.CharField(source="booking.reference")
    completed_at = serializers.DateTimeField(source="booking.completed_at")
    currency = serializers.CharField()
    items = SheetItemSerializer(many=True)
    labour_minutes = serializers.IntegerField()
    labour_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    parts_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)


class VisitReadyInputSerializer(ReadyInputSerializer):
    defer_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        default="",
        help_text="Needed while approved extra work is not completed: why it waits for a later "
        "visit (it is then not charged, and offered again at the car's next visit).",
    )
