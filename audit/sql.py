"""The audit's SQL, in one place: every figure is defined once here, as a condition over the
bookings in scope, and the aggregates, the equity comparison and the list of the bookings behind
a figure all use those same conditions.

The statements are composed with psycopg.sql from fragments and constants of this module only;
every value a request brings (dates, ids, the city) is a bound parameter.

Parameters every statement takes: `date_from`, `date_to` (local dates, inclusive), `now`,
`outlet_id` (or None), `city` (or None), `brand_id` (or None).
"""

from __future__ import annotations

from psycopg import sql

# Started at most this long after the scheduled start (or before it): on time.
ON_TIME_MINUTES = 15
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


# The bookings in scope, one row each, with everything a figure needs. The period is a range of
# LOCAL dates: its bounds are computed per outlet in the outlet's own zone (daylight saving
# included), so that 23:30 on the last day in Shanghai counts and 00:10 the next day does not,
# and the (outlet, start) index still narrows the rows.
SCOPED = sql.SQL("""
booked AS (
    SELECT
        b.id,
        b.reference,
        b.outlet_id,
        m.brand_id,
        b.vehicle_id,
        b.status,
        b.channel,
        b.start,
        b.started_at,
        b.status <> 'cancelled' AND b.start <= %(now)s AS due,
        -- Walk-ins had no appointment to be on time for: their waits are not measured.
        CASE WHEN b.channel <> 'walk_in' AND b.started_at IS NOT NULL
             THEN (EXTRACT(EPOCH FROM b.started_at - b.start) / 60)::float8 END AS wait_minutes,
        b.actual_labour_minutes,
        f.rating,
        b.status IN {visited_statuses} AS visited,
        b.created_at AS booked_at,
        m.id AS model_id,
        o.currency,
        o.time_zone
    FROM outlets_outlet o
    JOIN bookings_booking b
      ON b.outlet_id = o.id
     AND b.start >= (%(date_from)s::date::timestamp AT TIME ZONE o.time_zone)
     AND b.start < ((%(date_to)s::date + 1)::timestamp AT TIME ZONE o.time_zone)
     -- The same period as one UTC range that holds it in any zone (offsets reach ±14 h): the
     -- planner can scan that range alone, where the bound per outlet's zone above made it
     -- read every booking of every year.
     AND b.start >= ((%(date_from)s::date - 1)::timestamp AT TIME ZONE 'UTC')
     AND b.start < ((%(date_to)s::date + 2)::timestamp AT TIME ZONE 'UTC')
    JOIN vehicles_vehicle v ON v.id = b.vehicle_id
    JOIN vehicles_vehiclemodel m ON m.id = v.model_id
    LEFT JOIN bookings_feedback f ON f.booking_id = b.id
    WHERE (%(outlet_id)s::bigint IS NULL OR o.id = %(outlet_id)s::bigint)
      AND (%(city)s::text IS NULL OR lower(o.city) = lower(%(city)s::text))
      AND (%(brand_id)s::bigint IS NULL OR m.brand_id = %(brand_id)s::bigint)
),
-- The service lines matter only once a booking is completed: standard labour time, checklist
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
-- and lines the book cannot price are left out.
charges AS (
    SELECT
        bs.booking_id,
        sum(bs.price) AS charged,
        sum(standard.price) AS standard,
        bool_or(bs.price <> standard.price) AS off_standard
    FROM booked bk
    JOIN bookings_bookingservice bs ON bs.booking_id = bk.id
    JOIN outlets_servicetype st ON st.id = bs.service_type_id AND st.category <> 'recall'
    CROSS JOIN LATERAL (
        SELECT coalesce(
            (SELECT sp.price FROM pricing_serviceprice sp
             WHERE sp.service_type_id = bs.service_type_id
               AND sp.currency = bk.currency
               AND sp.valid_from <= (bk.booked_at AT TIME ZONE bk.time_zone)::date
               AND (sp.model_id IS NULL OR sp.model_id = bk.model_id)
             ORDER BY sp.model_id NULLS LAST, sp.valid_from DESC
             LIMIT 1),
            CASE WHEN bk.currency = {catalog_currency} THEN st.price END
        ) AS price
    ) AS standard
    WHERE bk.status = 'completed' AND standard.price IS NOT NULL
    GROUP BY bs.booking_id
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
        jsonb_agg((EXTRACT(EPOCH FROM l.decided_at - e.sent_at) / 60)::float8)
            FILTER (WHERE l.state = 'approved') AS approval_minutes
    FROM estimates_estimateline l
    JOIN estimates_estimatesending e ON e.id = l.sending_id
    WHERE l.booking_id IN (SELECT id FROM booked WHERE visited)
    GROUP BY l.booking_id
),
scoped AS (
    SELECT
        booked.*,
        line_totals.standard_minutes,
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
)""").format(
    recorded_items=_array_length("bs", "checklist_result"),
    standard_items=_array_length("st", "checklist"),
    visited_statuses=sql.SQL("({})").format(sql.SQL(", ").join(map(sql.Literal, VISITED_STATUSES))),
    catalog_currency=sql.Literal(CATALOG_CURRENCY),
)

