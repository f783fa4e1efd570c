"""Claiming due notifications and delivering them, exactly once.

The flow
    1. `notifications_dispatch_due` (dispatch.py, beat, every minute) claims due pending rows
       in batches, each locked with `SELECT … FOR UPDATE SKIP LOCKED` and given
       `claimed_until = now + lease` in one transaction, and queues one `deliver_notifications` task
       per NOTIFICATION_TASK_BATCH ids (the on-commit kick: one task for a booking's messages
       due now). Two scans at once claim disjoint rows. A row whose worker died stays pending;
       when its lease runs out the next scan claims it again, so nothing waits on Redis
       redelivery. The scans stop claiming while NOTIFICATION_MAX_IN_FLIGHT rows are claimed
       and unsent, so a claim does not run out while its row still waits in the queue
       (settings give the numbers).
    2. The attempt is counted in a transaction of its own, committed before the send, so a
       message whose sending kills its process ends `failed` after NOTIFICATION_MAX_ATTEMPTS
       instead of looping: for a whole batch at once in `notifications_deliver` (rows never
       attempted; one locked read, one UPDATE), one row at a time in `notification_deliver`
       (every retry). Rows being delivered elsewhere are skipped (SKIP LOCKED).
    3. Then, per row and in its own transaction, the row is locked again; if it is no longer
       pending or another attempt took it over it is left alone; otherwise it is rendered,
       handed to the channel and, in the same transaction, the sent-log row
       (`NotificationDelivery`, one-to-one with the notification) and the status change are
       written by one statement and committed, before the next row's send.

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
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from ..models import Notification, NotificationDelivery
from .channels import backend_for
from .render import notification_render
from .skips import skip_reason
from .status import notification_move, notification_record_sent

logger = logging.getLogger(__name__)

Status = Notification.Status


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


def notifications_deliver(
    *, notification_ids: Sequence[int], now: datetime | None = None
) -> Counter[str]:
    """Send a claimed batch, each row exactly as `notification_deliver` would; returns how
    many of each outcome.

    The same two steps, with the first one shared by the batch:
      1. `_batch_start` locks the batch's rows (SKIP LOCKED) in one query, checks each, and
         counts one attempt for every row to send in one UPDATE, committed before any send.
         Only rows never attempted go this way: a row already attempted (a retry after a
         channel error, or a batch whose worker died) goes through `notification_deliver`,
         one attempt counted at a time, last. So a message that kills its worker every time
         costs the others of its batch at most one uncounted-but-unsent attempt, and then
         fails on its own after NOTIFICATION_MAX_ATTEMPTS.
      2. `_attempt_send` per row, as for one: its own transaction, the row locked, sent, the
         sent log and the status committed with it (one statement). A send is committed
         before the next starts, so a worker killed mid-batch leaves at most the one message
         it had in hand unrecorded (module doc).
    Call it outside a transaction, like notification_deliver."""
    now = now or timezone.now()
    started, again, outcomes = _batch_start(notification_ids=notification_ids, now=now)
    for notification in started:
        try:
            outcomes[_attempt_send(notification=notification, now=now)] += 1
        except BaseException as exc:  # the process may be going down; the attempt counted
            _note_unfinished(notification, exc)
            raise
    for notification_id in again:
        outcomes[notification_deliver(notification_id=notification_id, now=now)] += 1
    return outcomes


@transaction.atomic
def _batch_start(
    *, notification_ids: Sequence[int], now: datetime
) -> tuple[list[Notification], list[int], Counter[str]]:
    """Count one attempt for each never-attempted row of the batch that is to be sent
    (committed on return). Returns those rows (with what rendering needs), the ids to send
    one at a time, and the outcomes of the rest."""
    rows = list(
        _for_sending(Notification.objects.select_for_update(skip_locked=True, of=("self",)))
        .filter(pk__in=list(notification_ids))
        .order_by("pk")
    )
    outcomes: Counter[str] = Counter()
    outcomes["busy"] += len(set(notification_ids)) - len(rows)  # locked elsewhere, or gone
    started, again = [], []
    for notification in rows:
        if notification.status != Status.PENDING:
            outcomes[str(notification.status)] += 1
        elif notification.due_at > now:
            outcomes["not_due"] += 1
        elif notification.attempts > 0:
            again.append(notification.pk)
        elif reason := skip_reason(notification):
            notification_move(notification, Status.SKIPPED, last_error=reason)
            outcomes["skipped"] += 1
        else:
            started.append(notification)
    if started:
        # Held for a lease from now, as for one row (see _attempt_start).
        until = now + timedelta(seconds=settings.NOTIFICATION_CLAIM_LEASE_SECONDS)
        Notification.objects.filter(pk__in=[n.pk for n in started]).update(
            attempts=F("attempts") + 1, claimed_until=until
        )
        for notification in started:
            notification.attempts += 1
            notification.claimed_until = until
    return started, again, outcomes


def _for_sending(rows: QuerySet[Notification]) -> QuerySet[Notification]:
    """With what skip_reason and rendering read, joined."""
    return rows.select_related(
        "recipient",
        "booking__outlet",
        "booking__vehicle__model__brand",
        "vehicle__model__brand",
    )


@transaction.atomic
def _attempt_start(*, notification_id: int, now: datetime) -> Notification | str:
    """Count the next attempt (committed on return); returns the row as it then is, with what
    rendering needs, or what happened when there is nothing to send."""
    notification = (
        _for_sending(Notification.objects.select_for_update(skip_locked=True, of=("self",)))
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
    reason = skip_reason(notification)
    if reason:
        notification_move(notification, Status.SKIPPED, last_error=reason)
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
    # Unordered (not .first(), which sorts by the model's ordering): the key names one row,
    # and an ORDER BY compiled at every send is a measurable share of a delivery.
    current = list(
        Notification.objects.select_for_update()
        .filter(pk=notification.pk)
        .order_by()
        .values_list("status", "attempts")
    )
    if not current or current[0][1] != notification.attempts:
        return "busy"
    status = current[0][0]
    if status != Status.PENDING:
        return str(status)
    try:
        message = notification_render(notification)
        provider_ref = backend_for(notification.channel).send(message)
    except Exception as exc:  # any channel or template failure: retried, then recorded
        return _record_failure(notification, exc, now)

    subject, body = message.subject, message.body
    if notification.kind == Notification.Kind.ONE_TIME_CODE:
        # Once sent, a code is kept nowhere in clear: the sent log masks it, the row drops it.
        code = str(notification.context.get("code", ""))
        subject, body = subject.replace(code, "••••••"), body.replace(code, "••••••")
        Notification.objects.filter(pk=notification.pk).update(
            context={k: v for k, v in notification.context.items() if k != "code"}
        )
    log = NotificationDelivery(
        notification=notification,
        key=notification.key,
        channel=notification.channel,
        address=message.to,
        language=message.language,
        subject=subject[:255],
        body=body,
        provider_ref=provider_ref or "",
        sent_at=timezone.now(),
    )
    notification_record_sent(notification, log)
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
    except Exception:
        logger.warning("Could not record why notification %s stopped.", notification.key)


def _give_up_unfinished(notification: Notification) -> str:
    attempts = notification.attempts
    error = f"the last of {attempts} attempts did not finish (its worker stopped while sending)"
    if notification.last_error:
        error += f"; last error: {notification.last_error}"
    notification_move(notification, Status.FAILED, last_error=error[:2000])
    logger.error("Notification %s failed for good: %s", notification.key, error)
    return "failed"


def _record_failure(notification: Notification, exc: Exception, now: datetime) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        notification_move(notification, Status.FAILED, last_error=error)
        logger.error("Notification %s failed for good: %s", notification.key, exc)
        return "failed"
    # Still pending: due again after the back-off, free for the scan to claim then.
    notification.last_error = error
    notification.claimed_until = None
    notification.due_at = now + _retry_delay(notification.attempts)
    notification.save(update_fields=["due_at", "claimed_until", "last_error"])
    logger.warning(
        "Notification %s attempt %d failed (%s); next try at %s",
        notification.key,
        notification.attempts,
        exc,
        notification.due_at.isoformat(),
    )
    return "retry"
