from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from .models import (
    Bay,
    Closure,
    OpeningHours,
    Outlet,
    OutletMembership,
    OutletVersion,
    ServiceType,
)
from .services import validate_week


class OpeningHoursFormSet(forms.BaseInlineFormSet):
    """The admin enforces the same week rule as the API (one function in services)."""

    def clean(self) -> None:
        super().clean()
        intervals = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("opens")
            and form.cleaned_data.get("closes")
            and form.cleaned_data.get("weekday") is not None
        ]
        try:
            validate_week(intervals)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["hours"]) from exc


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 0


class BayInline(admin.TabularInline):
    model = Bay
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


class OutletMembershipInline(admin.TabularInline):
    model = OutletMembership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "city",
        "country",
        "time_zone",
        "night_service",
        "night_capacity",
        "slot_step_minutes",
        "is_active",
    )
    list_filter = ("kind", "city", "country", "night_service", "is_active", "brands")
    search_fields = ("code", "name", "name_zh", "city", "province", "address", "phone")
    filter_horizontal = ("brands", "services")
    inlines = [OpeningHoursInline, BayInline, ClosureInline, OutletMembershipInline]


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "name_zh",
        "category",
        "labour_minutes",
        "capability",
        "price",
        "counts_as_maintenance",
        "is_active",
    )
    list_filter = ("category", "capability", "counts_as_maintenance", "is_active")
    search_fields = ("code", "name", "name_zh")


@admin.register(Bay)
class BayAdmin(admin.ModelAdmin):
    list_display = ("outlet", "name", "capabilities", "is_active")
    list_filter = ("is_active", "outlet__city", "outlet")
    search_fields = ("name", "outlet__code", "outlet__name")
    list_select_related = ("outlet",)


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = ("outlet", "weekday", "opens", "closes")
    list_filter = ("weekday", "outlet__city")
    search_fields = ("outlet__code", "outlet__name")
    list_select_related = ("outlet",)


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ("outlet", "date", "reason")
    list_filter = ("outlet__city", "date")
    search_fields = ("outlet__code", "outlet__name", "reason")
    date_hierarchy = "date"
    list_select_related = ("outlet",)


@admin.register(OutletMembership)
class OutletMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "outlet", "role")
    list_filter = ("role", "outlet__city", "outlet")
    search_fields = ("user__username", "user__email", "outlet__code", "outlet__name")
    list_select_related = ("user", "outlet")
    raw_id_fields = ("user",)


@admin.register(OutletVersion)
class OutletVersionAdmin(admin.ModelAdmin):
    """Counted by the database's triggers; shown to tell whether an outlet's calendar moved."""

    list_display = ("outlet_id", "shard", "version")
    search_fields = ("=outlet_id",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
