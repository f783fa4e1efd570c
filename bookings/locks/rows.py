"""Row locks one statement each: the booking FOR UPDATE, the outlet's local day (advisory), the
outlet FOR UPDATE for its nights, and a row FOR SHARE (the outlet, one bay)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection
from django.db.models import Model
from psycopg import sql

from outlets.models import Bay, Outlet

from ..models import Booking


def lock_booking(booking_id: int) -> Booking:
    """SELECT … FOR UPDATE of one booking row (not its joined rows), with what the status
    actions read and what the booking's representation shows. Held until commit: two
    actions on one booking run one after the other, and
    the second sees the status the first left."""
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("outlet", "vehicle__model__brand", "owner", "bay", "feedback")
        .get(pk=booking_id)
    )


# Keys of lock_outlet_day: the outlet id and the day's ordinal, in the two-integer key space
# (apart from the VIN locks' one-bigint keys, vehicles.ownership).
OUTLET_DAY_KEY = sql.SQL("SELECT pg_advisory_xact_lock(%s::integer, %s::integer)").as_string()


def lock_outlet_day(outlet_id: int, day: dt.date) -> None:
    """pg_advisory_xact_lock on (outlet, local day): bookings of one outlet's day are written
    one at a time where it is taken. Taken again by the same transaction, it is already held.

    For the service desk's counts it is what makes them exact. For crews it is not needed for
    correctness (the exclusion constraints decide) but for time: a crew row and a bay
    row are two constraints, and two writers each checking their row against the other's
    uncommitted one wait on each other until PostgreSQL's deadlock check (1 s) fails one; with
    sixteen clients on one slot that cascaded to minutes (bookings/tests/test_crew_races.py).
    Queued here instead, each writer sees the one before it committed and is refused at once.
    One day per transaction, so these locks cannot wait on each other in a cycle."""
    with connection.cursor() as cursor:
        cursor.execute(OUTLET_DAY_KEY, [outlet_id, day.toordinal()])


def lock_outlet_nights(outlet_id: int) -> None:
    """SELECT … FOR UPDATE of the outlet row: night-service bookings of one outlet count the
    night's places one at a time, so two cannot both take the last place."""
    Outlet.objects.select_for_update().filter(pk=outlet_id).values_list("pk").first()


def share_lock_row(model: type[Model], pk: int, columns: Sequence[str]) -> tuple | None:
    statement = sql.SQL("SELECT {columns} FROM {table} WHERE id = %s FOR SHARE").format(
        columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
        table=sql.Identifier(model._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(), [pk])
        return cursor.fetchone()


def share_lock_outlet(outlet_id: int) -> None:
    """SELECT … FOR SHARE of the outlet row. Reservations do not block each other, but a
    manager closing a day holds the row FOR UPDATE: the two wait for each other, and whoever
    comes second sees the other's committed result (a closure, or the booking it must move)."""
    share_lock_row(Outlet, outlet_id, ["id"])


def share_lock_bay(bay_id: int) -> tuple[bool, list[str]] | None:
    """SELECT is_active, capabilities … FOR SHARE of one bay: a manager retiring a bay or
    taking a capability away (FOR UPDATE) cannot race a booking onto it. None when gone."""
    row = share_lock_row(Bay, bay_id, ["is_active", "capabilities"])
    return (bool(row[0]), list(row[1])) if row else None
