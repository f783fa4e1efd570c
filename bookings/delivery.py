"""Claiming due notifications and delivering them, exactly once.

The flow
    1. `notifications_dispatch_due` (beat, every minute) claims due pending rows in batches with
       one `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING id`, setting
       `claimed_until = now + lease`, and queues one `deliver_notification` task per id. Two
       scans at once claim disjoint rows. A row whose worker died stays pending; when its lease
       runs out the next scan claims it again, so nothing waits on Redis redelivery. The scans
       stop claiming while NOTIFICATION_MAX_IN_FLIGHT rows are claimed and unsent, so a claim
       does not run out while its row still waits in the queue (settings give the numbers).
    2. `notification_deliver` counts the attempt in a transaction of its own, committed before
       the send, so a message whose sending kills its process ends `failed` after
       NOTIFICATION_MAX_ATTEMPTS instead of looping. It then locks the row (a row being
       delivered elsewhere is left to that worker), returns if it is no longer pending or
       another attempt took it over, renders the message, hands it to the channel and then, in
       the same transaction, writes the sent-log row (`NotificationDelivery`, one-to-one with
       the notification) and marks the row sent.

What "exactly once" means here
    * Recorded exactly once: a notification is marked sent and logged at most once (the row
      lock, the pending check and the one-to-one sent log make a second record impossible),
      and at least once (a crash before commit leaves it pending, and the scan takes it again
      after the lease) unless every attempt crashes: then it is `failed`. Running beat twice,
      a task twice or two workers on one id cannot produce a second send of a row that is
      already sent.
    * Its limit: the channel call happens before the commit. If a worker dies in the few
      milliseconds after the channel accepted a message and before the commit, the row is still
      pending and is sent again later. No sender can close that gap without the receiver's help,
      so every message carries its notification key as an idempotency key (the HTTP SMS
      gateway's `Idempotency-Key`, the e-mail's Message-ID): a gateway that honours it turns
      that resend into a no-op. With the console backend such a resend shows as a second log
      line; the sent log still holds one row. The alternative order (commit, then send) would
      lose the message instead, which the product forbids.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from hima_service.celery import app as celery_app

from .channels import OutgoingMessage, backend_for
from .models import Booking, Feedback, Notification, NotificationDelivery
from .notifications import REMINDERS

logger = logging.getLogger(__name__)

Status = Notification.Status
LANGUAGES = ("zh-hans", "en")

CLAIM_SQL = f"""
WITH due AS (
    SELECT id FROM {Notification._meta.db_table}
    WHERE status = 'pending' AND due_at <= %(now)s
      AND (claimed_until IS NULL OR claimed_until < %(now)s)
    ORDER BY due_at, id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
UPDATE {Notification._meta.db_table} AS n SET claimed_until = %(until)s
FROM due WHERE n.id = due.id
RETURNING n.id
"""


@transaction.atomic
def notifications_claim_due(
    *, now: datetime | None = None, limit: int | None = None, lease: timedelta | None = None
) -> list[int]:
    """Claim up to `limit` due pending rows (unclaimed, or whose lease ran out); rows locked
    by another scan or a delivery are skipped, never waited for."""
    now = now or timezone.now()
    lease = lease or timedelta(seconds=settings.NOTIFICATION_CLAIM_LEASE_SECONDS)
    with connection.cursor() as cursor:
        cursor.execute(
            CLAIM_SQL,
            {"now": now, "until": now + lease, "limit": limit or settings.NOTIFICATION_SCAN_BATCH},
        )
        return sorted(row[0] for row in cursor.fetchall())


def _release(ids: list[int]) -> None:
    Notification.objects.filter(pk__in=ids, status=Status.PENDING).update(claimed_until=None)


def _enqueue(ids: list[int]) -> None:
    """Queue one delivery task per id on one fresh broker connection (once a minute: cheap,
    and never a pooled connection left broken by a Redis restart)."""
    from .tasks import deliver_notification

    with celery_app.connection_for_write() as conn:
        for pk in ids:
            deliver_notification.apply_async((pk,), connection=conn)


def notifications_in_flight(*, now: datetime) -> int:
    """Rows claimed under a lease that still runs: queued for a worker or being sent."""
    return Notification.objects.filter(
        status=Status.PENDING, due_at__lte=now, claimed_until__gt=now
    ).count()


def notifications_dispatch_due(
    *,
    now: datetime | None = None,
    batch_size: int | None = None,
    max_batches: int | None = None,
    lease: timedelta | None = None,
    max_in_flight: int | None = None,
) -> int:
    """Claim due notifications batch by batch and queue their delivery; returns how many.

    Claims only while fewer than `max_in_flight` rows are claimed and unsent, so the queue
    never holds more than the lease lets the workers send (settings explain the numbers);
    the rest waits, unclaimed, for a later scan. Two scans at once may each fill the room.

    Each batch is claimed and committed before it is queued, so a worker never looks for a row
    that is not there yet. If the broker is down, the batch's claim is released (the database
    is up) so that the next scan takes it at once, and the error propagates to the task.
    """
    batch_size = batch_size or settings.NOTIFICATION_SCAN_BATCH
    max_batches = max_batches or settings.NOTIFICATION_SCAN_MAX_BATCHES
    max_in_flight = max_in_flight or settings.NOTIFICATION_MAX_IN_FLIGHT
    room = max_in_flight - notifications_in_flight(now=now or timezone.now())
    total = 0
    for _ in range(max_batches):
        if room <= 0:
            break
        limit = min(batch_size, room)
        ids = notifications_claim_due(now=now, limit=limit, lease=lease)
        if not ids:
            break
        try:
            _enqueue(ids)
        except Exception:
            _release(ids)
            raise
        total += len(ids)
        room -= len(ids)
        if len(ids) < limit:
            break
    return total


KICK_CONNECT = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0,
    "interval_max": 0,
    # A frozen broker accepts the connect and never answers: without these the booking request
    # would wait forever. Two tries of two seconds bound the kick at about four.
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
}


def notifications_kick(*, notification_ids: list[int]) -> None:
    """Best effort, after commit: queue delivery of messages due now so they leave at once.

    Never raises: it runs after the booking committed, and a broker outage must not turn a
    successful booking into an error. The rows stay pending and the beat scan sends them.
    """
    from .tasks import deliver_notification

    try:
        # A fresh connection, one immediate connect retry, no publish retries and short socket
        # timeouts: a dead broker costs the booking two refused connects, a frozen one two
        # timeouts, not kombu's default seconds of back-off or an endless wait.
        with celery_app.connection_for_write(transport_options=KICK_CONNECT) as conn:
            for pk in notification_ids:
                deliver_notification.apply_async((pk,), connection=conn, retry=False)
    except Exception as exc:  # any broker failure; the scan is the guarantee
        logger.warning(
            "Could not queue %d notification(s) now (%s); the beat scan will send them.",
            len(notification_ids),
            exc,
        )


# --- delivery ---------------------------------------------------------------------------


def _address(notification: Notification) -> str:
    user = notification.recipient
    return user.phone if notification.channel == Notification.Channel.SMS else user.email


def _skip_reason(notification: Notification) -> str:
    """Why this message should not go out any more, or "" when it should."""
    user = notification.recipient
    if notification.channel == Notification.Channel.SMS and not user.sms_notifications:
        return "owner opted out of SMS"
    if notification.channel == Notification.Channel.EMAIL and not user.email_notifications:
        return "owner opted out of e-mail"
    if not _address(notification):
        return "no address for this channel"
    booking = notification.booking
    if (
        notification.kind in REMINDERS
        and booking is not None
        and booking.status != Booking.Status.CONFIRMED
    ):
        return f"booking is {booking.status}"
    if (
        notification.kind == Notification.Kind.FEEDBACK_REQUEST
        and booking is not None
        and Feedback.objects.filter(booking_id=booking.pk).exists()
    ):
        # Left within the two hours before the request came due: asking again would be noise.
        return "the owner already left feedback"
    return ""


def _when(moment: datetime, zone_name: str, language: str) -> str:
    """A time in the outlet's zone, with the zone and its offset spelled out."""
    local = moment.astimezone(ZoneInfo(zone_name))
    offset = local.strftime("%z")
    utc = f"UTC{offset[:3]}:{offset[3:]}"
    if language == "zh-hans":
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}（{zone_name}，{utc}）"
    return f"{local:%a %-d %b %Y, %H:%M} ({zone_name}, {utc})"


