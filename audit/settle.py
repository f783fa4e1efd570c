"""Settling the audit's facts (audit.models): the values of the bookings whose visits are over,
computed once by the same SQL the audit runs live (audit.values_sql), so that an audit of a
quarter reads them instead of recomputing every booking; and each outlet's weeks added up from
them (audit.models.WeekFigures), once the watermark is past a week's end.

Each step is one transaction: it re-settles a batch of stale bookings and moves the watermark
over the next stretch of starts. A booking with an estimate still open to the owner is left
stale (read live) until its window closes, when its values stop depending on the clock. Steps
run one at a time (an advisory lock); a second runner finds the lock taken and stops."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql

from hima_service.plans import unprepared

from .models import SETTLE_AFTER
from .sql import PART_COLUMNS, PART_SUMS
from .values_sql import BOOKED_START, FIGURE_COLUMNS, booking_values, by_booked_start

# How far one step moves the watermark, and how many stale bookings it re-settles: a step's
# transaction stays short (about 60,000 bookings a week at the alliance's size).
STRETCH = dt.timedelta(days=7)
STALE_BATCH = 5_000
# pg_advisory_xact_lock's key for the settling steps ("audit facts" in ASCII, as a bigint).
LOCK_KEY = 0x6175_6469_7466_6163

_COLUMNS = sql.SQL(", ").join(map(sql.Identifier, FIGURE_COLUMNS))
# Computed like the audit's live rows, for the bookings `selection` takes, less the open ones.
_SETTLE = sql.SQL("""
WITH {values}
INSERT INTO audit_bookingfacts ({columns})
SELECT {columns} FROM booking_values WHERE NOT id = ANY(%(open_ids)s)
ON CONFLICT (id) DO UPDATE SET {updates}
{returning}
""")
_UPDATES = sql.SQL(", ").join(
    sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(column))
    for column in FIGURE_COLUMNS
    if column != "id"
)
# By the booked start, as the audit reads the watermark (audit.values_sql.BOOKED_START).
IN_STRETCH = by_booked_start(
    lambda start: sql.SQL("{0} >= %(settle_from)s AND {0} < %(settle_to)s").format(start)
)
STALE = sql.SQL("b.id = ANY(%(stale_ids)s)")
# The weeks (outlet, local Monday) to add up again: those that end where the watermark moves
# (after `settle_from`, by `settle_to`) at each outlet, and those ended by then where a fact was
# written or removed (`touched`: each fact's outlet and start).
_WEEKS_DUE = sql.SQL("""
SELECT o.id, monday::date
FROM outlets_outlet o
CROSS JOIN LATERAL generate_series(
    date_trunc('week', %(settle_from)s AT TIME ZONE o.time_zone) - interval '7 days',
    date_trunc('week', %(settle_to)s AT TIME ZONE o.time_zone),
    interval '7 days') AS monday
WHERE (monday + interval '7 days') AT TIME ZONE o.time_zone > %(settle_from)s
  AND (monday + interval '7 days') AT TIME ZONE o.time_zone <= %(settle_to)s
UNION
SELECT o.id, date_trunc('week', t.start AT TIME ZONE o.time_zone)::date
FROM unnest(%(touched_outlets)s::bigint[], %(touched_starts)s::timestamptz[]) AS t(outlet_id, start)
JOIN outlets_outlet o ON o.id = t.outlet_id
WHERE (date_trunc('week', t.start AT TIME ZONE o.time_zone) + interval '7 days')
      AT TIME ZONE o.time_zone <= %(settle_to)s
ORDER BY 1, 2
""")
_WEEKS = sql.SQL("unnest(%(outlets)s::bigint[], %(weeks)s::date[]) AS k(outlet_id, week)")
_FORGET_WEEKS = sql.SQL(
    "DELETE FROM audit_weekfigures w USING {weeks} WHERE w.outlet_id = k.outlet_id "
    "AND w.week = k.week"
).format(weeks=_WEEKS)
# Each week's facts added up per brand, the week's bounds in the outlet's zone.
_ADD_UP_WEEKS = sql.SQL("""
INSERT INTO audit_weekfigures (outlet_id, brand_id, week, {columns})
SELECT k.outlet_id, s.brand_id, k.week, {sums}
FROM {weeks}
JOIN outlets_outlet o ON o.id = k.outlet_id
JOIN audit_bookingfacts s ON s.outlet_id = k.outlet_id
 AND s.start >= k.week::timestamp AT TIME ZONE o.time_zone
 AND s.start < (k.week + 7)::timestamp AT TIME ZONE o.time_zone
GROUP BY k.outlet_id, s.brand_id, k.week
""").format(
    columns=sql.SQL(", ").join(map(sql.Identifier, PART_COLUMNS)), sums=PART_SUMS, weeks=_WEEKS
)

# Bookings with an estimate sending whose window is still open: their `extra_lines_decided`
# changes when it closes, with no write to mark them.
_OPEN = sql.SQL("""
SELECT DISTINCT e.booking_id FROM estimates_estimatesending e
JOIN bookings_booking b ON b.id = e.booking_id
WHERE e.expires_at > %(now)s
  AND ({booked_start} >= %(settle_from)s AND {booked_start} < %(settle_to)s
       OR b.id = ANY(%(stale_ids)s))
