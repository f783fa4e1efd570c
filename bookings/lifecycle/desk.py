"""The service desk's limits (DESIGN.md "Workshop capacity"): how many cars the advisors can
check in at one slot start, and in one local day, at an outlet (Outlet.desk_per_slot,
desk_per_day; empty: no limit).

A car counts from its booking until it is cancelled or a no-show: where it stands in the
visit does not matter, it came through the desk (or will). An owner's own booking stops at a
limit; staff may pass it by giving a reason, which the booking's history keeps (a
desk_override event). The counts are read under the outlet-day lock (bookings.locks), so two
bookings of one day are counted one after the other and cannot both take the last place.
"""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from hima_service.exceptions import Conflict
from outlets.models import Outlet

from ..locks import lock_outlet_day
from ..models import DESK_UNCOUNTED, Booking


class DeskFull(Conflict):
    code = "desk_full"


class DeskOverride(TypedDict):
    """What the desk_override event keeps: which limit was passed, at what count, and why."""

    limit: str
    count: int
    reason: str


def desk_counts(
    outlet: Outlet, start: dt.datetime, *, exclude_id: int | None = None
) -> tuple[int, int]:
    """(cars at this slot start, cars on this local day) at the outlet, by the start promised
    to each (a car started early still came in at its slot). One query."""
    day = outlet.local_day(start)
    day_start = dt.datetime.combine(day, dt.time(), tzinfo=outlet.zone)
    day_end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=outlet.zone)
    rows = (
        Booking.objects.alias(promised_at=Coalesce("promised_start", "start"))
        .filter(outlet_id=outlet.pk, promised_at__gte=day_start, promised_at__lt=day_end)
        .exclude(status__in=DESK_UNCOUNTED)
    )
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    counts = rows.aggregate(slot=Count("pk", filter=Q(promised_at=start)), day=Count("pk"))
    return counts["slot"], counts["day"]


def desk_check(
    *,
    outlet: Outlet,
    start: dt.datetime,
    by_staff: bool,
    reason: str = "",
    exclude_id: int | None = None,
    walk_in: bool = False,
) -> DeskOverride | None:
    """None when the desk has room at `start`; the override to record when staff pass a full
    desk with a reason; DeskFull otherwise. A walk-in arrives off the slots: only the day's
    limit applies to it. Inside the caller's transaction (the outlet-day lock lasts to its end)."""
    per_slot = None if walk_in else outlet.desk_per_slot
    per_day = outlet.desk_per_day
    if per_slot is None and per_day is None:
        return None
    lock_outlet_day(outlet.pk, outlet.local_day(start))
    at_slot, on_day = desk_counts(outlet, start, exclude_id=exclude_id)
    if per_day is not None and on_day >= per_day:
        limit, count = "day", on_day
        detail = _(
            "The service desk at %(outlet)s checks in at most %(limit)s cars a day, and that "
            "day is full."
        ) % {"outlet": outlet.display_name, "limit": per_day}
    elif per_slot is not None and at_slot >= per_slot:
        limit, count = "slot", at_slot
        detail = _(
            "The service desk at %(outlet)s checks in at most %(limit)s cars at one time, and "
            "that time is full."
        ) % {"outlet": outlet.display_name, "limit": per_slot}
    else:
        return None
    reason = reason.strip()
    if not by_staff:
        raise DeskFull(
            detail + " " + _("Please choose another time."),
            fields={"start": [_("The service desk is full at that time.")]},
        )
    if not reason:
        raise DeskFull(
            detail + " " + _("To take the car all the same, give the reason."),
            fields={"desk_override_reason": [_("Give the reason to pass the desk's limit.")]},
        )
    return DeskOverride(limit=limit, count=count, reason=reason)
