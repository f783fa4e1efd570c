"""Celery tasks for bookings: thin, take ids, call a service, harmless to run twice. Task names
are the public contract (beat schedule, queued messages); modules that queue a task do it by
name (bookings.notify.dispatch), so nothing below imports this module."""

from __future__ import annotations

from celery import shared_task
from django.db import close_old_connections

from recalls.services import NOTICE_SCAN_TASK

from .lifecycle.no_shows import bookings_mark_no_shows
from .notify.delivery import notification_deliver, notifications_deliver
from .notify.dispatch import DELIVER_BATCH_TASK, DELIVER_TASK, notifications_dispatch_due
from .notify.maintenance import maintenance_due_record
from .notify.recalls import recall_notices_record


@shared_task(name="bookings.dispatch_due_notifications", ignore_result=True)
def dispatch_due_notifications() -> int:
    """Beat, every minute: claim due notifications and queue their delivery."""
    return notifications_dispatch_due()


@shared_task(name=DELIVER_TASK, acks_late=True, ignore_result=True)
def deliver_notification(notification_id: int) -> str:
    """One row (messages queued before batches, and callers that have one id)."""
    # Like a request: drop a broken or expired connection, reuse a healthy one.
    close_old_connections()
    # A no-op when the row is already sent, skipped or being sent by another worker.
    return notification_deliver(notification_id=notification_id)


@shared_task(name=DELIVER_BATCH_TASK, acks_late=True, ignore_result=True)
def deliver_notifications(notification_ids: list[int]) -> dict[str, int]:
    """A claimed batch: what the scan and the on-commit kick queue (one task per batch)."""
    close_old_connections()
    # Rows already sent, skipped or being sent elsewhere are left alone, as for one.
    return dict(notifications_deliver(notification_ids=notification_ids))


@shared_task(name="bookings.mark_no_shows", ignore_result=True)
def mark_no_shows() -> int:
    """Beat, every minute: confirmed bookings not checked in 30 min after start → no_show."""
    return bookings_mark_no_shows()


@shared_task(name="bookings.record_maintenance_due", ignore_result=True)
def record_maintenance_due() -> int:
    """Beat, daily: one maintenance_due per vehicle nearing its interval, once a month."""
    return maintenance_due_record()


@shared_task(name=NOTICE_SCAN_TASK, ignore_result=True)
def record_recall_notices() -> int:
    """Beat, every 5 minutes, and queued when a campaign is created or its VIN list grows: one
    recall_notice per affected vehicle and campaign, one follow-up after 30 days."""
    close_old_connections()
    return recall_notices_record()
