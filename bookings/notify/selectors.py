"""Reads of the outbox that pages and the API share."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Booking, Notification


def booking_notifications(booking: Booking) -> Sequence[Notification]:
    """A booking's notifications for its detail page: kind, channel, status, due and sent. The
    rows a service handed over with the booking when it has just written all of them
    (bookings.selectors booking_parts_in_hand: `booking.notices`), else one query."""
    notices = getattr(booking, "notices", None)
    if notices is not None:
        return notices
    return list(
        Notification.objects.filter(booking=booking)
        .only("pk", "kind", "channel", "status", "due_at", "sent_at", "attempts", "booking_id")
        .order_by("due_at", "pk")
    )
