"""The audit's statements, as its selectors run them: the outlet figures with the network total,
the equity comparison, both at once for the dashboard's overview, and the list of the bookings
behind one figure. Each is composed from the
figures' definitions (audit.sql) over the bookings in scope (audit.weeks_sql: the period as
settled weeks, loose rows and the bookings still to come; audit.values_sql for the list).

Composed with psycopg.sql from fragments and constants of these modules only; every value a
request brings (dates, ids, the city) is a bound parameter.

Parameters every statement takes: `date_from`, `date_to` (local dates, inclusive), `now`,
`outlet_id` (or None), `city` (or None), `brand_id` (or None); the equity comparison and the
overview's also `compared_brand_id` (or None).
"""

from __future__ import annotations

from psycopg import sql

from .samples import MEDIAN_KINDS, SAMPLE_KINDS
from .sql import (
    METRICS,
    PART_ADDS,
    PART_COLUMNS,
    PART_COUNTS,
    PART_FIGURES,
    PART_SUMS,
    POOLED,
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

# The figures' columns, as each figures CTE below names them (PART_FIGURES) and as every statement
# here sends them, in this order.
_FIGURE_COLUMNS = (
    *(column for column in PART_COUNTS if column != "rating_sum"),
    "rating_mean", "charged_total", "standard_total", "extra_value_approved", "currency",
)  # fmt: skip


def _row(
    *,
    kind: str,
    is_total: sql.Composable,
    brand: sql.Composable,
    side: sql.Composable,
    samples: dict[str, sql.Composable],
) -> sql.Composed:
    """A result row, the same columns for an outlet's figures and an equity comparison's side,
    so that the overview's statement sends both (OVERVIEW_FIGURES): what the row is, where, which
    brand and side, the figures (alias `f`), the values (array_send's bytes, or NULL) and the
    rates."""
    return sql.SQL("""
    {kind} AS kind, {is_total} AS is_total, o.code AS outlet, o.name AS outlet_name,
    o.name_zh AS outlet_name_zh, o.city, o.city_zh, o.time_zone, {brand}, {side},
    {figures}, {samples}, {rates}""").format(
        kind=sql.Literal(kind),
        is_total=is_total,
        brand=brand,
        side=side,
        figures=sql.SQL(", ").join(sql.Identifier("f", column) for column in _FIGURE_COLUMNS),
        samples=sql.SQL(", ").join(
            sql.SQL("{} AS {}").format(
                samples.get(values, sql.SQL("NULL::bytea")), sql.Identifier(values)
            )
            for values in SAMPLE_KINDS
        ),
        rates=RATES,
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
#
# `brand` is the parameter naming the scope's brand; `parts` the parts of that brand (the
# outlet audit's own, narrowed as they are read) or a narrowing of everyone's (the overview's).
def _outlet_figures(
    *, brand: sql.Composable, parts: sql.Composable
) -> tuple[sql.Composed, sql.Composed]:
    """The outlet figures' CTEs (`authorized`, `outlet_figures`, `outlet_samples`), and what
    follows SELECT for their rows (the network total's among them)."""
    ctes = sql.SQL("""
authorized AS (
    SELECT o.id FROM outlets_outlet o
    WHERE o.is_active
      AND {in_outlets}
      AND ({brand}::bigint IS NULL OR EXISTS (
          SELECT 1 FROM outlets_outlet_brands ob
          WHERE ob.outlet_id = o.id AND ob.brand_id = {brand}::bigint))
),
outlet_figures AS (
    SELECT coalesce(p.outlet_id, a.id) AS outlet_id,
           GROUPING(coalesce(p.outlet_id, a.id)) = 1 AS is_total, {part_figures}
    FROM {parts} p
    FULL JOIN authorized a ON a.id = p.outlet_id
    GROUP BY GROUPING SETS ((coalesce(p.outlet_id, a.id)), ())
),
outlet_samples AS (
    SELECT p.outlet_id, {samples}
    FROM {parts} p
    GROUP BY p.outlet_id
)""").format(
        in_outlets=IN_OUTLETS,
        brand=brand,
        parts=parts,
        part_figures=PART_FIGURES,
        samples=sql.SQL(",\n        ").join(
            sql.SQL("array_send(audit_array_cat_agg(p.{kind}::float8[])) AS {kind}").format(
                kind=sql.Identifier(kind)
            )
            for kind in MEDIAN_KINDS
        ),
    )
    rows = sql.SQL("""{row}
FROM outlet_figures f
LEFT JOIN outlet_samples s ON NOT f.is_total AND s.outlet_id = f.outlet_id
LEFT JOIN outlets_outlet o ON o.id = f.outlet_id""").format(
        row=_row(
            kind="outlet",
            is_total=sql.SQL("f.is_total"),
            brand=sql.SQL("NULL AS brand, NULL AS brand_name, NULL AS brand_name_zh"),
            side=sql.SQL("NULL::boolean AS own, NULL::bigint AS brands, NULL::boolean[] AS pooled"),
            samples={kind: sql.Identifier("s", kind) for kind in MEDIAN_KINDS},
        )
    )
    return ctes, rows


# Equity: for each outlet and each brand compared there ("perspective"), two groups of parts:
# the brand's own bookings (own) and those of every other brand at that outlet pooled (not
# own). A brand admin's request compares their brand only (`compared_brand_id`), so no group
# ever holds another brand's own figures. The parts are every brand's (SCOPED_WEEKS).
#
# The values behind the medians and the rank tests come along whole, each side's joined end to
# end (no row per value) and sent in binary (audit.samples takes the medians over them). For the
# alliance, which compares every brand, a brand's values are sent once, on its own side; the
# others' side pools them from there.
_SAMPLES_SENT = sql.SQL("(p.own OR %(compared_brand_id)s::bigint IS NOT NULL)")


def _equity_ctes(sides_of: str) -> sql.Composed:
    """The equity comparison's CTEs (`perspectives`, `sides`, `side_figures`), over the parts
    named (`parts`, or `brand_parts`: BRAND_PARTS)."""
    return sql.SQL("""
perspectives AS (
    SELECT outlet_id, brand_id, count(*) OVER (PARTITION BY outlet_id) AS brands_here
    FROM (SELECT DISTINCT outlet_id, brand_id FROM {sides_of}) AS present
),
sides AS (
    SELECT p.*, pp.brand_id AS compared_brand_id, p.brand_id = pp.brand_id AS own, pp.brands_here
    FROM perspectives pp
    JOIN {sides_of} p ON p.outlet_id = pp.outlet_id
    WHERE %(compared_brand_id)s::bigint IS NULL OR pp.brand_id = %(compared_brand_id)s::bigint
),
side_figures AS (
    SELECT
        p.outlet_id, p.compared_brand_id, p.own,
        -- the brands on this side: the compared one, or all the others present
        CASE WHEN p.own THEN 1 ELSE min(p.brands_here) - 1 END AS brands,
        -- per sample, whether it is pooled, not one brand's (a brand admin sees only those)
        {pooled} AS pooled,
        {part_figures},
        {samples}
    FROM sides p
    GROUP BY p.outlet_id, p.compared_brand_id, p.own
)""").format(
        sides_of=sql.Identifier(sides_of),
        pooled=POOLED,
        part_figures=PART_FIGURES,
        samples=sql.SQL(",\n        ").join(
            sql.SQL(
                "CASE WHEN {sent} THEN array_send(audit_array_cat_agg(p.{kind}::float8[]) "
                "FILTER (WHERE {sent})) END AS {kind}"
            ).format(sent=_SAMPLES_SENT, kind=sql.Identifier(kind))
            for kind in SAMPLE_KINDS
        ),
    )


# The alliance compares every brand at every outlet: each brand's parts there (a dozen weeks and
# its loose rows) are first added up into one, so that each brand is set beside four or so rows
# of the others' instead of all their parts, which sorted and summed five times over took most of
# the statement. Not for one brand: adding up every other brand's parts first costs more than it
# saves when only one brand is compared.
BRAND_PARTS = sql.SQL("""
brand_parts AS MATERIALIZED (
    SELECT p.outlet_id, p.brand_id, {part_adds}
    FROM parts p
    GROUP BY p.outlet_id, p.brand_id
)""").format(part_adds=PART_ADDS)
_EQUITY_ROWS = sql.SQL("""{row}
FROM side_figures f
JOIN outlets_outlet o ON o.id = f.outlet_id
JOIN vehicles_brand br ON br.id = f.compared_brand_id""").format(
    row=_row(
        kind="equity",
        is_total=sql.SQL("NULL::boolean"),
        brand=sql.SQL("br.code AS brand, br.name AS brand_name, br.name_zh AS brand_name_zh"),
        side=sql.SQL("f.own, f.brands, f.pooled"),
        samples={kind: sql.Identifier("f", kind) for kind in SAMPLE_KINDS},
    )
)

# The outlet audit: the parts of the scope's brand alone (`brand_id`), narrowed as they are read.
_OUTLET_CTES, _OUTLET_ROWS = _outlet_figures(
    brand=sql.Placeholder("brand_id"), parts=sql.SQL("parts")
)
OUTLET_FIGURES = sql.SQL("WITH {parts},{ctes}\nSELECT {rows}\nORDER BY f.is_total, o.code").format(
    parts=PARTS, ctes=_OUTLET_CTES, rows=_OUTLET_ROWS
)

# The equity view: every brand's parts (`brand_id` NULL), the comparison narrowed to
# `compared_brand_id` when it names one (EQUITY_FIGURES), or every brand's (with `compared_brand_id`
# NULL: EVERY_BRAND_EQUITY_FIGURES).
_EQUITY_SELECT = sql.SQL("SELECT {rows}\nORDER BY o.code, br.code, f.own DESC").format(
    rows=_EQUITY_ROWS
)
EQUITY_FIGURES = sql.SQL("WITH {parts},{ctes}\n{select}").format(
    parts=PARTS, ctes=_equity_ctes("parts"), select=_EQUITY_SELECT
)
EVERY_BRAND_EQUITY_FIGURES = sql.SQL("WITH {parts},{brand_parts},{ctes}\n{select}").format(
    parts=PARTS,
    brand_parts=BRAND_PARTS,
    ctes=_equity_ctes("brand_parts"),
    select=_EQUITY_SELECT,
)

# The dashboard's overview shows both: the scope's outlet figures and the flags of its equity
# view. One statement reads the period's parts once (every brand's, as the equity view needs
# them; `brand_id` NULL) and sends both kinds of rows, the outlet figures over the scope's brand
# (`compared_brand_id`) alone: apart, the two statements read the scope's brand twice.
_SCOPE_CTES, _SCOPE_ROWS = _outlet_figures(
    brand=sql.Placeholder("compared_brand_id"),
    parts=sql.SQL(
        "(SELECT * FROM parts WHERE %(compared_brand_id)s::bigint IS NULL "
        "OR brand_id = %(compared_brand_id)s::bigint)"
    ),
)
_OVERVIEW_SELECT = sql.SQL("""SELECT {scope_rows}
UNION ALL
SELECT {equity_rows}
ORDER BY kind, is_total, outlet, brand, own DESC""").format(
    scope_rows=_SCOPE_ROWS, equity_rows=_EQUITY_ROWS
)
OVERVIEW_FIGURES = sql.SQL("WITH {parts},{scope_ctes},{equity_ctes}\n{select}").format(
    parts=PARTS,
    scope_ctes=_SCOPE_CTES,
    equity_ctes=_equity_ctes("parts"),
    select=_OVERVIEW_SELECT,
)
EVERY_BRAND_OVERVIEW_FIGURES = sql.SQL(
    "WITH {parts},{scope_ctes},{brand_parts},{equity_ctes}\n{select}"
).format(
    parts=PARTS,
    scope_ctes=_SCOPE_CTES,
    brand_parts=BRAND_PARTS,
    equity_ctes=_equity_ctes("brand_parts"),
    select=_OVERVIEW_SELECT,
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
