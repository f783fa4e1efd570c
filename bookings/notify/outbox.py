"""The notification outbox: messages recorded in the transaction of the change behind them.

The booking services call the `notify_*` functions *inside* their transaction, so a rolled-back
booking leaves no notification and a committed one never lacks its messages. Each row is one
(subject, kind, channel) with a deterministic unique `key`; recording is
`INSERT … ON CONFLICT DO NOTHING`, so calling a `notify_*` twice records nothing new.

Rows carry their due time; nothing waits in Redis. The beat scan (`bookings.notify.dispatch`) is
what makes delivery correct; the on-commit kick (same module) only makes messages that are due
now go out at once, and a broker outage at that moment is logged and left to the scan.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from psycopg import sql

from accounts.models import User

from ..models import Booking, BookingEvent, Notification
from .dispatch import notifications_kick
from .inserts import insert_values
from .status import notifications_skip_pending

logger = logging.getLogger(__name__)

Kind = Notification.Kind
Channel = Notification.Channel
Status = Notification.Status

# Reminders and how long before the start each is due.
REMINDERS: dict[str, timedelta] = {
    Kind.REMINDER_24H: timedelta(hours=24),
    Kind.REMINDER_2H: timedelta(hours=2),
}
FEEDBACK_AFTER = timedelta(hours=2)
# A "rescheduled" message waits this long after its move: a booking moved again meanwhile
# updates the pending message instead of adding one, so the owner hears of the last move once
# (DESIGN "No hoarding": 30 moves in a second were 30 SMS).
RESCHEDULED_QUIET = timedelta(minutes=10)
# ...but no longer than this after the first move it tells of: moves every few minutes must not
# keep the owner from hearing of them.
RESCHEDULED_MAX_WAIT = timedelta(minutes=30)
# Safety notices reach owners who opted out of reminders: the opt-outs are for service
# messages, and a recall is a safety matter (docs/recalls.md). A channel still needs an address.
SAFETY_KINDS = frozenset({Kind.RECALL_NOTICE})


def recipient_channels(user: User) -> list[str]:
    """The channels a user receives on: not opted out, and with an address to send to."""
    channels: list[str] = []
    if user.sms_notifications and user.phone:
        channels.append(Channel.SMS)
    if user.email_notifications and user.email:
        channels.append(Channel.EMAIL)
    return channels


def safety_channels(user: User) -> list[str]:
    """The channels a safety notice goes out on: every one with an address, opted out or not."""
    return [
        channel
        for channel, address in ((Channel.SMS, user.phone), (Channel.EMAIL, user.email))
        if address
    ]


def _stamp(moment: datetime) -> str:
    """A compact UTC stamp for keys: the same instant always gives the same text."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def booking_key(booking: Booking, kind: str, channel: str, *occurrence: object) -> str:
    return ":".join(["booking", str(booking.pk), kind, *map(str, occurrence), channel])


def reminder_key(booking: Booking, kind: str, channel: str) -> str:
    # The start is part of the key: a reminder for a new start is a new message, even when the
    # reminder for the old start was already sent.
    return booking_key(booking, kind, channel, _stamp(booking.start))


