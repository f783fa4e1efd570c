"""The statistics behind the equity flags, as pure functions: the tests by hand, Fisher's and
Mann–Whitney held to scipy's numbers, Holm's adjustment by hand and by its definition, and
p-values written without e-notation in both languages."""

import numpy as np
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from audit.flags import p_adjusted_phrase
from audit.stats import fisher_ps, holm_adjusted, mann_whitney_ps, p_text

# Hypothesis explores the same examples every run and writes no example database.
FIXED = settings(derandomize=True, database=None, max_examples=300)
p_values = st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=40)


def test_fisher_ps_by_hand():
    # 5 of 20 against 15 of 20; with the margins fixed, the first row's successes X are
    # hypergeometric: P(X = k) = C(20, k) · C(20, 20 − k) / C(40, 20). One-sided p = P(X ≤ 5)
    # = (1 + 400 + 36,100 + 1,299,600 + 23,474,025 + 240,374,016) / 137,846,528,820
    # = 265,184,142 / 137,846,528,820 ≈ 0.0019238.
    tables = [(5, 20, 15, 20), (15, 20, 5, 20), (20, 20, 20, 20), (15, 20, 5, 20)]
    worse = ["lower", "higher", "lower", "lower"]

    worse_lower, worse_higher, nothing_to_test, better = fisher_ps(tables, worse)

    assert worse_lower == pytest.approx(0.0019238, rel=1e-4)
    assert worse_higher == pytest.approx(0.0019238, rel=1e-4)
    assert nothing_to_test == 1.0
    assert better > 0.99


def test_fisher_ps_are_scipys_one_sided_fisher_exact():
    """The same p-values as scipy.stats.fisher_exact, table by table, on tables of every shape
    the audit meets: small and large, rates near 0 and near 1, and the degenerate ones (no
    success, or no failure, on either side)."""
    rng = np.random.default_rng(20261205)
    tables = [(0, 20, 0, 20), (20, 20, 20, 20), (0, 25, 3, 40), (30, 30, 12, 40)]
    for _ in range(600):
        n, others_n = (int(value) for value in rng.integers(1, 400, size=2))
        rate = rng.choice([0.02, 0.5, 0.93, 0.99])
        tables.append((int(rng.binomial(n, rate)), n, int(rng.binomial(others_n, rate)), others_n))
    worse = [["lower", "higher"][i % 2] for i in range(len(tables))]

    expected = [
        stats.fisher_exact(
            [[a, n - a], [c, others_n - c]], alternative="less" if w == "lower" else "greater"
        ).pvalue
        for (a, n, c, others_n), w in zip(tables, worse, strict=True)
    ]

    assert fisher_ps(tables, worse) == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_fisher_ps_of_no_tables_is_empty_and_each_table_needs_its_direction():
    assert fisher_ps([], []) == []
    with pytest.raises(ValueError, match="One direction per table"):
        fisher_ps([(5, 20, 15, 20), (1, 20, 15, 20)], ["lower"])


def test_mann_whitney_ps_by_hand():
    # Every value of the first sample below every value of the second: U = 0 for the first.
    # Normal approximation: mean n1·n2/2 = 4.5, variance n1·n2·(n + 1)/12 = 5.25 (no ties);
    # z = (4.5 − 0 − 0.5) / √5.25 ≈ 1.7457, one-sided p = Φ(−1.7457) ≈ 0.04043.
    pool = [4, 1, 5, 2, 6, 3]  # each test ranks its sample among its pool's values
    tests = [([1, 2, 3], pool), ([4, 5, 6], pool), ([3, 3, 3], [3, 3, 3, 3, 3]), ([7], [7])]
    worse = ["lower", "higher", "lower", "higher"]

    lower, higher, all_tied, one_value = mann_whitney_ps(tests, worse)

    assert lower == pytest.approx(0.04043, rel=1e-3)
    assert higher == pytest.approx(0.04043, rel=1e-3)
    assert all_tied == 1.0  # nothing to test
    assert one_value == 1.0


