"""No-show marking by scan: confirmed bookings not checked in 30 minutes after their start."""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from hima_service.exceptions import InvalidTransition

from ..models import Booking
from .status import NO_SHOW_AFTER, booking_mark_no_show

logger = logging.getLogger(__name__)


def bookings_mark_no_shows(*, now: datetime | None = None, limit: int = 500) -> int:
    """Mark each overdue confirmed booking a no-show through the state machine, one booking per
    transaction; returns how many were marked. Harmless to run twice or twice at once: the
    booking service locks the row, and a booking that was checked in (or marked) meanwhile
    raises InvalidTransition, which is skipped here."""
    now = now or timezone.now()
    overdue = list(
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED, start__lte=now - NO_SHOW_AFTER
        ).values_list("pk", flat=True)[:limit]
    )
    marked = 0
    for pk in overdue:
        try:
            booking_mark_no_show(booking=Booking(pk=pk), actor=None, now=now)
        except InvalidTransition:
            continue
        marked += 1
    if marked:
        logger.info("Marked %d booking(s) no-show.", marked)
    return marked
