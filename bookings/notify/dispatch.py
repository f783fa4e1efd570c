"""Claiming due notifications and queueing their delivery (flow and guarantees: delivery.py).

`notifications_dispatch_due` (beat, every minute) claims due pending rows in batches: it locks
them with `SELECT … FOR UPDATE SKIP LOCKED` and sets `claimed_until = now + lease` in the same
transaction, and queues one delivery task per NOTIFICATION_TASK_BATCH ids. Two scans at once
claim disjoint rows. A row whose worker died stays pending; when its lease runs out the next
scan claims it again, so nothing waits on Redis redelivery. `notifications_kick` queues what is
due right after a booking commits, best effort, as one task. Tasks are queued by name
(DELIVER_BATCH_TASK): the task module imports this one, not the other way round.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from kombu import Connection

from hima_service.celery import BEST_EFFORT_CONNECT, queue_task
from hima_service.celery import app as celery_app

from ..models import Notification

logger = logging.getLogger(__name__)

Status = Notification.Status
DELIVER_TASK = "bookings.deliver_notification"
DELIVER_BATCH_TASK = "bookings.deliver_notifications"


@transaction.atomic
def notifications_claim_due(
    *, now: datetime | None = None, limit: int | None = None, lease: timedelta | None = None
) -> list[int]:
    """Claim up to `limit` due pending rows (unclaimed, or whose lease ran out); rows locked
    by another scan or a delivery are skipped, never waited for."""
    now = now or timezone.now()
    lease = lease or timedelta(seconds=settings.NOTIFICATION_CLAIM_LEASE_SECONDS)
    due = (
        Notification.objects.select_for_update(skip_locked=True)
        .filter(status=Status.PENDING, due_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("due_at", "id")
        .values_list("id", flat=True)[: limit or settings.NOTIFICATION_SCAN_BATCH]
    )
    ids = sorted(due)
    Notification.objects.filter(pk__in=ids).update(claimed_until=now + lease)
    return ids


def _release(ids: list[int]) -> None:
    Notification.objects.filter(pk__in=ids, status=Status.PENDING).update(claimed_until=None)


def _batches(ids: list[int]) -> list[list[int]]:
    size = settings.NOTIFICATION_TASK_BATCH
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _enqueue(ids: list[int]) -> None:
    """Queue one delivery task per NOTIFICATION_TASK_BATCH ids on one fresh broker connection
    (once a minute: cheap, and never a pooled connection left broken by a Redis restart)."""
    with celery_app.connection_for_write() as conn:
        for batch in _batches(ids):
            queue_task(DELIVER_BATCH_TASK, (batch,), connection=conn)


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


class _KickBroker:
    """The kick's broker connection, one per process, kept between bookings: a kick is then
    one LPUSH, one round trip, instead of two fresh connections, their handshakes and pings.
    A connection that fails once is dropped, so the next kick connects afresh (a Redis that
    restarted never leaves a broken one behind). Guarded by a lock (gunicorn threads share
    it); a forked child, or a changed broker URL, gets its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, str] | None = None
        self._connection: Connection | None = None

    def publish(self, notification_ids: list[int]) -> None:
        with self._lock:
            key = (os.getpid(), str(celery_app.conf.broker_url))
            if self._connection is None or self._key != key:
                # One immediate connect retry and short socket timeouts (BEST_EFFORT_CONNECT).
                self._connection = celery_app.connection_for_write(
                    transport_options=BEST_EFFORT_CONNECT
                )
                self._key = key
            connection = self._connection
            try:
                # No declare: the queue is the workers' to declare, and a declare costs a
                # pipeline of round trips per publish.
                queue_task(
                    DELIVER_BATCH_TASK,
                    (list(notification_ids),),
                    connection=connection,
                    retry=False,
                    declare=[],
                )
            except Exception:
                self._connection = None
                with contextlib.suppress(Exception):
                    connection.release()
                raise


_kick_broker = _KickBroker()


def notifications_kick(*, notification_ids: list[int]) -> None:
    """Best effort, after commit: queue delivery of messages due now so they leave at once,
    as one task on the process's kept broker connection (at most one Redis round trip on the
    booking's request once connected).

    Never raises: it runs after the booking committed, and a broker outage must not turn a
    successful booking into an error. The rows stay pending and the beat scan sends them.
    A dead broker costs the booking two refused connects, a frozen one two socket timeouts,
    not kombu's default seconds of back-off or an endless wait.
    """
    try:
        _kick_broker.publish(notification_ids)
    except Exception as exc:  # any broker failure; the scan is the guarantee
        logger.warning(
            "Could not queue %d notification(s) now (%s); the beat scan will send them.",
            len(notification_ids),
            exc,
        )
