from rest_framework import serializers

from .models import Brand, Vehicle, VehicleModel
from .validators import validate_delivery_date


class BrandSerializer(serializers.ModelSerializer):
    class Meta:
        model = Brand
        fields = ["code", "name", "name_zh", "partner_maker", "also_known_as"]


class VehicleModelSerializer(serializers.ModelSerializer):
    brand = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = VehicleModel
        fields = [
            "code",
            "name",
            "name_zh",
            "brand",
            "powertrain",
            "maintenance_interval_months",
            "maintenance_interval_km",
        ]


class BrandRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class VehicleModelRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class VehicleOutputSerializer(serializers.ModelSerializer):
    model = VehicleModelRefSerializer()
    brand = BrandRefSerializer(source="model.brand")

    class Meta:
        model = Vehicle
        fields = [
            "id",
            "vin",
            "brand",
            "model",
            "model_year",
            "plate",
            "odometer_km",
            "delivery_date",
            "created_at",
            "verified_at",
            "verified_via",
        ]


class VehicleCreateInputSerializer(serializers.Serializer):
    vin = serializers.CharField(max_length=32, trim_whitespace=True)
    model = serializers.SlugRelatedField(
        slug_field="code", queryset=VehicleModel.objects.select_related("brand")
    )
    model_year = serializers.IntegerField(min_value=1980, max_value=2100, required=False)
    plate = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    odometer_km = serializers.IntegerField(min_value=0, max_value=5_000_000, default=0)
    delivery_date = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[validate_delivery_date]
    )


class VehicleUpdateInputSerializer(serializers.Serializer):
    plate = serializers.CharField(max_length=16, required=False, allow_blank=True)
    odometer_km = serializers.IntegerField(min_value=0, max_value=5_000_000, required=False)
    delivery_date = serializers.DateField(
        required=False, allow_null=True, validators=[validate_delivery_date]
    )
