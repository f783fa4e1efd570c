"""A notification's status pipeline, as data: a row is pending until it is sent, skipped (no
longer wanted) or failed (every attempt used). Nothing else writes a notification's status."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from psycopg import sql

from ..models import Notification, NotificationDelivery
from .inserts import insert_parts, insert_values

Status = Notification.Status

MOVES: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.SENT, Status.SKIPPED, Status.FAILED}),
    Status.SENT: frozenset(),
    Status.SKIPPED: frozenset(),
    Status.FAILED: frozenset(),
}


class NotificationMoveRefused(Exception):
    """A status change outside MOVES: a bug in the caller, never a user's input."""


def check_move(notification: Notification, to: str) -> None:
    """NotificationMoveRefused unless MOVES allows the row's status → `to`."""
    if to not in MOVES[notification.status]:
        raise NotificationMoveRefused(f"{notification.key}: {notification.status} → {to}")


def notification_move(
    notification: Notification, to: str, *, sent_at: datetime | None = None, **fields: Any
) -> None:
    """Move one row along MOVES and save it with `fields`. Leaving pending ends its claim; a
    sent row carries its time and no error."""
    check_move(notification, to)
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


@functools.cache
def _record_sent_statement() -> str:
    """INSERT the sent-log row, UPDATE the notification it names: composed once, as every
    send runs it."""
    into, values = insert_parts(NotificationDelivery, 1)
    return (
        sql.SQL(
            "WITH log AS (INSERT INTO {into} VALUES {values} RETURNING notification_id) "
            "UPDATE {notifications} SET status = %s, sent_at = %s, last_error = '', "
            "claimed_until = NULL WHERE id IN (SELECT notification_id FROM log)"
        )
        .format(into=into, values=values, notifications=sql.Identifier(Notification._meta.db_table))
        .as_string()
    )


def notification_record_sent(notification: Notification, log: NotificationDelivery) -> None:
    """pending → sent together with its sent-log row, in one statement (a CTE: INSERT the log
    row, UPDATE the notification it names), so a delivery costs one round trip to record. The
    one-to-one sent log still refuses a second record. `log.sent_at` is the time stamped."""
    check_move(notification, Status.SENT)
    _, _, params = insert_values([log])
    with connection.cursor() as cursor:
        cursor.execute(_record_sent_statement(), [*params, Status.SENT, log.sent_at])
    notification.status, notification.sent_at = Status.SENT, log.sent_at
    notification.last_error, notification.claimed_until = "", None
