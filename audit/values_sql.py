"""Which bookings the audit reads and their values, one row each: what every figure of
audit.sql is a condition over or an aggregate of. Settled bookings' values come from their facts
(audit.models), the others' are computed here, live, from the bookings, their service lines,
the price book, their extra work and their rating.

Composed with psycopg.sql from fragments and constants of this module only; every value a request
brings is a bound parameter (audit.statements_sql lists them).
"""

from __future__ import annotations

from collections.abc import Callable

from psycopg import sql

# The car came to the workshop: the statuses of a visit, where extra work can be found.
VISITED_STATUSES = ("checked_in", "in_service", "ready", "completed")
# The currency of ServiceType.price, the catalog's standard before the price book
# (pricing.selectors.CATALOG_CURRENCY).
CATALOG_CURRENCY = "CNY"


def _array_length(table: str, column: str) -> sql.Composed:
    """Length of a JSON array column; anything else stored there counts as empty."""
    return sql.SQL(
        "jsonb_array_length(CASE jsonb_typeof({value}) WHEN 'array' THEN {value} ELSE '[]' END)"
    ).format(value=sql.Identifier(table, column))


# The columns of a booking's values that the figures read (the aggregates, the equity sides and
# the charts): the live values and the settled facts (audit.models.BookingFacts) both give these,
# in this order.
FIGURE_COLUMNS = (
    "id", "outlet_id", "brand_id", "status", "start", "due", "wait_minutes",
    "actual_labour_minutes", "rating", "visited", "currency", "standard_minutes",
    "checklist_items", "checklist_items_done", "has_recall", "charged", "standard",
    "off_standard", "extra_lines_sent", "extra_lines_decided", "extra_lines_approved",
    "extra_value_approved", "approval_minutes",
)  # fmt: skip

# A booking's booked start: the time the owner was promised. Work that began at another time
# on another bay or with another crew, or early, moved `start` there and kept the booked time in
# `promised_start` (bookings.lifecycle.status.booking_start). The audit measures the wait from,
# and reads the period and the settling watermark by, the booked start.
BOOKED_START = sql.SQL("coalesce(b.promised_start, b.start)")

# The period is a range of LOCAL dates: its bounds are computed per outlet in the outlet's own
# zone (daylight saving included), so that 23:30 on the last day in Shanghai counts and 00:10
# the next day does not, and the (outlet, start) index still narrows the rows. IN_UTC_RANGE is
# the same period as one UTC range that holds it in any zone (offsets reach ±14 h): the planner
# can scan that range alone, where the bound per outlet's zone made it read every booking of
# every year.
IN_UTC_RANGE = sql.SQL("""b.start >= ((%(date_from)s::date - 1)::timestamp AT TIME ZONE 'UTC')
     AND b.start < ((%(date_to)s::date + 2)::timestamp AT TIME ZONE 'UTC')""")


def _in_period(start: sql.Composable) -> sql.Composed:
    """`start` (a column of `b`) within the period at outlet `o`, as the indexes narrow it."""
    return sql.SQL("""
     {start} >= (%(date_from)s::date::timestamp AT TIME ZONE o.time_zone)
     AND {start} < ((%(date_to)s::date + 1)::timestamp AT TIME ZONE o.time_zone)
     AND {start} >= ((%(date_from)s::date - 1)::timestamp AT TIME ZONE 'UTC')
     AND {start} < ((%(date_to)s::date + 2)::timestamp AT TIME ZONE 'UTC')""").format(start=start)


# A condition on the booked start as two selections, each an index range: most bookings'
# `start` is their booked start (`promised_start` null), read by (outlet, start); the few whose
# work was moved are read by their `promised_start`, by the partial index over them (bookings'
# booking_outlet_promised). One condition on the coalesce would lose the index, and no margin on
# `start` makes up for it: a car that waited checked in may be started any time later.
AS_BOOKED = sql.SQL("b.promised_start IS NULL AND {}")
MOVED = sql.SQL("b.promised_start IS NOT NULL AND {}")


