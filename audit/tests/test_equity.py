"""Cross-brand equity: an outlet that serves AITO owners worse is flagged for AITO on the right
figures; an even outlet and one with too few bookings are not."""

import itertools
import json

import pytest
from scipy import stats

from audit.equity import mann_whitney_p, two_proportion_p
from outlets.tests.factories import OutletFactory
from vehicles.tests.factories import brand

from .factories import Visit, local

pytestmark = pytest.mark.django_db

ZONE = "Asia/Shanghai"
PERIOD = {"date_from": "2026-10-01", "date_to": "2026-10-31"}
URL = "/api/v1/audit/equity/"


def _slots():
    """Distinct October mornings and afternoons, for as many visits as a test needs."""
    for day, hour in itertools.product(range(1, 31), range(8, 18)):
        yield local(ZONE, f"2026-10-{day:02d}", hour)


def visits(brand_code, waits, ratings=()):
    slots = _slots()
    ratings = list(ratings) + [None] * (len(waits) - len(ratings))
    return [
        Visit(brand_code, next(slots), wait=w, rating=r)
        for w, r in zip(waits, ratings, strict=True)
    ]


# AITO: 30 started, 10 on time (wait 5), 20 late (30 … 49 min); rated 3 by 20 of them.
UNFAIR_AITO = visits("AITO", [5] * 10 + list(range(30, 50)), [3] * 20)
# The others, 40 bookings of three brands: 36 on time (0 … 8 min), 4 late (20 min); rated 4–5.
FAIR_WAITS = [n % 9 for n in range(36)] + [20] * 4
FAIR_RATINGS = [5, 4] * 10


def fair(brand_code, count, offset=0):
    return visits(brand_code, FAIR_WAITS[offset : offset + count], FAIR_RATINGS[: min(count, 20)])


@pytest.fixture
def unequal(history):
    outlet = OutletFactory(code="SZ-UNEQUAL-01")
    history.write(
        outlet,
        UNFAIR_AITO + fair("LUXEED", 15) + fair("STELATO", 15, 15) + fair("MAEXTRO", 10, 30),
    )
    return outlet


@pytest.fixture
def even(history):
    outlet = OutletFactory(code="SH-EVEN-01")
    history.write(outlet, fair("AITO", 40) + fair("LUXEED", 40) + fair("STELATO", 40))
    return outlet


@pytest.fixture
def small(history):
    """AITO served as badly as at the unequal outlet, but only 12 times."""
    outlet = OutletFactory(code="BJ-SMALL-01")
    history.write(outlet, UNFAIR_AITO[-12:] + fair("LUXEED", 20) + fair("STELATO", 20, 20))
    return outlet


def test_two_proportion_p_by_hand():
    # 5/20 against 15/20: pooled 0.5, variance 0.25 × (1/20 + 1/20) = 0.025,
    # z = −0.5 / √0.025 = −√10 ≈ −3.1623, one-sided p = Φ(−3.1623) ≈ 0.000783.
    assert two_proportion_p(5, 20, 15, 20, worse="lower") == pytest.approx(0.000783, rel=1e-3)
    assert two_proportion_p(15, 20, 5, 20, worse="higher") == pytest.approx(0.000783, rel=1e-3)
    assert two_proportion_p(20, 20, 20, 20, worse="lower") == 1.0  # nothing to test


def test_mann_whitney_p_by_hand():
    # Every value of the first below every value of the second: U = 0, and of the C(6, 3) = 20
    # equally likely orderings only this one is as extreme: exact p = 1/20.
    assert mann_whitney_p([1, 2, 3], [4, 5, 6], worse="lower") == pytest.approx(0.05)
    assert mann_whitney_p([4, 5, 6], [1, 2, 3], worse="higher") == pytest.approx(0.05)


