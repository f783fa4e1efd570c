"""The statement behind the dashboard's weekly on-time chart (audit.charts), over the same
bookings and figure conditions as the tables (audit.sql). Like the tables, it reads the period
as settled weeks and loose rows (audit.weeks_sql): a settled week's on-time counts come from its
figures, the rest one booking at a time. The bookings still to come (CTE `ahead`) have not
started: the chart does not count them. (The wait chart needs no statement of its own: it bands
the outlet audit's waits.)"""

from __future__ import annotations

from psycopg import sql

from .sql import metric_count
from .weeks_sql import SCOPED_WEEKS

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