def by_booked_start(
    condition: Callable[[sql.Composable], sql.Composable],
) -> tuple[sql.Composed, sql.Composed]:
    """`condition` (of a booked start column of `b`) as the pair of selections above."""
    return (
        AS_BOOKED.format(condition(sql.SQL("b.start"))),
        MOVED.format(condition(sql.SQL("b.promised_start"))),
    )


# The booked start in the period (two selections).
IN_PERIOD = by_booked_start(_in_period)


# The request's outlet and city (each None for all), at outlet `o`.
IN_OUTLETS = sql.SQL("""(%(outlet_id)s::bigint IS NULL OR o.id = %(outlet_id)s::bigint)
      AND (%(city)s::text IS NULL OR lower(o.city) = lower(%(city)s::text))""")


def of_brand(brand: sql.Composable) -> sql.Composed:
    """The request's brand (None for all), `brand` the brand column."""
    return sql.SQL("(%(brand_id)s::bigint IS NULL OR {brand} = %(brand_id)s::bigint)").format(
        brand=brand
    )


def _in_scope(brand: sql.Composable) -> sql.Composed:
    """The request's outlet, city and brand (each None for all), `brand` the brand column."""
    return sql.SQL("{}\n      AND {}").format(IN_OUTLETS, of_brand(brand))


# The bookings a `selection` takes (`b`, at outlet `o`), within the request's outlet, city and
# brand (the booking's own brand column, which the database keeps equal to its car's).
_BOOKINGS_IN_SCOPE = sql.SQL("""FROM outlets_outlet o
    JOIN bookings_booking b ON b.outlet_id = o.id AND {selection}
    WHERE {in_scope}""")

# One booking's row, with everything a figure needs, of the bookings `bookings_in_scope` takes
# (bookings_in_scope).
_BOOKED = sql.SQL("""
    SELECT
        b.id,
        b.reference,
        b.outlet_id,
        b.brand_id,
        b.vehicle_id,
        b.status,
        b.channel,
        {booked_start} AS start,
        b.started_at,
        b.status <> 'cancelled' AND {booked_start} <= %(now)s AS due,
        -- Walk-ins had no appointment to be on time for: their waits are not measured. From the
        -- booked start: negative when the work began early.
        CASE WHEN b.channel <> 'walk_in' AND b.started_at IS NOT NULL
             THEN (EXTRACT(EPOCH FROM b.started_at - {booked_start}) / 60)::float8
        END AS wait_minutes,
        b.actual_labour_minutes,
        -- Only a completed booking has a rating (bookings.lifecycle.feedback): looked up for
        -- those alone, where a join probed the ratings for every booking in scope, the
        -- month ahead included.
        CASE WHEN b.status = 'completed'
             THEN (SELECT f.rating FROM bookings_feedback f WHERE f.booking_id = b.id) END
            AS rating,
        b.status IN {visited_statuses} AS visited,
        b.created_at AS booked_at,
        o.currency,
        o.time_zone
    {bookings_in_scope}""")

