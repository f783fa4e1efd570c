"""Erasing an account (PIPL: the right to deletion), with what it means for the bookings."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import user_anonymize
from hima_service.exceptions import Conflict, RuleViolation
from hima_service.models import IdempotencyKey
from vehicles.models import Vehicle
from vehicles.ownership import delivery_records_naming, holder_erase

from ..lifecycle.rules import OWNER_CHANGE_DEADLINE
from ..lifecycle.status import booking_cancel
from ..models import (
    PICKUP_MODES,
    Booking,
    BookingEvent,
    Feedback,
    Notification,
    NotificationDelivery,
)
from ..notify.status import notifications_skip_pending

ERASED_REASON = "account erased"
ERASED_ADDRESS = "[erased]"
ERASED_TEXT = "[erased]"
# The facts of an event that say nothing about a person (times, bays, the channel, a rating,
# labour minutes); any other detail (a reason typed by the owner or by staff) is free text and
# is blanked, whatever later code may add.
FACT_DETAILS = frozenset(
    {
        "start",
        "previous_start",
        "booked_start",
        "bay",
        "waiting",
        "channel",
        "rating",
        "actual_labour_minutes",
    }
)


class ErasureBlocked(Conflict):
    code = "erasure_blocked"


def _check_erasable(*, user: User, now: datetime) -> None:
    """A car in the workshop, or a booking too close to cancel online, holds the erasure: the
    outlet still needs to reach its owner."""
    visit = (
        Booking.objects.filter(
            owner=user,
            status__in=[
                Booking.Status.CHECKED_IN,
                Booking.Status.IN_SERVICE,
                Booking.Status.READY,
            ],
        )
        .order_by("start")
        .first()
    )
    if visit is not None:
        raise ErasureBlocked(
            _(
                "Your car is at the outlet for booking %(reference)s; you can erase your "
                "account once that visit is completed."
            )
            % {"reference": visit.reference}
        )
    soon = (
        Booking.objects.filter(
            owner=user,
            status=Booking.Status.CONFIRMED,
            start__gt=now,
            start__lt=now + OWNER_CHANGE_DEADLINE,
        )
        .order_by("start")
        .first()
    )
    if soon is not None:
        raise ErasureBlocked(
            _(
                "Booking %(reference)s starts in less than 2 hours and can no longer be "
                "cancelled online; please call the outlet, or erase your account after it."
            )
            % {"reference": soon.reference}
        )


def _blank_event_text(events) -> None:
    """Every detail of the events that is not one of FACT_DETAILS becomes ERASED_TEXT (the
    erasure's own cancel reason, which names nobody, stays)."""
    changed = []
    for event in events.only("pk", "details").iterator(chunk_size=500):
        details = {
            key: value if key in FACT_DETAILS or value == ERASED_REASON else ERASED_TEXT
            for key, value in event.details.items()
        }
        if details != event.details:
            event.details = details
            changed.append(event)
    BookingEvent.objects.bulk_update(changed, ["details"], batch_size=500)


@transaction.atomic
def account_erase(*, user: User, password: str, now: datetime | None = None) -> int:
    """Erase one's own account, confirmed with the password: personal fields blanked (the
    account's; those written on its bookings, their events' free text, feedback and messages;
    the phone in the brand delivery records that name it), its cars released, one-time codes
    deleted, every token and session ended, future bookings cancelled through the cancel
    action (the bays free up; no message goes out, as there is nobody left to send it to). The
    bookings, their events and ratings, the delivery records and the ownership verifications
    stay, with no name attached, for the audit. Returns how many bookings were cancelled."""
    now = now or timezone.now()
    if not user.check_password(password):
        raise RuleViolation(
            _("The password is not right; your account was not erased."),
            fields={"password": [_("The password is not right.")]},
        )
    _check_erasable(user=user, now=now)
    # Read while the account still has the phone it proved.
    delivery_records = list(delivery_records_naming(user).values_list("pk", flat=True))
    # The account first: with no phone, no e-mail and both channels off, the cancellations
    # below record no message, and delivery skips anything still pending.
    user = user_anonymize(user=user)
    future = Booking.objects.filter(
        owner=user, status=Booking.Status.CONFIRMED, start__gt=now
    ).order_by("start")
    cancelled = 0
    for booking in future:
        booking_cancel(booking=booking, actor=user, reason=ERASED_REASON, now=now)
        cancelled += 1
    bookings = Booking.objects.filter(owner=user)
    bookings.update(notes="", updated_at=now)
    bookings.exclude(cancel_reason__in=["", ERASED_REASON]).update(cancel_reason=ERASED_TEXT)
    _blank_event_text(BookingEvent.objects.filter(booking__owner=user))
    # A pickup booking keeps a placeholder: the table requires its address (the mode stays).
    bookings.filter(mode__in=PICKUP_MODES).update(pickup_address=ERASED_ADDRESS)
    bookings.exclude(mode__in=PICKUP_MODES).update(pickup_address="")
    Feedback.objects.filter(booking__owner=user).update(comment="")
    Vehicle.objects.filter(owner=user).update(plate="")
    holder_erase(user=user, delivery_records=delivery_records, now=now)
    notifications = Notification.objects.filter(recipient=user)
    notifications_skip_pending(notifications)
    notifications.update(context={}, address="")
    NotificationDelivery.objects.filter(notification__recipient=user).update(
        address="", subject="", body=""
    )
    # Stored answers replayed for a repeated POST carry the booking as it was shown: the
    # person's own, and staff's about the person's bookings (a cancel, a check-in, a walk-in).
    references = list(Booking.objects.filter(owner=user).values_list("reference", flat=True))
    IdempotencyKey.objects.filter(
        Q(user=user) | Q(response_body__reference__in=references)
    ).delete()
    return cancelled
