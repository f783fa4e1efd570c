"""The booking core's row locks, named for what they lock. Every write that needs a lock takes
it here, once per action, so a reader can see every lock a booking write takes in one file.

Lock order, where an action takes several: booking row, then outlet row, then the owner's user
row (an owner's own create: locked with the outlet's share lock, after it), then bay rows. Every
path takes them in that order, so two actions cannot wait on each other in a cycle (the
exclusion constraint's own waits are handled in `bookings.reservation`). Otherwise the user row
is locked only by writes of the account itself (sign-in, profile; the erasure, before it
cancels its bookings): no path holds a booking, outlet or bay row and then waits for a user row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

from accounts.models import User
from hima_service import rows
from outlets.models import Bay, Closure, OpeningHours, Outlet
from outlets.selectors import offers_columns, offers_params

from .models import ACTIVE_STATUSES, Booking

# The active statuses written into the bay statement as constants, not sent as a parameter:
# only then can the planner see that the statement asks what the exclusion constraint's partial
# index holds, in the one generic plan it keeps for a prepared statement. With a parameter, the
# generic plan could not use that index, so PostgreSQL planned the statement afresh on every
# booking (0.2 ms of its 0.5 ms of PostgreSQL CPU, measured in-process on the bench network).
ACTIVE_LITERAL = ", ".join(f"'{status}'" for status in sorted(ACTIVE_STATUSES))


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


def lock_outlet_nights(outlet_id: int) -> None:
    """SELECT … FOR UPDATE of the outlet row: night-service bookings of one outlet count the
    night's places one at a time, so two cannot both take the last place."""
    Outlet.objects.select_for_update().filter(pk=outlet_id).values_list("pk").first()


def _share_lock(model: type, pk: int, columns: str) -> tuple | None:
    found = rows.fetch_all(
        f"SELECT {columns} FROM {model._meta.db_table} WHERE id = %s FOR SHARE",  # noqa: S608
        [pk],
    )
    return found[0] if found else None


def share_lock_outlet(outlet_id: int) -> None:
    """SELECT … FOR SHARE of the outlet row. Reservations do not block each other, but a
    manager closing a day holds the row FOR UPDATE: the two wait for each other, and whoever
    comes second sees the other's committed result (a closure, or the booking it must move)."""
    _share_lock(Outlet, outlet_id, "id")


@dataclass(frozen=True)
class OutletServing:
    """What a booking write reads with the outlet's share lock: the weekly opening hours
    (weekday, opens, closes), and outlets.selectors.outlet_offers' answer for its services
    and brand."""

    hours: list[tuple[int, dt.time, dt.time]]
    offered: set[int]
    authorized: bool


@dataclass(frozen=True)
class UpcomingAsk:
    """Count the active bookings starting after `now` of this vehicle and of this owner."""

    owner_id: int
    vehicle_id: int
    now: dt.datetime


@dataclass(frozen=True)
class Upcoming:
    """The answer to an UpcomingAsk: the vehicle's and the owner's active future bookings."""

    vehicle: int
    owner: int


