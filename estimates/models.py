"""Extra work found during a visit: estimate lines the owner approves or declines one by one,
and the sendings that carried them to the owner (DESIGN.md "The visit in the workshop")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from outlets.models import ServiceType


class EstimateSending(models.Model):
    """One "send" of a booking's proposed lines to its owner: the signed link names it, and
    it fixes when the owner's answer is due (48 h after)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="estimate_sendings")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # The first time the owner opened the link: the advisor sees it (myKaarma's "viewed").
    viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["booking", "sent_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("sent_at")), name="estimatesending_expires_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking_id} sent {self.sent_at:%Y-%m-%d %H:%M}"


class EstimateLine(models.Model):
    """One piece of extra work: a catalog service or a repair, with its price frozen from the
    price book (in the outlet's currency) when it was proposed."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("catalog service")
        REPAIR = "repair", _("repair")

    class Grade(models.TextChoices):
        URGENT = "urgent", _("urgent")
        ADVISORY = "advisory", _("advisory")
        INFO = "info", _("for information")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        VIEWED = "viewed", _("viewed")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")
        EXPIRED = "expired", _("expired")

    # Waiting for the owner's answer.
    OPEN_STATES = (State.PROPOSED, State.VIEWED)
    # Extra work is found, offered and answered while the car is in the workshop; lines still
    # open when it leaves (ready, or any end) run out with it.
    IN_WORKSHOP = (Booking.Status.CHECKED_IN, Booking.Status.IN_SERVICE)

    class Hold(models.TextChoices):
        """What an approval did to the visit's hold of the bay (and crew)."""

        NONE = "", _("not yet")
        EXTENDED = "extended", _("time added to the visit")
        REFUSED = "refused", _("bay or crew busy: staff to choose")
        NOT_NEEDED = "not_needed", _("no extra time needed")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="estimate_lines")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(max_length=255, blank=True)
    grade = models.CharField(max_length=8, choices=Grade.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PROPOSED)
    labour_minutes = models.PositiveSmallIntegerField(default=0)
    # Frozen at proposal: the standard labour rate per hour, and the line's prices.
    labour_rate = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    labour_price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    parts_price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3)
    # The inspection keeps a photo a line shows when its view gets a new one (workshop.services).
    photos = models.ManyToManyField("workshop.Photo", blank=True, related_name="estimate_lines")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    sending = models.ForeignKey(
        EstimateSending, on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    viewed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hold = models.CharField(max_length=10, choices=Hold.choices, blank=True, default=Hold.NONE)
    hold_note = models.CharField(max_length=255, blank=True)
    work_started_at = models.DateTimeField(null=True, blank=True)
    work_completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["booking", "created_at", "id"]
        indexes = [
            # The scan for lines whose answer is overdue, and the suggestions at the next visit.
            models.Index(
                fields=["sending"],
                name="estimateline_open",
                condition=Q(state__in=["proposed", "viewed"]),
            ),
            models.Index(fields=["booking", "state"], name="estimateline_booking_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="service") & Q(service_type__isnull=False))
                | (Q(kind="repair") & Q(service_type__isnull=True) & ~Q(description="")),
                name="estimateline_kind_has_its_subject",
            ),
            models.CheckConstraint(
                condition=Q(price=F("labour_price") + F("parts_price"))
                & Q(labour_price__gte=0)
                & Q(parts_price__gte=0),
                name="estimateline_price_adds_up",
            ),
            # Only a sent line can be viewed, decided or run out.
            models.CheckConstraint(
                condition=Q(state="proposed") | Q(sending__isnull=False),
                name="estimateline_answered_was_sent",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["approved", "declined"]) | Q(decided_at__isnull=False),
                name="estimateline_decided_has_time",
            ),
            models.CheckConstraint(
                condition=Q(state="approved") | Q(hold=""),
                name="estimateline_hold_only_when_approved",
            ),
            # No work on a line the owner has not approved (the consent rule).
            models.CheckConstraint(
                condition=Q(work_started_at__isnull=True) | Q(state="approved"),
                name="estimateline_work_needs_approval",
            ),
            models.CheckConstraint(
                condition=Q(work_completed_at__isnull=True) | Q(work_started_at__isnull=False),
                name="estimateline_completed_was_started",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking_id}:{self.pk} {self.state}"

    @property
    def is_open(self) -> bool:
        """Waiting for the owner's answer."""
        return self.state in self.OPEN_STATES

    @property
    def is_decided(self) -> bool:
        return self.state in (self.State.APPROVED, self.State.DECLINED, self.State.EXPIRED)


def part_total(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """A part line's price, to the cent, rounded half up as prices are: the sheet shows each
    part's total beside the line's parts price, which is their sum."""
    return (quantity * unit_price).quantize(Decimal("0.01"), ROUND_HALF_UP)


class EstimatePart(models.Model):
    """A part a repair line uses, priced per unit when the line was proposed."""

    line = models.ForeignKey(EstimateLine, on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(max_length=120)
    quantity = models.DecimalField(max_digits=7, decimal_places=2)
    unit_price = models.DecimalField(max_digits=9, decimal_places=2)

    class Meta:
        ordering = ["line", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0) & Q(unit_price__gte=0), name="estimatepart_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"

    @property
    def total(self) -> Decimal:
        return part_total(self.quantity, self.unit_price)
