"""The price book in the admin. History is kept: a row in force (valid_from today or earlier)
may have been charged, so it is read-only and cannot be deleted; a change is a new row with a
later valid_from. Rows still to come may be corrected or withdrawn."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone

from .models import LabourRate, ServicePrice


class HistoryKeptAdmin(admin.ModelAdmin):
    def _in_force(self, obj) -> bool:
        return obj is not None and obj.valid_from <= timezone.localdate()

    def get_readonly_fields(self, request, obj=None):
        if self._in_force(obj):
            return [field.name for field in self.model._meta.fields]
        return ["created_at"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return not self._in_force(obj) and super().has_delete_permission(request, obj)


@admin.register(ServicePrice)
class ServicePriceAdmin(HistoryKeptAdmin):
    list_display = ["service_type", "model", "currency", "price", "valid_from"]
    list_filter = ["currency", "service_type__category", "model__brand", "valid_from"]
    search_fields = ["service_type__code", "service_type__name", "model__code", "currency"]
    autocomplete_fields = ["service_type", "model"]
    date_hierarchy = "valid_from"
    list_select_related = ["service_type", "model"]


@admin.register(LabourRate)
class LabourRateAdmin(HistoryKeptAdmin):
    list_display = ["currency", "rate_per_hour", "valid_from"]
    list_filter = ["currency"]
    search_fields = ["currency"]
    date_hierarchy = "valid_from"
