"""The audit's period as weeks and loose rows: the settled weeks a period holds whole, read from
their figures (audit.models.WeekFigures), and every other booking one row each, as
audit.values_sql gives them. The outlet audit and the equity view add both up
(audit.statements_sql).

Composed with psycopg.sql from fragments and constants of this module, audit.values_sql and
audit.ahead_sql only; every value a request brings is a bound parameter (audit.statements_sql
lists them).
"""

from __future__ import annotations

from psycopg import sql

from .ahead_sql import AHEAD_COUNTS, LIVE_VALUES_NOT_AHEAD
from .values_sql import (
    FACT_KEPT,
    IN_OUTLETS,
    SETTLED,
    SETTLED_BEFORE,
    columns_of,
    of_brand,
)

# The weeks a period holds whole, in each outlet's zone: from the first Monday on or after the
# period's first day, to the last Monday whose week ends by the period's last day and by the
# watermark (a date of the outlet's zone: its midnight is at or before the watermark). None when
# the period holds no such week: then `weeks_to` is `weeks_from`.
FIRST_MONDAY = sql.SQL("date_trunc('week', %(date_from)s::date + 6)::date")
_WEEKS_TO = sql.SQL("""greatest({first_monday}, date_trunc('week', least(
    %(date_to)s::date + 1,
    ({settled_before} AT TIME ZONE o.time_zone)::date))::date)""").format(
    first_monday=FIRST_MONDAY, settled_before=SETTLED_BEFORE
)

# The bookings in scope as the outlet audit, the equity view and the dashboard's charts add them
# up: each outlet's whole weeks below the watermark from their week figures
# (audit.models.WeekFigures, CTE `weeks`), every other booking one row of values each (CTE
# `loose`, audit.values_sql.FIGURE_COLUMNS): the live ones, and the facts before, after and
# inside those weeks when a week has a stale booking (CTE `dirty`: its figures hold the old
# values). A fact is in exactly one of the weeks and the loose rows. The live bookings still to
# come are counted apart, per outlet and brand (CTE `ahead`, audit.ahead_sql.AHEAD_COUNTS): the
# three add up to every booking of the period, each once.
#
# Each outlet's bounds of the period are computed once, in `period_bounds`, rather than two
# conversions to the outlet's zone for every fact; MATERIALIZED keeps the planner from folding
# them back into the join, row by row. The watermark caps the upper bound there too: as a
# condition of its own on the facts, a value unknown until the statement runs, it made the
# planner expect a fifteenth of the facts it read, and sort them for a merge join.
#
# The facts are read in three ranges, each with bounds the (brand, start) and (outlet, start)
# indexes narrow: as one range less the weeks, the index would hand over every fact of the
# period, to be filtered out.
SCOPED_WEEKS = sql.SQL("""
{settled},
period_bounds AS MATERIALIZED (
    SELECT b.*,
           b.weeks_from::timestamp AT TIME ZONE b.time_zone AS weeks_start,
           b.weeks_to::timestamp AT TIME ZONE b.time_zone AS weeks_end
    FROM (
        SELECT o.id, o.time_zone,
               %(date_from)s::date::timestamp AT TIME ZONE o.time_zone AS period_start,
               least((%(date_to)s::date + 1)::timestamp AT TIME ZONE o.time_zone,
                     {settled_before}) AS facts_end,
               {first_monday} AS weeks_from,
               {weeks_to} AS weeks_to
        FROM outlets_outlet o
        WHERE {in_outlets}
    ) AS b
),
dirty AS MATERIALIZED (
    SELECT DISTINCT f.outlet_id, date_trunc('week', f.start AT TIME ZONE p.time_zone)::date AS week
    FROM audit_stalefacts sf
    JOIN audit_bookingfacts f ON f.id = sf.booking_id
    JOIN period_bounds p ON p.id = f.outlet_id
    WHERE f.start >= p.weeks_start AND f.start < p.weeks_end
),
weeks AS (
    SELECT w.*
    FROM audit_weekfigures w
    JOIN period_bounds p ON p.id = w.outlet_id
    WHERE w.week >= p.weeks_from AND w.week < p.weeks_to AND {of_week_brand}
      AND w.week >= {first_monday} AND w.week <= %(date_to)s::date
      AND NOT EXISTS (SELECT FROM dirty d WHERE d.outlet_id = w.outlet_id AND d.week = w.week)
),
{values},
{ahead},
loose AS (
    SELECT {live_columns} FROM booking_values
    UNION ALL
    SELECT {fact_columns}
    FROM audit_bookingfacts b
    JOIN period_bounds p ON p.id = b.outlet_id
    WHERE b.start >= p.period_start AND b.start < least(p.weeks_start, p.facts_end)
      AND b.start >= ((%(date_from)s::date - 1)::timestamp AT TIME ZONE 'UTC')
      AND b.start < (({first_monday} + 1)::timestamp AT TIME ZONE 'UTC')
      AND {kept}
    UNION ALL
    SELECT {fact_columns}
    FROM audit_bookingfacts b
    JOIN period_bounds p ON p.id = b.outlet_id
    WHERE b.start >= p.weeks_end AND b.start < p.facts_end
      AND b.start >= (SELECT min(weeks_end) FROM period_bounds)
      AND b.start < ((%(date_to)s::date + 2)::timestamp AT TIME ZONE 'UTC')
      AND {kept}
    UNION ALL
    SELECT {fact_columns}
    FROM dirty d
    JOIN period_bounds p ON p.id = d.outlet_id
    JOIN audit_bookingfacts b ON b.outlet_id = d.outlet_id
     AND b.start >= d.week::timestamp AT TIME ZONE p.time_zone
     AND b.start < (d.week + 7)::timestamp AT TIME ZONE p.time_zone
    WHERE {kept}
)""").format(
    settled=SETTLED,
    settled_before=SETTLED_BEFORE,
    first_monday=FIRST_MONDAY,
    weeks_to=_WEEKS_TO,
    in_outlets=IN_OUTLETS,
    of_week_brand=of_brand(sql.SQL("w.brand_id")),
    values=LIVE_VALUES_NOT_AHEAD,
    ahead=AHEAD_COUNTS,
    live_columns=columns_of("booking_values"),
    fact_columns=columns_of("b"),
    kept=FACT_KEPT,
)
