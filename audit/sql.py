"""The audit's figures, in one place: every figure is defined once here, as a condition over
the bookings in scope (METRICS), what a group of them adds up to (PART_SUMS), how groups add up
(PART_FIGURES; the medians over their values are taken in audit.samples) and the rates over the
sums (RATES). The statements that read them (audit.statements_sql: the outlet figures, the
equity comparison, the list of the bookings behind a figure) and the settling (audit.settle) all
use these same definitions.

Composed with psycopg.sql from fragments and constants of this module only.
"""

from __future__ import annotations

from psycopg import sql

from .samples import SAMPLE_KINDS

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


# What a group of scoped rows (alias `s`) adds up to: the counts and sums of every figure and the
# values its medians are taken over. A week's figures (audit.models.WeekFigures) are this over its
# facts; the audit adds these up over weeks and loose rows alike (PART_FIGURES), so that a figure
# is the same whichever way its bookings were read. Integer counts, exact sums (numeric) and the
# values themselves: adding them up in any order gives the same figures. count(s.id), not
# count(*): in an outer join, a group without bookings counts zero.
PART_SUMS = sql.SQL("""
    count(s.id)::int AS bookings,
    {completed}::int AS completed,
    {cancelled}::int AS cancelled,
    {no_show}::int AS no_show,
    {due}::int AS due,
    {started}::int AS started,
    {on_time}::int AS on_time,
    {timed}::int AS timed,
    coalesce(sum(s.checklist_items) FILTER (WHERE {is_completed}), 0)::int AS checklist_items,
    coalesce(sum(s.checklist_items_done) FILTER (WHERE {is_completed}), 0)::int
        AS checklist_items_done,
    {rated}::int AS rated,
    coalesce(sum(s.rating) FILTER (WHERE {is_rated}), 0)::int AS rating_sum,
    {recall}::int AS recall_done,
    {visits}::int AS visits,
    {extra_offered}::int AS extra_offered,
    coalesce(sum(s.extra_lines_sent) FILTER (WHERE {is_visited}), 0)::int AS extra_lines_sent,
    coalesce(sum(s.extra_lines_decided) FILTER (WHERE {is_visited}), 0)::int
        AS extra_lines_decided,
    coalesce(sum(s.extra_lines_approved) FILTER (WHERE {is_visited}), 0)::int
        AS extra_lines_approved,
    {priced}::int AS priced,
    {off_standard}::int AS off_standard,
    coalesce(sum(s.extra_value_approved) FILTER (WHERE {is_visited}), 0) AS extra_value_approved,
    min(s.currency) FILTER (WHERE {is_visited}) AS currency_low,
    max(s.currency) FILTER (WHERE {is_visited}) AS currency_high,
    coalesce(sum(s.charged) FILTER (WHERE {is_priced}), 0) AS charged_total,
    coalesce(sum(s.standard) FILTER (WHERE {is_priced}), 0) AS standard_total,
    coalesce(array_agg(s.wait_minutes) FILTER (WHERE {is_started}), '{{}}') AS waits,
    coalesce(array_agg(s.actual_labour_minutes::float8 / s.standard_minutes)
             FILTER (WHERE {is_timed}), '{{}}') AS labour_ratios,
    -- each visit brings its approved lines' minutes as a JSON array, flattened here
    coalesce((SELECT array_agg(minutes::float8)
              FROM jsonb_path_query(
                  jsonb_agg(s.approval_minutes) FILTER (WHERE {is_visited} AND s.approval_minutes
                                                        IS NOT NULL),
                  '$[*][*]') AS minutes), '{{}}') AS approval_minutes,
    coalesce(array_agg(s.rating) FILTER (WHERE {is_rated}), '{{}}') AS ratings""").format(
    completed=metric_count("completed"),
    cancelled=metric_count("cancelled"),
    no_show=metric_count("no_show"),
    due=metric_count("due"),
    started=metric_count("started"),
    on_time=metric_count("on_time"),
    timed=metric_count("timed"),
    rated=metric_count("rated"),
    recall=metric_count("recall"),
    is_completed=_COMPLETED,
    is_rated=METRICS["rated"],
    visits=metric_count("visited"),
    extra_offered=metric_count("extra_offered"),
    is_visited=_VISITED,
    priced=metric_count("priced"),
    off_standard=metric_count("off_standard"),
    is_priced=_PRICED,
    is_started=METRICS["started"],
    is_timed=METRICS["timed"],
)
# PART_SUMS' columns, in its order: the integer counts and sums, the money and its currencies,
# the values.
PART_COUNTS = (
    "bookings", "completed", "cancelled", "no_show", "due", "started", "on_time", "timed",
    "checklist_items", "checklist_items_done", "rated", "rating_sum", "recall_done", "visits",
    "extra_offered", "extra_lines_sent", "extra_lines_decided", "extra_lines_approved", "priced",
    "off_standard",
)  # fmt: skip
PART_COLUMNS = (
    *PART_COUNTS, "extra_value_approved", "currency_low", "currency_high", "charged_total",
    "standard_total", "waits", "labour_ratios", "approval_minutes", "ratings",
)  # fmt: skip

