"""Server-drawn SVG charts: geometry computed here, drawn by small templates
(web/templates/web/dashboard/charts/) with presentation attributes only — no <style>, no style
attribute, no script — so the page's CSP (no unsafe-inline) holds with the SVG inline.

Colour is never the only cue: every series has its own fill pattern (solid, stripes, dots, cross
hatching, …), every bar and point carries its value as text, flagged rows carry a text marker,
and every chart has a table of its numbers next to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise

WIDTH = 640
LABEL_WIDTH = 190  # outlet codes (and brands) on the left
VALUE_ROOM = 70  # value labels right of the longest bar
ROW_HEIGHT = 28
BAR_HEIGHT = 18
TOP = 34  # room for the axis labels (and the legend above them)
BOTTOM = 12

# Fill patterns by series, in order (ids are prefixed with the chart's own id on the page).
# Colours are the Okabe–Ito palette (distinct for the common colour-vision deficiencies).
PATTERNS: tuple[str, ...] = ("solid", "stripes", "dots", "cross", "lines")


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    pattern: str
    value_text: str
    # Whether the value fits inside the segment (else it is in the table only).
    labelled: bool
    text_x: float


@dataclass(frozen=True)
class BarRow:
    label: str
    y: float
    text_y: float
    label_x: float
    segments: list[Segment]
    value_text: str
    value_x: float
    marker: str = ""


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    # where its label goes (below a line chart's axis, above a bar chart's)
    text_position: float = 0


@dataclass(frozen=True)
class LegendItem:
    pattern: str
    label: str
    x: float

    @property
    def text_x(self) -> float:
        return self.x + 18


@dataclass
class BarChart:
    """Horizontal bars, one row per label, each row one bar or several (stacked or paired)."""

    id: str
    title: str
    description: str
    rows: list[BarRow]
    ticks: list[Tick]
    legend: list[LegendItem] = field(default_factory=list)
    width: int = WIDTH
    plot_left: int = LABEL_WIDTH
    plot_right: int = WIDTH - VALUE_ROOM
    height: float = 0
    patterns: tuple[str, ...] = PATTERNS

    @property
    def tick_label_y(self) -> int:
        return 18

    @property
    def grid_top(self) -> int:
        return self.tick_label_y + 4

    @property
    def grid_bottom(self) -> float:
        return self.height - 8


def scaled(value: float, maximum: float, room: float = VALUE_ROOM) -> float:
    span = WIDTH - room - LABEL_WIDTH
    return 0.0 if maximum <= 0 else span * min(max(value, 0.0), maximum) / maximum


def axis_ticks(maximum: float, steps: int, text, room: float = VALUE_ROOM) -> list[Tick]:
    return [
        Tick(
            position=LABEL_WIDTH + scaled(maximum * i / steps, maximum, room),
            label=text(maximum * i / steps),
        )
        for i in range(steps + 1)
    ]


def text_width(text: str, size: float = 11) -> float:
    """An upper bound of a label's width in the SVG's units: a Latin character takes at most
    0.62 of the font size, any other (Chinese, ⚑) the whole."""
    return sum(size * 0.62 if ord(c) < 0x2000 else size for c in text)


def value_room(labels: Sequence[str]) -> float:
    """The room right of the longest bar that its value label (and marker) needs, so that no
    label runs past the chart's right edge."""
    return max([VALUE_ROOM, *(text_width(label) + 10 for label in labels)])


def legend_items(labels: Sequence[str | Promise]) -> list[LegendItem]:
    width = (WIDTH - LABEL_WIDTH) / max(len(labels), 1)
    return [
        LegendItem(pattern=PATTERNS[i % len(PATTERNS)], label=str(label), x=LABEL_WIDTH + i * width)
        for i, label in enumerate(labels)
    ]


