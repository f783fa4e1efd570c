"""Alliance admins keep technicians here too, under the same rules as the API (crews.services).
Technicians are retired, never deleted: bookings name them."""

from collections import defaultdict

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from .models import Absence, BrandAuthorization, Shift, Technician
from .validation import ShiftInput, clean_hv, validate_absences, validate_shifts


def _kept(formset: forms.BaseInlineFormSet, *required: str) -> list[dict]:
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data
        and not form.cleaned_data.get("DELETE")
        and all(form.cleaned_data.get(name) is not None for name in required)
    ]


class ShiftFormSet(forms.BaseInlineFormSet):
    """Per outlet, the week rule of the API; across outlets, no two places at once."""

    def clean(self) -> None:
        super().clean()
        rows = _kept(self, "outlet", "weekday", "starts", "ends")
        by_outlet: dict[int, list[ShiftInput]] = defaultdict(list)
        for row in rows:
            by_outlet[row["outlet"].pk].append(
                ShiftInput(weekday=row["weekday"], starts=row["starts"], ends=row["ends"])
            )
        for outlet_id, shifts in by_outlet.items():
            elsewhere = [
                s for other, group in by_outlet.items() if other != outlet_id for s in group
            ]
            try:
                validate_shifts(shifts, elsewhere=elsewhere)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["shifts"]) from exc


class AbsenceFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        try:
            validate_absences(_kept(self, "first_day", "last_day"))  # type: ignore[arg-type]
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["absences"]) from exc


class BrandAuthorizationInline(admin.TabularInline):
    model = BrandAuthorization
    extra = 0


class ShiftInline(admin.TabularInline):
    model = Shift
    formset = ShiftFormSet
    extra = 0
    autocomplete_fields = ("outlet",)


class AbsenceInline(admin.TabularInline):
    model = Absence
    formset = AbsenceFormSet
    extra = 0


class TechnicianForm(forms.ModelForm):
    class Meta:
        model = Technician
        fields = ["user", "skills", "hv_level", "hv_valid_until", "is_active"]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("hv_level") is not None:
            try:
                cleaned["hv_valid_until"] = clean_hv(
                    hv_level=cleaned["hv_level"], hv_valid_until=cleaned.get("hv_valid_until")
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field, messages)
        return cleaned


@admin.register(Technician)
class TechnicianAdmin(admin.ModelAdmin):
    form = TechnicianForm
    list_display = ("user", "skills", "hv_level", "hv_valid_until", "is_active")
    list_filter = ("is_active", "hv_level", "shifts__outlet")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    raw_id_fields = ("user",)
    inlines = [BrandAuthorizationInline, ShiftInline, AbsenceInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # retired with is_active, never deleted: bookings name them


class ReadOnlyAdmin(admin.ModelAdmin):
    """Listed and searchable on their own; kept on the technician's page, where the rules of the
    whole list (overlaps, one brand once) are checked together."""

    search_fields = ("technician__user__username",)
    list_select_related = ("technician__user",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BrandAuthorization)
class BrandAuthorizationAdmin(ReadOnlyAdmin):
    list_display = ("technician", "brand", "valid_until")
    list_filter = ("brand",)


@admin.register(Shift)
class ShiftAdmin(ReadOnlyAdmin):
    list_display = ("technician", "outlet", "weekday", "starts", "ends")
    list_filter = ("weekday",)


@admin.register(Absence)
class AbsenceAdmin(ReadOnlyAdmin):
    list_display = ("technician", "first_day", "last_day", "reason")
