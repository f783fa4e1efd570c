"""The booking core's row locks, named for what they lock. Every write that needs a lock takes
it here, once per action, so a reader can see every lock a booking write takes in one file.

Lock order, where an action takes several: booking row, then outlet row, then bay rows. Every
path takes them in that order, so two actions cannot wait on each other in a cycle (the
exclusion constraint's own waits are handled in `bookings.reservation`).
"""

from __future__ import annotations

from django.db import connection

from outlets.models import Bay, Outlet

from .models import Booking


def lock_booking(booking_id: int) -> Booking:
    """SELECT … FOR UPDATE of one booking row (not its joined rows), with what the status
    actions read. Held until commit: two actions on one booking run one after the other, and
    the second sees the status the first left."""
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("outlet", "vehicle__model__brand", "owner", "bay")
        .get(pk=booking_id)
    )


def lock_outlet_nights(outlet_id: int) -> None:
    """SELECT … FOR UPDATE of the outlet row: night-service bookings of one outlet count the
    night's places one at a time, so two cannot both take the last place."""
    Outlet.objects.select_for_update().filter(pk=outlet_id).values_list("pk").first()


def _share_lock(model: type, pk: int, columns: str) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {model._meta.db_table} WHERE id = %s FOR SHARE",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()


def share_lock_outlet(outlet_id: int) -> None:
    """SELECT … FOR SHARE of the outlet row. Reservations do not block each other, but a
    manager closing a day holds the row FOR UPDATE: the two wait for each other, and whoever
    comes second sees the other's committed result (a closure, or the booking it must move)."""
    _share_lock(Outlet, outlet_id, "id")


def share_lock_bay(bay_id: int) -> tuple[bool, list[str]] | None:
    """SELECT is_active, capabilities … FOR SHARE of one bay: a manager retiring a bay or
    taking a capability away (FOR UPDATE) cannot race a booking onto it. None when gone."""
    row = _share_lock(Bay, bay_id, "is_active, capabilities")
    return (bool(row[0]), list(row[1])) if row else None
