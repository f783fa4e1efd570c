"""The equity flags of a view. "Measurably worse" means all three of: enough bookings on both
sides, worse by at least a practical margin, and statistically significant (one-sided) with the
family-wise error rate of the whole view held at α = 0.05 by Holm's step-down method.

The family of a view is every test it runs: each outlet × compared brand × figure whose sample
sizes are met on both sides, whichever way and however far the figures differ. The tests run on
the counts and the raw waits and ratings of `Comparison`s; no database here, so the simulations
in audit/tests/test_equity_family.py run this very code. See docs/audit.md, "Cross-brand
equity"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .selectors import Comparison, Side
from .stats import fisher_ps, holm_adjusted, mann_whitney_ps, p_text

ALPHA = 0.05
# Each side needs this many observations of the figure tested (started bookings for waits,
# due bookings for completion, ratings for satisfaction) before a difference is tested at all.
MIN_SAMPLE = 20
# Rounding noise must not decide a margin: 0.7 − 0.6 is 0.0999… in floating point.
MARGIN_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Rule:
    metric: str  # a Figures attribute
    # The flag's sentence, whole for translators, with %(outlet)s, %(brand)s, %(figure)s,
    # %(others)s, %(n)s, %(n_others)s, %(test)s and %(p_adjusted)s (the whole phrase
    # "p (adjusted) = 0.012" or "p (adjusted) < 0.001", translated on its own).
    sentence: str | Promise
    test: Literal["fisher_exact", "mann_whitney_u"]
    worse: Literal["lower", "higher"]
    margin: float
    # The sample size on each side (a Figures attribute) and, for a proportion, its successes;
    # for a rank test, the raw sample on the Side.
    n: str
    successes: str | None = None
    sample: Literal["waits", "ratings"] | None = None
    # Left out of the family where neither side had a single success: Fisher's test conditions
    # on the margins, and with no success at all its p-value is 1 whatever the data, so it can
    # never reject; leaving such a test out does not raise the family-wise error rate (Tarone,
    # 1990), while counting it would weaken every other test. For extra work, which only some
    # outlets offer (and none in the older history).
    needs_successes: bool = False


RULES: tuple[Rule, ...] = (
    Rule(
        "on_time_rate",
        gettext_lazy(
            "At %(outlet)s, %(brand)s owners' on-time start rate is %(figure)s against "
            "%(others)s for the other brands' owners (n = %(n)s vs %(n_others)s; %(test)s, "
            "%(p_adjusted)s)."
        ),
        "fisher_exact",
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
            "%(test)s, %(p_adjusted)s)."
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
            "for the other brands' owners (n = %(n)s vs %(n_others)s; %(test)s, "
            "%(p_adjusted)s)."
        ),
        "fisher_exact",
        "lower",
        0.10,
        n="due",
        successes="completed",
    ),
    Rule(
        "rating_mean",
        gettext_lazy(
            "At %(outlet)s, %(brand)s owners' mean rating is %(figure)s against %(others)s for "
            "the other brands' owners (n = %(n)s vs %(n_others)s; %(test)s, "
            "%(p_adjusted)s)."
        ),
        "mann_whitney_u",
        "lower",
        0.5,
        n="rated",
        sample="ratings",
    ),
    Rule(
        "extra_offered_rate",
        gettext_lazy(
            "At %(outlet)s, extra work was offered at %(figure)s of %(brand)s owners' visits "
            "against %(others)s of the other brands' owners' visits (n = %(n)s vs "
            "%(n_others)s; %(test)s, %(p_adjusted)s)."
        ),
        "fisher_exact",
        "higher",
        0.10,
        n="visits",
        successes="extra_offered",
        needs_successes=True,
    ),
)


# Not frozen, as audit.selectors.Figures: the alliance's view builds one for each of its tests,
# up to 30,000, and a frozen dataclass sets each field through object.__setattr__, several
# times slower. Nothing assigns to a field once built.
@dataclass(slots=True)
class FigureTest:
    """One test a view runs: one brand at one outlet against the others there, on one figure."""

    comparison: Comparison
    rule: Rule
    figure: float
    others_figure: float
    n: int
    n_others: int
    p_raw: float

    @property
    def difference(self) -> float:
        return self.figure - self.others_figure

    @property
    def margin_met(self) -> bool:
        shortfall = -self.difference if self.rule.worse == "lower" else self.difference
        return shortfall >= self.rule.margin - MARGIN_TOLERANCE


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
    # Holm-adjusted over the view's family (what a flag is judged on), and the test's own.
    p_value: float
    p_raw: float
    test: str
    sentence: str


@dataclass(frozen=True)
class Family:
    """The tests one view runs, judged together, and the flags they earn."""

    tests: list[FigureTest]
    flags: list[Flag]


# One test of a view's family: a brand at an outlet, one rule, and the others it is tested against.
Planned = tuple[Comparison, Rule, Side]


def _in_family(comparison: Comparison, rule: Rule, others: Side) -> bool:
    """Whether the view runs this test: enough observations on both sides, both figures there
    (not withheld from a brand admin), and, for a rule that needs them, a success on either
    side."""
    own = comparison.own.figures
    n_others = getattr(others.figures, rule.n)  # None: withheld (audit.equity)
    if getattr(own, rule.n) < MIN_SAMPLE or n_others is None or n_others < MIN_SAMPLE:
        return False
    if getattr(own, rule.metric) is None or getattr(others.figures, rule.metric) is None:
        return False
    return not rule.needs_successes or bool(
        getattr(own, rule.successes) or getattr(others.figures, rule.successes)
    )


def _fisher_table(comparison: Comparison, rule: Rule, others: Side) -> tuple[int, int, int, int]:
    own = comparison.own.figures
    return (
        getattr(own, rule.successes),
        getattr(own, rule.n),
        getattr(others.figures, rule.successes),
        getattr(others.figures, rule.n),
    )


def _p_values(planned: list[Planned]) -> list[float]:
    """Each test's one-sided p-value: the proportions' Fisher tests all in one call
    (stats.fisher_ps), the rank tests all in another (stats.mann_whitney_ps), each brand's values
    ranked among the outlet's (the comparison's pool: its own and the others' together)."""
    proportions = [test for test in planned if test[1].test == "fisher_exact"]
    ranked = [test for test in planned if test[1].test == "mann_whitney_u"]
    fisher = iter(
        fisher_ps(
            [_fisher_table(*test) for test in proportions],
            [rule.worse for _, rule, _ in proportions],
        )
    )
    mann_whitney = iter(
        mann_whitney_ps(
            [
                (getattr(comparison.own, rule.sample), getattr(comparison.pool, rule.sample))
                for comparison, rule, _ in ranked
            ],
            [rule.worse for _, rule, _ in ranked],
        )
    )
    return [
        next(fisher) if rule.test == "fisher_exact" else next(mann_whitney)
        for _, rule, _ in planned
    ]


