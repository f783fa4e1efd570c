"""The capable bays FOR SHARE in one statement, with what a booking write reads beside them:
each bay's `busy`, the day's closure and the caps' upcoming counts; and the HeldDay a write
hands the reservation core."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, cast

from psycopg import sql

from hima_service.language import localized
from outlets.models import Bay, Closure

from ..models import ACTIVE_STATUSES, Booking

if TYPE_CHECKING:  # django-stubs-ext is a development tool, not installed in the image
    from django_stubs_ext import WithAnnotations


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
    closure reason in English and in Chinese (NULL when open or not asked for), and the caps'
    counts with the `upcoming` that _capable_bays makes of them, read only when they were asked
    for (NULL, unset else)."""

    busy: bool
    closure: str | None
    closure_zh: str | None
    upcoming_vehicle: int
    upcoming_owner: int
    upcoming: Upcoming


if TYPE_CHECKING:  # a Bay as the bays' statement returns it
    HeldBay = WithAnnotations[Bay, BayColumns]


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
# bay), and the day's closure. The active statuses are literals, not parameters, as in
# bookings.models.IsActive: the prepared statement's generic plan can then use the partial
# indexes over active bookings, and PostgreSQL stops planning it again on every execution.
_ACTIVE = sql.SQL("k.status IN ({})").format(
    sql.SQL(", ").join(sql.Literal(status.value) for status in ACTIVE_STATUSES)
)
_BAYS = sql.SQL(
    """
    SELECT b.*,
        EXISTS (
            SELECT 1 FROM {bookings} k
            WHERE k.bay_id = b.id
                AND tstzrange(k.start, k.bay_released_at, '[)')
                    && tstzrange(%(start)s, %(released)s, '[)')
                AND {active} AND k.id IS DISTINCT FROM %(ignore)s
        ) AS busy,
        {upcoming},
        {closure}
    FROM {bays} b
    WHERE b.outlet_id = %(outlet)s AND b.is_active
        AND b.capabilities @> %(needed)s::varchar(24)[]
    ORDER BY cardinality(b.capabilities), b.name, b.id
    FOR SHARE OF b
    """
)
_UPCOMING = sql.SQL(
    "(SELECT count(*) FROM {bookings} k WHERE k.vehicle_id = %(vehicle)s "
    "AND {active} AND k.start > %(now)s) AS upcoming_vehicle, "
    "(SELECT count(*) FROM {bookings} k WHERE k.owner_id = %(owner)s "
    "AND {active} AND k.start > %(now)s) AS upcoming_owner"
).format(bookings=sql.Identifier(Booking._meta.db_table), active=_ACTIVE)
_NO_UPCOMING = sql.SQL("NULL AS upcoming_vehicle, NULL AS upcoming_owner")
_CLOSURE = sql.SQL(
    "(SELECT c.reason FROM {closures} c WHERE c.outlet_id = %(outlet)s AND c.date = %(day)s) "
    "AS closure, "
    "(SELECT c.reason_zh FROM {closures} c WHERE c.outlet_id = %(outlet)s AND c.date = %(day)s) "
    "AS closure_zh"
).format(closures=sql.Identifier(Closure._meta.db_table))
_NO_CLOSURE = sql.SQL("NULL AS closure, NULL AS closure_zh")


def _bays_statement(*, upcoming: bool, closure: bool) -> str:
    return _BAYS.format(
        bookings=sql.Identifier(Booking._meta.db_table),
        bays=sql.Identifier(Bay._meta.db_table),
        upcoming=_UPCOMING if upcoming else _NO_UPCOMING,
        closure=_CLOSURE if closure else _NO_CLOSURE,
        active=_ACTIVE,
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
    reason, reason_zh = bays[0].closure, bays[0].closure_zh
    # In the reader's language, as the calendar's closures are (bookings.availability.calendar).
    return bays, ({} if reason is None else {closure_day: localized(reason, reason_zh or "")})


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
