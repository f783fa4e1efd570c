"""The audit's statements, as its selectors run them: the outlet figures with the network total,
the equity comparison and the list of the bookings behind one figure. Each is composed from the
figures' definitions (audit.sql) over the bookings in scope (audit.weeks_sql: the period as
settled weeks, loose rows and the bookings still to come; audit.values_sql for the list).

Composed with psycopg.sql from fragments and constants of these modules only; every value a
request brings (dates, ids, the city) is a bound parameter.

Parameters every statement takes: `date_from`, `date_to` (local dates, inclusive), `now`,
`outlet_id` (or None), `city` (or None), `brand_id` (or None).
"""

from __future__ import annotations

from psycopg import sql

from .samples import MEDIAN_KINDS, SAMPLE_KINDS
from .sql import (
    METRICS,
    PART_COLUMNS,
    PART_FIGURES,
    PART_SUMS,
    RATES,
)
from .values_sql import IN_OUTLETS, SCOPED_LIVE
from .weeks_sql import SCOPED_WEEKS

# What the bookings still to come (CTE `ahead`) add to each part's column: their count, the
# cancelled among them, and nothing else (audit.ahead_sql.AHEAD_COUNTS).
_AHEAD_PART = {
    **{column: sql.SQL("0") for column in PART_COLUMNS},
    "bookings": sql.SQL("a.bookings"),
    "cancelled": sql.SQL("a.cancelled"),
    "currency_low": sql.SQL("NULL"),
    "currency_high": sql.SQL("NULL"),
    **{kind: sql.SQL("'{}'") for kind in SAMPLE_KINDS},
}

# The period's parts (CTE `parts`, after SCOPED_WEEKS): each settled week's figures, the other
# bookings summed per outlet and brand, and those still to come counted per outlet and brand.
PARTS = sql.SQL("""{scoped},
parts AS MATERIALIZED (
    SELECT s.outlet_id, s.brand_id, {part_sums} FROM loose s GROUP BY s.outlet_id, s.brand_id
    UNION ALL
    SELECT outlet_id, brand_id, {part_columns} FROM weeks
    UNION ALL
    SELECT a.outlet_id, a.brand_id, {ahead_columns} FROM ahead a
)""").format(
    scoped=SCOPED_WEEKS,
    part_sums=PART_SUMS,
    part_columns=sql.SQL(", ").join(map(sql.Identifier, PART_COLUMNS)),
    ahead_columns=sql.SQL(", ").join(
        sql.SQL("{} AS {}").format(_AHEAD_PART[column], sql.Identifier(column))
        for column in PART_COLUMNS
    ),
)

# One row per outlet in scope plus the network total (GROUPING SETS: one pass, and the total's
# medians are the network's, not an average of the outlets'). Outlets in scope: the active ones
# authorized for the brand (all active ones for every brand), plus any with bookings in the
# period, so that an outlet with no bookings shows as such instead of vanishing. The FULL JOIN
# says both at once: an authorized outlet without bookings gets one empty row (its zeros), and
# the bookings of an outlet closed or no longer authorized keep their outlet.
#
# The bookings come as parts (SCOPED_WEEKS): the settled weeks' figures, and each outlet's
# other bookings summed by PART_SUMS; the figures add the parts up. The values behind the
# medians come along whole, each outlet's joined end to end and sent in binary, as the equity
# view's are: the medians are taken over them in audit.samples, the network's over all of them
# (to the bit what `percentile_cont` gives; sorting the quarter's values here, row by row, was
# most of the statement).
OUTLET_FIGURES = sql.SQL("""
WITH {parts},
authorized AS (
    SELECT o.id FROM outlets_outlet o
    WHERE o.is_active
      AND {in_outlets}
      AND (%(brand_id)s::bigint IS NULL OR EXISTS (
          SELECT 1 FROM outlets_outlet_brands ob
          WHERE ob.outlet_id = o.id AND ob.brand_id = %(brand_id)s::bigint))
),
figures AS (
    SELECT coalesce(p.outlet_id, a.id) AS outlet_id,
           GROUPING(coalesce(p.outlet_id, a.id)) = 1 AS is_total, {part_figures}
    FROM parts p
    FULL JOIN authorized a ON a.id = p.outlet_id
    GROUP BY GROUPING SETS ((coalesce(p.outlet_id, a.id)), ())
),
samples AS (
    SELECT p.outlet_id, {samples}
    FROM parts p
    GROUP BY p.outlet_id
)
SELECT
    f.is_total, o.code AS outlet, o.name AS outlet_name, o.name_zh AS outlet_name_zh, o.city,
    o.city_zh, o.time_zone, f.*, {sample_columns}, {rates}
FROM figures f
LEFT JOIN samples s ON NOT f.is_total AND s.outlet_id = f.outlet_id
LEFT JOIN outlets_outlet o ON o.id = f.outlet_id
ORDER BY f.is_total, o.code
""").format(
    parts=PARTS,
    in_outlets=IN_OUTLETS,
    part_figures=PART_FIGURES,
    samples=sql.SQL(",\n        ").join(
        sql.SQL("array_send(audit_array_cat_agg(p.{kind}::float8[])) AS {kind}").format(
            kind=sql.Identifier(kind)
        )
        for kind in MEDIAN_KINDS
    ),
    sample_columns=sql.SQL(", ").join(sql.Identifier("s", kind) for kind in MEDIAN_KINDS),
    rates=RATES,
)