def test_mann_whitney_ps_are_scipys_asymptotic_test():
    """The same p-values as scipy.stats.mannwhitneyu (what it chooses itself for samples of more
    than 8) of each sample against the rest of its pool, on samples as tied as waits in 5-minute
    steps and ratings of 1 to 5 are: five "brands" ranked in each shared pool, in both
    directions, every test in one call."""
    rng = np.random.default_rng(20261201)
    tests, worse, expected = [], [], []
    alternative = {"lower": "less", "higher": "greater"}
    for _ in range(60):
        levels = int(rng.integers(2, 12))
        brands = [
            rng.integers(0, levels, size=int(rng.integers(9, 90))) + rng.integers(0, 2)
            for _ in range(5)
        ]
        pool = np.concatenate(brands).astype(float)
        for b, sample in enumerate(brands):
            others = np.concatenate(brands[:b] + brands[b + 1 :])
            for direction in ("lower", "higher"):
                tests.append((sample.tolist(), pool))
                worse.append(direction)
                expected.append(
                    stats.mannwhitneyu(sample, others, alternative=alternative[direction]).pvalue
                )

    assert mann_whitney_ps(tests, worse) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_mann_whitney_ps_wants_each_sample_in_its_pool_and_one_direction_per_test():
    assert mann_whitney_ps([], []) == []
    with pytest.raises(ValueError, match="One direction per test"):
        mann_whitney_ps([([1, 2], [1, 2, 3, 4]), ([3, 4], [1, 2, 3, 4])], ["lower"])
    with pytest.raises(ValueError, match="must all be in its pool"):
        mann_whitney_ps([([1, 9], [1, 2, 3, 4])], ["lower"])
    with pytest.raises(ValueError, match="must all be in its pool"):
        mann_whitney_ps([([1, 2.5], [1, 2, 3, 4])], ["lower"])
    # In another test's pool, not in its own.
    with pytest.raises(ValueError, match="must all be in its pool"):
        mann_whitney_ps([([7, 8], [7, 8, 9]), ([1, 7], [1, 2, 3])], ["lower", "lower"])
    with pytest.raises(ValueError, match="must all be in its pool"):
        mann_whitney_ps([([1], [])], ["lower"])
    assert mann_whitney_ps([([], []), ([], [1, 2])], ["lower", "higher"]) == [1.0, 1.0]


def test_holm_by_hand():
    # m = 4. Sorted: 0.005 × 4 = 0.02; 0.01 × 3 = 0.03; 0.03 × 2 = 0.06; 0.04 × 1 = 0.04, raised
    # to 0.06 by the running maximum. At α = 0.05 Holm stops at 0.03 (above 0.05 / 2): 0.04 is
    # not rejected although 0.04 × 1 < 0.05.
    assert holm_adjusted([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # Capped at 1.
    assert holm_adjusted([0.4, 0.9, 0.7]) == [1.0, 1.0, 1.0]
    # Ties share the adjusted value, whatever their order.
    assert holm_adjusted([0.01, 0.01, 0.2]) == pytest.approx([0.03, 0.03, 0.2])
    assert holm_adjusted([0.02]) == [0.02]
    assert holm_adjusted([]) == []


@FIXED
@given(p_values)
def test_holm_keeps_the_order_and_never_lowers_a_p_value(raw):
    adjusted = holm_adjusted(raw)
    for p, q in zip(raw, adjusted, strict=True):
        assert p <= q <= 1.0
        assert q <= min(1.0, len(raw) * p)  # never more than Bonferroni's
    for i, j in [(i, j) for i in range(len(raw)) for j in range(len(raw)) if raw[i] <= raw[j]]:
        assert adjusted[i] <= adjusted[j]


@FIXED
@given(p_values, st.sampled_from([0.01, 0.05, 0.1]))
def test_holm_rejects_what_the_step_down_procedure_rejects(raw, alpha):
    """Holm's procedure as written: order the p-values, reject while the k-th smallest (k from
    0) is below α / (m − k), stop at the first that is not."""
    m = len(raw)
    rejected: set[int] = set()
    for k, index in enumerate(sorted(range(m), key=lambda i: raw[i])):
        if raw[index] >= alpha / (m - k):
            break
        rejected.add(index)
    adjusted = holm_adjusted(raw)
    assert {i for i in range(m) if adjusted[i] < alpha} == rejected


@pytest.mark.parametrize(
    ("p_value", "expected"),
    [
        (4.9e-27, ("<", "0.001")),
        (0.00099, ("<", "0.001")),
        (0.001, ("=", "0.001")),
        (0.0123, ("=", "0.012")),
        (0.047, ("=", "0.047")),
        # two figures would round it to α: it reads as what it is, below α
        (0.04996, ("=", "0.04996")),
        (0.3, ("=", "0.3")),
        (1.0, ("=", "1")),
    ],
)
def test_p_values_are_written_without_e_notation(p_value, expected):
    assert p_text(p_value, alpha=0.05) == expected


@pytest.mark.parametrize(
    ("language", "tiny", "small"),
    [
        ("en", "p (adjusted) < 0.001", "p (adjusted) = 0.012"),
        ("zh-hans", "p（校正后）< 0.001", "p（校正后）= 0.012"),
    ],
)
def test_the_adjusted_p_value_reads_the_same_in_both_languages(language, tiny, small):
    with translation.override(language):
        assert p_adjusted_phrase(3.2e-12) == tiny
        assert p_adjusted_phrase(0.0123) == small
