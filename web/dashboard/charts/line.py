"""The dashboard's line chart (the weekly on-time rate), drawn like the bar charts in
web/dashboard/charts/bars.py: geometry here, presentation attributes only in its template."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .bars import WIDTH, Tick


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value_text: str
    value_y: float
    label_y: float
    label: str
    # Every point keeps its marker and value; only some x labels fit.
    show_label: bool


@dataclass
class LineChart:
    id: str
    title: str
    description: str
    points: list[Point]
    ticks: list[Tick]
    polyline: str
    width: int = WIDTH
    height: int = 240
    plot_left: int = 50
    plot_right: int = WIDTH - 20
    plot_top: int = 24
    plot_bottom: int = 200


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    points: Sequence[tuple[str, float | None, str]],
    maximum: float = 1.0,
    tick_text,
    steps: int = 4,
) -> LineChart:
    """A line with a marker and its value at every point: (x label, value, value text). A
    point without a value breaks nothing: it is skipped."""
    chart = LineChart(
        id=chart_id, title=title, description=description, points=[], ticks=[], polyline=""
    )
    span_x = chart.plot_right - chart.plot_left
    span_y = chart.plot_bottom - chart.plot_top
    count = len(points)
    every = max(1, -(-count // 10))  # at most ten x labels
    for i, (label, value, text) in enumerate(points):
        if value is None:
            continue
        x = chart.plot_left + (span_x * (i + 0.5) / count if count else 0)
        y = chart.plot_bottom - span_y * min(max(value, 0.0), maximum) / maximum
        chart.points.append(
            Point(
                x,
                y,
                text,
                value_y=y - 9,
                label_y=chart.plot_bottom + 16,
                label=label,
                show_label=i % every == 0,
            )
        )
    chart.polyline = " ".join(f"{p.x:.1f},{p.y:.1f}" for p in chart.points)
    chart.ticks = [
        Tick(position, tick_text(maximum * i / steps), text_position=position + 4)
        for i in range(steps + 1)
        for position in [chart.plot_bottom - span_y * i / steps]
    ]
    return chart
