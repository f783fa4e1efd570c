"""Admin for alliance operations. Status, times and bays are read-only here: they change only
through the services (state machine, reservation core), never by editing a row."""

from django.contrib import admin

from .models import (
    Booking,
    BookingEvent,
    BookingService,
    Feedback,
    Notification,
    NotificationDelivery,
)


class BookingServiceInline(admin.TabularInline):
    model = BookingService
    extra = 0
    can_delete = False
    readonly_fields = ("service_type", "labour_minutes", "price", "checklist_result")

    def has_add_permission(self, request, obj=None):
        return False


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "kind", "from_status", "to_status", "actor", "details")

    def has_add_permission(self, request, obj=None):
        return False


class NotificationInline(admin.TabularInline):
    model = Notification
    fk_name = "booking"
    extra = 0
    can_delete = False
    fields = ("kind", "channel", "status", "due_at", "attempts", "sent_at", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "status",
        "outlet",
        "start",
        "bay",
        "vehicle",
        "owner",
        "mode",
        "channel",
    )
    list_filter = ("status", "mode", "channel", "outlet__city", "vehicle__model__brand", "outlet")
    search_fields = (
        "reference",
        "vehicle__vin",
        "vehicle__plate",
        "owner__username",
        "owner__phone",
    )
    date_hierarchy = "start"
    list_select_related = ("outlet", "bay", "vehicle__model__brand", "owner")
    raw_id_fields = ("owner", "vehicle")
    readonly_fields = (
        "reference",
        "status",
        "outlet",
        "bay",
        "start",
        "end",
        "bay_released_at",
        "price_total",
        "checked_in_at",
        "started_at",
        "ready_at",
        "completed_at",
        "actual_labour_minutes",
        "created_at",
        "updated_at",
    )
    inlines = [BookingServiceInline, BookingEventInline, NotificationInline]

    def has_add_permission(self, request):
        return False  # bookings are made through the reservation core (API), never by hand

    def has_delete_permission(self, request, obj=None):
        return False  # the service history is kept; cancel instead


@admin.register(BookingEvent)
class BookingEventAdmin(admin.ModelAdmin):
    list_display = ("booking", "kind", "from_status", "to_status", "actor", "created_at")
    list_filter = ("kind", "to_status")
    search_fields = ("booking__reference", "actor__username")
    list_select_related = ("booking", "actor")

    def has_change_permission(self, request, obj=None):
        return False  # append-only

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("booking", "rating", "created_at")
    list_filter = ("rating", "booking__outlet", "booking__vehicle__model__brand")
    search_fields = ("booking__reference", "comment")
    list_select_related = ("booking",)
    raw_id_fields = ("booking",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("key", "kind", "channel", "status", "due_at", "attempts", "sent_at")
    list_filter = ("status", "kind", "channel")
    search_fields = ("key", "booking__reference", "recipient__username")
    date_hierarchy = "due_at"
    raw_id_fields = ("recipient", "booking", "vehicle")
    readonly_fields = ("key", "sent_at", "claimed_until", "attempts", "last_error", "context")


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(admin.ModelAdmin):
    list_display = ("key", "channel", "address", "language", "sent_at")
    list_filter = ("channel", "language")
    search_fields = ("key", "address")
    readonly_fields = [f.name for f in NotificationDelivery._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(BookingService)
class BookingServiceAdmin(admin.ModelAdmin):
    list_display = ("booking", "service_type", "labour_minutes", "price")
    list_filter = ("service_type__category", "service_type")
    search_fields = ("booking__reference", "service_type__code")
    list_select_related = ("booking", "service_type")
    raw_id_fields = ("booking",)
    readonly_fields = ("booking", "service_type", "labour_minutes", "price", "checklist_result")
