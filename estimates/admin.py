"""Extra work in the admin, read-mostly: prices, states and answers are the services' to write
(the owner's consent is never given here)."""

from django.contrib import admin

from .models import EstimateLine, EstimatePart, EstimateSending


class EstimatePartInline(admin.TabularInline):
    model = EstimatePart
    extra = 0


@admin.register(EstimateLine)
class EstimateLineAdmin(admin.ModelAdmin):
    list_display = ["booking", "kind", "grade", "state", "price", "currency", "hold", "created_at"]
    list_filter = ["state", "grade", "kind", "hold"]
    search_fields = ["booking__reference", "description"]
    raw_id_fields = ["booking", "service_type", "sending", "proposed_by", "decided_by"]
    filter_horizontal = ["photos"]
    readonly_fields = ["state", "decided_at", "decided_by", "viewed_at", "hold", "hold_note"]
    inlines = [EstimatePartInline]


@admin.register(EstimateSending)
class EstimateSendingAdmin(admin.ModelAdmin):
    list_display = ["booking", "owner", "sent_at", "expires_at", "viewed_at"]
    search_fields = ["booking__reference"]
    raw_id_fields = ["booking", "owner", "sent_by"]


@admin.register(EstimatePart)
class EstimatePartAdmin(admin.ModelAdmin):
    list_display = ["line", "name", "quantity", "unit_price"]
    search_fields = ["name", "line__booking__reference"]
    raw_id_fields = ["line"]
