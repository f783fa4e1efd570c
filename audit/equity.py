"""Cross-brand equity: is one brand's owners served measurably worse than the other brands'
owners at the same outlet? Per outlet, each brand in scope side by side with the others there
pooled, and the flags of the view (audit.flags: the tests, the family, Holm's adjustment).

The figures come from the database (audit.statements_sql), in one query however many outlets."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from hima_service.language import localized
from outlets.models import Outlet

from .flags import Flag, flag_family
from .scope import AuditScope
from .selectors import Comparison, Figures, Period, equity_comparisons

# A brand admin sees "all other brands" pooled; pooled over a single brand, those would be that
# brand's own figures, so they are withheld below this many other brands.
MIN_OTHER_BRANDS = 2


@dataclass(frozen=True)
class BrandComparison:
    brand: str
    figures: Figures
    # All other brands at the outlet pooled; None when there are none, or when they are
    # withheld from a brand admin (fewer than MIN_OTHER_BRANDS of them).
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
    A brand admin gets the pooled others only when they are several brands."""
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
        withheld = not scope.is_alliance and others is not None and other_brands < MIN_OTHER_BRANDS
        if withheld:  # neither shown nor tested: a flag would show that brand's own figure
            others = None
            comparison = dataclasses.replace(comparison, others=None)
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
