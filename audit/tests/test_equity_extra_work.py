"""Equity on extra work: an outlet that offers AITO owners clearly more extra work than the other
brands' owners is flagged for AITO, under the view's family-wise rule; an even outlet, a small
one and an outlet offering none are not."""

import itertools

import pytest
from scipy import stats

from outlets.tests.factories import OutletFactory

from .extra_work import Line, send
from .factories import Visit, local

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

PERIOD = {"date_from": "2026-10-01", "date_to": "2026-10-31"}
URL = "/api/v1/audit/equity/"
SH = "Asia/Shanghai"


def write(history, code: str, plan: dict[str, tuple[int, int]]):
    """At a new outlet, per brand (visits, of which offered extra work): completed October
    visits started on time and unrated, so that only extra work can differ."""
    outlet = OutletFactory(code=code, name=code.title())
    slots = (
        local(SH, f"2026-10-{day:02d}", hour)
        for day, hour in itertools.product(range(1, 20), range(8, 18))
    )
    for brand_code, (count, offered) in plan.items():
        bookings = history.write(outlet, [Visit(brand_code, next(slots)) for _ in range(count)])
        for booking in bookings[:offered]:
            send(booking, booking.start, [Line("declined", answered_after=15)])
    return outlet


def _flags(body):
    return {(f["outlet"], f["brand"], f["metric"]): f for f in body["flags"]}


def test_aito_owners_offered_clearly_more_are_flagged(history, as_):
    # AITO: 12 of 30 visits offered extra work (40%); LUXEED 1 of 25, STELATO 1 of 25 (4%).
    write(history, "SZ-UPSELL-01", {"AITO": (30, 12), "LUXEED": (25, 1), "STELATO": (25, 1)})
    body = as_("alliance_admin").get(URL, PERIOD).json()

    # Per brand: on-time rate, median wait, completion rate and extra work offered (no ratings
    # were given, so no rating test): 4 tests × 3 brands.
    assert body["tests"] == 12
    flags = _flags(body)
    assert set(flags) == {("SZ-UPSELL-01", "AITO", "extra_offered_rate")}
    flag = flags[("SZ-UPSELL-01", "AITO", "extra_offered_rate")]
    assert (flag["figure"], flag["others_figure"]) == (0.4, 0.04)
    assert (flag["n"], flag["n_others"]) == (30, 50)
    assert flag["margin"] == 0.1
    assert flag["test"] == "fisher_exact"
    p_raw = stats.fisher_exact([[12, 18], [2, 48]], alternative="greater").pvalue
    assert flag["p_raw"] == float(f"{p_raw:.4g}")
    # Holm: the smallest of 12 p-values (the others are 1 or near it) times 12
    assert flag["p_value"] == float(f"{min(1.0, p_raw * 12):.4g}")
    assert flag["sentence"].startswith(
        "At Sz-Upsell-01, extra work was offered at 40% of AITO owners' visits against 4% "
        "of the other brands' owners' visits (n = 30 vs 50; one-sided Fisher's exact test, "
        "p (adjusted) "
    )
    # The brand admin's view of the same outlet: their brand's 4 tests, the same flag.
    aito = as_("aito_admin").get(URL, PERIOD).json()
    assert aito["tests"] == 4
    assert set(_flags(aito)) == {("SZ-UPSELL-01", "AITO", "extra_offered_rate")}


def test_an_even_outlet_is_tested_and_not_flagged(history, as_):
    # 20%, 16%, 20%: within the margin, and no evidence
    write(history, "SH-EVEN-01", {"AITO": (30, 6), "LUXEED": (25, 4), "STELATO": (25, 5)})
    body = as_("alliance_admin").get(URL, PERIOD).json()
    assert body["tests"] == 12
    assert body["flags"] == []


def test_too_few_visits_are_shown_but_not_tested(history, as_):
    # AITO offered extra work at every one of its 15 visits, but 15 < 20
    write(history, "BJ-SMALL-01", {"AITO": (15, 15), "LUXEED": (25, 1), "STELATO": (25, 0)})
    body = as_("aito_admin").get(URL, PERIOD).json()
    (comparison,) = body["outlets"][0]["comparisons"]
    assert comparison["figures"]["extra_offered_rate"] == 1.0
    assert comparison["others"]["extra_offered_rate"] == 0.02
    assert body["tests"] == 0  # 15 started, 15 due, 15 visits: nothing reaches 20
    assert body["flags"] == []


def test_an_outlet_offering_no_extra_work_runs_no_extra_work_test(history, as_):
    # Fisher's p is 1 whatever happens with no offer on either side: not in the family
    write(history, "HZ-NONE-01", {"AITO": (30, 0), "LUXEED": (25, 0), "STELATO": (25, 0)})
    body = as_("alliance_admin").get(URL, PERIOD).json()
    assert body["tests"] == 9  # on-time, wait and completion for each of the three brands
    assert body["flags"] == []
