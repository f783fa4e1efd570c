"""The statistics behind the equity flags, as pure functions: the two one-sided tests, Holm's
step-down adjustment over a family of them, and the p-value written for a reader."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import special, stats

Worse = Literal["lower", "higher"]

# Below this a p-value is written as "< 0.001": more digits say nothing a reader can act on,
# and smaller numbers would need e-notation.
P_FLOOR = 0.001


def fisher_ps(tables: Sequence[tuple[int, int, int, int]], worse: Sequence[Worse]) -> list[float]:
    """One-sided p-values of Fisher's exact test that the first proportion is worse (lower or
    higher) than the second, for many tables at once: each given as (successes, n,
    others_successes, others_n) with its own direction.

    Exact, not the two-proportion z-test: the rates tested sit near 1 (97% on time, 93%
    completed), where the z-test's normal tail is far too thin. At the levels Holm asks of a
    family of a hundred tests (0.05 / 100) it rejected a true null 3 to 4 times as often as it
    should; Fisher's never more often.

    The same p-values as `scipy.stats.fisher_exact`, which computes a one-sided one with the
    hypergeometric distribution function called here; but one call for every table, where its
    argument handling cost about a tenth of a millisecond a table, and a view of the alliance's
    outlets tests thousands of them. The table's first row is the brand's, its first column the
    successes: "lower" is P(X <= successes), "higher" the same function over the failures. A
    table with an empty row or column has nothing to test: p = 1, as fisher_exact says.
    audit/tests/test_stats.py holds the two to the same p-values."""
    if len(worse) != len(tables):
        raise ValueError("One direction per table.")
    if not tables:
        return []
    a, n, c, m = (np.asarray(column, dtype=np.int64) for column in zip(*tables, strict=True))
    b, d = n - a, m - c
    lower = np.asarray([direction == "lower" for direction in worse], dtype=bool)
    p = stats.hypergeom.cdf(np.where(lower, a, b), n + m, n, np.where(lower, a + c, b + d))
    empty = (n == 0) | (m == 0) | (a + c == 0) | (b + d == 0)
    return [float(value) for value in np.where(empty, 1.0, np.minimum(p, 1.0))]


def mann_whitney_ps(
    tests: Sequence[tuple[npt.ArrayLike, npt.ArrayLike]], worse: Sequence[Worse]
) -> list[float]:
    """One-sided p-values of the Mann–Whitney U test, for many tests at once, each given as
    (sample, pool) with its own direction: that the sample tends to be worse (lower or higher)
    than the rest of the pool. The pool holds the sample's values too: the other side is the
    pool less the sample, and its ranks are the ranks the test needs. The normal approximation
    with the tie correction and the continuity correction, as `scipy.stats.mannwhitneyu`
    computes it (its "asymptotic" method, the one it chooses itself when both samples have more
    than 8 values, as every tested one has: MIN_SAMPLE).

    The same numbers, computed here rather than by scipy: its call costs about a millisecond in
    argument handling, and the alliance's view tests two figures this way per brand and outlet,
    thousands of tests, the simulations thousands of views. Every brand compared at an outlet
    is ranked among the same values, the outlet's, so tests that share one pool object rank it
    once. And every pool is ranked in the same few array operations, not a dozen per test: each
    value of each pool becomes one integer key (the pool's number, then the value's place among
    all the pools' values), so that sorting the keys ranks every pool at once, each distinct key
    with the mean of the ranks its ties span in its pool, and each sample's rank sum is looked
    up there. The ranks are halves of integers, so their sums are exact in any order.
    audit/tests/test_stats.py holds the two to the same p-values. A test with fewer than two
    values, or all of them tied, has nothing to test: p = 1."""
    if len(worse) != len(tests):
        raise ValueError("One direction per test.")
    if not tests:
        return []
    numbered: dict[int, int] = {}
    pools: list[npt.NDArray[np.float64]] = []
    pool_of_test = np.empty(len(tests), dtype=np.int64)
    samples = []
    for test, (sample, pool) in enumerate(tests):
        if id(pool) not in numbered:
            numbered[id(pool)] = len(pools)
            pools.append(np.asarray(pool, dtype=float))
        pool_of_test[test] = numbered[id(pool)]
        samples.append(np.asarray(sample, dtype=float))
    pool_sizes = np.array([len(pool) for pool in pools], dtype=np.int64)
    sample_sizes = np.array([len(sample) for sample in samples], dtype=np.int64)
    pooled = np.concatenate(pools)
    sampled = np.concatenate(samples)
    # Each value's place among every pool's distinct values (a sample's, if it is in a pool).
    places = np.unique(pooled)
    width = max(len(places), 1)
    sample_places = np.searchsorted(places, sampled)
    if not _all_found(places, sampled, sample_places):
        raise ValueError("A sample's values must all be in its pool.")
    keys = np.repeat(np.arange(len(pools)), pool_sizes) * width + np.searchsorted(places, pooled)
    sample_keys = np.repeat(pool_of_test, sample_sizes) * width + sample_places
    # Sorted by pool, then value: a key's ranks continue its pool's, which start after the
    # values of the pools before it.
    distinct, ties = np.unique(keys, return_counts=True)
    pool_of_key = distinct // width
    pool_starts = np.cumsum(pool_sizes) - pool_sizes
    mean_ranks = np.cumsum(ties) - pool_starts[pool_of_key] - (ties - 1) / 2
    tied = np.bincount(pool_of_key, weights=ties**3 - ties, minlength=len(pools))
    found = np.searchsorted(distinct, sample_keys)
    if not _all_found(distinct, sample_keys, found):
        raise ValueError("A sample's values must all be in its pool.")
    rank_sums = np.bincount(
        np.repeat(np.arange(len(tests)), sample_sizes),
        weights=mean_ranks.take(found, mode="clip"),
        minlength=len(tests),
    )
    n1 = sample_sizes
    n = pool_sizes[pool_of_test]
    n2 = n - n1
    u = rank_sums - n1 * (n1 + 1) / 2
    u = np.where([direction == "lower" for direction in worse], n1 * n2 - u, u)
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = np.where(
            n >= 2, n1 * n2 / 12 * ((n + 1) - tied[pool_of_test] / (n * (n - 1))), 0.0
        )
        # Every value the same, or one side empty: no difference to test.
        p = np.where(variance > 0, special.ndtr(-(u - n1 * n2 / 2 - 0.5) / np.sqrt(variance)), 1.0)
    return [float(value) for value in p]


def _all_found(ordered: npt.NDArray, wanted: npt.NDArray, positions: npt.NDArray) -> bool:
    """Whether each wanted value is in `ordered` (ascending) at its searchsorted position."""
    if not len(wanted):
        return True
    return bool(len(ordered)) and bool((ordered.take(positions, mode="clip") == wanted).all())


def holm_adjusted(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given.

    The i-th smallest of m p-values (i from 1) is multiplied by m − i + 1, the number of
    hypotheses still standing at that step; a running maximum keeps the order (a hypothesis is
    rejected only after every one with a smaller p-value), and 1 caps it. Rejecting where the
    adjusted p-value is below α is Holm's procedure, which holds the family-wise error rate at α
    under any dependence between the tests. scipy's `false_discovery_control` (Benjamini–
    Hochberg and –Yekutieli) bounds a different, weaker error: the share of false flags."""
    m = len(p_values)
    # sorted() is stable: ties keep their given order, the same every time.
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def p_text(p_value: float, *, alpha: float) -> tuple[Literal["=", "<"], str]:
    """How a reader sees a p-value: ("<", "0.001") below P_FLOOR, else ("=", two significant
    figures), never in e-notation. Digits are added where two would round a p-value below α
    up to α or over it (0.0496 reads "0.0496", not "0.05")."""
    if p_value < P_FLOOR:
        return "<", f"{P_FLOOR:g}"
    for digits in range(2, 7):
        text = f"{p_value:.{digits}g}"
        if (float(text) < alpha) == (p_value < alpha):
            break
    # Below 1e-4 ".g" would switch to e-notation; P_FLOOR keeps p-values well above that.
    return "=", text