@dataclass(frozen=True)
class Value:
    """One bar's value and how it reads; None draws no bar (no figure)."""

    value: float | None
    text: str


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[tuple[str, Value, str]],
    maximum: float,
    tick_text,
    steps: int = 5,
) -> BarChart:
    """One bar per row: (label, value, marker text)."""
    room = value_room([f"{value.text} {marker}" for _label, value, marker in rows])
    bar_rows = []
    for i, (label, value, marker) in enumerate(rows):
        y = TOP + i * ROW_HEIGHT
        width = scaled(value.value, maximum, room) if value.value is not None else 0.0
        segments = (
            [Segment(LABEL_WIDTH, y, width, BAR_HEIGHT, PATTERNS[0], value.text, False, 0)]
            if value.value is not None
            else []
        )
        bar_rows.append(
            BarRow(
                label=label,
                y=y,
                text_y=y + BAR_HEIGHT - 4,
                label_x=LABEL_WIDTH - 8,
                segments=segments,
                value_text=value.text,
                value_x=LABEL_WIDTH + width + 6,
                marker=marker,
            )
        )
    return BarChart(
        id=chart_id,
        title=title,
        description=description,
        rows=bar_rows,
        ticks=axis_ticks(maximum, steps, tick_text, room),
        plot_right=round(WIDTH - room),
        height=TOP + len(rows) * ROW_HEIGHT + BOTTOM,
    )


def stacked_share_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    series: Sequence[str | Promise],
    rows: Sequence[tuple[str, Sequence[int]]],
) -> BarChart:
    """Per row, its counts as shares of 100 %, stacked in series order, each with its pattern;
    a share wide enough carries its percentage."""
    bar_rows = []
    for i, (label, counts) in enumerate(rows):
        y = TOP + i * ROW_HEIGHT
        total = sum(counts)
        x = float(LABEL_WIDTH)
        segments = []
        for n, count in enumerate(counts):
            share = count / total if total else 0.0
            width = scaled(share, 1.0)
            segments.append(
                Segment(
                    x=x,
                    y=y,
                    width=width,
                    height=BAR_HEIGHT,
                    pattern=PATTERNS[n % len(PATTERNS)],
                    value_text=f"{share:.0%}",
                    labelled=width >= 30,
                    text_x=x + width / 2,
                )
            )
            x += width
        bar_rows.append(
            BarRow(
                label=label,
                y=y,
                text_y=y + BAR_HEIGHT - 5,
                label_x=LABEL_WIDTH - 8,
                segments=segments,
                value_text=f"n = {total}",
                value_x=x + 6,
            )
        )
    return BarChart(
        id=chart_id,
        title=title,
        description=description,
        rows=bar_rows,
        ticks=[Tick(LABEL_WIDTH + scaled(s / 4, 1.0), f"{s * 25}%") for s in range(5)],
        legend=legend_items(series),
        height=TOP + len(rows) * ROW_HEIGHT + BOTTOM,
    )


def paired_bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    series: tuple[str | Promise, str | Promise],
    rows: Sequence[tuple[str, Value, Value, str]],
    maximum: float,
    tick_text,
    steps: int = 4,
) -> BarChart:
    """Per row two thin bars, the first series solid and the second striped: (label, first,
    second, marker)."""
    half = BAR_HEIGHT / 2
    room = value_room(
        [
            " / ".join(v.text for v in (first, second) if v.value is not None) + f" {marker}"
            for _label, first, second, marker in rows
        ]
    )
    bar_rows = []
    row_height = ROW_HEIGHT + 6
    for i, (label, first, second, marker) in enumerate(rows):
        y = TOP + i * row_height
        segments = []
        texts = []
        for n, value in enumerate((first, second)):
            if value.value is None:
                continue
            width = scaled(value.value, maximum, room)
            segments.append(
                Segment(
                    x=LABEL_WIDTH,
                    y=y + n * (half + 1),
                    width=width,
                    height=half,
                    pattern=PATTERNS[n],
                    value_text=value.text,
                    labelled=False,
                    text_x=0,
                )
            )
            texts.append(value.text)
        longest = max((s.width for s in segments), default=0.0)
        bar_rows.append(
            BarRow(
                label=label,
                y=y,
                text_y=y + half + 4,
                label_x=LABEL_WIDTH - 8,
                segments=segments,
                value_text=" / ".join(texts),
                value_x=LABEL_WIDTH + longest + 6,
                marker=marker,
            )
        )
    return BarChart(
        id=chart_id,
        title=title,
        description=description,
        rows=bar_rows,
        ticks=axis_ticks(maximum, steps, tick_text, room),
        plot_right=round(WIDTH - room),
        legend=legend_items(series),
        height=TOP + len(rows) * row_height + BOTTOM,
    )
