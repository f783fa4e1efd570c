"""The day's board at an outlet: its bookings and walk-ins in order, how long the arrived ones
have waited, and when those still waiting can expect to start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from outlets.models import Outlet

from .models import Booking
from .selectors import with_details

CARRIED_OVER = (Booking.Status.CHECKED_IN, Booking.Status.IN_SERVICE, Booking.Status.READY)


@dataclass
class QueueEntry:
    booking: Booking
    waiting_minutes: int | None
    estimated_start: datetime | None


def _earliest_gap(busy: list[tuple], after: datetime, length: timedelta) -> datetime:
    """The first moment >= after from which `length` fits between the busy intervals."""
    candidate = after
    for begin, end, _ in sorted(busy):
        if end <= candidate:
            continue
        if begin >= candidate + length:
            break
        candidate = max(candidate, end)
    return candidate


def outlet_queue(*, outlet: Outlet, day: date, now: datetime | None = None) -> list[QueueEntry]:
    """The day's board at an outlet: bookings and walk-ins in order, how long the arrived ones
    have waited, and when those still waiting can expect to start (a simulation over the bays:
    work running now, bookings ahead, and the waiting line in arrival order)."""
    now = now or timezone.now()
    day_start, day_end = outlet.day_bounds(day)
    on_the_day = Q(start__gte=day_start, start__lt=day_end)
    if day == outlet.local_day(now):
        # Today's board also carries the cars still here from earlier days: work that ran
        # over, and cars ready but not yet collected.
        on_the_day |= Q(start__lt=day_start, status__in=CARRIED_OVER)
    bookings = list(
        with_details(Booking.objects.filter(on_the_day, outlet=outlet)).order_by("start", "id")
    )
    bays = list(outlet.bays.filter(is_active=True).order_by("name"))
    # bay id -> [(busy from, busy until, booking id)]
    busy: dict[int, list[tuple[datetime, datetime, int | None]]] = {bay.pk: [] for bay in bays}
    for b in bookings:
        if b.bay_id in busy and b.status in Booking.ACTIVE_STATUSES:
            begin = b.started_at or b.start
            busy[b.bay_id].append((begin, max(begin + (b.bay_released_at - b.start), now), b.pk))
    entries = []
    for b in bookings:
        waiting = estimate = None
        if b.status == Booking.Status.CHECKED_IN and b.checked_in_at:
            waiting = max(0, int((now - b.checked_in_at).total_seconds() // 60))
        if b.status in (Booking.Status.CONFIRMED, Booking.Status.CHECKED_IN):
            if b.bay_id:
                others = [iv for iv in busy.get(b.bay_id, []) if iv[2] != b.pk]
                estimate = _earliest_gap(others, max(b.start, now), b.end - b.start)
            else:
                needed = {line.service_type.capability for line in b.booking_services.all()}
                length = b.bay_released_at - b.start
                options = [
                    (_earliest_gap(busy[bay.pk], now, length), bay.pk)
                    for bay in bays
                    if needed <= set(bay.capabilities)
                ]
                if options:
                    estimate, bay_id = min(options)
                    busy[bay_id].append((estimate, estimate + length, None))
        entries.append(QueueEntry(booking=b, waiting_minutes=waiting, estimated_start=estimate))
    return entries
