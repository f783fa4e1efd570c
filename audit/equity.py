"""Cross-brand equity: is one brand's owners served measurably worse than the other brands'
owners at the same outlet? "Measurably" means all three of: enough bookings on both sides,
worse by at least a practical margin, and statistically significant (one-sided, α = 0.05).

The figures come from the database (audit.sql); only the tests run here, on the counts and on
the raw waits and ratings the same query returned."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from scipy import stats

from outlets.models import Outlet

from .scope import AuditScope
from .selectors import Comparison, Figures, Period, Side, equity_comparisons

ALPHA = 0.05
# Each side needs this many observations of the figure tested (started bookings for waits,
# due bookings for completion, ratings for satisfaction) before a difference can be a flag.
MIN_SAMPLE = 20
# A brand admin sees "all other brands" pooled; pooled over a single brand, those would be that
# brand's own figures, so they are withheld below this many other brands.
MIN_OTHER_BRANDS = 2


@dataclass(frozen=True)
class Rule:
    metric: str  # a Figures attribute
    # The flag's sentence, whole for translators, with %(outlet)s, %(brand)s, %(figure)s,
    # %(others)s, %(n)s, %(n_others)s, %(test)s and %(p)s.
    sentence: str | Promise
    test: Literal["two_proportion_z", "mann_whitney_u"]
    worse: Literal["lower", "higher"]
    margin: float
    # The sample size on each side (a Figures attribute) and, for a proportion, its successes;
    # for a rank test, the raw sample on the Side.
    n: str
    successes: str | None = None
    sample: Literal["waits", "ratings"] | None = None


RULES: tuple[Rule, ...] = (
    Rule(
        "on_time_rate",
        gettext_lazy(
            "At %(outlet)s, %(brand)s owners' on-time start rate is %(figure)s against "
            "%(others)s for the other brands' owners (n = %(n)s vs %(n_others)s; %(test)s, "
            "p = %(p)s)."
        ),
        "two_proportion_z",
        "lower",
        0.10,
        n="started",
        successes="on_time",
    ),
    Rule(
        "wait_median_minutes",
        gettext_lazy(
            "At %(outlet)s, %(brand)s owners' median wait to service start is %(figure)s "
            "against %(others)s for the other brands' owners (n = %(n)s vs %(n_others)s; "
            "%(test)s, p = %(p)s)."
        ),
        "mann_whitney_u",
        "higher",
        10.0,
        n="started",
        sample="waits",
    ),
    Rule(
        "completion_rate",
        gettext_lazy(
            "At %(outlet)s, %(brand)s owners' completion rate is %(figure)s against %(others)s "
            "for the other brands' owners (n = %(n)s vs %(n_others)s; %(test)s, p = %(p)s)."
        ),
        "two_proportion_z",
        "lower",
        0.10,
        n="due",
        successes="completed",
    ),
    Rule(
        "rating_mean",
        gettext_lazy(
            "At %(outlet)s, %(brand)s owners' mean rating is %(figure)s against %(others)s for "
            "the other brands' owners (n = %(n)s vs %(n_others)s; %(test)s, p = %(p)s)."
        ),
        "mann_whitney_u",
        "lower",
        0.5,
        n="rated",
        sample="ratings",
    ),
)


@dataclass(frozen=True)
class Flag:
    outlet: str
    brand: str
    metric: str
    figure: float
    others_figure: float
    # figure − others_figure: negative for a lower rate or rating, positive for a longer wait.
    difference: float
    margin: float
    n: int
    n_others: int
    p_value: float
    test: str
    sentence: str


@dataclass(frozen=True)
class BrandComparison:
    brand: str
    figures: Figures
    # All other brands at the outlet pooled; None when there are none, or when they are
    # withheld from a brand admin (fewer than MIN_OTHER_BRANDS of them).
    others: Figures | None
    other_brands: int
    others_withheld: bool


@dataclass(frozen=True)
class OutletEquity:
    outlet: str
    outlet_name: str
    city: str
    comparisons: list[BrandComparison]


@dataclass(frozen=True)
class EquityAudit:
    outlets: list[OutletEquity]
    flags: list[Flag]


def two_proportion_p(
    successes: int, n: int, others_successes: int, others_n: int, *, worse: str
) -> float:
    """One-sided p-value of the pooled two-proportion z-test that the first proportion is worse
    (lower or higher) than the second."""
    pooled = (successes + others_successes) / (n + others_n)
    variance = pooled * (1 - pooled) * (1 / n + 1 / others_n)
    if variance == 0:  # both sides all successes or all failures: no difference to test
        return 1.0
    z = (successes / n - others_successes / others_n) / math.sqrt(variance)
    return float(stats.norm.cdf(z) if worse == "lower" else stats.norm.sf(z))


def mann_whitney_p(sample: list[float], others: list[float], *, worse: str) -> float:
    """One-sided p-value of the Mann–Whitney U test that the first sample tends to be worse
    (lower or higher) than the second."""
    alternative = "less" if worse == "lower" else "greater"
    return float(stats.mannwhitneyu(sample, others, alternative=alternative).pvalue)


def _formatted(metric: str, value: float) -> str:
    if metric.endswith("_rate"):
        return f"{value:.0%}"
    if metric.endswith("_minutes"):
        return _("%(value)s min") % {"value": f"{value:.1f}"}
    return f"{value:.2f}"


def _flag(outlet: str, brand: str, rule: Rule, own: Side, others: Side) -> Flag | None:
    n, n_others = getattr(own.figures, rule.n), getattr(others.figures, rule.n)
    if n < MIN_SAMPLE or n_others < MIN_SAMPLE:
        return None
    figure = getattr(own.figures, rule.metric)
    others_figure = getattr(others.figures, rule.metric)
    if figure is None or others_figure is None:
        return None
    difference = figure - others_figure
    shortfall = -difference if rule.worse == "lower" else difference
    # Rounding noise must not decide: 0.7 − 0.6 is 0.0999… in floating point.
    if shortfall < rule.margin - 1e-9:
        return None
    if rule.test == "two_proportion_z":
        p_value = two_proportion_p(
            getattr(own.figures, rule.successes),
            n,
            getattr(others.figures, rule.successes),
            n_others,
            worse=rule.worse,
        )
    else:
        p_value = mann_whitney_p(
            getattr(own, rule.sample), getattr(others, rule.sample), worse=rule.worse
        )
    if p_value >= ALPHA:
        return None
    test_name = (
        _("one-sided two-proportion z-test")
        if rule.test == "two_proportion_z"
        else _("one-sided Mann–Whitney U test")
    )
    # In the language active now: the API's follows the caller's, the dashboard's the reader's.
    sentence = str(rule.sentence) % {
        "outlet": outlet,
        "brand": brand,
        "figure": _formatted(rule.metric, figure),
        "others": _formatted(rule.metric, others_figure),
        "n": n,
        "n_others": n_others,
        "test": test_name,
        "p": f"{p_value:.2g}",
    }
    return Flag(
        outlet=outlet,
        brand=brand,
        metric=rule.metric,
        figure=figure,
        others_figure=others_figure,
        difference=difference,
        margin=rule.margin,
        n=n,
        n_others=n_others,
        p_value=p_value,
        test=rule.test,
        sentence=sentence,
    )


def comparison_flags(comparison: Comparison) -> list[Flag]:
    """The flags one brand earns at one outlet against the other brands pooled."""
    if comparison.others is None:
        return []
    flags = (
        _flag(comparison.outlet, comparison.brand, rule, comparison.own, comparison.others)
        for rule in RULES
    )
    return [flag for flag in flags if flag is not None]


def equity_audit(
    *,
    scope: AuditScope,
    period: Period,
    outlet: Outlet | None = None,
    city: str | None = None,
    now: dt.datetime | None = None,
) -> EquityAudit:
    """Per outlet, each brand in scope against the others there, and the flags. A brand admin
    gets their brand only, and the pooled others only when they are several brands."""
    outlets: dict[str, OutletEquity] = {}
    flags: list[Flag] = []
    for comparison in equity_comparisons(
        scope=scope, period=period, outlet=outlet, city=city, now=now
    ):
        others = comparison.others
        other_brands = others.brands if others else 0
        withheld = not scope.is_alliance and others is not None and other_brands < MIN_OTHER_BRANDS
        if withheld:
            others = None
        if others is not None:
            flags.extend(comparison_flags(comparison))
        row = outlets.setdefault(
            comparison.outlet,
            OutletEquity(
                outlet=comparison.outlet,
                outlet_name=comparison.outlet_name,
                city=comparison.city,
                comparisons=[],
            ),
        )
        row.comparisons.append(
            BrandComparison(
                brand=comparison.brand,
                figures=comparison.own.figures,
                others=others.figures if others else None,
                other_brands=other_brands,
                others_withheld=withheld,
            )
        )
    return EquityAudit(outlets=list(outlets.values()), flags=flags)
