from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import OneTimeCode, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "phone", "first_name", "last_name", "is_staff", "language")
    list_filter = ("is_staff", "is_superuser", "is_active", "language")
    search_fields = ("username", "email", "phone", "first_name", "last_name")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "HIMA",
            {
                "fields": (
                    "phone",
                    "language",
                    "email_notifications",
                    "sms_notifications",
                    "verified_phone",
                    "phone_verified_at",
                    "verified_email",
                    "email_verified_at",
                    "is_counter_customer",
                )
            },
        ),
    )


@admin.register(OneTimeCode)
class OneTimeCodeAdmin(admin.ModelAdmin):
    """Read-only: who was sent a code where, and how it went (the code itself is not kept)."""

    list_display = ("user", "purpose", "target", "created_at", "expires_at", "attempts", "used_at")
    list_filter = ("purpose",)
    search_fields = ("user__username", "target")
    exclude = ("code_hash",)
    raw_id_fields = ("user",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