# The values of the bookings in `booked` (CTE `booking_values`, one row per booking).
_VALUES = sql.SQL("""
booked AS ({booked}),
-- The service lines matter only once a booking is completed: standard labour time (as booked;
-- the approved extra work's is added in booking_values), checklist
-- items (as recorded; a line completed without a record counts its standard checklist as not
-- done) and whether a recall was part of the work. One grouped pass, hashed, not a lookup per
-- booking.
line_totals AS (
    SELECT
        bs.booking_id,
        sum(bs.labour_minutes)::int AS standard_minutes,
        bool_or(st.category = 'recall') AS has_recall,
        sum(CASE WHEN {recorded_items} > 0
                 THEN {recorded_items}
                 ELSE {standard_items} END)::int AS checklist_items,
        sum((SELECT count(*)
             FROM jsonb_array_elements(CASE jsonb_typeof(bs.checklist_result)
                  WHEN 'array' THEN bs.checklist_result ELSE '[]' END) AS item
             WHERE item -> 'done' = 'true'::jsonb))::int AS checklist_items_done
    FROM bookings_bookingservice bs
    JOIN outlets_servicetype st ON st.id = bs.service_type_id
    WHERE bs.booking_id IN (SELECT id FROM booked WHERE status = 'completed')
    GROUP BY bs.booking_id
),
-- What a completed booking's services were charged (BookingService.price, as booked) against
-- the price book's standard for the car's model on the day it was booked, in the outlet's
-- currency: pricing.selectors' rule (the model's row before the all-models row, then the latest
-- valid_from; in CNY the catalog price when the book has no row). Recall lines, free by rule,
-- and lines the book cannot price are left out. Each line's standard is looked up once, in a
-- CTE of its own: inlined, the lookup ran again for each of the three places `charges` uses it.
priced_lines AS MATERIALIZED (
    SELECT
        bs.booking_id,
        bs.price,
        coalesce(
            (SELECT sp.price FROM pricing_serviceprice sp
             WHERE sp.service_type_id = bs.service_type_id
               AND sp.currency = bk.currency
               AND sp.valid_from <= (bk.booked_at AT TIME ZONE bk.time_zone)::date
               AND (sp.model_id IS NULL OR sp.model_id = v.model_id)
             ORDER BY sp.model_id NULLS LAST, sp.valid_from DESC
             LIMIT 1),
            CASE WHEN bk.currency = {catalog_currency} THEN st.price END
        ) AS standard
    FROM booked bk
    JOIN vehicles_vehicle v ON v.id = bk.vehicle_id
    JOIN bookings_bookingservice bs ON bs.booking_id = bk.id
    JOIN outlets_servicetype st ON st.id = bs.service_type_id AND st.category <> 'recall'
    WHERE bk.status = 'completed'
),
charges AS (
    SELECT
        booking_id,
        sum(price) AS charged,
        sum(standard) AS standard,
        bool_or(price <> standard) AS off_standard
    FROM priced_lines
    WHERE standard IS NOT NULL
    GROUP BY booking_id
),
-- The extra work sent to the owner during a visit: its lines, how they were answered (a line
-- whose window closed unanswered is expired, whether or not the expiry scan has run yet), the
-- value approved (the frozen line prices) and each approval's minutes from its sending.
extra_totals AS (
    SELECT
        l.booking_id,
        count(*)::int AS lines_sent,
        count(*) FILTER (WHERE l.state IN ('approved', 'declined', 'expired')
                            OR e.expires_at <= %(now)s)::int AS lines_decided,
        count(*) FILTER (WHERE l.state = 'approved')::int AS lines_approved,
        sum(l.price) FILTER (WHERE l.state = 'approved') AS approved_value,
        -- the standard labour time of the work the owner approved, done in the visit
        sum(l.labour_minutes) FILTER (WHERE l.state = 'approved')::int AS approved_minutes,
        jsonb_agg((EXTRACT(EPOCH FROM l.decided_at - e.sent_at) / 60)::float8)
            FILTER (WHERE l.state = 'approved') AS approval_minutes
    FROM estimates_estimateline l
    JOIN estimates_estimatesending e ON e.id = l.sending_id
    WHERE l.booking_id IN (SELECT id FROM booked WHERE visited)
    GROUP BY l.booking_id
),
booking_values AS (
    SELECT
        booked.*,
        -- The standard of the work done: the booked services' and the approved extra work's
        -- (its time is in the actual labour too).
        line_totals.standard_minutes + coalesce(extra_totals.approved_minutes, 0)
            AS standard_minutes,
        line_totals.checklist_items,
        line_totals.checklist_items_done,
        coalesce(line_totals.has_recall, false) AS has_recall,
        charges.charged,
        charges.standard,
        coalesce(charges.off_standard, false) AS off_standard,
        coalesce(extra_totals.lines_sent, 0) AS extra_lines_sent,
        coalesce(extra_totals.lines_decided, 0) AS extra_lines_decided,
        coalesce(extra_totals.lines_approved, 0) AS extra_lines_approved,
        coalesce(extra_totals.approved_value, 0) AS extra_value_approved,
        extra_totals.approval_minutes
    FROM booked
    LEFT JOIN line_totals ON line_totals.booking_id = booked.id
    LEFT JOIN charges ON charges.booking_id = booked.id
    LEFT JOIN extra_totals ON extra_totals.booking_id = booked.id
)""")


