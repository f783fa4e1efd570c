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

from .values_sql import IN_OUTLETS, SCOPED, SCOPED_LIVE

# Started at most this long after the scheduled start (or before it): on time.
ON_TIME_MINUTES = 15

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
    -- Money is added up in one currency only: over outlets of several, no value. One currency
    -- (or none) is the least equal to the greatest: no sort per group, as count(DISTINCT …)
    -- would need.
    CASE WHEN min(s.currency) FILTER (WHERE {is_visited})
              IS NOT DISTINCT FROM max(s.currency) FILTER (WHERE {is_visited})
         THEN coalesce(sum(s.extra_value_approved) FILTER (WHERE {is_visited}), 0)::float8
    END AS extra_value_approved,
    CASE WHEN min(s.currency) FILTER (WHERE {is_visited})
              = max(s.currency) FILTER (WHERE {is_visited})
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
# period, so that an outlet with no bookings shows as such instead of vanishing. The FULL JOIN
# says both at once: an authorized outlet without bookings gets one empty row (its zeros), and
# the bookings of an outlet closed or no longer authorized keep their outlet. It reads the
# scoped rows once; read twice (for the outlets, then for the figures), they were written to
# disk in between, a quarter's hundreds of thousands.
OUTLET_FIGURES = sql.SQL("""
WITH {scoped},
authorized AS (
    SELECT o.id FROM outlets_outlet o
    WHERE o.is_active
      AND {in_outlets}
      AND (%(brand_id)s::bigint IS NULL OR EXISTS (
          SELECT 1 FROM outlets_outlet_brands ob
          WHERE ob.outlet_id = o.id AND ob.brand_id = %(brand_id)s::bigint))
),
figures AS (
    SELECT coalesce(s.outlet_id, a.id) AS outlet_id,
           GROUPING(coalesce(s.outlet_id, a.id)) = 1 AS is_total, {aggregates}
    FROM scoped s
    FULL JOIN authorized a ON a.id = s.outlet_id
    GROUP BY GROUPING SETS ((coalesce(s.outlet_id, a.id)), ())
)
SELECT
    f.is_total, o.code AS outlet, o.name AS outlet_name, o.name_zh AS outlet_name_zh, o.city,
    o.city_zh, o.time_zone, f.*, {rates}
FROM figures f
LEFT JOIN outlets_outlet o ON o.id = f.outlet_id
ORDER BY f.is_total, o.code
""").format(scoped=SCOPED, in_outlets=IN_OUTLETS, aggregates=AGGREGATES, rates=RATES)

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
""").format(scoped=SCOPED_LIVE, counted=METRICS[metric])
