"""The bookings still to come, counted apart: at the alliance's size a month ahead is most of
what the audit would otherwise compute live, one row of values each. The weeks' reading
(audit.weeks_sql) counts them per outlet and brand (AHEAD_COUNTS) and builds rows of values for
every other live booking (LIVE_VALUES_NOT_AHEAD): together, exactly the bookings
audit.values_sql computes live (UNSETTLED and STALE).

Composed with psycopg.sql from fragments and constants of this module and audit.values_sql only;
every value a request brings is a bound parameter (audit.statements_sql lists them).
"""

from __future__ import annotations

from psycopg import sql

from .values_sql import (
    IN_OUTLETS,
    IN_UTC_RANGE,
    SETTLED_BEFORE,
    STALE,
    UNSETTLED,
    UNSETTLED_NOT_BEGUN,
    booking_values,
    bookings_in_scope,
    of_brand,
)

# A booking still to come: scheduled after now, confirmed or cancelled, so not begun (the
# database lets only a booking whose work began have a service start: constraint
# booking_started_once_begun). It counts as a booking, and as cancelled if it was, and towards no
# other figure: it is not due, has no wait, no visit, no work, no rating. At the alliance's size a
# month ahead is most of what is computed live (every brand's, for the equity view), so the
# weeks' reading (audit.weeks_sql) counts these per outlet and brand (AHEAD_COUNTS) instead of
# building each one's row of values (LIVE_VALUES_NOT_AHEAD): together, exactly the live
# bookings (audit.values_sql's UNSETTLED and STALE).
_AHEAD = sql.SQL("b.start > %(now)s AND b.status IN ('confirmed', 'cancelled')")
# Every other status (the database keeps a status to the known ones: booking_status_known): the
# bookings after now that began early, checked in on their day or started before their time.
BEGUN_AHEAD_STATUSES = ("checked_in", "in_service", "ready", "completed", "no_show")
# CTE `begun_ahead`: those bookings' ids, found by the status index. A few at most; read by
# outlet and start instead, as the period's other bookings are, they cost a walk through the
# whole month ahead.
_BEGUN_AHEAD = sql.SQL("""begun_ahead AS MATERIALIZED (
    SELECT b.id FROM bookings_booking b
    WHERE b.status IN ({statuses}) AND b.start > %(now)s AND {in_utc_range}
)""").format(
    statuses=sql.SQL(", ").join(map(sql.Literal, BEGUN_AHEAD_STATUSES)),
    in_utc_range=IN_UTC_RANGE,
)
# A booking whose work was moved (UNSETTLED's second selection) began: never ahead.
_UNSETTLED_AS_BOOKED, _UNSETTLED_MOVED = UNSETTLED
LIVE_VALUES_NOT_AHEAD = sql.SQL("{},\n{}").format(
    _BEGUN_AHEAD,
    booking_values(
        sql.SQL("{} AND b.start <= %(now)s").format(_UNSETTLED_AS_BOOKED),
        sql.SQL("{} AND b.start > %(now)s AND b.id IN (SELECT id FROM begun_ahead)").format(
            _UNSETTLED_AS_BOOKED
        ),
        _UNSETTLED_MOVED,
        *STALE,
    ),
)

# Between these two instants every instant is in the period whatever the outlet's zone (a local
# date begins at most 14 hours before its UTC midnight and at most 12 after): a booking ahead
# there is counted without its outlet's bounds, which cost a conversion to the outlet's zone per
# booking. Empty for a period of a day.
_EVERY_ZONE_FROM = sql.SQL("((%(date_from)s::date + 1)::timestamp AT TIME ZONE 'UTC')")
_EVERY_ZONE_TO = sql.SQL(
    "(greatest(%(date_to)s::date, %(date_from)s::date + 1)::timestamp AT TIME ZONE 'UTC')"
)
_AHEAD_SUMS = sql.SQL(
    "count(*)::int AS bookings, count(*) FILTER (WHERE b.status = 'cancelled')::int AS cancelled"
)
# CTE `ahead`: the bookings still to come, counted per outlet and brand from the status index
# alone (it carries both): those between the two instants above, grouped before their outlets
# are looked up, then those before and after, within each outlet's bounds.
AHEAD_COUNTS = sql.SQL("""ahead AS (
    SELECT a.outlet_id, a.brand_id, a.bookings, a.cancelled
    FROM (
        SELECT b.outlet_id, b.brand_id, {sums}
        FROM bookings_booking b
        WHERE {ahead} AND b.start >= {settled_before}
          AND b.start >= {every_zone_from} AND b.start < {every_zone_to}
          AND {of_brand}
        GROUP BY b.outlet_id, b.brand_id
    ) AS a
    JOIN outlets_outlet o ON o.id = a.outlet_id
    WHERE {in_outlets}
    UNION ALL
    SELECT b.outlet_id, b.brand_id, {sums}
    {before}
    GROUP BY b.outlet_id, b.brand_id
    UNION ALL
    SELECT b.outlet_id, b.brand_id, {sums}
    {after}
    GROUP BY b.outlet_id, b.brand_id
)""").format(
    sums=_AHEAD_SUMS,
    ahead=_AHEAD,
    settled_before=SETTLED_BEFORE,
    every_zone_from=_EVERY_ZONE_FROM,
    every_zone_to=_EVERY_ZONE_TO,
    of_brand=of_brand(sql.SQL("b.brand_id")),
    in_outlets=IN_OUTLETS,
    before=bookings_in_scope(
        sql.SQL("{} AND {} AND b.start < {}").format(UNSETTLED_NOT_BEGUN, _AHEAD, _EVERY_ZONE_FROM)
    ),
    after=bookings_in_scope(
        sql.SQL("{} AND {} AND b.start >= {}").format(UNSETTLED_NOT_BEGUN, _AHEAD, _EVERY_ZONE_TO)
    ),
)
