"""Reads on bookings, with their joins decided once, here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import cast

from django.db.models import (
    DateField,
    DateTimeField,
    F,
    Func,
    Prefetch,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

from accounts.models import User
from outlets.models import Outlet
from outlets.selectors import outlet_by_code

from .access import booking_scope, staff_outlet_ids
from .models import Booking, BookingEvent, BookingService, Feedback, Notification

# A booking's service lines as its representation and the pages show them.
LINES = Prefetch(
    "booking_services",
    queryset=BookingService.objects.select_related("service_type").order_by("id"),
)


def with_details(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    """Everything a booking's representation shows, joined or prefetched."""
    return bookings.select_related(
        "outlet", "bay", "owner", "vehicle__model__brand", "feedback"
    ).prefetch_related(LINES)


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


def booking_get(*, user: User, reference: str, details: bool = True) -> Booking:
    """A booking the user may read; outside their scope it answers 404 like a missing one.
    `details=False` for an action that locks and re-reads the row itself: the booking's own
    columns only, enough to decide who may act (bookings.access)."""
    bookings = Booking.objects.all()
    scope = booking_scope(user)
    if scope is not None:
        bookings = bookings.filter(scope)
    if details:
        bookings = with_details(bookings)
    return get_object_or_404(bookings, reference=reference.upper())


def booking_events(*, booking: Booking) -> Sequence[BookingEvent]:
    """The booking's history, oldest first: the events a service handed over with the booking
    (booking_parts_in_hand), else one query."""
    history = getattr(booking, "history", None)
    if history is not None:
        return history
    return list(booking.events.select_related("actor").order_by("created_at", "id"))


_UNSET = object()


def booking_parts_in_hand(
    booking: Booking,
    *,
    lines: Sequence[BookingService] | None = None,
    events: Sequence[BookingEvent] | None = None,
    notifications: Sequence[Notification] | None = None,
    feedback: Feedback | None | object = _UNSET,
) -> Booking:
    """Hand what a service just wrote or read to the booking's representation, so that it is
    not read again: `lines` (with their service types) as `booking.lines`, the complete
    `events` as `booking.history`, the complete `notifications` as `booking.notices` (by due
    time) and the `feedback` (None: it has none) as `booking.feedback_or_none`. Plain
    attributes, as Prefetch(to_attr=…) sets them. Returns `booking`."""
    if lines is not None:
        booking.lines = list(lines)
    if events is not None:
        booking.history = list(events)
    if notifications is not None:
        booking.notices = sorted(notifications, key=lambda row: (row.due_at, row.pk))
    if feedback is not _UNSET:
        booking.feedback_or_none = cast("Feedback | None", feedback)  # not _UNSET: Feedback or None
    return booking


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
    """A booking a service returned, with everything its representation shows. What it
    already carries (the relations lock_booking joins, the parts booking_parts_in_hand handed
    over) is used as it is; only what is missing is read (prefetch_related_objects skips what
    is loaded). A booking without its relations is read again in full."""
    if not _carries_relations(booking):
        return with_details(Booking.objects.all()).get(pk=booking.pk)
    in_hand = vars(booking)
    missing = [
        lookup
        for name, lookup in (("lines", LINES), ("feedback_or_none", "feedback"))
        if name not in in_hand
    ]
    if missing:
        prefetch_related_objects([booking], *missing)
    return booking


def _carries_relations(booking: Booking) -> bool:
    if not all(
        descriptor.is_cached(booking)
        for descriptor in (Booking.outlet, Booking.owner, Booking.vehicle)
    ):
        return False
    if booking.bay_id is not None and not Booking.bay.is_cached(booking):
        return False
    vehicle = booking.vehicle
    return type(vehicle).model.is_cached(vehicle) and type(vehicle.model).brand.is_cached(
        vehicle.model
    )
