"""Plain input and output serializers of the technicians API; rules live in crews.services."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from outlets.models import Capability
from outlets.serializers import ClockTimeField

from .models import HvLevel, Technician
from .selectors import lapsing_of

# --- output ---


class BrandAuthorizationSerializer(serializers.Serializer):
    brand = serializers.CharField(help_text="The brand's code.")
    valid_until = serializers.DateField()


class BrandAuthorizationOutputSerializer(serializers.Serializer):
    brand = serializers.CharField(source="brand.code", help_text="The brand's code.")
    valid_until = serializers.DateField()


class ShiftSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 = Monday")
    starts = ClockTimeField()
    ends = ClockTimeField()


class AbsenceSerializer(serializers.Serializer):
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    reason = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class LapsingSerializer(serializers.Serializer):
    certificate = serializers.ChoiceField(choices=["hv", "brand"])
    brand = serializers.CharField(allow_null=True, help_text="The brand's code, for `brand`.")
    valid_until = serializers.DateField()


class TechnicianOutputSerializer(serializers.Serializer):
    """A technician as their outlet's staff see them; `shifts` are those at this outlet."""

    # The context carries `today`, the outlet's local date, for `lapsing`.
    id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    display_name = serializers.CharField(source="user.display_name")
    skills = serializers.ListField(child=serializers.ChoiceField(choices=Capability.choices))
    hv_level = serializers.ChoiceField(choices=HvLevel.choices)
    hv_valid_until = serializers.DateField(allow_null=True)
    is_active = serializers.BooleanField()
    brands = BrandAuthorizationOutputSerializer(source="authorizations.all", many=True)
    shifts = ShiftSerializer(source="outlet_shifts", many=True)
    absences = AbsenceSerializer(many=True, source="absences.all")
    lapsing = serializers.SerializerMethodField(
        help_text="Certificates whose valid-until falls within the next 30 days."
    )

    @extend_schema_field(LapsingSerializer(many=True))
    def get_lapsing(self, technician: Technician) -> list[dict]:
        today: dt.date = self.context["today"]
        lapsing = lapsing_of(technician, today=today)
        if lapsing is None:
            return []
        items = []
        if (hv := lapsing.hv_valid_until) is not None:
            items.append({"certificate": "hv", "brand": None, "valid_until": hv})
        items += [
            {"certificate": "brand", "brand": a.brand.code, "valid_until": a.valid_until}
            for a in lapsing.authorizations
        ]
        return LapsingSerializer(items, many=True).data


# --- input ---


class TechnicianUpdateInputSerializer(serializers.Serializer):
    """What a manager may change; a list given replaces the whole list (shifts: at this outlet)."""

    skills = serializers.ListField(
        child=serializers.ChoiceField(choices=Capability.choices), required=False, max_length=10
    )
    hv_level = serializers.ChoiceField(choices=HvLevel.choices, required=False)
    hv_valid_until = serializers.DateField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)
    brands = BrandAuthorizationSerializer(many=True, required=False, max_length=50)
    shifts = ShiftSerializer(many=True, required=False, max_length=50)
    absences = AbsenceSerializer(many=True, required=False, max_length=200)


class TechnicianCreateInputSerializer(TechnicianUpdateInputSerializer):
    username = serializers.CharField(max_length=150, help_text="An existing account's username.")
