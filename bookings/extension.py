"""Lengthening a visit that is already booked (approved extra work): the same bay and
crew held longer, or refused, through the same constraints as every booking write."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from hima_service.exceptions import Conflict, CrewUnavailable, SlotTaken

from .constraints import CREW_OVERLAP, require_transaction, win
from .models import ACTIVE_STATUSES, Booking


def extend_booking(*, booking: Booking, minutes: int) -> Booking:
    """Lengthen an active booking's hold by `minutes` (extra work the owner approved), on the
    same bay and crew, in place: `end` and `bay_released_at` move later by that much.

    The caller holds the booking's row lock (`bookings.locks.lock_booking`). The exclusion
    constraints decide: SlotTaken when the bay is held by another booking before the longer
    work would end, CrewUnavailable when someone of the crew is; the row is then left as it
    was, so staff can choose (another bay, a later visit). Inside the caller's transaction."""
    require_transaction("extend_booking")
    if booking.status not in ACTIVE_STATUSES:
        raise Conflict(
            _("A booking that is %(status)s holds no bay and cannot be extended.")
            % {"status": booking.get_status_display()}
        )
    if minutes <= 0:
        raise ValidationError({"minutes": [_("Extend by at least one minute.")]})
    extra = dt.timedelta(minutes=minutes)
    end, released = booking.end + extra, booking.bay_released_at + extra
    now = timezone.now()
    refused = win(
        lambda: Booking.objects.filter(pk=booking.pk).update(
            end=end, bay_released_at=released, updated_at=now
        )
    )
    if refused == CREW_OVERLAP:
        raise CrewUnavailable(
            _(
                "Someone of this car's crew is booked on other work before the longer work "
                "would end."
            )
        )
    if refused is not None:
        raise SlotTaken(_("The bay is booked for another car before the longer work would end."))
    booking.end, booking.bay_released_at, booking.updated_at = end, released, now
    return booking
