from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vehicles.models import Vehicle

from .booking import Booking


class Notification(models.Model):
    """The outbox: one row per message, written in the transaction of the change behind it."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("confirmation")
        REMINDER_24H = "reminder_24h", _("reminder 24 h before")
        REMINDER_2H = "reminder_2h", _("reminder 2 h before")
        RESCHEDULED = "rescheduled", _("rescheduled")
        CANCELLED = "cancelled", _("cancelled")
        READY_FOR_PICKUP = "ready_for_pickup", _("ready for pickup")
        FEEDBACK_REQUEST = "feedback_request", _("feedback request")
        MAINTENANCE_DUE = "maintenance_due", _("maintenance due")
        RECALL_NOTICE = "recall_notice", _("recall notice")
        ONE_TIME_CODE = "one_time_code", _("one-time code")
        VEHICLE_RELEASED = "vehicle_released", _("car claimed by its verified owner")
        ESTIMATE = "estimate", _("extra work to approve")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("e-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped")

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # Where a one-time code goes when that is not the recipient's own address (a new phone
    # being verified, the phone in a car's delivery record); empty: the recipient's.
    address = models.CharField(max_length=254, blank=True)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Facts frozen when the message was recorded (e.g. why maintenance is due), for the text.
    context = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            # The claim's order, whole: on `due_at` alone, a recall's million rows due at one
            # instant were sorted by id for every batch the scan claimed.
            models.Index(
                fields=["due_at", "id"],
                name="notification_pending_due",
                condition=models.Q(status="pending"),
            ),
            # The booking detail lists a booking's notifications in due order.
            models.Index(fields=["booking", "due_at"], name="notification_booking_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(booking__isnull=False)
                | models.Q(vehicle__isnull=False)
                | models.Q(kind="one_time_code"),
                name="notification_has_subject_or_is_code",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class NotificationDelivery(models.Model):
    """The sent log: one row per notification handed to its channel, written in the same
    transaction that marks the notification sent. The one-to-one key makes "sent twice"
    impossible to record, whatever the workers do."""

    notification = models.OneToOneField(
        Notification, on_delete=models.CASCADE, related_name="delivery"
    )
    key = models.CharField(max_length=200)
    channel = models.CharField(max_length=8, choices=Notification.Channel.choices)
    address = models.CharField(max_length=254)
    language = models.CharField(max_length=8)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    # What the channel answered (an HTTP gateway's message id, say); empty for the console.
    provider_ref = models.CharField(max_length=128, blank=True)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name_plural = "notification deliveries"

    def __str__(self) -> str:
        return f"{self.key} → {self.address}"
