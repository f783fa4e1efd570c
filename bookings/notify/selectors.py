"""Reads of the outbox that pages and the API share."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Booking, Notification


def booking_notifications(booking: Booking) -> QuerySet[Notification]:
    """A booking's notifications for its detail page: kind, channel, status, due and sent."""
    return (
        Notification.objects.filter(booking=booking)
        .only("pk", "kind", "channel", "status", "due_at", "sent_at", "attempts", "booking_id")
        .order_by("due_at", "pk")
    )
