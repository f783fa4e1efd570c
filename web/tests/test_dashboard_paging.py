"""At the alliance's size a brand has a thousand outlets: the overview's and the equity page's
tables, and their charts per outlet, show a page of outlets at a time, while the flags, the
network total and the CSV still cover every outlet."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import Client

from accounts.tests.factories import AdminFactory
from audit.tests.factories import History, Visit, local
from audit.tests.test_equity import UNFAIR_AITO, fair
from outlets.tests.factories import OutletFactory
from vehicles.tests.factories import BrandMembershipFactory, brand
from web.dashboard.views.overview import OUTLETS_PER_PAGE

pytestmark = pytest.mark.django_db

OCTOBER = {"period": "custom", "date_from": "2026-10-01", "date_to": "2026-10-31"}
OUTLETS = OUTLETS_PER_PAGE + 5


@pytest.fixture(autouse=True)
def _november():
    with time_machine.travel("2026-11-05T12:00:00+08:00", tick=False):
        yield


@pytest.fixture
def network(db):
    """OUTLETS outlets serving every brand alike (OUT-000 …), the n-th with n + 1 AITO bookings,
    and SZ-UNEQUAL-01, which serves AITO owners worse and comes last in code order
    (audit/tests/test_equity.py)."""
    history = History()
    for n in range(OUTLETS):
        history.write(
            OutletFactory(code=f"OUT-{n:03d}"),
            [
                Visit(b, local("Asia/Shanghai", f"2026-10-{day:02d}", 10), wait=day, rating=4)
                for b, days in [("AITO", n + 1), ("LUXEED", 3)]
                for day in range(1, min(days, 31) + 1)
            ],
        )
    history.write(
        OutletFactory(code="SZ-UNEQUAL-01"),
        UNFAIR_AITO + fair("LUXEED", 15) + fair("STELATO", 15, 15) + fair("MAEXTRO", 10, 30),
    )
    return history


@pytest.fixture
def aito_admin(db) -> Client:
    client = Client()
    client.force_login(BrandMembershipFactory(brand=brand("AITO")).user)
    return client


def table_outlets(html: str, table_id: str) -> list[str]:
    """The outlet of each row of one table, in order (the network total has none)."""
    table = re.search(rf'id="{table_id}".*?</table>', html, re.S)
    assert table, table_id
    return [code for code in re.findall(r'<tr data-outlet="([^"]*)"', table.group(0)) if code]


def pager_links(html: str) -> dict[str, str]:
    """The pager's links by their rel (prev, next), unescaped."""
    nav = re.search(r'<nav aria-label="Pages".*?</nav>', html, re.S)
    if nav is None:
        return {}
    return {
        rel: href.replace("&amp;", "&")
        for href, rel in re.findall(r'href="([^"]*)" rel="(prev|next)"', nav.group(0))
    }


def test_the_overview_walks_every_outlet_a_page_at_a_time(aito_admin, network):
    first = aito_admin.get("/dashboard/", OCTOBER).content.decode()
    on_first = table_outlets(first, "outlet-table")
    assert len(on_first) == OUTLETS_PER_PAGE
    assert table_outlets(first, "extra-table") == on_first
    assert f"Outlets 1–{OUTLETS_PER_PAGE} of {OUTLETS + 1}" in first
    links = pager_links(first)
    assert set(links) == {"next"}
    second = aito_admin.get(f"/dashboard/{links['next']}").content.decode()
    on_second = table_outlets(second, "outlet-table")
    assert f"Outlets {OUTLETS_PER_PAGE + 1}–{OUTLETS + 1} of {OUTLETS + 1}" in second
    assert set(pager_links(second)) == {"prev"}
    # every outlet once, the network total the same on both pages
    assert sorted(on_first + on_second) == sorted(
        [f"OUT-{n:03d}" for n in range(OUTLETS)] + ["SZ-UNEQUAL-01"]
    )
    total = re.compile(r'<tr data-outlet="" class="dash-total">(.*?)</tr>', re.S)
    assert total.search(first).group(1) == total.search(second).group(1)
    # the flags cover every outlet: the unequal outlet is flagged on the first page too
    assert "SZ-UNEQUAL-01" not in on_first
    assert 'data-outlet="SZ-UNEQUAL-01" data-brand="AITO"' in first