_COMPLETED = sql.SQL("s.status = 'completed'")
_TIMED = sql.SQL("{} AND s.actual_labour_minutes IS NOT NULL AND s.standard_minutes > 0").format(
    _COMPLETED
)
_ON_TIME = sql.Literal(ON_TIME_MINUTES)
_VISITED = sql.SQL("s.visited")
_OFFERED = sql.SQL("s.visited AND s.extra_lines_sent > 0")
_PRICED = sql.SQL("{} AND s.standard IS NOT NULL").format(_COMPLETED)


# Which bookings each figure counts: the filters of the aggregates below, and the `metric` of
# the list of the bookings behind a figure.
METRICS: dict[str, sql.Composable] = {
    "all": sql.SQL("true"),
    # Expected at the outlet: not cancelled, and the scheduled start has passed.
    "due": sql.SQL("s.due"),
    "completed": _COMPLETED,
    "cancelled": sql.SQL("s.status = 'cancelled'"),
    "no_show": sql.SQL("s.status = 'no_show'"),
    # Service started, with an appointment: the waits.
    "started": sql.SQL("s.wait_minutes IS NOT NULL"),
    "on_time": sql.SQL("s.wait_minutes <= {}").format(_ON_TIME),
    "late_start": sql.SQL("s.wait_minutes > {}").format(_ON_TIME),
    # Completed with an actual labour time to set against the standard.
    "timed": _TIMED,
    "over_standard": sql.SQL("{} AND s.actual_labour_minutes > s.standard_minutes").format(_TIMED),
    "checklist_incomplete": sql.SQL("{} AND s.checklist_items_done < s.checklist_items").format(
        _COMPLETED
    ),
    "rated": sql.SQL("{} AND s.rating IS NOT NULL").format(_COMPLETED),
    "unrated": sql.SQL("{} AND s.rating IS NULL").format(_COMPLETED),
    "recall": sql.SQL("{} AND s.has_recall").format(_COMPLETED),
    # The car came to the workshop (checked in, in service, ready or completed): the visits
    # extra work is counted per.
    "visited": _VISITED,
    # Visits where extra work was sent to the owner, and where some of it was approved.
    "extra_offered": _OFFERED,
    "extra_approved": sql.SQL("{} AND s.extra_lines_approved > 0").format(_VISITED),
    # Completed with services the price book prices, and of those, any charged off standard.
    "priced": _PRICED,
    "off_standard": sql.SQL("{} AND s.off_standard").format(_PRICED),
}


def metric_count(metric: str) -> sql.Composed:
    """count(s.id) of the scoped rows that meet one figure's condition (METRICS)."""
    return sql.SQL("count(s.id) FILTER (WHERE {})").format(METRICS[metric])


