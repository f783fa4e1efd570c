"""Outbox messages of identity and trust: one-time codes, and "your car was claimed by its
verified owner". Recorded in the caller's transaction like every outbox row (outbox.py)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.codes import IssuedCode
from accounts.models import OneTimeCode, User
from vehicles.models import Vehicle

from ..models import Notification
from .outbox import record_new, safety_channels

Kind = Notification.Kind
Channel = Notification.Channel


@transaction.atomic(savepoint=False)
def notify_code(
    *, issued: IssuedCode, channel: str, vehicle: Vehicle | None = None
) -> list[Notification]:
    """The code's message, due now, to the address it was issued for. Its key names the code
    row, so recording it twice records nothing. The plain code rides in the row's facts until
    it is sent (the code row itself keeps only its HMAC)."""
    row: OneTimeCode = issued.row
    return record_new(
        [
            Notification(
                key=f"code:{row.pk}:{channel}",
                kind=Kind.ONE_TIME_CODE,
                channel=channel,
                recipient_id=row.user_id,
                vehicle=vehicle,
                address=row.target,
                due_at=timezone.now(),
                context={"code": issued.code, "purpose": row.purpose},
            )
        ]
    )


@transaction.atomic(savepoint=False)
def notify_vehicle_released(*, vehicle: Vehicle, holder: User) -> list[Notification]:
    """Tell a holder who lost a car to its verified owner why (once per released row). Like
    every message but a code, it goes only to addresses the holder has verified (delivery.py)."""
    now = timezone.now()
    return record_new(
        [
            Notification(
                key=f"vehicle:{vehicle.pk}:{Kind.VEHICLE_RELEASED}:{channel}",
                kind=Kind.VEHICLE_RELEASED,
                channel=channel,
                recipient=holder,
                vehicle=vehicle,
                due_at=now,
            )
            for channel in safety_channels(holder)
        ]
    )