def share_lock_outlet_serving(
    outlet_id: int,
    *,
    service_ids: Sequence[int],
    brand_id: int | None,
    lock_owner_id: int | None = None,
) -> OutletServing:
    """share_lock_outlet, returning in the same round trip the outlet's opening hours and
    which of the services it offers for the brand. These come from the statement's snapshot,
    taken before any wait for the lock: as fresh as reading them just before locking, as the
    engine always did; what the lock protects is the closure read after it.

    With `lock_owner_id`, the same statement also locks that user's row FOR NO KEY UPDATE (an
    owner's own create, bookings.lifecycle.caps): the owner's creates then run one after the
    other, and the bay statement after this one counts their upcoming bookings with a snapshot
    that sees every create that held the row before (a count in this statement would not: its
    snapshot is taken before the wait). NO KEY UPDATE, not UPDATE: rows that only reference
    the user (a token, a notification) are not held up. The outlet is locked before the owner
    (the order of the locking clauses), so a night create holding the outlet FOR UPDATE
    (lock_outlet_nights) is waited for without holding the owner row."""
    hours = connection.ops.quote_name(OpeningHours._meta.db_table)
    outlets = connection.ops.quote_name(Outlet._meta.db_table)
    params = offers_params(outlet_id=outlet_id, service_ids=service_ids, brand_id=brand_id)
    owner_join, owner_lock = "", ""
    if lock_owner_id is not None:
        owner_join = f"JOIN {User._meta.db_table} u ON u.id = %(owner)s "
        owner_lock = " FOR NO KEY UPDATE OF u"
        params["owner"] = lock_owner_id
    found = rows.fetch_all(
        f"SELECT h.weekday, h.opens, h.closes, {offers_columns()} FROM {outlets} o "  # noqa: S608
        f"{owner_join}LEFT JOIN {hours} h ON h.outlet_id = o.id "
        f"WHERE o.id = %(outlet)s FOR SHARE OF o{owner_lock}",
        params,
    )
    if not found:  # deleted meanwhile: it offers nothing
        return OutletServing(hours=[], offered=set(), authorized=False)
    return OutletServing(
        hours=[
            (weekday, opens, closes) for weekday, opens, closes, *_ in found if weekday is not None
        ],
        offered=set(found[0][3]),
        authorized=bool(found[0][4]),
    )


def share_lock_bay(bay_id: int) -> tuple[bool, list[str]] | None:
    """SELECT is_active, capabilities … FOR SHARE of one bay: a manager retiring a bay or
    taking a capability away (FOR UPDATE) cannot race a booking onto it. None when gone."""
    row = _share_lock(Bay, bay_id, "is_active, capabilities")
    return (bool(row[0]), list(row[1])) if row else None


def share_lock_capable_bays(
    *,
    outlet_id: int,
    needed: set[str],
    start: dt.datetime,
    released: dt.datetime,
    ignore_booking_id: int | None = None,
) -> list[Bay]:
    """SELECT … FOR SHARE of the outlet's active bays with every needed capability, in one
    statement, best fit (fewest capabilities) first. Each bay carries `busy`: whether an
    active booking (other than `ignore_booking_id`) holds it over [start, released).

    One round trip instead of a candidate query plus one lock per bay. A manager retiring a
    bay or taking a capability away holds its row FOR UPDATE: this waits, and PostgreSQL
    re-checks the WHERE on the committed row, so such a bay is left out. `busy` is advisory
    (read before any row is written); the exclusion constraint decides."""
    bays, _ = _capable_bays(
        outlet_id=outlet_id,
        needed=needed,
        start=start,
        released=released,
        ignore_booking_id=ignore_booking_id,
        closure_day=None,
    )
    return bays


def share_lock_day_bays(
    *,
    outlet_id: int,
    needed: set[str],
    start: dt.datetime,
    released: dt.datetime,
    day: dt.date,
    ignore_booking_id: int | None = None,
    upcoming: UpcomingAsk | None = None,
) -> tuple[list[Bay], dict[dt.date, str] | None]:
    """share_lock_capable_bays, and the outlet's closure on its local `day` read by the same
    statement: {day: reason} when closed, {} when not; None when no bay came back to carry
    it (the caller reads it on its own then). Called after the outlet's share lock, like
    the closure read it replaces, so a manager's closing of the day is seen.

    With `upcoming`, each bay also carries `upcoming` (an Upcoming, the same on every bay):
    the counts of bookings.lifecycle.caps, read here so the cap costs no round trip. Exact
    because the owner's row was locked by the statement before (share_lock_outlet_serving)."""
    return _capable_bays(
        outlet_id=outlet_id,
        needed=needed,
        start=start,
        released=released,
        ignore_booking_id=ignore_booking_id,
        closure_day=day,
        upcoming=upcoming,
    )


