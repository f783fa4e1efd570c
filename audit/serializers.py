"""Audit input and output. The output serializers are the responses and their OpenAPI schema at
once; the CSV downloads are made from their output too, so JSON and CSV carry the same numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .selectors import AuditBooking, Figures, Period
from .sql import METRICS

MAX_DAYS = 366
DEFAULT_DAYS = 30
# Far outside these there is nothing to audit, and at the calendar's ends date arithmetic fails.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2999, 12, 31)


def _date(help_text: str) -> serializers.DateField:
    return serializers.DateField(
        required=False,
        validators=[MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)],
        help_text=help_text,
    )


# --- input ---


class PeriodInputSerializer(serializers.Serializer):
    brand = serializers.CharField(
        max_length=16,
        required=False,
        help_text="Brand code. Brand admins: their own (the default); alliance admins: any, "
        "or none for every brand.",
    )
    date_from = _date(f"First local date (default: {DEFAULT_DAYS} days up to date_to).")
    date_to = _date("Last local date, included (default: today).")

    def validate(self, attrs: dict) -> dict:
        date_to = attrs.get("date_to") or timezone.localdate()
        date_from = attrs.get("date_from") or date_to - dt.timedelta(days=DEFAULT_DAYS - 1)
        if date_to < date_from:
            raise serializers.ValidationError({"date_to": [_("Must not be before date_from.")]})
        if (date_to - date_from).days + 1 > MAX_DAYS:
            raise serializers.ValidationError(
                {"date_to": [_("A period covers at most %(days)d days.") % {"days": MAX_DAYS}]}
            )
        attrs["period"] = Period(date_from=date_from, date_to=date_to)
        return attrs


class AuditFilterInputSerializer(PeriodInputSerializer):
    outlet = serializers.CharField(max_length=32, required=False, help_text="Outlet code.")
    city = serializers.CharField(max_length=64, required=False)


class AuditBookingsInputSerializer(PeriodInputSerializer):
    metric = serializers.ChoiceField(
        choices=sorted(METRICS),
        default="all",
        help_text="The figure whose bookings to list (see docs/audit.md).",
    )


# --- output ---


class Rounded(serializers.FloatField):
    """A float rounded for reading; None stays None (no denominator, no figure)."""

    def __init__(self, places: int, **kwargs):
        self.places = places
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, value):
        return None if value is None else round(float(value), self.places)


class SignificantFigures(serializers.FloatField):
    """A p-value: four significant figures, so that a tiny one does not round to 0."""

    def to_representation(self, value):
        return float(f"{float(value):.4g}")


def _rate(help_text: str) -> Rounded:
    return Rounded(4, help_text=f"{help_text} (a fraction from 0 to 1).")


class FiguresSerializer(serializers.Serializer):
    bookings = serializers.IntegerField(help_text="Bookings scheduled in the period.")
    completion_rate = _rate("completed / due")
    cancellation_rate = _rate("cancelled / bookings")
    no_show_rate = _rate("no-shows / due")
    wait_median_minutes = Rounded(1, help_text="Median of service start − scheduled start.")
    wait_p90_minutes = Rounded(1, help_text="90th percentile of the same waits.")
    on_time_rate = _rate("started at most 15 min after the scheduled start / started")
    labour_ratio_median = Rounded(3, help_text="Median of actual / standard labour minutes.")
    checklist_completion_rate = _rate("checklist items done / checklist items")
    rating_mean = Rounded(2, help_text="Mean rating (1–5) of the rated completed bookings.")
    response_rate = _rate("rated / completed")
    recall_done = serializers.IntegerField(help_text="Completed bookings with recall work.")
    completed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    no_show = serializers.IntegerField()
    due = serializers.IntegerField(help_text="Not cancelled, scheduled start passed.")
    started = serializers.IntegerField(help_text="Service started (walk-ins excepted).")
    on_time = serializers.IntegerField()
    timed = serializers.IntegerField(help_text="Completed with an actual labour time.")
    rated = serializers.IntegerField()
    checklist_items = serializers.IntegerField()
    checklist_items_done = serializers.IntegerField()
    # Extra work during the visit, and what the booked services were charged.
    visits = serializers.IntegerField(help_text="Checked in, in service, ready or completed.")
    extra_offers_per_visit = Rounded(4, help_text="Extra-work lines sent to the owner / visits.")
    extra_offered_rate = _rate("visits with extra work sent / visits")
    extra_acceptance_rate = _rate(
        "lines approved / lines decided (approved, declined or expired unanswered)"
    )
    extra_approval_median_minutes = Rounded(
        1, help_text="Median over the approved lines of approval − sending, in minutes."
    )
    extra_value_per_visit = Rounded(
        2, help_text="Approved extra work's value / visits, in `currency`; null over several."
    )
    charged_to_standard_ratio = Rounded(
        3,
        help_text="Σ charged / Σ standard price of the completed bookings' services (recall "
        "lines excepted), the standard on the day booked; 1 is the standard exactly.",
    )
    extra_offered = serializers.IntegerField(help_text="Visits with extra work sent.")
    extra_lines_sent = serializers.IntegerField()
    extra_lines_decided = serializers.IntegerField()
    extra_lines_approved = serializers.IntegerField()
    extra_value_approved = Rounded(2, help_text="In `currency`; null over several.")
    currency = serializers.CharField(allow_null=True, help_text="null: none, or several.")
    priced = serializers.IntegerField(help_text="Completed with services the book prices.")
    off_standard = serializers.IntegerField(help_text="Of those, any service charged otherwise.")
    charged_total = Rounded(2)
    standard_total = Rounded(2)

    @cached_property
    def _readers(self) -> list[tuple[str, str, Callable[[Any], Any]]]:
        """Each field's name, source and representation, looked up once per serializer (a
        list's child serves every row)."""
        return [
            (name, field.source, field.to_representation) for name, field in self.fields.items()
        ]

    def to_representation(self, instance: Figures) -> dict[str, Any]:
        # What DRF's own gives (a None stays None), each field read straight off the figures
        # by its `source` (a plain attribute name here, never a dotted path): a brand admin's
        # equity quarter at the alliance's size serializes some 100,000 figures, where DRF's
        # general lookup took twice as long.
        return {
            name: None if (value := getattr(instance, source)) is None else represent(value)
            for name, source, represent in self._readers
        }


