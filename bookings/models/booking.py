from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import (
    ArrayField,
    DateTimeRangeField,
    RangeBoundary,
    RangeOperators,
)
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.masking import mask_phone, masked_name_of
from outlets.models import Bay, Outlet, ServiceType
from vehicles.models import Brand, Vehicle

if TYPE_CHECKING:  # notification.py and parts.py import this module
    from .notification import Notification
    from .parts import BookingEvent, BookingService, Feedback


class TsTzRange(models.Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    CHECKED_IN = "checked_in", _("checked in")
    IN_SERVICE = "in_service", _("in service")
    READY = "ready", _("ready for pickup")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")
    NO_SHOW = "no_show", _("no-show")


class BookingMode(models.TextChoices):
    DROP_OFF = "drop_off", _("drop off")
    WAIT = "wait", _("wait at the outlet")
    PICKUP_DELIVERY = "pickup_delivery", _("pickup and delivery")
    NIGHT_SERVICE = "night_service", _("Starry Night Service")


# The statuses that hold a bay and the vehicle. The one source: the exclusion constraints below
# are built from it, and so is every query that asks "is this booking holding its bay?".
ACTIVE_STATUSES = [BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.IN_SERVICE]
# The statuses of a booking whose service has started (it has a `started_at`, but for a
# completed one whose start was not recorded).
BEGUN_STATUSES = [BookingStatus.IN_SERVICE, BookingStatus.READY, BookingStatus.COMPLETED]


class IsActive(models.Func):
    """`status IN ('confirmed', 'checked_in', 'in_service')` with the statuses written into the
    statement, for the hot reads of active bookings. Sent as parameters (`status__in=`), they
    leave PostgreSQL unable to prove, in a prepared statement's generic plan, that the partial
    indexes and exclusion constraints over active bookings apply: it plans such a statement
    afresh on every execution, which costs more than running it."""

    template = "%(expressions)s IN ({})".format(", ".join(f"'{s.value}'" for s in ACTIVE_STATUSES))
    output_field = models.BooleanField()

    def __init__(self) -> None:
        super().__init__(models.F("status"))


class HoldsCrew(models.Func):
    """`NOT (crew = '{}')` with the empty crew written into the statement, for the same reason
    as IsActive: the crew constraint's index is over active bookings that hold a crew."""

    template = "NOT (%(expressions)s = '{}'::integer[])"
    output_field = models.BooleanField()

    def __init__(self) -> None:
        super().__init__(models.F("crew"))


# The statuses that never came through the service desk: not counted against its limits
# (bookings.lifecycle.desk, and the engine that hides a full desk's starts).
DESK_UNCOUNTED = [BookingStatus.CANCELLED, BookingStatus.NO_SHOW]
# Modes in which the car is collected from the owner, so an address is needed.
PICKUP_MODES = [BookingMode.PICKUP_DELIVERY, BookingMode.NIGHT_SERVICE]


class Booking(models.Model):
    Status = BookingStatus
    Mode = BookingMode

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        PHONE = "phone", _("phone")
        WALK_IN = "walk_in", _("walk-in")

    ACTIVE_STATUSES = ACTIVE_STATUSES
    PICKUP_MODES = PICKUP_MODES

    reference = models.CharField(max_length=12, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="bookings")
    # The car's brand, kept by the database: set from the car on every insert and every change
    # of the car, and again when the car's model is corrected (migration 0014's triggers); no
    # code writes it, so an instance not read back holds None. The audit counts by it at the
    # alliance's size without joining every booking to its car.
    brand = models.ForeignKey(
        Brand, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="bookings")
    bay = models.ForeignKey(
        Bay, on_delete=models.PROTECT, related_name="bookings", null=True, blank=True
    )
    # The technicians (crews.Technician ids, lead first) held for [start, end): an array, so
    # one exclusion constraint keeps any person out of two overlapping bookings whatever their
    # place in each crew. Empty at an outlet planned by bays alone (Outlet.plans_crews).
    crew = ArrayField(models.IntegerField(), default=list, blank=True)
    services = models.ManyToManyField(ServiceType, through="BookingService", related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    # The start promised to the owner, kept when the work began at another time (a car started
    # early, or a waiting car started late, moves `start` and `end` to the work's real times:
    # the bay is held from then). Null while `start` is still the promise; read `promised`.
    promised_start = models.DateTimeField(null=True, blank=True)
    # end + the outlet's turnover time: how long the bay stays blocked.
    bay_released_at = models.DateTimeField()
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.DROP_OFF)
    pickup_address = models.CharField(max_length=255, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    notes = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CONFIRMED)
    price_total = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    # A recall fix is booked on it: its moves close or give back recalls (recalls.services).
    # Known here so that the status actions of every other booking cost no recall query.
    holds_recalls = models.BooleanField(default=False)
    cancel_reason = models.CharField(max_length=255, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    actual_labour_minutes = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Not fields: the complete events and notifications a service hands over with the booking,
    # set only by bookings.selectors.booking_parts_in_hand and read through getattr with a
    # default (type annotations only, so Django does not see them).
    history: "list[BookingEvent]"
    notices: "list[Notification]"

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["outlet", "start"]),
            models.Index(fields=["owner", "-start"]),
            # By status and start (the no-show scan, the queue), with the outlet and the brand:
            # the audit counts the bookings still to come (confirmed or cancelled, after now)
            # per outlet and brand from this index alone (audit.values_sql).
            models.Index(
                fields=["status", "start"], include=["outlet", "brand"], name="booking_status_start"
            ),
            # The bookings whose work began at another time than booked (`promised_start` set:
            # a few): the audit reads a booking's period by its booked time, these by this
            # index, the others by (outlet, start) (audit.values_sql).
            models.Index(
                fields=["outlet", "promised_start"],
                condition=models.Q(promised_start__isnull=False),
                name="booking_outlet_promised",
            ),
            # The availability engine's window read (bookings.availability.calendar), made for
            # it: only active bookings, by outlet and start, with the two other columns it
            # needs, so PostgreSQL answers it from this index alone and never has a reason to
            # reach for the exclusion constraint's GiST index.
            models.Index(
                fields=["outlet", "start"],
                include=["bay", "bay_released_at"],
                condition=models.Q(status__in=ACTIVE_STATUSES),
                name="booking_active_window",
            ),
            # A car's own active bookings: the caps' count of its upcoming ones on every create
            # and the times an owner's ask takes away (bookings.availability.calendar), read
            # from this index alone. The vehicle's foreign-key index alone left the planner to
            # guess a car's share of the table, and where a few cars hold many bookings it
            # intersected that with the status index instead, reading every active booking.
            models.Index(
                fields=["vehicle", "start"],
                include=["end"],
                condition=models.Q(status__in=ACTIVE_STATUSES),
                name="booking_vehicle_active",
            ),
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
                condition=~models.Q(mode__in=PICKUP_MODES) | ~models.Q(pickup_address=""),
                name="booking_pickup_needs_address",
            ),
            # A status is one of the statuses, and a service start is stamped only once work
            # began (bookings.lifecycle.table): so a confirmed or cancelled booking has not
            # begun, and every other one has, which the audit's reads of the bookings ahead
            # rely on (audit.values_sql).
            models.CheckConstraint(
                condition=models.Q(status__in=BookingStatus.values), name="booking_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(started_at__isnull=True) | models.Q(status__in=BEGUN_STATUSES),
                name="booking_started_once_begun",
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
                condition=models.Q(status__in=ACTIVE_STATUSES) & models.Q(bay__isnull=False),
            ),
            # A technician works one active booking at any instant, by the database as well.
            ExclusionConstraint(
                name="booking_no_crew_overlap",
                expressions=[
                    (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("crew", RangeOperators.OVERLAPS),
                ],
                condition=models.Q(status__in=ACTIVE_STATUSES) & ~models.Q(crew=[]),
            ),
            # …and a vehicle is in at most one active booking at any instant.
            ExclusionConstraint(
                name="booking_no_vehicle_overlap",
                expressions=[
                    (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("vehicle", RangeOperators.EQUAL),
                ],
                condition=models.Q(status__in=ACTIVE_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def promised(self) -> datetime:
        """The start promised to the owner, whatever time the work began."""
        return self.promised_start or self.start

    @property
    def promised_end(self) -> datetime:
        """The end the promise implied: the promised start and the visit's own length."""
        return self.promised + (self.end - self.start)

    @property
    def started_off_promise(self) -> bool:
        """Work began at another minute than promised (the pages show both)."""
        return self.started_at is not None and self.started_at.replace(
            second=0, microsecond=0
        ) != self.promised.replace(second=0, microsecond=0)

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @cached_property
    def lines(self) -> list["BookingService"]:
        """The service lines, with their service types, for the booking's representation: as
        bookings.selectors prefetched them, or as the service that has just written them set
        this attribute (bookings.selectors.booking_parts_in_hand)."""
        return list(self.booking_services.all())

    @cached_property
    def feedback_or_none(self) -> "Feedback | None":
        """The owner's feedback, None while there is none (the reads join it; a service that
        knows it sets this attribute)."""
        try:
            return self.feedback
        except ObjectDoesNotExist:
            return None

    @property
    def owner_shown_name(self) -> str:
        """The owner's name as a booking shows it. A walk-in is registered by staff of any
        outlet from a VIN alone, so it shows the name masked (李*), enough to confirm with the
        person at the counter (DESIGN.md "Identity and trust"); a counter customer is one."""
        owner = self.owner
        if owner.is_counter_customer:
            return str(_("counter customer"))
        if self.channel == self.Channel.WALK_IN:
            return masked_name_of(owner)
        return owner.display_name

    @property
    def owner_shown_phone(self) -> str:
        """A walk-in's verified owner's phone, masked (138****8000); otherwise nothing."""
        owner = self.owner
        if self.channel != self.Channel.WALK_IN or not owner.phone_is_verified:
            return ""
        return mask_phone(owner.phone)
