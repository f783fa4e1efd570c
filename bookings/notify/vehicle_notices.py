"""Messages about a vehicle rather than a booking: the monthly maintenance reminder and recall
notices. Recorded in the outbox like every message (bookings.notify.outbox)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from accounts.models import User

from ..models import Notification
from .outbox import recipient_channels, record_new, safety_channels

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


def recall_key(vehicle_id: int, campaign: str, channel: str, *, follow_up: bool = False) -> str:
    occurrence = f"{campaign}:follow-up" if follow_up else campaign
    return f"vehicle:{vehicle_id}:{Kind.RECALL_NOTICE}:{occurrence}:{channel}"


@dataclass(frozen=True)
class RecallNotice:
    """One vehicle's notice of one campaign (or its one follow-up), with the campaign's facts
    in both languages for the text (`bookings/templates/notifications/recall_notice.*`)."""

    vehicle_id: int
    owner: User
    campaign: str
    follow_up: bool
    facts: dict


@transaction.atomic
def notify_recall_notices(*, notices: Sequence[RecallNotice], now: datetime) -> int:
    """One recall_notice per vehicle, campaign and channel, and one follow-up (its own key):
    the key holds the campaign, so recording a notice twice records nothing. Sent on every
    channel with an address (SAFETY_KINDS). Returns the number of rows that were new."""
    rows = [
        Notification(
            key=recall_key(n.vehicle_id, n.campaign, channel, follow_up=n.follow_up),
            kind=Kind.RECALL_NOTICE,
            channel=channel,
            recipient=n.owner,
            vehicle_id=n.vehicle_id,
            due_at=now,
            context={**n.facts, "campaign": n.campaign, "follow_up": n.follow_up},
        )
        for n in notices
        for channel in safety_channels(n.owner)
    ]
    if not rows:
        return 0
    keys = {row.key for row in rows}
    existing = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    record_new(rows)
    return len(keys - existing)
