"""Cross-brand equity: an outlet that serves AITO owners worse is flagged for AITO on the right
figures; an even outlet and one with too few bookings are not."""

import itertools
import json

import pytest
from scipy import stats

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
    outlet = OutletFactory(code="SZ-UNEQUAL-01", name="Nanshan Test Centre", name_zh="南山测试中心")
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


def test_the_unequal_outlet_is_flagged_for_aito(unequal, even, small, as_):
    body = as_("aito_admin").get(URL, PERIOD).json()

    # The view's family: AITO's four figures at the unequal outlet and at the even one (40
    # started and due against 80, 20 rated against 40); at the small outlet AITO has 12
    # bookings, too few to test.
    assert body["tests"] == 8
    flags = {(f["outlet"], f["brand"], f["metric"]): f for f in body["flags"]}
    assert set(flags) == {
        ("SZ-UNEQUAL-01", "AITO", "on_time_rate"),
        ("SZ-UNEQUAL-01", "AITO", "wait_median_minutes"),
        ("SZ-UNEQUAL-01", "AITO", "rating_mean"),
    }
    # Holm ranks the raw p-values: the rating's is the smallest (× 8), then the wait's (× 7),
    # then the on-time rate's (× 6).
    rating = flags[("SZ-UNEQUAL-01", "AITO", "rating_mean")]
    # AITO 20 × 3; others: LUXEED 15 ratings, STELATO 15, MAEXTRO 10, alternating 5 and 4
    assert (rating["figure"], rating["n"], rating["n_others"]) == (3.0, 20, 40)
    expected = stats.mannwhitneyu([3] * 20, [5, 4] * 20, alternative="less").pvalue
    assert rating["p_raw"] == pytest.approx(expected, rel=1e-3)
    assert rating["p_value"] == pytest.approx(8 * rating["p_raw"], rel=1e-3)

    wait = flags[("SZ-UNEQUAL-01", "AITO", "wait_median_minutes")]
    # AITO's 15th and 16th waits are 34 and 35; of the others' (four each of 0 … 8, then
    # four 20s) the 20th and 21st are 4 and 5.
    assert (wait["figure"], wait["others_figure"], wait["difference"]) == (34.5, 4.5, 30.0)
    expected = stats.mannwhitneyu(
        [v.wait for v in UNFAIR_AITO], FAIR_WAITS, alternative="greater"
    ).pvalue
    assert wait["p_raw"] == pytest.approx(expected, rel=1e-3)
    assert wait["p_value"] == pytest.approx(7 * wait["p_raw"], rel=1e-3)

    on_time = flags[("SZ-UNEQUAL-01", "AITO", "on_time_rate")]
    assert on_time["figure"] == 0.3333  # 10 / 30
    assert on_time["others_figure"] == 0.9  # 36 / 40
    assert (on_time["n"], on_time["n_others"]) == (30, 40)
    # Fisher: of the 46 on-time starts among all 70, AITO's 30 got X; P(X ≤ 10) is
    # hypergeometric (70 in all, 46 on time, 30 drawn).
    assert on_time["p_raw"] == pytest.approx(stats.hypergeom.cdf(10, 70, 46, 30), rel=1e-3)
    assert rating["p_raw"] < wait["p_raw"] < on_time["p_raw"]
    assert on_time["p_value"] == pytest.approx(6 * on_time["p_raw"], rel=1e-3)
    assert on_time["p_value"] < 0.05
    assert on_time["test"] == "fisher_exact"
    # The sentence names the outlet and the brand, as people call them.
    assert on_time["sentence"] == (
        "At Nanshan Test Centre, AITO owners' on-time start rate is 33% against 90% for the "
        "other brands' owners (n = 30 vs 40; one-sided Fisher's exact test, p (adjusted) < "
        "0.001)."
    )


def test_a_views_family_is_the_tests_it_shows(unequal, even, small, as_):
    mine = as_("aito_admin").get(URL, PERIOD).json()
    everything = as_("alliance_admin").get(URL, PERIOD).json()

    # The alliance's view tests every brand: AITO's 8 as above, then LUXEED and STELATO at the
    # even outlet (4 each) and at the small one (20 against 32 started and due, 20 rated against
    # 22: 4 each). MAEXTRO, 10 at the unequal outlet, and AITO's 12 at the small one: none.
    assert (mine["tests"], everything["tests"]) == (8, 24)
    # The same evidence, judged in a larger family, is adjusted more: × 22 instead of × 6.
    mine_on_time, all_on_time = (
        next(f for f in body["flags"] if f["metric"] == "on_time_rate")
        for body in (mine, everything)
    )
    assert mine_on_time["p_raw"] == all_on_time["p_raw"]
    assert mine_on_time["p_value"] == pytest.approx(6 * mine_on_time["p_raw"], rel=1e-3)
    assert all_on_time["p_value"] == pytest.approx(22 * all_on_time["p_raw"], rel=1e-3)


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
    # Only AITO has 20 a side to test; the others' 15, 15 and 10 are shown, not tested.
    assert body["tests"] == 4


