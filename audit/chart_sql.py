"""The statements behind the dashboard's charts (audit.charts), over the same bookings and
figure conditions as the tables (audit.sql): the wait distribution per outlet and the on-time
rate per week. Like the tables, they read the period as settled weeks and loose rows
(audit.weeks_sql): a settled week's waits and on-time counts come from its figures, the rest
one booking at a time. The bookings still to come (CTE `ahead`) have not started: no chart
counts them."""

from __future__ import annotations

from psycopg import sql

from .sql import METRICS, ON_TIME_MINUTES, metric_count
from .weeks_sql import SCOPED_WEEKS

# The wait distribution's bucket edges in minutes: a wait falls in the first bucket whose edge
# it does not exceed (≤ 0: started early or on the minute; ≤ 15: on time), else in the last,
# open-ended one. The on-time edge is the on-time rule's, so the chart and the rate agree.
WAIT_BUCKET_EDGES: tuple[int, ...] = (0, ON_TIME_MINUTES, 30, 60)


def _bucket_counts() -> sql.Composed:
    bucket = sql.SQL("count(*) FILTER (WHERE {})::int")
    counts: list[sql.Composable] = []
    above: list[sql.Composable] = []
    for edge in WAIT_BUCKET_EDGES:
        up_to = sql.SQL("s.wait_minutes <= {}").format(sql.Literal(edge))
        counts.append(bucket.format(sql.SQL(" AND ").join([*above, up_to])))
        above = [sql.SQL("s.wait_minutes > {}").format(sql.Literal(edge))]
    counts.append(bucket.format(*above))
    return sql.SQL("ARRAY[{}]").format(sql.SQL(", ").join(counts))


# Per outlet: how many started bookings (the `started` metric, as the wait figures count them)
# waited how long, bucketed by WAIT_BUCKET_EDGES: the loose rows' waits and the settled weeks'
# (each week's `waits` holds its started bookings' waits, audit.sql.PART_SUMS). Outlets without
# a started booking are absent.
WAIT_DISTRIBUTION = sql.SQL("""
WITH {scoped},
started AS (
    SELECT s.outlet_id, s.wait_minutes FROM loose s WHERE {is_started}
    UNION ALL
    SELECT w.outlet_id, unnest(w.waits) FROM weeks w
)
SELECT o.code AS outlet, o.name AS outlet_name, o.name_zh AS outlet_name_zh,
       count(*)::int AS started, {bucket_counts} AS counts
FROM started s
JOIN outlets_outlet o ON o.id = s.outlet_id
GROUP BY o.code, o.name, o.name_zh
ORDER BY o.code
""").format(scoped=SCOPED_WEEKS, bucket_counts=_bucket_counts(), is_started=METRICS["started"])

# Per week (Monday of the outlet's local start date), over every outlet in scope together: the
# started bookings and those on time (the on-time rate's own numerator and denominator), from
# the loose rows and the settled weeks' counts. A week none of whose bookings has begun (all
# still to come) is absent, as one without bookings.
WEEKLY_ON_TIME = sql.SQL("""
WITH {scoped},
counts AS (
    SELECT date_trunc('week', s.start AT TIME ZONE o.time_zone)::date AS week,
           {started} AS started, {on_time} AS on_time
    FROM loose s
    JOIN outlets_outlet o ON o.id = s.outlet_id
    GROUP BY 1
    UNION ALL
    SELECT w.week, w.started, w.on_time FROM weeks w
)
SELECT week, sum(started)::int AS started, sum(on_time)::int AS on_time,
       sum(on_time)::float8 / nullif(sum(started), 0) AS on_time_rate
FROM counts
GROUP BY week
ORDER BY week
""").format(scoped=SCOPED_WEEKS, started=metric_count("started"), on_time=metric_count("on_time"))
