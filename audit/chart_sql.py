"""The statements behind the dashboard's charts (audit.charts), over the same scoped rows and
figure conditions as the tables (audit.sql): the wait distribution per outlet and the on-time
rate per week."""

from __future__ import annotations

from psycopg import sql

from .sql import METRICS, ON_TIME_MINUTES, metric_count
from .values_sql import SCOPED

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
# waited how long, bucketed by WAIT_BUCKET_EDGES. Outlets without a started booking are absent.
WAIT_DISTRIBUTION = sql.SQL("""
WITH {scoped}
SELECT o.code AS outlet, o.name AS outlet_name, o.name_zh AS outlet_name_zh,
       count(*)::int AS started, {bucket_counts} AS counts
FROM scoped s
JOIN outlets_outlet o ON o.id = s.outlet_id
WHERE {is_started}
GROUP BY o.code, o.name, o.name_zh
ORDER BY o.code
""").format(scoped=SCOPED, bucket_counts=_bucket_counts(), is_started=METRICS["started"])

# Per week (Monday of the outlet's local start date), over every outlet in scope together: the
# started bookings and those on time (the on-time rate's own numerator and denominator).
WEEKLY_ON_TIME = sql.SQL("""
WITH {scoped}
SELECT date_trunc('week', s.start AT TIME ZONE o.time_zone)::date AS week,
       {started}::int AS started,
       {on_time}::int AS on_time,
       {on_time}::float8 / nullif({started}, 0) AS on_time_rate
FROM scoped s
JOIN outlets_outlet o ON o.id = s.outlet_id
GROUP BY 1
ORDER BY 1
""").format(scoped=SCOPED, started=metric_count("started"), on_time=metric_count("on_time"))
