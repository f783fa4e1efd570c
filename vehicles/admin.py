from django.contrib import admin

from .models import (
    Brand,
    BrandMembership,
    DeliveryRecord,
    OdometerReading,
    OwnershipVerification,
    Vehicle,
    VehicleModel,
)


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_zh", "partner_maker")
    search_fields = ("code", "name", "name_zh", "partner_maker", "also_known_as")


@admin.register(VehicleModel)
class VehicleModelAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "brand",
        "powertrain",
        "maintenance_interval_months",
        "maintenance_interval_km",
    )
    list_filter = ("brand", "powertrain")
    search_fields = ("code", "name", "name_zh")


class OdometerReadingInline(admin.TabularInline):
    model = OdometerReading
    extra = 0
    readonly_fields = ("km", "source", "recorded_at")
    can_delete = False


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ("vin", "model", "model_year", "plate", "owner", "verified_at", "released_at")
    list_filter = ("model__brand", "verified_via", "model", "model_year")
    search_fields = ("vin", "plate", "owner__username", "owner__phone", "owner__email")
    list_select_related = ("model__brand", "owner")
    raw_id_fields = ("owner",)
    inlines = [OdometerReadingInline]


@admin.register(BrandMembership)
class BrandMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "brand", "created_at")
    list_filter = ("brand",)
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user",)


@admin.register(OdometerReading)
class OdometerReadingAdmin(admin.ModelAdmin):
    list_display = ("vehicle", "km", "source", "recorded_at")
    list_filter = ("source",)
    search_fields = ("vehicle__vin", "vehicle__plate")
    list_select_related = ("vehicle__model__brand",)
    raw_id_fields = ("vehicle",)


@admin.register(DeliveryRecord)
class DeliveryRecordAdmin(admin.ModelAdmin):
    list_display = ("vin", "brand", "buyer_phone", "uploaded_by", "uploaded_at")
    list_filter = ("brand",)
    search_fields = ("vin", "buyer_phone")
    raw_id_fields = ("uploaded_by",)


@admin.register(OwnershipVerification)
class OwnershipVerificationAdmin(admin.ModelAdmin):
    """The audit trail of verified owners: read-only."""

    list_display = (
        "vin",
        "owner",
        "via",
        "staff",
        "outlet_code",
        "booking_reference",
        "created_at",
    )
    list_filter = ("via",)
    search_fields = ("vin", "outlet_code", "booking_reference", "owner__username")
    raw_id_fields = ("vehicle", "owner", "staff", "delivery_record")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