def _start(notification: Notification, booking: Booking) -> datetime:
    """The start a message tells: the one frozen in its facts when it was recorded (a
    "rescheduled" message names its own reschedule's start, not a later one), else the
    booking's current start (reminders move with the booking)."""
    frozen = notification.context.get("start")
    return datetime.fromisoformat(frozen) if frozen else booking.start


def _context(notification: Notification, language: str) -> dict:
    user = notification.recipient
    context: dict = {
        "name": user.first_name or user.username,
        "kind": notification.kind,
        "facts": notification.context,
    }
    booking = notification.booking
    if booking is not None:
        outlet = booking.outlet
        vehicle = booking.vehicle
        context.update(
            reference=booking.reference,
            outlet_name=(outlet.name_zh or outlet.name) if language == "zh-hans" else outlet.name,
            outlet_address=outlet.address,
            outlet_phone=outlet.phone,
            when=_when(_start(notification, booking), outlet.time_zone, language),
            vehicle=vehicle,
        )
    vehicle = notification.vehicle or (booking.vehicle if booking else None)
    if vehicle is not None:
        model = vehicle.model
        context["vehicle_name"] = (
            # The Chinese model names already carry the brand ("问界M7").
            model.name_zh or f"{model.brand.name_zh or model.brand.name} {model.name}"
            if language == "zh-hans"
            else f"{model.brand.name} {model.name}"
        )
        context["vehicle_id"] = vehicle.plate or f"VIN …{vehicle.vin[-6:]}"
    return context