""").format(booked_start=BOOKED_START)


# A statement's parameters: by name, or in order.
Params = dict[str, Any] | list[Any] | None


@dataclass
class Settled:
    """What settling did: bookings settled (a booking re-settled counts again), the stale ones
    its last step left open (estimates still waiting), the watermark it reached."""

    settled: int = 0
    left_open: int = 0
    settled_before: dt.datetime | None = None
    steps: int = 0


def _rows(statement: sql.Composable, params: Params = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _run(statement: sql.Composable, params: Params = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _step(*, now: dt.datetime, result: Settled) -> bool:
    """One transaction's worth; False when it found nothing left to do (only open estimates
    stale, the watermark where it can be) or another runner holds the lock."""
    target = now - SETTLE_AFTER
    # Planned for each step's own stretch: the beat worker repeats these statements on one
    # connection, and their generic plan, blind to the stretch, took many times as long
    # (hima_service.plans).
    with unprepared(), transaction.atomic():
        if not _rows(sql.SQL("SELECT pg_try_advisory_xact_lock(%s)"), [LOCK_KEY])[0][0]:
            return False
        mark = _rows(sql.SQL("SELECT settled_before FROM audit_factswatermark"))
        if mark:
            settle_from = mark[0][0]
        else:  # nothing settled yet: from the first booking on
            first = _rows(
                sql.SQL(
                    "SELECT least((SELECT min(start) FROM bookings_booking),"
                    " (SELECT min(promised_start) FROM bookings_booking))"
                )
            )[0][0]
            settle_from = min(first or target, target)
        settle_to = max(min(settle_from + STRETCH, target), settle_from)
        # A mark may name a booking gone since (its facts go) or one the watermark has not
        # reached yet (settled early: harmless, the audit reads facts below the watermark only).
        stale = _rows(
            sql.SQL(
                "SELECT booking_id, version FROM audit_stalefacts ORDER BY booking_id LIMIT %s"
            ),
            [STALE_BATCH],
        )
        stale_ids = [booking_id for booking_id, _ in stale]
        params: dict[str, Any] = {
            "now": now,
            "settle_from": settle_from,
            "settle_to": settle_to,
            "stale_ids": stale_ids,
            "outlet_id": None,
            "city": None,
            "brand_id": None,
        }
        open_ids = [booking_id for (booking_id,) in _rows(_OPEN, params)]
        params["open_ids"] = open_ids
        # Stale facts go first: the booking may be gone, or no longer settled.
        touched = _rows(
            sql.SQL("DELETE FROM audit_bookingfacts WHERE id = ANY(%s) RETURNING outlet_id, start"),
            [stale_ids],
        )
        result.settled += _run(
            _SETTLE.format(
                values=booking_values(*IN_STRETCH),
                columns=_COLUMNS,
                updates=_UPDATES,
                returning=sql.SQL(""),
            ),
            params,
        )
        # The stale ones' weeks are added up again where they were and where they are now.
        resettled = _rows(
            _SETTLE.format(
                values=booking_values(STALE),
                columns=_COLUMNS,
                updates=_UPDATES,
                returning=sql.SQL("RETURNING outlet_id, start"),
            ),
            params,
        )
        result.settled += len(resettled)
        touched += resettled
        _add_up_weeks(
            settle_from=settle_from,
            settle_to=settle_to,
            touched=touched,
        )
        # Open ones stay stale (read live); a mark made since it was read stays too.
        _run(
            sql.SQL(
                "INSERT INTO audit_stalefacts (booking_id, version) "
                "SELECT id, 1 FROM unnest(%s::bigint[]) AS id ORDER BY id "
                "ON CONFLICT (booking_id) DO NOTHING"
            ),
            [open_ids],
        )
        _run(
            sql.SQL(
                "DELETE FROM audit_stalefacts s USING unnest(%s::bigint[], %s::bigint[]) "
                "AS seen(booking_id, version) WHERE s.booking_id = seen.booking_id "
                "AND s.version = seen.version AND NOT s.booking_id = ANY(%s)"
            ),
            [stale_ids, [version for _, version in stale], open_ids],
        )
        _run(
            sql.SQL(
                "INSERT INTO audit_factswatermark (id, settled_before) VALUES (1, %s) "
                "ON CONFLICT (id) DO UPDATE SET settled_before = EXCLUDED.settled_before"
            ),
            [settle_to],
        )
        result.left_open = len(open_ids)
        result.settled_before = settle_to
        result.steps += 1
        return settle_to > settle_from or len(set(stale_ids) - set(open_ids)) > 0


def _add_up_weeks(
    *, settle_from: dt.datetime, settle_to: dt.datetime, touched: list[tuple]
) -> None:
    """The week figures of every week the step ended or changed, from the facts as they are."""
    weeks = _rows(
        _WEEKS_DUE,
        {
            "settle_from": settle_from,
            "settle_to": settle_to,
            "touched_outlets": [outlet_id for outlet_id, _ in touched],
            "touched_starts": [start for _, start in touched],
        },
    )
    keys = {"outlets": [outlet_id for outlet_id, _ in weeks], "weeks": [week for _, week in weeks]}
    _run(_FORGET_WEEKS, keys)
    _run(_ADD_UP_WEEKS, keys)


def facts_settle(*, now: dt.datetime | None = None, max_steps: int | None = None) -> Settled:
    """Settle what is due: the stale bookings, then every start up to SETTLE_AFTER ago, one
    step at a time (at most `max_steps`). Harmless to run twice or at once."""
    now = now or timezone.now()
    result = Settled()
    while (max_steps is None or result.steps < max_steps) and _step(now=now, result=result):
        pass
    return result
