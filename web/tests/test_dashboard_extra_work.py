"""The dashboard shows the extra-work figures and the extra-work equity row the audit API
computes, in English and in Chinese."""

from __future__ import annotations

import itertools
import re

import pytest
import time_machine

from audit.tests.extra_work import Line, send
from audit.tests.factories import History, Visit, local
from outlets.tests.factories import OutletFactory
from vehicles.tests.factories import BrandMembershipFactory, brand

from .test_dashboard_pages import OCTOBER, cell, page_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _november():
    with time_machine.travel("2026-11-05T12:00:00+08:00", tick=False):
        yield


@pytest.fixture
def upsell(db):
    """AITO: 12 of 30 visits offered extra work, the first approved after 20 min (250.00);
    LUXEED and STELATO: 1 of 25 each, declined."""
    history = History()
    outlet = OutletFactory(code="SZ-UPSELL-01", name="Upsell Centre", name_zh="推荐测试中心")
    slots = (
        local("Asia/Shanghai", f"2026-10-{day:02d}", hour)
        for day, hour in itertools.product(range(1, 20), range(8, 18))
    )
    for code, count, offered in [("AITO", 30, 12), ("LUXEED", 25, 1), ("STELATO", 25, 1)]:
        bookings = history.write(outlet, [Visit(code, next(slots)) for _ in range(count)])
        for n, booking in enumerate(bookings[:offered]):
            line = (
                Line("approved", "250.00", 20)
                if (code, n) == ("AITO", 0)
                else Line("declined", answered_after=15)
            )
            send(booking, booking.start, [line])
    return outlet


@pytest.fixture
def aito_admin(db):
    return BrandMembershipFactory(brand=brand("AITO")).user


def test_the_outlet_table_shows_the_extra_work_figures(upsell, aito_admin):
    html = page_client(aito_admin).get("/dashboard/", OCTOBER).content.decode()
    # The second table of the page: extra work and prices, apart from the service figures.
    extra_table = html.split('id="extra-table"', 1)[1]
    figures = {
        key: cell(extra_table, "SZ-UPSELL-01", key)
        for key in [
            "visits",
            "extra_offers_per_visit",
            "extra_acceptance_rate",
            "extra_approval_median_minutes",
            "extra_value_per_visit",
            "charged_to_standard_ratio",
        ]
    }
    assert figures == {
        "visits": "30",
        "extra_offers_per_visit": "0.40",  # 12 / 30
        "extra_acceptance_rate": "8.3%",  # 1 / 12
        "extra_approval_median_minutes": "20.0 min",
        "extra_value_per_visit": "8.33",  # 250 / 30
        "charged_to_standard_ratio": "1.00×",  # the catalog price, as booked
    }
    assert "Extra work offered per visit" in html


@pytest.mark.parametrize(
    ("language", "heading", "sentence"),
    [
        (
            "en",
            "Visits offered extra work",
            "At Upsell Centre, extra work was offered at 40% of AITO owners&#x27; visits "
            "against 4% of the other brands&#x27; owners&#x27; visits (n = 30 vs 50;",
        ),
        (
            "zh-hans",
            "被推荐追加项目的到店比例",
            "在推荐测试中心，问界车主到店时被推荐追加项目的比例为 40%，其他品牌车主为 4%"
            "（n = 30 对 50；",
        ),
    ],
)
def test_the_equity_page_flags_extra_work_offered(upsell, aito_admin, language, heading, sentence):
    aito_admin.language = language
    aito_admin.save(update_fields=["language"])
    html = page_client(aito_admin).get("/dashboard/equity/", OCTOBER).content.decode()
    assert heading in html
    own = re.search(r'data-brand="AITO" data-side="brand">(.*?)</tr>', html, re.S)
    assert own
    assert re.search(r'data-key="extra_offered_rate">40\.0% <span class="flag-mark">', own[1])
    flag = re.search(r'<li class="dash-flag"[^>]*data-metric="extra_offered_rate">(.*?)</li>', html)
    assert flag
    assert sentence in flag[1]


def test_the_visits_offered_extra_work_are_listed_behind_the_figure(upsell, aito_admin):
    html = (
        page_client(aito_admin)
        .get("/dashboard/outlets/SZ-UPSELL-01/bookings/", {**OCTOBER, "metric": "extra_offered"})
        .content.decode()
    )
    assert "Visits with extra work sent to the owner" in html
    assert "12 bookings" in html
