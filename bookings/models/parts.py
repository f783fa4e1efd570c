"""What a booking is made of beside its row: its service lines (the standard time and price as
booked, the checklist as done), its history of events, and the owner's feedback."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from outlets.models import ServiceType

from .booking import Booking, BookingStatus


class BookingService(models.Model):
    """A service on a booking, with the standard time and price as they were when booked."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="booking_services")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    labour_minutes = models.PositiveSmallIntegerField()
    price = models.DecimalField(max_digits=9, decimal_places=2)
    # Checklist as completed by the technician: [{"item": "...", "done": true}, ...]
    checklist_result = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["booking", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "service_type"], name="bookingservice_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.booking_id}:{self.service_type_id}"


class BookingEvent(models.Model):
    """Append-only history: who did what to a booking, and when."""

    class Kind(models.TextChoices):
        CREATED = "created", _("booked")
        WALK_IN = "walk_in", _("walked in")
        STATUS = "status", _("status changed")
        RESCHEDULED = "rescheduled", _("rescheduled")
        BAY_ASSIGNED = "bay_assigned", _("bay assigned")
        FEEDBACK = "feedback", _("rated")
        DESK_OVERRIDE = "desk_override", _("service desk limit passed")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    from_status = models.CharField(max_length=12, blank=True, choices=BookingStatus.choices)
    to_status = models.CharField(max_length=12, blank=True, choices=BookingStatus.choices)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["booking", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.kind} {self.from_status}->{self.to_status}"


class Feedback(models.Model):
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1) & models.Q(rating__lte=5),
                name="feedback_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.booking_id} rated {self.rating}"
