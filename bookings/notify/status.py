"""A notification's status pipeline, as data: a row is pending until it is sent, skipped (no
longer wanted) or failed (every attempt used). Nothing else writes a notification's status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from ..models import Notification

Status = Notification.Status

MOVES: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.SENT, Status.SKIPPED, Status.FAILED}),
    Status.SENT: frozenset(),
    Status.SKIPPED: frozenset(),
    Status.FAILED: frozenset(),
}


class NotificationMoveRefused(Exception):
    """A status change outside MOVES: a bug in the caller, never a user's input."""


def notification_move(
    notification: Notification, to: str, *, sent_at: datetime | None = None, **fields: Any
) -> None:
    """Move one row along MOVES and save it with `fields`. Leaving pending ends its claim; a
    sent row carries its time and no error."""
    if to not in MOVES[notification.status]:
        raise NotificationMoveRefused(f"{notification.key}: {notification.status} → {to}")
    if to == Status.SENT:
        fields.update(sent_at=sent_at, last_error="")
    fields.update(status=to, claimed_until=None)
    for name, value in fields.items():
        setattr(notification, name, value)
    notification.save(update_fields=list(fields))


def notifications_skip_pending(rows: QuerySet[Notification]) -> int:
    """Skip every pending row of `rows` in one UPDATE (which waits for a worker holding a row's
    lock, then re-checks `pending`); returns how many."""
    return rows.filter(status=Status.PENDING).update(status=Status.SKIPPED, claimed_until=None)
