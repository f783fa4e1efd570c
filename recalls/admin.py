"""Admin for alliance operations. Campaigns are edited here (titles, closing one); an affected
vehicle's state and booking are read-only: they change only through the services (a booking,
its completion or cancellation, the notice scan)."""

from django.contrib import admin

from .models import AffectedVehicle, RecallCampaign


@admin.register(RecallCampaign)
class RecallCampaignAdmin(admin.ModelAdmin):
    list_display = ("code", "brand", "title_en", "service_type", "status", "created_at")
    list_filter = ("brand", "status")
    search_fields = ("code", "title_en", "title_zh")
    list_select_related = ("brand", "service_type")
    filter_horizontal = ("vehicle_models",)
    readonly_fields = ("created_by", "created_at", "updated_at")


@admin.register(AffectedVehicle)
class AffectedVehicleAdmin(admin.ModelAdmin):
    list_display = ("vin", "campaign", "state", "source", "outlet", "booking_reference")
    list_filter = ("state", "source", "campaign__brand")
    search_fields = ("vin", "campaign__code", "booking_reference")
    list_select_related = ("campaign", "outlet")
    raw_id_fields = ("vehicle",)
    readonly_fields = (
        "state",
        "outlet",
        "booking_reference",
        "notified_at",
        "follow_up_at",
        "booked_at",
        "done_at",
        "created_at",
        "updated_at",
    )
