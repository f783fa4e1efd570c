"""Inspections and photos in the admin, read-mostly: the files are not linked (the storage is
private; photos are seen through the scoped photo view)."""

from django.contrib import admin

from .models import DamageMark, Inspection, Photo, WalkAroundView


class WalkAroundViewInline(admin.TabularInline):
    model = WalkAroundView
    extra = 0
    raw_id_fields = ["photo"]


class DamageMarkInline(admin.TabularInline):
    model = DamageMark
    extra = 0
    raw_id_fields = ["photo"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["booking", "odometer_km", "state_of_charge", "inspected_by", "updated_at"]
    search_fields = ["booking__reference"]
    raw_id_fields = ["booking", "inspected_by"]
    inlines = [WalkAroundViewInline, DamageMarkInline]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["key", "booking", "width", "height", "uploaded_by", "created_at"]
    search_fields = ["booking__reference"]
    exclude = ["image", "thumbnail"]
    readonly_fields = ["key", "booking", "width", "height", "uploaded_by", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False  # photos come in through the pipeline (workshop.photos), never raw


@admin.register(WalkAroundView)
class WalkAroundViewAdmin(admin.ModelAdmin):
    """Listed for search; edited with their inspection."""

    list_display = ["inspection", "angle", "note"]
    search_fields = ["inspection__booking__reference", "note"]
    raw_id_fields = ["inspection", "photo"]


@admin.register(DamageMark)
class DamageMarkAdmin(admin.ModelAdmin):
    """Listed for search; edited with their inspection."""

    list_display = ["inspection", "location", "note"]
    search_fields = ["inspection__booking__reference", "location", "note"]
    raw_id_fields = ["inspection", "photo"]
