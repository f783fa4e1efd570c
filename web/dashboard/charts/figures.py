"""The dashboard's charts from the audit selectors' results: which figure, which labels, which
scale. The geometry is in bars.py and line.py; every chart's numbers are also a table on the
page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.charts import WaitDistribution, WeekOnTime
from audit.equity import OutletEquity
from audit.flags import Flag
from audit.selectors import OutletFigures

from ..audit_tables import format_figure
from .bars import BarChart, Value, bar_chart, paired_bar_chart, stacked_share_chart
from .line import LineChart, line_chart


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def wait_bucket_labels(edges: Sequence[int]) -> list[str]:
    """≤ 0 min (early), 1–15 min, …, > 60 min: the bands of audit.charts.WAIT_BUCKET_EDGES."""
    labels = [_("early or on time (≤ %(edge)d min)") % {"edge": edges[0]}]
    labels += [
        _("%(low)d–%(high)d min") % {"low": low, "high": high}
        for low, high in zip(edges, edges[1:], strict=False)
    ]
    labels.append(_("over %(edge)d min") % {"edge": edges[-1]})
    return labels


@dataclass
class OverviewCharts:
    waits: BarChart | None
    wait_series: list[str]
    wait_rows: list[WaitDistribution]
    weekly: LineChart | None
    weeks: list[WeekOnTime]
    satisfaction: BarChart | None


def overview_charts(
    *,
    rows: Sequence[OutletFigures],
    waits: Sequence[WaitDistribution],
    weeks: Sequence[WeekOnTime],
) -> OverviewCharts:
    series = wait_bucket_labels(waits[0].edges) if waits else []
    wait_chart = (
        stacked_share_chart(
            chart_id="chart-waits",
            title=_("Wait from the scheduled start to the service start, per outlet"),
            description=_(
                "Share of each outlet's started bookings in each wait band; the table below "
                "has the counts."
            ),
            series=series,
            rows=[(w.outlet, w.counts) for w in waits],
        )
        if waits
        else None
    )
    weekly = (
        line_chart(
            chart_id="chart-weekly",
            title=_("On-time start rate, week by week"),
            description=_(
                "Started at most 15 minutes after the scheduled start, over every outlet shown; "
                "weeks from Monday."
            ),
            points=[
                (
                    date_format(w.week, "n/j"),
                    w.on_time_rate,
                    format_figure(w.on_time_rate, "rate"),
                )
                for w in weeks
            ],
            tick_text=_percent,
        )
        if weeks
        else None
    )
    rated = [r for r in rows if r.rating_mean is not None]
    satisfaction = (
        bar_chart(
            chart_id="chart-satisfaction",
            title=_("Mean rating per outlet (1–5)"),
            description=_(
                "Mean of the owners' ratings of completed bookings, with the number of ratings."
            ),
            rows=[
                (
                    r.outlet or "",
                    Value(r.rating_mean, f"{r.rating_mean:.2f} (n = {r.rated})"),
                    "",
                )
                for r in rated
            ],
            maximum=5.0,
            tick_text=lambda v: f"{v:.0f}",
        )
        if rated
        else None
    )
    return OverviewCharts(
        waits=wait_chart,
        wait_series=series,
        wait_rows=list(waits),
        weekly=weekly,
        weeks=list(weeks),
        satisfaction=satisfaction,
    )


def equity_chart(*, outlets: Sequence[OutletEquity], flags: Sequence[Flag]) -> BarChart | None:
    """On-time start rate of each compared brand against the others pooled, at each of
    `outlets` (the table's page); a comparison among `flags` carries a text marker."""
    flagged = {(f.outlet, f.brand) for f in flags}
    rows = []
    for outlet in outlets:
        for comparison in outlet.comparisons:
            own = comparison.figures.on_time_rate
            others = comparison.others.on_time_rate if comparison.others else None
            rows.append(
                (
                    f"{outlet.outlet} · {comparison.display_brand_name}",
                    Value(own, format_figure(own, "rate")),
                    Value(others, format_figure(others, "rate")),
                    "⚑ " + _("flagged") if (outlet.outlet, comparison.brand) in flagged else "",
                )
            )
    if not rows:
        return None
    return paired_bar_chart(
        chart_id="chart-equity",
        title=_("On-time start rate: the brand's owners against the other brands' owners"),
        description=_(
            "Per outlet, the brand's on-time start rate (solid) and the other brands' pooled "
            "(striped); flagged rows are marked."
        ),
        series=(_("this brand"), _("other brands")),
        rows=rows,
        maximum=1.0,
        tick_text=_percent,
    )


def recall_chart(*, rows) -> BarChart | None:
    """Each campaign's completion rate (completed of affected)."""
    if not rows:
        return None
    return bar_chart(
        chart_id="chart-recalls",
        title=_("Recall campaigns: vehicles fixed of those affected"),
        description=_("Per campaign, the share of affected vehicles whose recall work is done."),
        rows=[
            (
                campaign.code,
                Value(
                    float(progress.completion_rate)
                    if progress.completion_rate is not None
                    else None,
                    f"{progress.completed} / {progress.affected}",
                ),
                "",
            )
            for campaign, progress in rows
        ],
        maximum=1.0,
        tick_text=_percent,
    )


def recall_outlet_chart(*, outlets) -> BarChart | None:
    """Per outlet, the campaign's vehicles booked (striped) and done (solid)."""
    if not outlets:
        return None
    most = max(max(o.booked, o.completed) for o in outlets) or 1
    return paired_bar_chart(
        chart_id="chart-recall-outlets",
        title=_("Recall work per outlet"),
        description=_("Per outlet, the campaign's vehicles done (solid) and booked (striped)."),
        series=(_("done"), _("booked")),
        rows=[
            (o.outlet, Value(o.completed, str(o.completed)), Value(o.booked, str(o.booked)), "")
            for o in outlets
        ],
        maximum=float(most),
        tick_text=lambda v: f"{v:.0f}",
    )