def bookings_in_scope(selection: sql.Composable) -> sql.Composed:
    return _BOOKINGS_IN_SCOPE.format(selection=selection, in_scope=_in_scope(sql.SQL("b.brand_id")))


def booking_values(*selections: sql.Composable) -> sql.Composed:
    """The CTEs that end in `booking_values`: the values of the bookings that any of the
    `selections` (conditions on `b`, a booking, at `o`, its outlet) takes, within the request's
    outlet, city and brand. Parameters: those of the module, less the period for a selection
    that does not use IN_PERIOD. The row's `start` is the booked start (BOOKED_START)."""
    booked = sql.SQL("\n    UNION ALL").join(
        _BOOKED.format(
            bookings_in_scope=bookings_in_scope(selection),
            visited_statuses=sql.SQL("({})").format(
                sql.SQL(", ").join(map(sql.Literal, VISITED_STATUSES))
            ),
            booked_start=BOOKED_START,
        )
        for selection in selections
    )
    return _VALUES.format(
        booked=booked,
        recorded_items=_array_length("bs", "checklist_result"),
        standard_items=_array_length("st", "checklist"),
        catalog_currency=sql.Literal(CATALOG_CURRENCY),
    )


def columns_of(table: str) -> sql.Composed:
    """FIGURE_COLUMNS of `table` (an alias), in their order."""
    return sql.SQL(", ").join(sql.Identifier(table, column) for column in FIGURE_COLUMNS)


# The bookings in scope, with every value a figure reads: the settled facts of the bookings that
# have them (audit.models: started before the watermark and not stale), the others' values
# computed live (audit.weeks_sql reads them, the settled weeks from their figures). Exact at
# every instant, however far the settling task has got.
SETTLED_BEFORE = sql.SQL("(SELECT settled_before FROM settled)")
# The watermark, as CTE `settled` (-infinity before anything has settled).
SETTLED = sql.SQL("""settled AS (
    SELECT coalesce(max(settled_before), '-infinity'::timestamptz) AS settled_before
    FROM audit_factswatermark
)""")


# The bookings computed live: those of the period the watermark has not reached, and the stale
# ones before it; by their booked start, as their facts are (each a pair of selections).
# UNSETTLED_NOT_BEGUN for the bookings not begun (confirmed or cancelled), whose `start` is
# their booked start: the status index that counts them has no `promised_start`.
def _unsettled(start: sql.Composable) -> sql.Composed:
    return sql.SQL("{} AND {} >= {}").format(_in_period(start), start, SETTLED_BEFORE)


def _stale(start: sql.Composable) -> sql.Composed:
    return sql.SQL("{} AND {} < {} AND b.id IN (SELECT booking_id FROM audit_stalefacts)").format(
        _in_period(start), start, SETTLED_BEFORE
    )


UNSETTLED = by_booked_start(_unsettled)
UNSETTLED_NOT_BEGUN = _unsettled(sql.SQL("b.start"))
STALE = by_booked_start(_stale)

# A fact the audit may read (alias `b`): not stale, of the request's brand.
FACT_KEPT = sql.SQL(
    "NOT EXISTS (SELECT FROM audit_stalefacts sf WHERE sf.booking_id = b.id) AND {}"
).format(of_brand(sql.SQL("b.brand_id")))
# The bookings in scope, every one computed live, with the columns only the list of the bookings
# behind a figure shows (reference, channel, start…): one outlet's bookings, a page at a time.
SCOPED_LIVE = sql.SQL("{values},\nscoped AS (SELECT * FROM booking_values)").format(
    values=booking_values(*IN_PERIOD)
)
