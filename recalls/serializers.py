"""Plain input and output serializers of the recall API; the rules live in the services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from vehicles.serializers import VehicleOutputSerializer

from .models import AffectedVehicle, RecallCampaign
from .selectors import campaign_outlet_progress, progress_of

# --- input ---


class CampaignCreateInputSerializer(serializers.Serializer):
    brand = serializers.CharField(
        max_length=16, required=False, help_text="brand code; a brand admin's own by default"
    )
    code = serializers.RegexField(
        r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
        max_length=32,
        help_text="letters, digits, - and _; stored upper-case",
    )
    title_zh = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200)
    description_zh = serializers.CharField(max_length=4000)
    description_en = serializers.CharField(max_length=4000)
    service = serializers.CharField(max_length=32, help_text="a recall-category service code")
    models = serializers.ListField(
        child=serializers.CharField(max_length=32), required=False, default=list, max_length=50
    )
    model_year_from = serializers.IntegerField(min_value=1980, max_value=2100, required=False)
    model_year_to = serializers.IntegerField(min_value=1980, max_value=2100, required=False)


class VinUploadInputSerializer(serializers.Serializer):
    """The multipart form of a VIN upload (the view reads the file; this names it)."""

    file = serializers.FileField(help_text="CSV, one VIN per line in the first column")


class CampaignFilterSerializer(serializers.Serializer):
    brand = serializers.CharField(max_length=16, required=False)


# --- output ---


class ProgressSerializer(serializers.Serializer):
    affected = serializers.IntegerField()
    registered = serializers.IntegerField()
    notified = serializers.IntegerField()
    booked = serializers.IntegerField()
    completed = serializers.IntegerField()
    completion_rate = serializers.DecimalField(
        max_digits=5, decimal_places=4, coerce_to_string=False, allow_null=True
    )


class OutletProgressSerializer(serializers.Serializer):
    outlet = serializers.CharField()
    outlet_name = serializers.CharField()
    city = serializers.CharField()
    booked = serializers.IntegerField()
    completed = serializers.IntegerField()
    completion_rate = serializers.DecimalField(
        max_digits=5, decimal_places=4, coerce_to_string=False, allow_null=True
    )


class CampaignOutputSerializer(serializers.ModelSerializer):
    brand = serializers.SlugRelatedField(slug_field="code", read_only=True)
    service = serializers.SlugRelatedField(source="service_type", slug_field="code", read_only=True)
    models = serializers.SlugRelatedField(
        source="vehicle_models", slug_field="code", many=True, read_only=True
    )
    progress = serializers.SerializerMethodField()

    class Meta:
        model = RecallCampaign
        fields = [
            "code",
            "brand",
            "title_zh",
            "title_en",
            "description_zh",
            "description_en",
            "service",
            "models",
            "model_year_from",
            "model_year_to",
            "status",
            "created_at",
            "progress",
        ]

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, campaign: RecallCampaign) -> dict:
        return ProgressSerializer(progress_of(campaign)).data


class CampaignDetailOutputSerializer(CampaignOutputSerializer):
    outlets = serializers.SerializerMethodField()

    class Meta(CampaignOutputSerializer.Meta):
        fields = [*CampaignOutputSerializer.Meta.fields, "outlets"]

    @extend_schema_field(OutletProgressSerializer(many=True))
    def get_outlets(self, campaign: RecallCampaign) -> list[dict]:
        return OutletProgressSerializer(campaign_outlet_progress(campaign), many=True).data


class VinImportOutputSerializer(serializers.Serializer):
    campaign = serializers.CharField()
    lines = serializers.IntegerField(help_text="VIN lines read")
    vins = serializers.IntegerField(help_text="distinct VINs among them")
    added = serializers.IntegerField(help_text="new to the campaign")
    already = serializers.IntegerField(help_text="were in the campaign already")
    progress = ProgressSerializer()


class OpenRecallSerializer(serializers.ModelSerializer):
    """One open recall on a vehicle, as its owner sees it."""

    campaign = serializers.CharField(source="campaign.code")
    title_zh = serializers.CharField(source="campaign.title_zh")
    title_en = serializers.CharField(source="campaign.title_en")
    description_zh = serializers.CharField(source="campaign.description_zh")
    description_en = serializers.CharField(source="campaign.description_en")
    service = serializers.CharField(source="campaign.service_type.code")
    outlet = serializers.CharField(source="outlet.code", allow_null=True, default=None)
    booking = serializers.CharField(source="booking_reference", allow_blank=True)

    class Meta:
        model = AffectedVehicle
        fields = [
            "campaign",
            "title_zh",
            "title_en",
            "description_zh",
            "description_en",
            "service",
            "state",
            "outlet",
            "booking",
        ]

    def to_representation(self, instance: AffectedVehicle) -> dict:
        data = super().to_representation(instance)
        if instance.vehicle_id is not None and instance.vehicle_id != self.context.get("vehicle"):
            # Another account holding the same VIN booked the fix: the car's recall is booked,
            # but where and under which reference is that person's (rule 4).
            data.update(outlet=None, booking="")
        return data


class VehicleWithRecallsSerializer(VehicleOutputSerializer):
    """The vehicle API's answer with the car's open recalls, which the view reads for the whole
    page at once (`context["open_recalls"]`: vehicle id → rows)."""

    open_recalls = serializers.SerializerMethodField()

    class Meta(VehicleOutputSerializer.Meta):
        fields = [*VehicleOutputSerializer.Meta.fields, "open_recalls"]

    @extend_schema_field(OpenRecallSerializer(many=True))
    def get_open_recalls(self, vehicle) -> list[dict]:
        rows = self.context.get("open_recalls", {}).get(vehicle.pk, [])
        return OpenRecallSerializer(rows, many=True, context={"vehicle": vehicle.pk}).data