def _upcoming_columns() -> str:
    # Active (ACTIVE_LITERAL, constants for the generic plan, as for `busy`) and starting after
    # now: an early check-in before its start still holds that future slot. Uncorrelated, so
    # PostgreSQL counts each once per statement, not once per bay.
    table = Booking._meta.db_table
    where = f"k.status IN ({ACTIVE_LITERAL}) AND k.start > %(now)s"
    return (
        f"(SELECT count(*) FROM {table} k WHERE k.vehicle_id = %(vehicle)s AND {where}), "
        f"(SELECT count(*) FROM {table} k WHERE k.owner_id = %(owner)s AND {where}),"
    )


def _capable_bays(
    *,
    outlet_id: int,
    needed: set[str],
    start: dt.datetime,
    released: dt.datetime,
    ignore_booking_id: int | None,
    closure_day: dt.date | None,
    upcoming: UpcomingAsk | None = None,
) -> tuple[list[Bay], dict[dt.date, str] | None]:
    # The constraint's own expression and predicate: answered from its GiST index on
    # (range, bay) instead of reading every booking of each bay. Written as SQL, not built
    # with the ORM: on every booking write, and the ORM took 4 ms to compile it, this 1 ms;
    # prepared (hima_service.rows).
    exclude = "AND k.id <> %(ignore)s" if ignore_booking_id is not None else ""
    closure = (
        f"(SELECT c.reason FROM {Closure._meta.db_table} c "  # noqa: S608
        "WHERE c.outlet_id = %(outlet)s AND c.date = %(day)s)"
        if closure_day is not None
        else "NULL"
    )
    sql = f"""
        SELECT {rows.columns(Bay, "b")},
            EXISTS (
                SELECT 1 FROM {Booking._meta.db_table} k
                WHERE k.bay_id = b.id
                    AND tstzrange(k.start, k.bay_released_at, '[)')
                        && tstzrange(%(start)s, %(released)s, '[)')
                    AND k.status IN ({ACTIVE_LITERAL}) {exclude}
            ) AS busy,
            {_upcoming_columns() if upcoming is not None else ""}
            {closure} AS closure
        FROM {Bay._meta.db_table} b
        WHERE b.outlet_id = %(outlet)s AND b.is_active
            AND b.capabilities @> %(needed)s::varchar(24)[]
        ORDER BY cardinality(b.capabilities), b.name, b.id
        FOR SHARE OF b
    """  # noqa: S608 (table names from the models; values are parameters)
    params = {
        "start": start,
        "released": released,
        "ignore": ignore_booking_id,
        "outlet": outlet_id,
        "needed": sorted(needed),
        "day": closure_day,
    }
    if upcoming is not None:
        params.update(owner=upcoming.owner_id, vehicle=upcoming.vehicle_id, now=upcoming.now)
    found = rows.fetch_all(sql, params)
    bays = []
    width = rows.width(Bay)
    for row in found:
        bay = rows.instance(Bay, row)
        bay.busy = row[width]
        if upcoming is not None:
            bay.upcoming = Upcoming(vehicle=row[width + 1], owner=row[width + 2])
        bays.append(bay)
    if closure_day is None or not found:
        return bays, None
    reason = found[0][-1]
    return bays, ({} if reason is None else {closure_day: reason})


@dataclass(frozen=True)
class HeldDay:
    """What a booking write read under share locks before it reserves: the outlet row held
    (so the day's closure was read after any manager's change committed) and the capable
    bays held with their `busy` flags for [start, released). bookings.reservation trusts it
    only for the same outlet and times, and then skips its own re-checks."""

    outlet_id: int
    start: dt.datetime
    released: dt.datetime
    bays: list[Bay]
    upcoming: Upcoming | None = None  # when asked for (share_lock_day_bays)

    def free_bays(self) -> list[Bay]:
        return [bay for bay in self.bays if not bay.busy]
