from django.contrib import admin

from .models import Brand, BrandMembership, OdometerReading, Vehicle, VehicleModel


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
    list_display = ("vin", "model", "model_year", "plate", "owner", "odometer_km", "delivery_date")
    list_filter = ("model__brand", "model", "model_year")
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