def test_the_unequal_outlet_is_flagged_for_aito(unequal, even, small, as_):
    body = as_("aito_admin").get(URL, PERIOD).json()

    flags = {(f["outlet"], f["brand"], f["metric"]): f for f in body["flags"]}
    assert set(flags) == {
        ("SZ-UNEQUAL-01", "AITO", "on_time_rate"),
        ("SZ-UNEQUAL-01", "AITO", "wait_median_minutes"),
        ("SZ-UNEQUAL-01", "AITO", "rating_mean"),
    }
    on_time = flags[("SZ-UNEQUAL-01", "AITO", "on_time_rate")]
    assert on_time["figure"] == 0.3333  # 10 / 30
    assert on_time["others_figure"] == 0.9  # 36 / 40
    assert (on_time["n"], on_time["n_others"]) == (30, 40)
    # pooled 46/70; the z-test by hand as above gives z ≈ −4.94
    assert on_time["p_value"] == pytest.approx(stats.norm.cdf(-4.943), rel=1e-2)
    assert on_time["sentence"].startswith(
        "At SZ-UNEQUAL-01, AITO owners' on-time start rate is 33% against 90% for the other "
        "brands' owners (n = 30 vs 40; one-sided two-proportion z-test, p = "
    )
    wait = flags[("SZ-UNEQUAL-01", "AITO", "wait_median_minutes")]
    # AITO's 15th and 16th waits are 34 and 35; of the others' (four each of 0 … 8, then
    # four 20s) the 20th and 21st are 4 and 5.
    assert (wait["figure"], wait["others_figure"], wait["difference"]) == (34.5, 4.5, 30.0)
    expected = stats.mannwhitneyu(
        [v.wait for v in UNFAIR_AITO], FAIR_WAITS, alternative="greater"
    ).pvalue
    assert wait["p_value"] == pytest.approx(expected, rel=1e-3)
    assert wait["p_value"] < 0.05
    rating = flags[("SZ-UNEQUAL-01", "AITO", "rating_mean")]
    # AITO 20 × 3; others: LUXEED 15 ratings, STELATO 15, MAEXTRO 10, alternating 5 and 4
    assert (rating["figure"], rating["n"], rating["n_others"]) == (3.0, 20, 40)


def test_the_brand_admin_sees_their_brand_against_the_others_pooled(unequal, as_):
    response = as_("aito_admin").get(URL, PERIOD)
    body = response.json()

    (outlet,) = body["outlets"]
    (comparison,) = outlet["comparisons"]
    assert comparison["brand"] == "AITO"
    assert comparison["figures"]["bookings"] == 30
    assert comparison["others"]["bookings"] == 40
    assert comparison["other_brands"] == 3
    text = json.dumps(body)
    for other in ["LUXEED", "STELATO", "MAEXTRO", "SHANGJIE"]:
        assert other not in text


def test_the_alliance_admin_sees_every_brand_and_only_aito_is_flagged(unequal, as_):
    body = as_("alliance_admin").get(URL, PERIOD).json()

    (outlet,) = body["outlets"]
    figures = {c["brand"]: c["figures"]["bookings"] for c in outlet["comparisons"]}
    assert figures == {"AITO": 30, "LUXEED": 15, "MAEXTRO": 10, "STELATO": 15}
    luxeed = next(c for c in outlet["comparisons"] if c["brand"] == "LUXEED")
    assert luxeed["others"]["bookings"] == 55  # AITO 30 + STELATO 15 + MAEXTRO 10
    assert {f["brand"] for f in body["flags"]} == {"AITO"}


def test_others_pooled_over_one_brand_are_withheld_from_a_brand_admin(history, as_):
    outlet = OutletFactory(code="DE-TWO-01", brands=[brand("AITO"), brand("LUXEED")])
    history.write(outlet, UNFAIR_AITO + fair("LUXEED", 40))

    mine = as_("aito_admin").get(URL, PERIOD).json()
    everything = as_("alliance_admin").get(URL, PERIOD).json()

    (comparison,) = mine["outlets"][0]["comparisons"]
    assert comparison["others"] is None
    assert comparison["others_withheld"] is True
    assert mine["flags"] == []  # a flag would show LUXEED's own figure
    assert "LUXEED" not in json.dumps(mine)
    assert {f["metric"] for f in everything["flags"] if f["brand"] == "AITO"} >= {"on_time_rate"}


def test_filters_narrow_the_outlets(unequal, even, as_):
    body = as_("alliance_admin").get(URL, {**PERIOD, "outlet": "SH-EVEN-01"}).json()
    assert [o["outlet"] for o in body["outlets"]] == ["SH-EVEN-01"]
    assert len(body["outlets"][0]["comparisons"]) == 3
    assert body["flags"] == []  # every brand served alike: no brand against the rest