# The samples the figures are taken over, each a count a part carries (its bookings, items or
# lines): the pooled others' figure over a sample only one brand contributed to would be that
# brand's own (audit.equity.FIGURE_SAMPLES says which figure is taken over which).
POOLED_SAMPLES = (
    "bookings", "due", "completed", "started", "timed", "checklist_items", "rated", "visits",
    "extra_lines_decided", "extra_lines_approved", "priced",
)  # fmt: skip
# Per sample of a group of parts (alias `p`), in POOLED_SAMPLES' order: whether it is pooled,
# not one brand's alone: at least two brands contribute to it, or none (an empty sample is
# nobody's). By the least and the greatest brand: no sort per group, as count(DISTINCT …)
# would need.
POOLED = sql.SQL("ARRAY[{}]").format(
    sql.SQL(", ").join(
        sql.SQL(
            "coalesce(min(p.brand_id) FILTER (WHERE p.{0} > 0)"
            " < max(p.brand_id) FILTER (WHERE p.{0} > 0), true)"
        ).format(sql.Identifier(sample))
        for sample in POOLED_SAMPLES
    )
)

# Parts added up into one part (alias `p`): the same columns as PART_SUMS, over a group of parts
# instead of a group of bookings (the equity view's parts of one brand at one outlet).
PART_ADDS = sql.SQL(",\n    ").join(
    [
        *(
            sql.SQL("sum(p.{0})::int AS {0}").format(sql.Identifier(column))
            for column in PART_COUNTS
        ),
        sql.SQL("sum(p.extra_value_approved) AS extra_value_approved"),
        sql.SQL("min(p.currency_low) AS currency_low"),
        sql.SQL("max(p.currency_high) AS currency_high"),
        sql.SQL("sum(p.charged_total) AS charged_total"),
        sql.SQL("sum(p.standard_total) AS standard_total"),
        *(
            sql.SQL("audit_array_cat_agg(p.{0}::float8[]) AS {0}").format(sql.Identifier(kind))
            for kind in SAMPLE_KINDS
        ),
    ]
)

# The figures of a group of parts (alias `p`: weeks and the loose rows' sums), but the medians
# (taken over the parts' values in audit.samples).
PART_FIGURES = sql.SQL("""
    {counts},
    (sum(p.rating_sum)::numeric / nullif(sum(p.rated), 0))::float8 AS rating_mean,
    coalesce(sum(p.charged_total), 0)::float8 AS charged_total,
    coalesce(sum(p.standard_total), 0)::float8 AS standard_total,
    -- Money is added up in one currency only: over outlets of several, no value. One currency
    -- (or none) is the least equal to the greatest: no sort per group, as count(DISTINCT …)
    -- would need.
    CASE WHEN min(p.currency_low) IS NOT DISTINCT FROM max(p.currency_high)
         THEN coalesce(sum(p.extra_value_approved), 0)::float8
    END AS extra_value_approved,
    CASE WHEN min(p.currency_low) = max(p.currency_high) THEN min(p.currency_low) END
        AS currency""").format(
    counts=sql.SQL(",\n    ").join(
        sql.SQL("coalesce(sum(p.{0}), 0)::int AS {0}").format(sql.Identifier(column))
        for column in PART_COUNTS
        if column != "rating_sum"
    )
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