def notification_render(notification: Notification) -> OutgoingMessage:
    """The message in the owner's language: template `notifications/<kind>.<lang>.txt`, whose
    first line is the subject and the rest the body."""
    language = notification.recipient.language
    if language not in LANGUAGES:
        language = "en"
    with translation.override(language):
        text = render_to_string(
            f"notifications/{notification.kind}.{language}.txt",
            _context(notification, language),
        )
    subject, _, body = text.strip().partition("\n")
    return OutgoingMessage(
        key=notification.key,
        channel=notification.channel,
        to=_address(notification),
        subject=subject.strip(),
        body=body.strip(),
        language=language,
    )


def _retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: base, 2×base, 4×base… capped at one hour."""
    base = settings.NOTIFICATION_RETRY_BASE_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> str:
    """Send one notification if it is still pending and due; returns what happened
    ("sent", "retry", "failed", "skipped", "busy", "not_due", or the status it already had).

    Two transactions, so that an attempt counts even when its process dies mid-send: a message
    that crashes its worker every time would otherwise be retried forever.
      1. `_attempt_start` locks the row with SKIP LOCKED (a row being sent elsewhere is left to
         that worker), checks it and commits `attempts + 1`; once every attempt is used up it
         marks the row failed instead.
      2. `_attempt_send` locks the row again and goes on only if it still holds that attempt
         (no other worker started one and no reschedule moved the row in between); it sends,
         and the sent-log row and the status change commit together (module doc).
    Call it outside a transaction: the attempt must be committed before the send."""
    now = now or timezone.now()
    started = _attempt_start(notification_id=notification_id, now=now)
    if isinstance(started, str):
        return started
    try:
        return _attempt_send(notification=started, now=now)
    except BaseException as exc:  # the process may be going down; the attempt stays counted
        _note_unfinished(started, exc)
        raise


@transaction.atomic
def _attempt_start(*, notification_id: int, now: datetime) -> Notification | str:
    """Count the next attempt (committed on return); returns the row as it then is, with what
    rendering needs, or what happened when there is nothing to send."""
    notification = (
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related(
            "recipient",
            "booking__outlet",
            "booking__vehicle__model__brand",
            "vehicle__model__brand",
        )
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        return "busy"
    if notification.status != Status.PENDING:
        return str(notification.status)
    if notification.due_at > now:
        # Moved later (a reschedule) after it was queued: the scan sends it when it is due.
        return "not_due"
    reason = _skip_reason(notification)
    if reason:
        notification.status = Status.SKIPPED
        notification.last_error = reason
        notification.claimed_until = None
        notification.save(update_fields=["status", "last_error", "claimed_until"])
        return "skipped"
    if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        # The last attempt started and never recorded an outcome: its process died mid-send.
        return _give_up_unfinished(notification)
    notification.attempts += 1
    # Held for a lease from now: if this process dies mid-send, the scan retakes the row then.
    notification.claimed_until = now + timedelta(seconds=settings.NOTIFICATION_CLAIM_LEASE_SECONDS)
    notification.save(update_fields=["attempts", "claimed_until"])
    return notification


@transaction.atomic
def _attempt_send(*, notification: Notification, now: datetime) -> str:
    """Send under the row lock if this worker still holds its attempt; record the outcome."""
    # Waits (no SKIP LOCKED): whoever holds the lock now is brief or has taken the row over.
    # Only the status and the attempt can have changed since the start in a way that matters
    # (a reschedule that moves a row resets its attempts), so the row read then is rendered.
    current = (
        Notification.objects.select_for_update()
        .filter(pk=notification.pk)
        .values_list("status", "attempts")
        .first()
    )
    if current is None or current[1] != notification.attempts:
        return "busy"
    if current[0] != Status.PENDING:
        return str(current[0])
    try:
        message = notification_render(notification)
        provider_ref = backend_for(notification.channel).send(message)
    except Exception as exc:  # any channel or template failure: retried, then recorded
        return _record_failure(notification, exc, now)

    sent_at = timezone.now()
    NotificationDelivery.objects.create(
        notification=notification,
        key=notification.key,
        channel=notification.channel,
        address=message.to,
        language=message.language,
        subject=message.subject[:255],
        body=message.body,
        provider_ref=provider_ref or "",
        sent_at=sent_at,
    )
    notification.status = Status.SENT
    notification.sent_at = sent_at
    notification.claimed_until = None
    notification.last_error = ""
    notification.save(update_fields=["status", "sent_at", "claimed_until", "last_error"])
    return "sent"


def _note_unfinished(notification: Notification, exc: BaseException) -> None:
    """Keep why an attempt stopped half-way, for the operator and for the final failure. Best
    effort, in its own transaction: the process or its database connection may be going."""
    attempt = notification.attempts
    error = f"attempt {attempt} did not finish: {type(exc).__name__}: {exc}"
    try:
        Notification.objects.filter(
            pk=notification.pk, status=Status.PENDING, attempts=attempt
        ).update(last_error=error[:2000])
    except Exception:  # noqa: BLE001 - never hide the original error
        logger.warning("Could not record why notification %s stopped.", notification.key)


def _give_up_unfinished(notification: Notification) -> str:
    attempts = notification.attempts
    error = f"the last of {attempts} attempts did not finish (its worker stopped while sending)"
    if notification.last_error:
        error += f"; last error: {notification.last_error}"
    notification.status = Status.FAILED
    notification.last_error = error[:2000]
    notification.claimed_until = None
    notification.save(update_fields=["status", "last_error", "claimed_until"])
    logger.error("Notification %s failed for good: %s", notification.key, error)
    return "failed"


def _record_failure(notification: Notification, exc: Exception, now: datetime) -> str:
    notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    notification.claimed_until = None
    if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        notification.status = Status.FAILED
        outcome = "failed"
        logger.error("Notification %s failed for good: %s", notification.key, exc)
    else:
        notification.due_at = now + _retry_delay(notification.attempts)
        outcome = "retry"
        logger.warning(
            "Notification %s attempt %d failed (%s); next try at %s",
            notification.key,
            notification.attempts,
            exc,
            notification.due_at.isoformat(),
        )
    notification.save(update_fields=["status", "attempts", "due_at", "claimed_until", "last_error"])
    return outcome
