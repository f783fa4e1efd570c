"""The history of the demo's bookings on today's board, which are written directly (their slots
may have begun): each records what the real path would have, at the times it happened, so the
owner's booking page and the staff's trail show how the car got where it is."""

from __future__ import annotations

import datetime as dt

from bookings.models import Booking, BookingEvent
from outlets.models import OutletMembership

Status = Booking.Status
Role = OutletMembership.Role

# Booked online the day before: the demo's cars on today's board were expected.
BOOKED_BEFORE = dt.timedelta(days=1)


def _staff(booking: Booking, roles: list[str]) -> int | None:
    """The id of one of the outlet's staff with the first of `roles` the outlet has."""
    for role in roles:
        user_id = (
            OutletMembership.objects.filter(outlet_id=booking.outlet_id, role=role)
            .order_by("user_id")
            .values_list("user_id", flat=True)
            .first()
        )
        if user_id is not None:
            return user_id
    return None


def record_todays_path(booking: Booking) -> None:
    """Created by the owner the day before; then checked in by the desk and started by a
    technician, as far as the booking has come. Only for a booking with no events yet."""
    path: list[tuple[BookingEvent, dt.datetime]] = [
        (
            BookingEvent(
                booking=booking,
                actor_id=booking.owner_id,
                kind=BookingEvent.Kind.CREATED,
                to_status=Status.CONFIRMED,
                details={
                    "start": booking.outlet.local_iso(booking.start),
                    "bay": booking.bay.name if booking.bay else None,
                    "channel": booking.channel,
                },
            ),
            booking.start - BOOKED_BEFORE,
        )
    ]
    if booking.checked_in_at is not None:
        path.append(
            (
                BookingEvent(
                    booking=booking,
                    actor_id=_staff(booking, [Role.ADVISOR, Role.MANAGER]),
                    kind=BookingEvent.Kind.STATUS,
                    from_status=Status.CONFIRMED,
                    to_status=Status.CHECKED_IN,
                ),
                booking.checked_in_at,
            )
        )
    if booking.started_at is not None:
        path.append(
            (
                BookingEvent(
                    booking=booking,
                    actor_id=_staff(booking, [Role.TECHNICIAN]),
                    kind=BookingEvent.Kind.STATUS,
                    from_status=Status.CHECKED_IN,
                    to_status=Status.IN_SERVICE,
                ),
                booking.started_at,
            )
        )
    BookingEvent.objects.bulk_create([event for event, _ in path])
    # created_at is stamped on insert (auto_now_add); the demo's events happened earlier.
    for event, at in path:
        BookingEvent.objects.filter(pk=event.pk).update(created_at=at)
