"""The booking core's row locks, named for what they lock. Every write that needs a lock takes
it here, once per action, so a reader can see every lock a booking write takes in one file.

Every lock a write takes, in the order it takes them (a path skips those it does not need):

1. the booking row, FOR UPDATE (`lock_booking`): status actions, reschedule, feedback;
2. the outlet row: FOR UPDATE for a night-service booking's count (`lock_outlet_nights`,
   before the share lock), then FOR SHARE for the day's rules (`share_lock_outlet_serving`,
   `share_lock_outlet`); a manager's hours and closures (outlets.services) hold it FOR UPDATE;
3. the owner's user row, FOR NO KEY UPDATE, in the outlet's statement after the outlet (an
   owner's own create: the caps);
4. bay rows, FOR SHARE (`share_lock_day_bays`, `share_lock_capable_bays`, `share_lock_bay`);
   a manager's bay change (outlets.services.bay_update) holds one bay FOR UPDATE, and no
   outlet row after it;
5. the vehicle's open recall rows (recalls.AffectedVehicle), FOR UPDATE
   (recalls.services.recall_claim_for_booking in a create; the transition table's recall
   hooks after the booking row); the recall notice scan takes them with SKIP LOCKED;
6. the outlet's local day for writing (`lock_outlet_day`, a transaction-scoped advisory
   lock, one day per write): at an outlet with service-desk limits before the desk's counts
   (bookings.lifecycle.desk), at one that plans crews before its crews are read;
7. the booking row written (INSERT or UPDATE, in a savepoint: bookings.reservation), where
   the exclusion constraints wait for any overlapping row being written, and the foreign keys
   take KEY SHARE locks on the outlet, bay, vehicle and owner rows, weaker than any above;
8. notification rows last: the reminders of a rescheduled booking FOR UPDATE
   (notify.outbox), pending rows skipped by one UPDATE; delivery locks one row on its own
   (FOR UPDATE, or SKIP LOCKED claims) and holds no other lock.

Every path takes them in that order, so two actions cannot wait on each other in a cycle (the
exclusion constraint's own waits are handled in `bookings.reservation`). Otherwise the user row
is locked only by writes of the account itself (sign-in, profile; the erasure, before it
cancels its bookings): no path holds a booking, outlet or bay row and then waits for a user row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, cast

from django.db import connection
from django.db.models import Model
from psycopg import sql

from accounts.models import User
from outlets.models import Bay, Closure, OpeningHours, Outlet
from outlets.selectors import OFFERS_COLUMNS, offers_params

from .models import ACTIVE_STATUSES, Booking

if TYPE_CHECKING:  # django-stubs-ext is a development tool, not installed in the image
    from django_stubs_ext import WithAnnotations


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


def _share_lock(model: type[Model], pk: int, columns: Sequence[str]) -> tuple | None:
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
    _share_lock(Outlet, outlet_id, ["id"])


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


class BayColumns(TypedDict):
    """What each bay of the bays' statement carries besides its own columns: `busy`, the day's
    closure reason (NULL when open or not asked for), and the caps' counts with the `upcoming`
    that _capable_bays makes of them, read only when they were asked for (NULL, unset else)."""

    busy: bool
    closure: str | None
    upcoming_vehicle: int
    upcoming_owner: int
    upcoming: Upcoming


if TYPE_CHECKING:  # a Bay as the bays' statement returns it
    HeldBay = WithAnnotations[Bay, BayColumns]


def _serving(owner_join: sql.Composable, owner_lock: sql.Composable) -> str:
    return (
        sql.SQL(
            "SELECT h.weekday, h.opens, h.closes, {offers} FROM {outlets} o {owner_join}"
            "LEFT JOIN {hours} h ON h.outlet_id = o.id "
            "WHERE o.id = %(outlet)s FOR SHARE OF o{owner_lock}"
        )
        .format(
            offers=OFFERS_COLUMNS,
            outlets=sql.Identifier(Outlet._meta.db_table),
            hours=sql.Identifier(OpeningHours._meta.db_table),
            owner_join=owner_join,
            owner_lock=owner_lock,
        )
        .as_string()
    )


_SERVING = _serving(sql.SQL(""), sql.SQL(""))
_SERVING_WITH_OWNER = _serving(
    sql.SQL("JOIN {} u ON u.id = %(owner)s ").format(sql.Identifier(User._meta.db_table)),
    sql.SQL(" FOR NO KEY UPDATE OF u"),
)


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
    params = offers_params(outlet_id=outlet_id, service_ids=service_ids, brand_id=brand_id)
    statement = _SERVING
    if lock_owner_id is not None:
        statement = _SERVING_WITH_OWNER
        params["owner"] = lock_owner_id
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        found = cursor.fetchall()
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
    row = _share_lock(Bay, bay_id, ["is_active", "capabilities"])
    return (bool(row[0]), list(row[1])) if row else None


def share_lock_capable_bays(
    *,
    outlet_id: int,
    needed: set[str],
    start: dt.datetime,
    released: dt.datetime,
    ignore_booking_id: int | None = None,
) -> list[HeldBay]:
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
) -> tuple[list[HeldBay], dict[dt.date, str] | None]:
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


# The bays' statement: the exclusion constraint's own expression and predicate for `busy`, so
# PostgreSQL answers it from the constraint's GiST index on (range, bay) instead of reading
# every booking of each bay; the ORM has no share lock (FOR SHARE). Optional parts: the
# caps' counts of upcoming bookings (active and starting after now: an early check-in before
# its start still holds that future slot; uncorrelated, so counted once per statement, not per
# bay), and the day's closure.
_BAYS = sql.SQL(
    """
    SELECT b.*,
        EXISTS (
            SELECT 1 FROM {bookings} k
            WHERE k.bay_id = b.id
                AND tstzrange(k.start, k.bay_released_at, '[)')
                    && tstzrange(%(start)s, %(released)s, '[)')
                AND k.status = ANY(%(active)s) AND k.id IS DISTINCT FROM %(ignore)s
        ) AS busy,
        {upcoming},
        {closure} AS closure
    FROM {bays} b
    WHERE b.outlet_id = %(outlet)s AND b.is_active
        AND b.capabilities @> %(needed)s::varchar(24)[]
    ORDER BY cardinality(b.capabilities), b.name, b.id
    FOR SHARE OF b
    """
)
_UPCOMING = sql.SQL(
    "(SELECT count(*) FROM {bookings} k WHERE k.vehicle_id = %(vehicle)s "
    "AND k.status = ANY(%(active)s) AND k.start > %(now)s) AS upcoming_vehicle, "
    "(SELECT count(*) FROM {bookings} k WHERE k.owner_id = %(owner)s "
    "AND k.status = ANY(%(active)s) AND k.start > %(now)s) AS upcoming_owner"
).format(bookings=sql.Identifier(Booking._meta.db_table))
_NO_UPCOMING = sql.SQL("NULL AS upcoming_vehicle, NULL AS upcoming_owner")
_CLOSURE = sql.SQL(
    "(SELECT c.reason FROM {closures} c WHERE c.outlet_id = %(outlet)s AND c.date = %(day)s)"
).format(closures=sql.Identifier(Closure._meta.db_table))


def _bays_statement(*, upcoming: bool, closure: bool) -> str:
    return _BAYS.format(
        bookings=sql.Identifier(Booking._meta.db_table),
        bays=sql.Identifier(Bay._meta.db_table),
        upcoming=_UPCOMING if upcoming else _NO_UPCOMING,
        closure=_CLOSURE if closure else sql.SQL("NULL"),
    ).as_string()


def _capable_bays(
    *,
    outlet_id: int,
    needed: set[str],
    start: dt.datetime,
    released: dt.datetime,
    ignore_booking_id: int | None,
    closure_day: dt.date | None,
    upcoming: UpcomingAsk | None = None,
) -> tuple[list[HeldBay], dict[dt.date, str] | None]:
    params = {
        "start": start,
        "released": released,
        "active": sorted(ACTIVE_STATUSES),
        "ignore": ignore_booking_id,
        "outlet": outlet_id,
        "needed": sorted(needed),
        "day": closure_day,
    }
    if upcoming is not None:
        params.update(owner=upcoming.owner_id, vehicle=upcoming.vehicle_id, now=upcoming.now)
    statement = _bays_statement(upcoming=upcoming is not None, closure=closure_day is not None)
    bays = cast("list[HeldBay]", list(Bay.objects.raw(statement, params)))
    for bay in bays:
        if upcoming is not None:
            bay.upcoming = Upcoming(vehicle=bay.upcoming_vehicle, owner=bay.upcoming_owner)
    if closure_day is None or not bays:
        return bays, None
    reason = bays[0].closure
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
    bays: list[HeldBay]
    upcoming: Upcoming | None = None  # when asked for (share_lock_day_bays)

    def free_bays(self) -> list[Bay]:
        return [bay for bay in self.bays if not bay.busy]