class _OutletColumns(serializers.Serializer):
    outlet = serializers.CharField(allow_null=True, help_text="Outlet code; null on the total.")
    outlet_name = serializers.CharField()
    city = serializers.CharField()
    time_zone = serializers.CharField()


class OutletFiguresSerializer(_OutletColumns, FiguresSerializer):
    """The outlet's columns first, then its figures (DRF orders base classes' fields so)."""


COMPUTED_AT_HELP = (
    "When these figures were figured. The last quarter of every outlet (the dashboard's opening "
    "view: a brand admin's brand, the alliance admin's every brand) is figured every five "
    "minutes and answered from then; anything else is figured for the request."
)


class OutletAuditSerializer(serializers.Serializer):
    brand = serializers.CharField(allow_null=True, help_text="null: every brand.")
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    computed_at = serializers.DateTimeField(help_text=COMPUTED_AT_HELP)
    rows = OutletFiguresSerializer(many=True)
    total = OutletFiguresSerializer(help_text="The whole network (outlets in scope) at once.")


class FlagSerializer(serializers.Serializer):
    outlet = serializers.CharField()
    brand = serializers.CharField()
    metric = serializers.CharField()
    figure = Rounded(4)
    others_figure = Rounded(4)
    difference = Rounded(4, help_text="figure − others_figure")
    margin = serializers.FloatField(help_text="The practical margin it exceeds.")
    n = serializers.IntegerField()
    n_others = serializers.IntegerField()
    p_value = SignificantFigures(
        label="p (adjusted)",
        help_text="p (adjusted): the one-sided test's p-value adjusted by Holm's step-down "
        "method over the view's family (every test it ran, `tests`), so that the family-wise "
        "error rate is held at 0.05. A flag has p (adjusted) < 0.05.",
    )
    p_raw = SignificantFigures(
        label="p (raw)",
        help_text="The same test's own p-value, before the adjustment: not what a flag is "
        "judged on.",
    )
    test = serializers.CharField(
        help_text="The one-sided test: `fisher_exact` (Fisher's exact test) for a rate, "
        "`mann_whitney_u` for waits and ratings."
    )
    sentence = serializers.CharField(
        help_text="The flag in words, in the caller's language, with p (adjusted)."
    )


class OthersFiguresSerializer(FiguresSerializer):
    """The pooled others' figures: any of them null where withheld from a brand admin."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for field in fields.values():
            field.allow_null = True
        return fields


class BrandComparisonSerializer(serializers.Serializer):
    brand = serializers.CharField()
    figures = FiguresSerializer()
    others = OthersFiguresSerializer(
        allow_null=True,
        help_text="Every other brand at the outlet, pooled. For a brand admin, a figure (and "
        "its counts) that fewer than two other brands contribute to is null: it would be one "
        "brand's own.",
    )
    other_brands = serializers.IntegerField(help_text="How many brands are pooled in others.")
    others_withheld = serializers.BooleanField(
        help_text="Pooled over fewer than two brands, the others' figures (all, or those null "
        "in others) would be one brand's own: brand admins do not see them."
    )


class OutletEquitySerializer(serializers.Serializer):
    outlet = serializers.CharField()
    outlet_name = serializers.CharField()
    city = serializers.CharField()
    comparisons = BrandComparisonSerializer(many=True)


class EquityAuditSerializer(serializers.Serializer):
    brand = serializers.CharField(allow_null=True, help_text="null: every brand.")
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    computed_at = serializers.DateTimeField(help_text=COMPUTED_AT_HELP)
    outlets = OutletEquitySerializer(many=True)
    tests = serializers.IntegerField(
        help_text="The view's family: how many one-sided tests it ran (each outlet × compared "
        "brand × figure with at least 20 observations on both sides, whatever the difference). "
        "Every flag's p_value is adjusted over all of them."
    )
    flags = FlagSerializer(many=True)


class AuditBookingSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    channel = serializers.CharField()
    brand = serializers.CharField()
    model = serializers.CharField()
    start = serializers.SerializerMethodField()
    started_at = serializers.SerializerMethodField()
    wait_minutes = Rounded(1)
    actual_labour_minutes = serializers.IntegerField(allow_null=True)
    standard_minutes = serializers.IntegerField(allow_null=True)
    checklist_items = serializers.IntegerField(allow_null=True)
    checklist_items_done = serializers.IntegerField(allow_null=True)
    rating = serializers.IntegerField(allow_null=True)
    recall = serializers.BooleanField()
    extra_lines_sent = serializers.IntegerField()
    extra_lines_approved = serializers.IntegerField()
    extra_value_approved = Rounded(2)
    charged = Rounded(2, help_text="Its services as charged, recall lines excepted.")
    standard = Rounded(2, help_text="The same services at the standard price.")

    def _local(self, value: dt.datetime | None) -> str | None:
        if value is None:
            return None
        return value.astimezone(ZoneInfo(self.context["time_zone"])).isoformat()

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_start(self, booking: AuditBooking) -> str | None:
        return self._local(booking.start)

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_started_at(self, booking: AuditBooking) -> str | None:
        return self._local(booking.started_at)