# The figures of one group of scoped rows (alias `s`). count(s.id), not count(*): the outlet
# table is LEFT JOINed to the bookings, so an outlet with none still gets its row of zeros.
AGGREGATES = sql.SQL("""
    count(s.id) AS bookings,
    {completed} AS completed,
    {cancelled} AS cancelled,
    {no_show} AS no_show,
    {due} AS due,
    {started} AS started,
    {on_time} AS on_time,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY s.wait_minutes) AS wait_median_minutes,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY s.wait_minutes) AS wait_p90_minutes,
    {timed} AS timed,
    percentile_cont(0.5) WITHIN GROUP (
        ORDER BY s.actual_labour_minutes::float8 / s.standard_minutes
    ) FILTER (WHERE {is_timed}) AS labour_ratio_median,
    coalesce(sum(s.checklist_items) FILTER (WHERE {is_completed}), 0) AS checklist_items,
    coalesce(sum(s.checklist_items_done) FILTER (WHERE {is_completed}), 0)
        AS checklist_items_done,
    {rated} AS rated,
    (avg(s.rating) FILTER (WHERE {is_rated}))::float8 AS rating_mean,
    {recall} AS recall_done,
    {visits} AS visits,
    {extra_offered} AS extra_offered,
    coalesce(sum(s.extra_lines_sent) FILTER (WHERE {is_visited}), 0)::int AS extra_lines_sent,
    coalesce(sum(s.extra_lines_decided) FILTER (WHERE {is_visited}), 0)::int
        AS extra_lines_decided,
    coalesce(sum(s.extra_lines_approved) FILTER (WHERE {is_visited}), 0)::int
        AS extra_lines_approved,
    -- Money is added up in one currency only: over outlets of several, no value.
    CASE WHEN count(DISTINCT s.currency) FILTER (WHERE {is_visited}) <= 1
         THEN coalesce(sum(s.extra_value_approved) FILTER (WHERE {is_visited}), 0)::float8
    END AS extra_value_approved,
    CASE WHEN count(DISTINCT s.currency) FILTER (WHERE {is_visited}) = 1
         THEN min(s.currency) FILTER (WHERE {is_visited}) END AS currency,
    -- The median over the approved lines (not over visits): each visit brings its lines'
    -- minutes as a JSON array, flattened here.
    (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes::float8)
     FROM jsonb_path_query(
         jsonb_agg(s.approval_minutes) FILTER (WHERE {is_visited} AND s.approval_minutes
                                               IS NOT NULL),
         '$[*][*]') AS minutes) AS extra_approval_median_minutes,
    {priced} AS priced,
    {off_standard} AS off_standard,
    coalesce(sum(s.charged) FILTER (WHERE {is_priced}), 0)::float8 AS charged_total,
    coalesce(sum(s.standard) FILTER (WHERE {is_priced}), 0)::float8 AS standard_total""").format(
    completed=metric_count("completed"),
    cancelled=metric_count("cancelled"),
    no_show=metric_count("no_show"),
    due=metric_count("due"),
    started=metric_count("started"),
    on_time=metric_count("on_time"),
    timed=metric_count("timed"),
    rated=metric_count("rated"),
    recall=metric_count("recall"),
    is_timed=METRICS["timed"],
    is_completed=_COMPLETED,
    is_rated=METRICS["rated"],
    visits=metric_count("visited"),
    extra_offered=metric_count("extra_offered"),
    is_visited=_VISITED,
    priced=metric_count("priced"),
    off_standard=metric_count("off_standard"),
    is_priced=_PRICED,
)

# The rates, from the counts of one figures row (alias `f`); each denominator is documented in
# docs/audit.md. NULL when the denominator is zero: no rate, rather than a rate of 0.
RATES = sql.SQL("""
    f.completed::float8 / nullif(f.due, 0) AS completion_rate,
    f.cancelled::float8 / nullif(f.bookings, 0) AS cancellation_rate,
    f.no_show::float8 / nullif(f.due, 0) AS no_show_rate,
    f.on_time::float8 / nullif(f.started, 0) AS on_time_rate,
    f.checklist_items_done::float8 / nullif(f.checklist_items, 0) AS checklist_completion_rate,
    f.rated::float8 / nullif(f.completed, 0) AS response_rate,
    f.extra_lines_sent::float8 / nullif(f.visits, 0) AS extra_offers_per_visit,
    f.extra_offered::float8 / nullif(f.visits, 0) AS extra_offered_rate,
    f.extra_lines_approved::float8 / nullif(f.extra_lines_decided, 0) AS extra_acceptance_rate,
    f.extra_value_approved / nullif(f.visits, 0) AS extra_value_per_visit,
    f.charged_total / nullif(f.standard_total, 0) AS charged_to_standard_ratio""")

