"""How the audit's figures read on the dashboard: the table's columns (label, kind of number,
the metric whose bookings each figure links to), the labels of every metric, and the table's
sort. The figures themselves come from audit.selectors, untouched."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from audit.selectors import OutletFigures
from audit.serializers import FiguresSerializer

Kind = Literal["count", "rate", "minutes", "ratio", "rating", "per_visit", "money"]


@dataclass(frozen=True)
class Column:
    key: str  # an OutletFigures attribute
    label: str | Promise
    kind: Kind
    # The bookings behind the figure (an audit.sql.METRICS key): its numerator for a count or
    # a rate of events, the whole sample for a median or a mean; for the on-time rate the late
    # starts, the bookings that bring it down.
    metric: str


COLUMNS: tuple[Column, ...] = (
    Column("bookings", _("Bookings"), "count", "all"),
    Column("completion_rate", _("Completed"), "rate", "completed"),
    Column("cancellation_rate", _("Cancelled"), "rate", "cancelled"),
    Column("no_show_rate", _("No-shows"), "rate", "no_show"),
    Column("wait_median_minutes", _("Median wait"), "minutes", "started"),
    Column("wait_p90_minutes", _("Wait p90"), "minutes", "started"),
    Column("on_time_rate", _("On-time starts"), "rate", "late_start"),
    Column("labour_ratio_median", _("Labour vs standard"), "ratio", "timed"),
    Column("checklist_completion_rate", _("Checklist done"), "rate", "checklist_incomplete"),
    Column("rating_mean", _("Mean rating"), "rating", "rated"),
    Column("response_rate", _("Response rate"), "rate", "rated"),
    Column("recall_done", _("Recall jobs"), "count", "recall"),
)

# The second table: the visit in the workshop, extra work and what was charged. Apart from
# the first so that each fits a 1280 px screen without scrolling sideways.
EXTRA_COLUMNS: tuple[Column, ...] = (
    Column("visits", _("Visits"), "count", "visited"),
    Column(
        "extra_offers_per_visit", _("Extra work offered per visit"), "per_visit", "extra_offered"
    ),
    Column("extra_acceptance_rate", _("Extra work approved"), "rate", "extra_approved"),
    Column(
        "extra_approval_median_minutes", _("Median time to approval"), "minutes", "extra_approved"
    ),
    Column("extra_value_per_visit", _("Extra work value per visit"), "money", "extra_approved"),
    Column("charged_to_standard_ratio", _("Charged vs standard"), "ratio", "off_standard"),
)

METRIC_LABELS: dict[str, str | Promise] = {
    "all": _("All bookings"),
    "due": _("Due bookings (not cancelled, start passed)"),
    "completed": _("Completed bookings"),
    "cancelled": _("Cancelled bookings"),
    "no_show": _("No-shows"),
    "started": _("Started bookings (their waits)"),
    "on_time": _("On-time starts (at most 15 min after the scheduled start)"),
    "late_start": _("Late starts (more than 15 min after the scheduled start)"),
    "timed": _("Completed with an actual labour time"),
    "over_standard": _("Over the standard labour time"),
    "checklist_incomplete": _("Completed with checklist items not done"),
    "rated": _("Rated bookings"),
    "unrated": _("Completed without a rating"),
    "recall": _("Completed with recall work"),
    "visited": _("Visits (checked in, in service, ready or completed)"),
    "extra_offered": _("Visits with extra work sent to the owner"),
    "extra_approved": _("Visits with extra work approved"),
    "priced": _("Completed with services at a standard price"),
    "off_standard": _("Completed with a service charged off the standard price"),
}

# Columns the table sorts by besides the figures.
TEXT_SORTS = ("outlet", "city")
DEFAULT_SORT = "outlet"


ALL_COLUMNS = COLUMNS + EXTRA_COLUMNS


def sort_keys() -> set[str]:
    return {*TEXT_SORTS, *(c.key for c in ALL_COLUMNS)}


def parse_sort(value: str | None) -> tuple[str, bool]:
    """`key` or `-key` → (key, descending); anything unknown sorts by outlet code."""
    value = value or DEFAULT_SORT
    descending = value.startswith("-")
    key = value.removeprefix("-")
    if key not in sort_keys():
        return DEFAULT_SORT, False
    return key, descending


def sorted_rows(rows: Sequence[OutletFigures], *, key: str, descending: bool) -> list:
    """The outlet rows in that order; a missing figure (no denominator) always last, ties by
    outlet code."""
    present = [r for r in rows if getattr(r, key) is not None]
    missing = [r for r in rows if getattr(r, key) is None]
    present.sort(key=lambda r: r.outlet or "")
    present.sort(key=lambda r: _sortable(getattr(r, key)), reverse=descending)
    return [*present, *sorted(missing, key=lambda r: r.outlet or "")]


def _sortable(value: object) -> object:
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, float) and math.isnan(value):
        return -math.inf
    return value


def next_sort(current_key: str, descending: bool, column: str) -> str:
    """The sort a column header links to: its own, flipped when it is the current one."""
    if column != current_key:
        return column
    return column if descending else f"-{column}"


# The places the API (and so the CSV) rounds each kind of figure to, from its serializer: the
# page rounds there first, so that it shows what the CSV says (6.85% is not 6.8% on the page
# and 6.9% in the spreadsheet).
_FIGURE_FIELDS = FiguresSerializer().fields
PLACES: dict[Kind, int] = {
    c.kind: _FIGURE_FIELDS[c.key].places for c in ALL_COLUMNS if c.kind != "count"
}


def format_figure(value: float | int | None, kind: Kind) -> str:
    """A figure as the page shows it, from the value the API and the CSV carry. No figure (no
    denominator): an em dash."""
    if value is None:
        return "—"
    if kind == "count":
        return str(value)
    value = round(float(value), PLACES[kind])
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "minutes":
        return _("%(value)s min") % {"value": f"{value:.1f}"}
    if kind == "ratio":
        return f"{value:.2f}×"
    # per_visit, money (in the outlet's currency), rating
    return f"{value:.2f}"


# The equity table's figures: the five a flag can name, as (figure, kind).
EQUITY_FIGURES: tuple[tuple[str, Kind], ...] = (
    ("on_time_rate", "rate"),
    ("wait_median_minutes", "minutes"),
    ("completion_rate", "rate"),
    ("rating_mean", "rating"),
    ("extra_offered_rate", "rate"),
)
