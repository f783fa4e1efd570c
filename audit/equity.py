"""Cross-brand equity: is one brand's owners served measurably worse than the other brands'
owners at the same outlet? Per outlet, each brand in scope side by side with the others there
pooled, and the flags of the view (audit.flags: the tests, the family, Holm's adjustment).

The figures come from the database (audit.statements_sql), in one query however many outlets."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hima_service.language import localized
from outlets.models import Outlet

from .flags import Flag, flag_family
from .scope import AuditScope
from .selectors import Comparison, Figures, Period, Side, equity_comparisons

# A brand admin sees "all other brands" pooled; pooled over a single brand, those would be that
# brand's own figures, so they are withheld below this many other brands: figure by figure, by
# the brands that contribute to the figure's own sample (audit.sql.POOLED: an empty sample is
# nobody's own), not by the brands with any booking there. Two brands booked, one only
# cancelled: the others' bookings and cancellations are pooled, their waits are one brand's.
MIN_OTHER_BRANDS = 2

# Each figure (and the counts behind it) and the sample it is taken over: its denominator's
# bookings, items or lines (audit.sql.POOLED_SAMPLES).
FIGURE_SAMPLES = {
    **dict.fromkeys(("bookings", "cancelled", "cancellation_rate"), "bookings"),
    **dict.fromkeys(("due", "completed", "no_show", "completion_rate", "no_show_rate"), "due"),
    **dict.fromkeys(
        ("started", "on_time", "on_time_rate", "wait_median_minutes", "wait_p90_minutes"),
        "started",
    ),
    **dict.fromkeys(("timed", "labour_ratio_median"), "timed"),
    **dict.fromkeys(
        ("checklist_items", "checklist_items_done", "checklist_completion_rate"),
        "checklist_items",
    ),
    **dict.fromkeys(("rated", "rating_mean"), "rated"),
    **dict.fromkeys(("response_rate", "recall_done"), "completed"),
    **dict.fromkeys(
        (
            "visits",
            "extra_offered",
            "extra_lines_sent",
            "extra_offers_per_visit",
            "extra_offered_rate",
            "extra_value_approved",
            "extra_value_per_visit",
            "currency",
        ),
        "visits",
    ),
    **dict.fromkeys(
        ("extra_lines_decided", "extra_lines_approved", "extra_acceptance_rate"),
        "extra_lines_decided",
    ),
    "extra_approval_median_minutes": "extra_lines_approved",
    **dict.fromkeys(
        ("priced", "off_standard", "charged_total", "standard_total", "charged_to_standard_ratio"),
        "priced",
    ),
}


@dataclass(frozen=True)
class BrandComparison:
    brand: str
    figures: Figures
    # All other brands at the outlet pooled; None when there are none, or when they are
    # withheld from a brand admin (fewer than MIN_OTHER_BRANDS of them booked). A figure
    # (and its counts) fewer than MIN_OTHER_BRANDS of them contribute to is None for a brand
    # admin, and `others_withheld` says some are.
    others: Figures | None
    other_brands: int
    others_withheld: bool
    brand_name: str = ""
    brand_name_zh: str = ""

    @property
    def display_brand_name(self) -> str:
        return localized(self.brand_name or self.brand, self.brand_name_zh)


@dataclass(frozen=True)
class OutletEquity:
    outlet: str
    outlet_name: str
    city: str
    comparisons: list[BrandComparison]
    outlet_name_zh: str = ""
    city_zh: str = ""

    @property
    def display_outlet_name(self) -> str:
        return localized(self.outlet_name, self.outlet_name_zh)

    @property
    def display_city(self) -> str:
        return localized(self.city, self.city_zh)


@dataclass(frozen=True)
class EquityAudit:
    outlets: list[OutletEquity]
    flags: list[Flag]
    # The family's size: the tests the flags' p-values are adjusted over.
    tests: int


def equity_audit(
    *,
    scope: AuditScope,
    period: Period,
    outlet: Outlet | None = None,
    city: str | None = None,
    now: dt.datetime | None = None,
) -> EquityAudit:
    """Per outlet, each brand in scope against the others there, and the flags of the view's
    family (the tests this view runs: a brand admin's brand only, the alliance's every brand).
    A brand admin gets a pooled figure of the others only where several brands contribute to
    its sample."""
    comparisons = equity_comparisons(scope=scope, period=period, outlet=outlet, city=city, now=now)
    return equity_of(comparisons, scope=scope)


def equity_of(comparisons: Iterable[Comparison], *, scope: AuditScope) -> EquityAudit:
    """The equity view of these comparisons (audit.selectors: equity_comparisons, or
    overview_figures with the outlet figures) as `scope` may see it, and its flags."""
    outlets: dict[str, OutletEquity] = {}
    shown: list[Comparison] = []
    for comparison in comparisons:
        others = comparison.others
        other_brands = others.brands if others else 0
        withheld = False
        if not scope.is_alliance and others is not None:
            # Neither shown nor tested: a flag would show that brand's own figure.
            others = _pooled_only(others)
            withheld = others is not comparison.others
            comparison = dataclasses.replace(comparison, others=others)
        shown.append(comparison)
        row = outlets.get(comparison.outlet)
        if row is None:
            row = outlets[comparison.outlet] = OutletEquity(
                outlet=comparison.outlet,
                outlet_name=comparison.outlet_name,
                city=comparison.city,
                comparisons=[],
                outlet_name_zh=comparison.outlet_name_zh,
                city_zh=comparison.city_zh,
            )
        row.comparisons.append(
            BrandComparison(
                brand=comparison.brand,
                figures=comparison.own.figures,
                others=others.figures if others else None,
                other_brands=other_brands,
                others_withheld=withheld,
                brand_name=comparison.brand_name,
                brand_name_zh=comparison.brand_name_zh,
            )
        )
    family = flag_family(shown)
    return EquityAudit(outlets=list(outlets.values()), flags=family.flags, tests=len(family.tests))


def _pooled_only(others: Side) -> Side | None:
    """The others' side as a brand admin sees it: each figure whose sample fewer than
    MIN_OTHER_BRANDS brands contribute to withheld (None), and no side at all where that is
    every figure (a single brand booked). The same side when nothing is withheld."""
    if others.brands < MIN_OTHER_BRANDS or "bookings" not in others.pooled:
        return None
    # A withheld count is None too (Figures types it as shown): the API's `others` allows null.
    withheld: dict[str, Any] = {
        figure: None for figure, sample in FIGURE_SAMPLES.items() if sample not in others.pooled
    }
    if not withheld:
        return others
    return dataclasses.replace(others, figures=dataclasses.replace(others.figures, **withheld))