def test_the_overview_charts_the_outlets_of_its_page(aito_admin, network):
    html = aito_admin.get("/dashboard/", {**OCTOBER, "sort": "-bookings"}).content.decode()
    on_page = table_outlets(html, "outlet-table")
    # the most bookings first
    assert on_page[:3] == ["OUT-029", "SZ-UNEQUAL-01", "OUT-028"]  # 30, 30, 29 AITO bookings
    waits = re.search(r'aria-label="Waits per outlet, the table".*?</table>', html, re.S).group(0)
    assert re.findall(r'<th scope="row">([^<]*)</th>', waits) == on_page
    satisfaction = re.search(r"Satisfaction per outlet.*?</table>", html, re.S).group(0)
    assert re.findall(r'<th scope="row">([^<]*)</th>', satisfaction) == on_page


def test_the_pager_keeps_the_sort_and_a_new_sort_starts_at_the_first_page(aito_admin, network):
    html = aito_admin.get("/dashboard/", {**OCTOBER, "sort": "-bookings"}).content.decode()
    next_page = pager_links(html)["next"]
    assert "sort=-bookings" in next_page
    second = aito_admin.get(f"/dashboard/{next_page}").content.decode()
    # the fewest bookings last: OUT-000 with its single AITO booking
    assert table_outlets(second, "outlet-table")[-1] == "OUT-000"
    head = re.search(r'id="outlet-table".*?</thead>', second, re.S).group(0)
    sort_links = re.findall(r'href="\?([^"]*sort=[^"]*)"', head)
    assert sort_links
    assert not any("page=" in link for link in sort_links)


def test_the_equity_page_shows_a_page_of_outlets_and_every_flag(aito_admin, network):
    first = aito_admin.get("/dashboard/equity/", OCTOBER).content.decode()
    rows = re.findall(
        r'<tr class="[^"]*" data-outlet="([^"]*)" data-brand="AITO" data-side="brand"', first
    )
    assert rows == [f"OUT-{n:03d}" for n in range(OUTLETS_PER_PAGE)]
    chart = re.search(r'id="chart-equity".*?</svg>', first, re.S).group(0)
    assert "OUT-000 · AITO" in chart
    assert "SZ-UNEQUAL-01" not in chart
    assert f"OUT-{OUTLETS_PER_PAGE:03d}" not in chart
    # the flag of an outlet on the last page is listed on the first
    assert '<li class="dash-flag" data-outlet="SZ-UNEQUAL-01" data-brand="AITO"' in first
    last = aito_admin.get("/dashboard/equity/", {**OCTOBER, "page": "2"}).content.decode()
    assert 'data-outlet="SZ-UNEQUAL-01" data-brand="AITO" data-side="brand"' in last
    assert "dash-flagged-row" in last


@pytest.mark.parametrize(("asked", "shown"), [("99", 2), ("0", 2), ("x", 1), ("", 1)])
def test_a_page_out_of_range_or_not_a_number_shows_the_nearest(aito_admin, network, asked, shown):
    for url in ["/dashboard/", "/dashboard/equity/"]:
        response = aito_admin.get(url, {**OCTOBER, "page": asked})
        assert response.status_code == 200
        assert f"Page {shown} of 2" in response.content.decode()


def test_the_alliance_admin_pages_every_brands_comparisons_by_outlet(network):
    client = Client()
    client.force_login(AdminFactory())
    html = client.get("/dashboard/equity/", OCTOBER).content.decode()
    outlets = set(re.findall(r'data-outlet="([^"]*)" data-brand="[A-Z]+" data-side="brand"', html))
    assert outlets == {f"OUT-{n:03d}" for n in range(OUTLETS_PER_PAGE)}
    # both brands at each outlet of the page
    assert html.count('data-brand="LUXEED" data-side="brand"') == OUTLETS_PER_PAGE
