"""Messages about a vehicle rather than a booking: the monthly maintenance reminder (recall
notices, a million at a time, are written by PostgreSQL: bookings.notify.recall_rows). Recorded
in the outbox like every message (bookings.notify.outbox)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from accounts.models import User

from ..models import Notification
from .outbox import recipient_channels

Kind = Notification.Kind


def maintenance_key(vehicle_id: int, month: str, channel: str) -> str:
    return f"vehicle:{vehicle_id}:{Kind.MAINTENANCE_DUE}:{month}:{channel}"


@transaction.atomic
def notify_maintenance_due(
    *, vehicle_id: int, owner: User, month: str, now: datetime, **context: object
) -> int:
    """One maintenance_due per vehicle, channel and calendar month (`month` is "YYYY-MM"): the
    key holds the month, so a second run in the same month records nothing. (The 30 days
    between two reminders across a month's end are kept by `bookings.notify.maintenance`.) Returns
    the number of rows that were new."""
    rows = [
        Notification(
            key=maintenance_key(vehicle_id, month, channel),
            kind=Kind.MAINTENANCE_DUE,
            channel=channel,
            recipient=owner,
            vehicle_id=vehicle_id,
            due_at=now,
            context={"month": month, **context},
        )
        for channel in recipient_channels(owner)
    ]
    if not rows:
        return 0
    keys = [row.key for row in rows]
    existing = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(set(keys) - existing)