# One row per outlet in scope plus the network total (GROUPING SETS: one pass, and the total's
# medians are the network's, not an average of the outlets'). Outlets in scope: the active ones
# authorized for the brand (all active ones for every brand), plus any with bookings in the
# period, so that an outlet with no bookings shows as such instead of vanishing.
OUTLET_FIGURES = sql.SQL("""
WITH {scoped},
outlet_scope AS (
    SELECT o.id FROM outlets_outlet o
    WHERE o.is_active
      AND (%(outlet_id)s::bigint IS NULL OR o.id = %(outlet_id)s::bigint)
      AND (%(city)s::text IS NULL OR lower(o.city) = lower(%(city)s::text))
      AND (%(brand_id)s::bigint IS NULL OR EXISTS (
          SELECT 1 FROM outlets_outlet_brands ob
          WHERE ob.outlet_id = o.id AND ob.brand_id = %(brand_id)s::bigint))
    UNION
    SELECT outlet_id FROM scoped
),
figures AS (
    SELECT os.id AS outlet_id, GROUPING(os.id) = 1 AS is_total, {aggregates}
    FROM outlet_scope os
    LEFT JOIN scoped s ON s.outlet_id = os.id
    GROUP BY GROUPING SETS ((os.id), ())
)
SELECT
    f.is_total, o.code AS outlet, o.name AS outlet_name, o.name_zh AS outlet_name_zh, o.city,
    o.city_zh, o.time_zone, f.*, {rates}
FROM figures f
LEFT JOIN outlets_outlet o ON o.id = f.outlet_id
ORDER BY f.is_total, o.code
""").format(scoped=SCOPED, aggregates=AGGREGATES, rates=RATES)

# Equity: for each outlet and each brand compared there ("perspective"), two groups of rows:
# the brand's own bookings (own) and those of every other brand at that outlet pooled (not
# own). A brand admin's request compares their brand only, so no group ever holds another
# brand's own figures. The raw waits and ratings come along for the rank tests.
EQUITY_FIGURES = sql.SQL("""
WITH {scoped},
perspectives AS (
    SELECT outlet_id, brand_id, count(*) OVER (PARTITION BY outlet_id) AS brands_here
    FROM (SELECT DISTINCT outlet_id, brand_id FROM scoped) AS present
),
sides AS (
    SELECT s.*, p.brand_id AS compared_brand_id, s.brand_id = p.brand_id AS own, p.brands_here
    FROM perspectives p
    JOIN scoped s ON s.outlet_id = p.outlet_id
    WHERE %(compared_brand_id)s::bigint IS NULL OR p.brand_id = %(compared_brand_id)s::bigint
),
figures AS (
    SELECT
        s.outlet_id, s.compared_brand_id, s.own,
        -- the brands on this side: the compared one, or all the others present
        CASE WHEN s.own THEN 1 ELSE min(s.brands_here) - 1 END AS brands,
        {aggregates},
        coalesce(array_agg(s.wait_minutes) FILTER (WHERE {is_started}), '{{}}') AS waits,
        coalesce(array_agg(s.rating) FILTER (WHERE {is_rated}), '{{}}') AS ratings
    FROM sides s
    GROUP BY s.outlet_id, s.compared_brand_id, s.own
)
SELECT o.code AS outlet, o.name AS outlet_name, o.name_zh AS outlet_name_zh, o.city, o.city_zh,
       br.code AS brand, br.name AS brand_name, br.name_zh AS brand_name_zh, f.*, {rates}
FROM figures f
JOIN outlets_outlet o ON o.id = f.outlet_id
JOIN vehicles_brand br ON br.id = f.compared_brand_id
ORDER BY o.code, br.code, f.own DESC
""").format(
    scoped=SCOPED,
    aggregates=AGGREGATES,
    is_started=METRICS["started"],
    is_rated=METRICS["rated"],
    rates=RATES,
)


def booking_rows_sql(metric: str) -> sql.Composed:
    """The bookings behind one figure, with the values the figure used for each."""
    return sql.SQL("""
WITH {scoped}
SELECT
    s.id, s.reference, s.status, s.channel, br.code AS brand, m.name AS model,
    s.start, s.started_at, s.wait_minutes, s.actual_labour_minutes, s.standard_minutes,
    s.checklist_items, s.checklist_items_done, s.rating, s.has_recall,
    s.extra_lines_sent, s.extra_lines_approved, s.extra_value_approved, s.charged, s.standard
FROM scoped s
JOIN vehicles_vehicle v ON v.id = s.vehicle_id
JOIN vehicles_vehiclemodel m ON m.id = v.model_id
JOIN vehicles_brand br ON br.id = m.brand_id
WHERE {counted}
ORDER BY s.start, s.id
""").format(scoped=SCOPED, counted=METRICS[metric])