def test_others_pooled_over_one_brand_are_withheld_from_a_brand_admin(history, as_):
    outlet = OutletFactory(code="DE-TWO-01", brands=[brand("AITO"), brand("LUXEED")])
    history.write(outlet, UNFAIR_AITO + fair("LUXEED", 40))

    mine = as_("aito_admin").get(URL, PERIOD).json()
    everything = as_("alliance_admin").get(URL, PERIOD).json()

    (comparison,) = mine["outlets"][0]["comparisons"]
    assert comparison["others"] is None
    assert comparison["others_withheld"] is True
    assert mine["flags"] == []  # a flag would show LUXEED's own figure
    assert mine["tests"] == 0  # nor is it tested: the family is what the view shows
    assert "LUXEED" not in json.dumps(mine)
    assert {f["metric"] for f in everything["flags"] if f["brand"] == "AITO"} >= {"on_time_rate"}


@pytest.mark.usefixtures("now")
def test_a_figure_only_one_other_brand_contributes_to_is_withheld_from_a_brand_admin(history, as_):
    """Three other brands booked, but only LUXEED's owners came: STELATO's one booking was
    cancelled, MAEXTRO's is still to come (after the 20th). Pooled, the others' bookings and
    cancellations are three brands'; every other figure would be LUXEED's own."""
    outlet = OutletFactory(code="SH-ONE-CAME-01")
    history.write(
        outlet,
        UNFAIR_AITO
        + fair("LUXEED", 40)
        + [
            Visit("STELATO", local(ZONE, "2026-10-15", 19), status="cancelled", wait=None),
            Visit("MAEXTRO", local(ZONE, "2026-10-25", 19), status="confirmed", wait=None),
        ],
    )

    mine = as_("aito_admin").get(URL, PERIOD).json()
    everything = as_("alliance_admin").get(URL, PERIOD).json()

    (comparison,) = mine["outlets"][0]["comparisons"]
    others = comparison["others"]
    assert comparison["others_withheld"] is True
    assert comparison["other_brands"] == 3
    assert (others["bookings"], others["cancelled"]) == (42, 1)
    assert others["cancellation_rate"] == 0.0238  # 1 / 42
    withheld = {key for key, value in others.items() if value is None}
    assert withheld >= {
        "due", "completed", "completion_rate", "no_show", "no_show_rate", "started", "on_time",
        "on_time_rate", "wait_median_minutes", "wait_p90_minutes", "timed",
        "labour_ratio_median", "checklist_items", "checklist_completion_rate", "rated",
        "rating_mean", "response_rate", "visits", "extra_offered_rate",
    }  # fmt: skip
    assert mine["flags"] == []  # a flag would show LUXEED's own figure
    assert mine["tests"] == 0  # nor is any tested: the family is what the view shows
    assert "LUXEED" not in json.dumps(mine)
    # The alliance admin sees every brand's figures, pooled or not, as before.
    (alliance_aito,) = (c for c in everything["outlets"][0]["comparisons"] if c["brand"] == "AITO")
    assert alliance_aito["others_withheld"] is False
    assert alliance_aito["others"]["started"] == 40
    assert alliance_aito["others"]["wait_median_minutes"] == 4.5
    assert {f["metric"] for f in everything["flags"] if f["brand"] == "AITO"} >= {"on_time_rate"}


def test_filters_narrow_the_outlets(unequal, even, as_):
    body = as_("alliance_admin").get(URL, {**PERIOD, "outlet": "SH-EVEN-01"}).json()
    assert [o["outlet"] for o in body["outlets"]] == ["SH-EVEN-01"]
    assert len(body["outlets"][0]["comparisons"]) == 3
    assert body["flags"] == []  # every brand served alike: no brand against the rest


def test_the_alliance_pools_the_others_as_a_brand_admins_view_does(unequal, as_):
    # A brand admin's view has the others' values pooled by the statement; the alliance's, which
    # compares every brand, pools them from each brand's own side. The figures, medians and
    # flags of AITO's comparison are the same either way (both views run the same four tests
    # here: only AITO has 20 a side).
    mine = as_("aito_admin").get(URL, PERIOD).json()
    everything = as_("alliance_admin").get(URL, PERIOD).json()

    (aito,) = mine["outlets"][0]["comparisons"]
    (alliance_aito,) = (c for c in everything["outlets"][0]["comparisons"] if c["brand"] == "AITO")
    assert alliance_aito["others"] == aito["others"]
    assert alliance_aito["figures"] == aito["figures"]
    # 40 waits of the others: 0 … 8 four times each, then 20 four times; the 20th and 21st are
    # 4 and 5.
    assert aito["others"]["wait_median_minutes"] == 4.5
    assert aito["figures"]["wait_median_minutes"] == 34.5  # 10 of 5, then 30 … 49
    assert [f for f in everything["flags"] if f["brand"] == "AITO"] == mine["flags"]
