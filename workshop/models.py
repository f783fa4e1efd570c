"""The check-in inspection and the photos it (and the estimate's lines) carry."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking


def _photo_path(instance: Photo, filename: str) -> str:
    # A fresh random name per file: the storage path says nothing about the booking, the car or
    # the photo's key, so a leaked or public bucket listing cannot be walked by guessing.
    return f"workshop/photos/{secrets.token_urlsafe(24)}.jpg"


class Photo(models.Model):
    """An image re-encoded as JPEG without its metadata, with a small copy for lists. Belongs to
    a booking: only its owner and its outlet's staff may see it (workshop.selectors)."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=_photo_path, max_length=200)
    thumbnail = models.FileField(upload_to=_photo_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.key} ({self.width}×{self.height})"


class Inspection(models.Model):
    """What staff found when the car came in: one per booking, updated while the car is here."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="inspection")
    odometer_km = models.PositiveIntegerField()
    state_of_charge = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state_of_charge__lte=100), name="inspection_charge_percent"
            )
        ]

    def __str__(self) -> str:
        return f"inspection of {self.booking_id}"


class Angle(models.TextChoices):
    """The guided walk-around, in the order staff walk it."""

    FRONT = "front", _("front")
    REAR = "rear", _("rear")
    LEFT = "left", _("left side")
    RIGHT = "right", _("right side")
    INTERIOR = "interior", _("interior")
    DASHBOARD = "dashboard", _("dashboard")


class WalkAroundView(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="views")
    angle = models.CharField(max_length=16, choices=Angle.choices)
    note = models.CharField(max_length=500, blank=True)
    photo = models.OneToOneField(
        Photo, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "angle"], name="one_view_per_angle")
        ]

    def __str__(self) -> str:
        return self.angle


class DamageMark(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="damage_marks"
    )
    location = models.CharField(max_length=120)
    note = models.CharField(max_length=500, blank=True)
    photo = models.OneToOneField(
        Photo, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.location
