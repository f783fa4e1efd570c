"""Reads on bookings, with their joins decided once, here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import DateField, DateTimeField, F, Func, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework.exceptions import NotFound

from accounts.models import User
from outlets.models import Outlet
from outlets.selectors import outlet_by_code

from .access import booking_scope, staff_outlet_ids
from .models import Booking, BookingEvent, BookingService


def _with_details(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    return bookings.select_related(
        "outlet", "bay", "owner", "vehicle__model__brand", "feedback"
    ).prefetch_related(
        Prefetch(
            "booking_services",
            queryset=BookingService.objects.select_related("service_type").order_by("id"),
        )
    )


def booking_list(
    *,
    user: User,
    status: list[str] | None = None,
    outlet: str | None = None,
    brand: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Booking]:
    """Bookings the user may read (rule 4), filtered; newest start last."""
    bookings = Booking.objects.all()
    scope = booking_scope(user)
    if scope is not None:
        bookings = bookings.filter(scope)
    if status:
        bookings = bookings.filter(status__in=status)
    if outlet:
        bookings = bookings.filter(outlet__code__iexact=outlet)
    if brand:
        bookings = bookings.filter(vehicle__model__brand__code__iexact=brand)
    if date_from or date_to:
        bookings = _on_local_days(bookings, date_from, date_to)
    return _with_details(bookings).order_by("start", "id")


# Every outlet's zone is within a day of UTC: a coarse UTC range lets the (outlet, start) and
# (owner, start) indexes narrow the rows before the exact per-outlet local date is compared.
_ZONE_SLACK = timedelta(days=1)


def _on_local_days(
    bookings: QuerySet[Booking], date_from: date | None, date_to: date | None
) -> QuerySet[Booking]:
    """Bookings whose start falls, on the outlet's own clock, within [date_from, date_to]:
    "today" at the Munich outlet is not today in Shanghai."""
    local_day = Cast(
        Func(
            F("outlet__time_zone"),
            F("start"),
            function="timezone",
            output_field=DateTimeField(),
        ),
        DateField(),
    )
    bookings = bookings.annotate(local_day=local_day)
    if date_from:
        coarse = datetime.combine(date_from, time.min, tzinfo=UTC) - _ZONE_SLACK
        bookings = bookings.filter(start__gte=coarse, local_day__gte=date_from)
    if date_to:
        coarse = datetime.combine(date_to, time.min, tzinfo=UTC) + 2 * _ZONE_SLACK
        bookings = bookings.filter(start__lt=coarse, local_day__lte=date_to)
    return bookings


def booking_get(*, user: User, reference: str) -> Booking:
    """A booking the user may read; outside their scope it answers 404 like a missing one."""
    bookings = Booking.objects.all()
    scope = booking_scope(user)
    if scope is not None:
        bookings = bookings.filter(scope)
    return get_object_or_404(_with_details(bookings), reference=reference.upper())


def booking_events(*, booking: Booking) -> QuerySet[BookingEvent]:
    return booking.events.select_related("actor").order_by("created_at", "id")


def outlet_for_staff(*, user: User, code: str) -> Outlet:
    """The outlet by code in any case (see outlet_by_code), when the user is its staff (or an
    alliance admin); otherwise the same 404 as for an unknown code."""
    outlets = Outlet.objects.all()
    if not user.is_alliance_admin:
        # Scoped before the match, so a code typed in another case finds the user's own outlet.
        outlets = outlets.filter(pk__in=staff_outlet_ids(user))
    outlet = outlet_by_code(outlets, code=code)
    if outlet is None:
        raise NotFound("No outlet with this code is run by you.")
    return outlet


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
    zone = ZoneInfo(outlet.time_zone)
    day_start = datetime.combine(day, time.min, tzinfo=zone)
    on_the_day = Q(start__gte=day_start, start__lt=day_start + timedelta(days=1))
    if day == now.astimezone(zone).date():
        # Today's board also carries the cars still here from earlier days: work that ran
        # over, and cars ready but not yet collected.
        on_the_day |= Q(start__lt=day_start, status__in=CARRIED_OVER)
    bookings = list(
        _with_details(Booking.objects.filter(on_the_day, outlet=outlet)).order_by("start", "id")
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


def booking_for_output(*, booking: Booking) -> Booking:
    """Re-read a booking a service returned, with everything its representation shows."""
    return _with_details(Booking.objects.all()).get(pk=booking.pk)