def _insert_new(rows: list[Notification]) -> list[Notification]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id, key: one round trip that says which rows
    are new (bulk_create's ignore_conflicts cannot return them). Sets their `pk` and returns
    them; a row whose key existed is left out."""
    into, values, params = insert_values(rows)
    statement = sql.SQL(
        "INSERT INTO {into} VALUES {values} ON CONFLICT DO NOTHING RETURNING id, key"
    ).format(into=into, values=values)
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(), params)
        ids = {key: pk for pk, key in cursor.fetchall()}
    new = []
    for row in rows:
        if row.key in ids:
            row.pk = ids[row.key]
            new.append(row)
    return new


def record_new(rows: Iterable[Notification]) -> list[Notification]:
    """Insert the rows, ignoring any whose key exists; kick delivery of those due now (after
    commit, in one broker round trip). Returns the rows that were new."""
    rows = list(rows)
    if not rows:
        return []
    new = _insert_new(rows)
    now = timezone.now()
    due_now = [row.pk for row in new if row.due_at <= now]
    if due_now:
        transaction.on_commit(lambda: notifications_kick(notification_ids=due_now))
    return new


def _booking_rows(
    booking: Booking, kind: str, due_at: datetime, *occurrence: object, **context: object
) -> list[Notification]:
    return [
        Notification(
            key=booking_key(booking, kind, channel, *occurrence),
            kind=kind,
            channel=channel,
            recipient_id=booking.owner_id,
            booking=booking,
            due_at=due_at,
            context=context,
        )
        for channel in recipient_channels(booking.owner)
    ]


def _reminder_rows(booking: Booking, now: datetime) -> list[Notification]:
    """Reminders for the booking's current start whose time has not passed yet."""
    rows: list[Notification] = []
    for kind, before in REMINDERS.items():
        due_at = booking.start - before
        if due_at <= now:
            continue
        rows.extend(
            Notification(
                key=reminder_key(booking, kind, channel),
                kind=kind,
                channel=channel,
                recipient_id=booking.owner_id,
                booking=booking,
                due_at=due_at,
            )
            for channel in recipient_channels(booking.owner)
        )
    return rows


@transaction.atomic(savepoint=False)
def notify_booking_created(*, booking: Booking) -> list[Notification]:
    """Confirmation now; reminders 24 h and 2 h before the start (those not yet past).
    Returns the rows recorded (new ones only)."""
    now = timezone.now()
    return record_new(
        [
            *_booking_rows(booking, Kind.CONFIRMATION, now),
            *_reminder_rows(booking, now),
        ]
    )


@transaction.atomic(savepoint=False)
def notify_booking_rescheduled(*, booking: Booking, event_id: int | None = None) -> None:
    """A "rescheduled" message RESCHEDULED_QUIET after the move, and the pending reminders
    moved to the new start.

    The message's key names the occurrence: the booking's latest event (the booking service
    writes the "rescheduled" event first and passes its id as `event_id`; otherwise it is
    looked up) and the new start, so a repeated call for the same one records nothing. A
    move while the previous move's message still waits (pending, never attempted) takes that
    row over: its key, start and due time become this move's, though it stays due no later
    than RESCHEDULED_MAX_WAIT after it was first recorded (see _move_reminders). Once a
    message was sent or a worker has started on it, the next move gets a message of its own.
    """
    now = timezone.now()
    last_event = (
        event_id or (BookingEvent.objects.filter(booking=booking).aggregate(last=Max("pk"))["last"])
    )
    occurrence = (f"e{last_event or 0}", _stamp(booking.start))
    rows = _booking_rows(
        booking,
        Kind.RESCHEDULED,
        now + RESCHEDULED_QUIET,
        *occurrence,
        start=booking.start.isoformat(),
    )
    replaced = _move_reminders(booking, now, rescheduled=rows)
    record_new(
        [*(row for row in rows if row.channel not in replaced), *_reminder_rows(booking, now)]
    )


def _move_reminders(
    booking: Booking, now: datetime, *, rescheduled: Sequence[Notification] = ()
) -> set[str]:
    """Move each pending reminder to the new start; skip those whose new time has passed or
    whose new key is already taken (a reminder for that start was sent before). A waiting
    "rescheduled" message of a channel (pending, never attempted) becomes that channel's row
    of `rescheduled`, in the same UPDATE; returns those channels (nothing new is recorded for
    them).

    The booking's reminder rows are locked, whatever their status (two queries whatever the
    number of rows: the locked read and one bulk UPDATE, plus one for any skipped): a worker
    delivering one right now finishes first, and the row is then no longer pending, so it is
    left alone (a reminder for the new start is recorded instead). The keys read are also the
    taken ones: a reminder key names its booking and kind, so no other row can hold it.
    """
    reminders = list(
        Notification.objects.select_for_update()
        .filter(booking=booking, kind__in=[*REMINDERS, Kind.RESCHEDULED])
        .order_by("pk")
    )
    taken = {row.key for row in reminders}
    moved: list[Notification] = []
    skipped: list[int] = []
    latest = {row.channel: row for row in rescheduled}
    replaced: set[str] = set()
    for row in reminders:
        if row.kind == Kind.RESCHEDULED:
            # Never attempted: no worker has read it, so what it will tell can still change
            # (a worker that started on it holds attempts >= 1, committed before it sends).
            new = latest.get(row.channel)
            if row.status != Status.PENDING or row.attempts or new is None:
                continue
            if row.channel in replaced or (new.key in taken and new.key != row.key):
                continue  # a repeated call: this occurrence has its row already
            row.key, row.context = new.key, new.context
            row.due_at = min(new.due_at, row.created_at + RESCHEDULED_MAX_WAIT)
            taken.add(new.key)
            replaced.add(row.channel)
            moved.append(row)
            continue
        if row.status != Status.PENDING:
            continue
        new_key = reminder_key(booking, row.kind, row.channel)
        if new_key == row.key:
            continue
        new_due = booking.start - REMINDERS[row.kind]
        if new_due <= now or new_key in taken:
            skipped.append(row.pk)
            continue
        row.key = new_key
        row.due_at = new_due
        row.attempts = 0
        row.claimed_until = None
        row.last_error = ""
        moved.append(row)
        taken.add(new_key)
    if skipped:
        notifications_skip_pending(Notification.objects.filter(pk__in=skipped))
    if moved:
        Notification.objects.bulk_update(
            moved, ["key", "due_at", "attempts", "claimed_until", "last_error", "context"]
        )
    return replaced


@transaction.atomic(savepoint=False)
def notify_booking_cancelled(*, booking: Booking) -> None:
    """A "cancelled" message now; the pending reminders, and a "rescheduled" message still
    waiting out its quiet time, are skipped."""
    now = timezone.now()
    notifications_skip_pending(
        Notification.objects.filter(booking=booking, kind__in=[*REMINDERS, Kind.RESCHEDULED])
    )
    record_new(_booking_rows(booking, Kind.CANCELLED, now))


@transaction.atomic(savepoint=False)
def notify_booking_ready(*, booking: Booking) -> None:
    """The car is ready for pickup: tell the owner now."""
    record_new(_booking_rows(booking, Kind.READY_FOR_PICKUP, timezone.now()))


@transaction.atomic(savepoint=False)
def notify_booking_completed(*, booking: Booking) -> None:
    """Ask for feedback 2 h after completion."""
    completed_at = booking.completed_at or timezone.now()
    record_new(_booking_rows(booking, Kind.FEEDBACK_REQUEST, completed_at + FEEDBACK_AFTER))


@transaction.atomic(savepoint=False)
def notify_estimate_sent(
    *, booking: Booking, sending_id: int, link: str, lines: int, urgent: int, expires_at: datetime
) -> None:
    """Extra work waits for the owner's consent: tell them now, with the signed link. One
    message per sending (its id is in the key), so sending the same lines again records nothing."""
    record_new(
        _booking_rows(
            booking,
            Kind.ESTIMATE,
            timezone.now(),
            f"s{sending_id}",
            link=link,
            lines=lines,
            urgent=urgent,
            expires_at=expires_at.isoformat(),
        )
    )
