"""Reads of the outbox that pages and the API share."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Booking, Notification


def booking_notifications(booking: Booking) -> Sequence[Notification]:
    """A booking's notifications for its detail page: kind, channel, status, due and sent. The
    rows in hand when a service just wrote all of them (bookings.selectors
    booking_parts_in_hand), else one query."""
    if "notifications" in getattr(booking, "_prefetched_objects_cache", {}):
        return booking.notifications.all()
    return (
        Notification.objects.filter(booking=booking)
        .only("pk", "kind", "channel", "status", "due_at", "sent_at", "attempts", "booking_id")
        .order_by("due_at", "pk")
    )
