"""Input and output of the crews audit (GET /api/v1/audit/crews/). The CSV download is made
from the JSON output, one line per finding, so both carry the same facts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from hima_service.csv_export import CsvTable

from .crews import LAPSING_DAYS, Certificate
from .serializers import PeriodInputSerializer, _date

# Crews are planned ahead: by default the audit reads the days to come, not those gone by.
DEFAULT_CREW_DAYS = 30


class CrewAuditInputSerializer(PeriodInputSerializer):
    date_from = _date("First local date (default: today).")
    date_to = _date(
        f"Last local date, included (default: {DEFAULT_CREW_DAYS} days from date_from)."
    )

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("date_to"):
            date_from = attrs.get("date_from") or timezone.localdate()
            attrs["date_from"] = date_from
            attrs["date_to"] = date_from + dt.timedelta(days=DEFAULT_CREW_DAYS - 1)
        return super().validate(attrs)


class LapsingCertificateSerializer(serializers.Serializer):
    technician_id = serializers.IntegerField()
    technician = serializers.CharField(help_text="The technician's name.")
    certificate = serializers.ChoiceField(
        choices=[Certificate.HV, Certificate.BRAND],
        help_text="What lapses: `hv`, the high-voltage certificate; `brand`, the authorization "
        "for this brand.",
    )
    hv_level = serializers.IntegerField(
        allow_null=True, help_text="The high-voltage level that lapses; null for `brand`."
    )
    valid_until = serializers.DateField(help_text="Last day it counts.")
    days_left = serializers.IntegerField(help_text="valid_until − today, in days.")


class UnstaffedServiceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CrewlessDaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="Local date at the outlet; the outlet was open.")
    services = UnstaffedServiceSerializer(
        many=True, help_text="The services it offers that no qualified crew could do that day."
    )


class OutletCrewsSerializer(serializers.Serializer):
    outlet = serializers.CharField(source="outlet.code", help_text="Outlet code.")
    outlet_name = serializers.CharField(source="outlet.name")
    city = serializers.CharField(source="outlet.city")
    time_zone = serializers.CharField(source="outlet.time_zone")
    plans_crews = serializers.BooleanField(
        source="outlet.plans_crews",
        help_text="Starts need a qualified crew here; days without a crew are read only then.",
    )
    lapsing = LapsingCertificateSerializer(many=True)
    days_without_crew = CrewlessDaySerializer(many=True, source="crewless_days")


class CrewAuditSerializer(serializers.Serializer):
    brand = serializers.CharField(source="brand.code")
    today = serializers.DateField(help_text="The day certificates are counted from.")
    lapsing_within_days = serializers.SerializerMethodField(
        help_text="Certificates lapsing from today to this many days after it are listed."
    )
    date_from = serializers.DateField(source="period.date_from")
    date_to = serializers.DateField(source="period.date_to")
    outlets = OutletCrewsSerializer(
        many=True,
        help_text="Every active outlet authorized for the brand: its technicians' certificates "
        "that lapse soon (those authorized for the brand today), and the days in the period on "
        "which some service it offers could not be staffed for the brand's cars at all (no one "
        "on duty during the opening hours who may lead it, or too few guardians; bookings not "
        "counted; closed days left out).",
    )

    def get_lapsing_within_days(self, audit: Any) -> int:
        return LAPSING_DAYS


CSV_HEADER = [
    "outlet",
    "outlet_name",
    "finding",
    "date",
    "technician_id",
    "technician",
    "certificate",
    "hv_level",
    "days_left",
    "services",
]


def crew_audit_table(body: Mapping[str, Any]) -> CsvTable:
    """One line per finding: a certificate that lapses (on its last valid day) or a day without
    a crew (the services it left unstaffed, by code, separated by "; ")."""
    rows = []
    for outlet in body["outlets"]:
        where = [outlet["outlet"], outlet["outlet_name"]]
        for lapse in outlet["lapsing"]:
            rows.append(
                [
                    *where,
                    "certificate_lapses",
                    lapse["valid_until"],
                    lapse["technician_id"],
                    lapse["technician"],
                    lapse["certificate"],
                    lapse["hv_level"],
                    lapse["days_left"],
                    "",
                ]
            )
        for day in outlet["days_without_crew"]:
            services = "; ".join(service["code"] for service in day["services"])
            rows.append([*where, "no_crew", day["date"], None, "", "", None, None, services])
    return CsvTable(header=CSV_HEADER, rows=rows)
