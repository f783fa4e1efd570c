"""Reads on bookings, with their joins decided once, here."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.db.models import DateField, DateTimeField, F, Func, Prefetch, QuerySet
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

from accounts.models import User
from outlets.models import Outlet
from outlets.selectors import outlet_by_code

from .access import booking_scope, staff_outlet_ids
from .models import Booking, BookingEvent, BookingService


def with_details(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    """Everything a booking's representation shows, joined or prefetched."""
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
    return with_details(bookings).order_by("start", "id")


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
    return get_object_or_404(with_details(bookings), reference=reference.upper())


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
        raise NotFound(_("No outlet with this code is run by you."))
    return outlet


def booking_for_output(*, booking: Booking) -> Booking:
    """Re-read a booking a service returned, with everything its representation shows."""
    return with_details(Booking.objects.all()).get(pk=booking.pk)
