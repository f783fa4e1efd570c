from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from outlets.models import Bay, Outlet, ServiceType
from vehicles.models import Vehicle


class TsTzRange(models.Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Booking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        CHECKED_IN = "checked_in", _("checked in")
        IN_SERVICE = "in_service", _("in service")
        READY = "ready", _("ready for pickup")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")
        NO_SHOW = "no_show", _("no-show")

    class Mode(models.TextChoices):
        DROP_OFF = "drop_off", _("drop off")
        WAIT = "wait", _("wait at the outlet")
        PICKUP_DELIVERY = "pickup_delivery", _("pickup and delivery")
        NIGHT_SERVICE = "night_service", _("Starry Night Service")

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        PHONE = "phone", _("phone")
        WALK_IN = "walk_in", _("walk-in")

    # The statuses that hold a bay and the vehicle: the exclusion constraints apply to them.
    ACTIVE_STATUSES = (Status.CONFIRMED, Status.CHECKED_IN, Status.IN_SERVICE)
    PICKUP_MODES = (Mode.PICKUP_DELIVERY, Mode.NIGHT_SERVICE)

    reference = models.CharField(max_length=12, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="bookings")
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="bookings")
    bay = models.ForeignKey(
        Bay, on_delete=models.PROTECT, related_name="bookings", null=True, blank=True
    )
    services = models.ManyToManyField(ServiceType, through="BookingService", related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    # end + the outlet's turnover time: how long the bay stays blocked.
    bay_released_at = models.DateTimeField()
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.DROP_OFF)
    pickup_address = models.CharField(max_length=255, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    notes = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CONFIRMED)
    price_total = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    cancel_reason = models.CharField(max_length=255, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    actual_labour_minutes = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["outlet", "start"]),
            models.Index(fields=["owner", "-start"]),
            models.Index(fields=["status", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="booking_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(bay_released_at__gte=models.F("end")),
                name="booking_bay_released_after_end",
            ),
            models.CheckConstraint(
                condition=~models.Q(mode__in=["pickup_delivery", "night_service"])
                | ~models.Q(pickup_address=""),
                name="booking_pickup_needs_address",
            ),
            # Rule 1: a bay holds at most one active booking at any instant, by the database.
            ExclusionConstraint(
                name="booking_no_bay_overlap",
                expressions=[
                    (
                        TsTzRange("start", "bay_released_at", RangeBoundary()),
                        RangeOperators.OVERLAPS,
                    ),
                    ("bay", RangeOperators.EQUAL),
                ],
                condition=models.Q(status__in=["confirmed", "checked_in", "in_service"])
                & models.Q(bay__isnull=False),
            ),
            # …and a vehicle is in at most one active booking at any instant.
            ExclusionConstraint(
                name="booking_no_vehicle_overlap",
                expressions=[
                    (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("vehicle", RangeOperators.EQUAL),
                ],
                condition=models.Q(status__in=["confirmed", "checked_in", "in_service"]),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


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

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=32)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
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


class IdempotencyKey(models.Model):
    """The first answer to a POST carrying an `Idempotency-Key`, replayed for repeats."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotencykey_unique")
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


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
            models.Index(
                fields=["due_at"],
                name="notification_pending_due",
                condition=models.Q(status="pending"),
            ),
            # The booking detail lists a booking's notifications in due order.
            models.Index(fields=["booking", "due_at"], name="notification_booking_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(booking__isnull=False) | models.Q(vehicle__isnull=False),
                name="notification_has_subject",
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
