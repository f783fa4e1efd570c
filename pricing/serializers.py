from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from vehicles.models import VehicleModel

from .selectors import CATALOG_CURRENCY


class PriceBookQuerySerializer(serializers.Serializer):
    model = serializers.SlugRelatedField(
        slug_field="code",
        queryset=VehicleModel.objects.all(),
        required=False,
        help_text=_("A vehicle model code; without it, the prices for every model."),
        error_messages={"does_not_exist": _("Unknown vehicle model: {value}.")},
    )
    currency = serializers.RegexField(
        r"^[A-Z]{3}$",
        max_length=3,
        required=False,
        default=CATALOG_CURRENCY,
        help_text=_("ISO 4217 code (an outlet's `currency`); CNY by default."),
        error_messages={"invalid": _("Give the ISO 4217 code in capitals, such as CNY or EUR.")},
    )


class PriceLineSerializer(serializers.Serializer):
    code = serializers.CharField(source="service.code")
    name = serializers.CharField(source="service.name")
    name_zh = serializers.CharField(source="service.name_zh")
    category = serializers.CharField(source="service.category")
    labour_minutes = serializers.IntegerField(source="service.labour_minutes")
    price = serializers.DecimalField(max_digits=9, decimal_places=2)
    model_specific = serializers.BooleanField(
        help_text=_("The price is the model's own, not the price for every model.")
    )


class PriceBookSerializer(serializers.Serializer):
    currency = serializers.CharField()
    valid_on = serializers.DateField(source="on")
    model = serializers.CharField(
        source="model.code", allow_null=True, default=None, help_text="The car model's code."
    )
    labour_rate_per_hour = serializers.DecimalField(max_digits=9, decimal_places=2)
    services = PriceLineSerializer(source="lines", many=True)