# Equity: for each outlet and each brand compared there ("perspective"), two groups of parts:
# the brand's own bookings (own) and those of every other brand at that outlet pooled (not
# own). A brand admin's request compares their brand only, so no group ever holds another
# brand's own figures. The parts are the outlet audit's (SCOPED_WEEKS), by brand.
#
# The values behind the medians and the rank tests come along whole, each side's joined end to
# end (no row per value) and sent in binary (audit.samples takes the medians over them). For the
# alliance, which compares every brand, a brand's values are sent once, on its own side; the
# others' side pools them from there.
_SAMPLES_SENT = sql.SQL("(p.own OR %(compared_brand_id)s::bigint IS NOT NULL)")
EQUITY_FIGURES = sql.SQL("""
WITH {parts},
perspectives AS (
    SELECT outlet_id, brand_id, count(*) OVER (PARTITION BY outlet_id) AS brands_here
    FROM (SELECT DISTINCT outlet_id, brand_id FROM parts) AS present
),
sides AS (
    SELECT p.*, pp.brand_id AS compared_brand_id, p.brand_id = pp.brand_id AS own, pp.brands_here
    FROM perspectives pp
    JOIN parts p ON p.outlet_id = pp.outlet_id
    WHERE %(compared_brand_id)s::bigint IS NULL OR pp.brand_id = %(compared_brand_id)s::bigint
),
figures AS (
    SELECT
        p.outlet_id, p.compared_brand_id, p.own,
        -- the brands on this side: the compared one, or all the others present
        CASE WHEN p.own THEN 1 ELSE min(p.brands_here) - 1 END AS brands,
        {part_figures},
        {samples}
    FROM sides p
    GROUP BY p.outlet_id, p.compared_brand_id, p.own
)
SELECT o.code AS outlet, o.name AS outlet_name, o.name_zh AS outlet_name_zh, o.city, o.city_zh,
       br.code AS brand, br.name AS brand_name, br.name_zh AS brand_name_zh, f.*, {rates}
FROM figures f
JOIN outlets_outlet o ON o.id = f.outlet_id
JOIN vehicles_brand br ON br.id = f.compared_brand_id
ORDER BY o.code, br.code, f.own DESC
""").format(
    parts=PARTS,
    part_figures=PART_FIGURES,
    samples=sql.SQL(",\n        ").join(
        sql.SQL(
            "CASE WHEN {sent} THEN array_send(audit_array_cat_agg(p.{kind}::float8[]) "
            "FILTER (WHERE {sent})) END AS {kind}"
        ).format(sent=_SAMPLES_SENT, kind=sql.Identifier(kind))
        for kind in SAMPLE_KINDS
    ),
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