def family_tests(comparisons: Iterable[Comparison]) -> list[FigureTest]:
    """Every test a view of these comparisons runs, in their order and RULES' order.

    The family is fixed by the sample sizes alone, before any difference is looked at: a test
    below the practical margin, or pointing the other way, still counts. Leaving those out
    would choose the family by the very data that makes p-values small, and the error rate
    would no longer be held."""
    planned: list[Planned] = [
        (comparison, rule, comparison.others)
        for comparison in comparisons
        if comparison.others is not None
        for rule in RULES
        if _in_family(comparison, rule, comparison.others)
    ]
    return [
        FigureTest(
            comparison=comparison,
            rule=rule,
            figure=getattr(comparison.own.figures, rule.metric),
            others_figure=getattr(others.figures, rule.metric),
            n=getattr(comparison.own.figures, rule.n),
            n_others=getattr(others.figures, rule.n),
            p_raw=p_raw,
        )
        for (comparison, rule, others), p_raw in zip(planned, _p_values(planned), strict=True)
    ]


def p_adjusted_phrase(p_value: float) -> str:
    """The p-value as a flag's sentence writes it, in the active language: "p (adjusted) =
    0.012", or "p (adjusted) < 0.001" below stats.P_FLOOR."""
    relation, value = p_text(p_value, alpha=ALPHA)
    if relation == "<":
        return _("p (adjusted) < %(p)s") % {"p": value}
    return _("p (adjusted) = %(p)s") % {"p": value}


def _formatted(metric: str, value: float) -> str:
    if metric.endswith("_rate"):
        return f"{value:.0%}"
    if metric.endswith("_minutes"):
        return _("%(value)s min") % {"value": f"{value:.1f}"}
    return f"{value:.2f}"


def _flag(test: FigureTest, p_adjusted: float) -> Flag:
    rule, comparison = test.rule, test.comparison
    test_name = (
        _("one-sided Fisher's exact test")
        if rule.test == "fisher_exact"
        else _("one-sided Mann–Whitney U test")
    )
    # In the language active now: the API's follows the caller's, the dashboard's the reader's.
    sentence = str(rule.sentence) % {
        "outlet": comparison.display_outlet_name,
        "brand": comparison.display_brand_name,
        "figure": _formatted(rule.metric, test.figure),
        "others": _formatted(rule.metric, test.others_figure),
        "n": test.n,
        "n_others": test.n_others,
        "test": test_name,
        "p_adjusted": p_adjusted_phrase(p_adjusted),
    }
    return Flag(
        outlet=comparison.outlet,
        brand=comparison.brand,
        metric=rule.metric,
        figure=test.figure,
        others_figure=test.others_figure,
        difference=test.difference,
        margin=rule.margin,
        n=test.n,
        n_others=test.n_others,
        p_value=p_adjusted,
        p_raw=test.p_raw,
        test=rule.test,
        sentence=sentence,
    )


def flag_family(comparisons: Iterable[Comparison]) -> Family:
    """The flags of a view: each test of its family whose Holm-adjusted p-value is below ALPHA
    and whose difference meets the practical margin. Comparisons without others (none there,
    or withheld) run no test. The flags are a subset of Holm's rejections, so a view of a
    network where every brand is served alike flags anything in at most ALPHA of cases."""
    tests = family_tests(comparisons)
    adjusted = holm_adjusted([test.p_raw for test in tests])
    flags = [
        _flag(test, p_adjusted)
        for test, p_adjusted in zip(tests, adjusted, strict=True)
        if p_adjusted < ALPHA and test.margin_met
    ]
    return Family(tests=tests, flags=flags)
