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

from recalls.models import AffectedVehicle
from recalls.selectors import affected_due_follow_up, affected_due_notice
from recalls.services import (
    affected_link_vehicles,
    affected_mark_followed_up,
    affected_mark_notified,
    affected_resolve_ranges,
)

from .vehicle_notices import RecallNotice, notify_recall_notices

BATCH = 500


def _facts(row: AffectedVehicle) -> dict:
    """The campaign as the notice tells it, frozen into the row's context."""
    campaign = row.campaign
    service = campaign.service_type
    return {
        "title_zh": campaign.title_zh,
        "title_en": campaign.title_en,
        "description_zh": campaign.description_zh,
        "description_en": campaign.description_en,
        "service": service.code,
        "service_name_en": service.name,
        "service_name_zh": service.name_zh or service.name,
    }


def _notices(rows: list[AffectedVehicle], *, follow_up: bool) -> list[RecallNotice]:
    notices = []
    for row in rows:
        vehicle = row.vehicle
        # The due rows are those whose car is on the platform (recalls.selectors).
        assert vehicle is not None  # noqa: S101 - narrows the type
        notices.append(
            RecallNotice(
                vehicle_id=vehicle.pk,
                owner=vehicle.owner,
                campaign=row.campaign.code,
                follow_up=follow_up,
                facts=_facts(row),
            )
        )
    return notices


def _run(take, mark, *, follow_up: bool, now: datetime, batch: int) -> int:
    created = 0
    while True:
        with transaction.atomic():
            rows = take()
            if not rows:
                return created
            created += notify_recall_notices(notices=_notices(rows, follow_up=follow_up), now=now)
            mark(ids=[row.pk for row in rows], now=now)
        if len(rows) < batch:
            return created


def recall_notices_record(*, now: datetime | None = None, batch: int = BATCH) -> int:
    """Record the notices and follow-ups that are due (module doc); returns the new rows."""
    now = now or timezone.now()
    with transaction.atomic():
        affected_resolve_ranges()
        affected_link_vehicles()
    created = _run(
        lambda: affected_due_notice(limit=batch),
        affected_mark_notified,
        follow_up=False,
        now=now,
        batch=batch,
    )
    return created + _run(
        lambda: affected_due_follow_up(now=now, limit=batch),
        affected_mark_followed_up,
        follow_up=True,
        now=now,
        batch=batch,
    )
