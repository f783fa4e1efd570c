"""Recall notices: the scan that records one `recall_notice` per affected vehicle, campaign and
channel through the outbox, and one follow-up to owners who have not booked 30 days after it.

Each run first brings the campaigns up to date (vehicles registered since inside an open
campaign's models and years, listed VINs whose car is now on the platform: `recalls.services`),
then takes due rows batch by batch, each batch in one transaction: rows locked with SKIP LOCKED
(a row being booked right now, or taken by a scan running at the same time, is left to it), the
notices recorded with their unique keys, the rows marked notified. Running it twice, or two at
once, records nothing twice: a marked row is not due any more, and the keys are unique anyway.

Safety notices go out even to owners who opted out of reminders (outbox.SAFETY_KINDS).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from recalls.selectors import affected_due_follow_up, affected_due_notice
from recalls.services import (
    affected_link_vehicles,
    affected_mark_followed_up,
    affected_mark_notified,
    affected_resolve_ranges,
)

from .recall_rows import notify_recall_rows

BATCH = 500


def _run(take, mark, *, follow_up: bool, now: datetime) -> int:
    # Batch after batch in id order: each starts past the last one's rows, so a row skipped
    # (locked, or with no one to tell) is never looked at twice in a run.
    created = after = 0
    while True:
        with transaction.atomic():
            ids, last = take(after)
            if last == after:
                return created
            created += notify_recall_rows(affected_ids=ids, follow_up=follow_up, now=now)
            mark(ids=ids, now=now)
        after = last


def recall_notices_record(*, now: datetime | None = None, batch: int = BATCH) -> int:
    """Record the notices and follow-ups that are due (module doc); returns the new rows."""
    now = now or timezone.now()
    with transaction.atomic():
        affected_resolve_ranges()
        affected_link_vehicles()
    created = _run(
        lambda after: affected_due_notice(limit=batch, after=after),
        affected_mark_notified,
        follow_up=False,
        now=now,
    )
    return created + _run(
        lambda after: affected_due_follow_up(now=now, limit=batch, after=after),
        affected_mark_followed_up,
        follow_up=True,
        now=now,
    )
