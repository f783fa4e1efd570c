"""The booking state machine as data, in one place.

Each allowed (from, to) pair says which timestamp entering `to` stamps, which event kind the
move records and which outbox writer records its notifications. Status actions look their move
up here (`transition_for`); a pair that is not in the table is refused with InvalidTransition,
and so is a change that keeps the status (a reschedule, a rating) in a status not listed for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from hima_service.exceptions import Conflict, InvalidTransition
from recalls.services import recall_mark_done, recall_release

from ..models import Booking, BookingEvent
from ..notify.outbox import (
    notify_booking_cancelled,
    notify_booking_completed,
    notify_booking_ready,
)

Status = Booking.Status


@dataclass(frozen=True)
class Transition:
    stamp: str | None = None
    notify: Callable[..., None] | None = None
    event: str = BookingEvent.Kind.STATUS
    # What the move means for the recalls the booking holds (recalls.services), if anything.
    recalls: Callable[[Booking], object] | None = None


def close_recalls(booking: Booking) -> None:
    """The recall fixes on a completed booking are done, at its outlet."""
    if booking.holds_recalls:
        assert booking.completed_at is not None  # noqa: S101 - the move stamped it before this
        recall_mark_done(booking_reference=booking.reference, now=booking.completed_at)


def release_recalls(booking: Booking) -> None:
    """A cancelled or missed booking gives its recalls back to be booked again."""
    if booking.holds_recalls:
        recall_release(booking_reference=booking.reference)


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (Status.CONFIRMED, Status.CHECKED_IN): Transition(stamp="checked_in_at"),
    (Status.CONFIRMED, Status.CANCELLED): Transition(
        notify=notify_booking_cancelled, recalls=release_recalls
    ),
    (Status.CONFIRMED, Status.NO_SHOW): Transition(recalls=release_recalls),
    (Status.CHECKED_IN, Status.IN_SERVICE): Transition(stamp="started_at"),
    (Status.IN_SERVICE, Status.READY): Transition(stamp="ready_at", notify=notify_booking_ready),
    (Status.READY, Status.COMPLETED): Transition(
        stamp="completed_at", notify=notify_booking_completed, recalls=close_recalls
    ),
}

# Derived views of the table, for readers and tests.
ALLOWED: dict[str, frozenset[str]] = {
    status: frozenset(to for (frm, to) in TRANSITIONS if frm == status) for status in Status
}
STAMPS: dict[str, str] = {to: t.stamp for (_frm, to), t in TRANSITIONS.items() if t.stamp}

# Changes that keep the status, and the statuses in which each is allowed.
RESCHEDULABLE = frozenset({Status.CONFIRMED})
RATEABLE = frozenset({Status.COMPLETED})


def transition_for(current: str, to: str) -> Transition:
    """The table's entry for current → to; InvalidTransition when there is none."""
    try:
        return TRANSITIONS[(current, to)]
    except KeyError:
        raise InvalidTransition(current, to) from None


def check_reschedulable(current: str) -> None:
    if current not in RESCHEDULABLE:
        raise InvalidTransition(current, "rescheduled")


def check_rateable(current: str) -> None:
    if current not in RATEABLE:
        raise Conflict(_("Only a completed service can be rated."))
