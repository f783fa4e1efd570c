from django.contrib import admin

from .models import IdempotencyKey


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ("key", "user", "method", "path", "response_status", "created_at")
    search_fields = ("key", "user__username", "path")
    raw_id_fields = ("user",)
