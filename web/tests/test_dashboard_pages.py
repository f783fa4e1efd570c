"""The audit dashboard's pages through Django's test client: who may see them, that they show
the audit API's own numbers, that bad filters become messages next to their fields (never a
500), that they cost the same queries for 1 outlet or 30, and that the opening view the beat
keeps is the same page, saying when it was figured."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, AdminFactory, UserFactory
from audit.kept import keep_opening_views
from audit.tests.factories import History, Visit, local
from audit.tests.test_equity import UNFAIR_AITO, fair
from outlets.tests.factories import OutletFactory, OutletMembershipFactory
from recalls.tests.factories import RecallCampaignFactory, recall_service
from vehicles.tests.factories import BrandMembershipFactory, brand
from web.dashboard.audit_tables import parse_sort, sorted_rows
from web.dashboard.forms import Preset, preset_period

pytestmark = pytest.mark.django_db

OCTOBER = {"period": "custom", "date_from": "2026-10-01", "date_to": "2026-10-31"}
API_OCTOBER = {"date_from": "2026-10-01", "date_to": "2026-10-31"}
PAGES = ["/dashboard/", "/dashboard/equity/", "/dashboard/outlets/SZ-UNEQUAL-01/bookings/"]


@pytest.fixture(autouse=True)
def _october():
    with time_machine.travel("2026-11-05T12:00:00+08:00", tick=False):
        yield


@pytest.fixture
def people(db):
    return {
        "owner": UserFactory(),
        "staff": OutletMembershipFactory(outlet=OutletFactory(code="SH-STAFFED-01")).user,
        "aito_admin": BrandMembershipFactory(brand=brand("AITO")).user,
        "luxeed_admin": BrandMembershipFactory(brand=brand("LUXEED")).user,
        "alliance_admin": AdminFactory(),
    }


@pytest.fixture
def unequal(db):
    """SZ-UNEQUAL-01 serves AITO owners worse (audit/tests/test_equity.py's outlet); an even
    outlet beside it."""
    history = History()
    outlet = OutletFactory(
        code="SZ-UNEQUAL-01",
        name="Nanshan Test Centre",
        name_zh="南山测试中心",
        city="Shenzhen",
        city_zh="深圳",
    )
    history.write(
        outlet,
        UNFAIR_AITO + fair("LUXEED", 15) + fair("STELATO", 15, 15) + fair("MAEXTRO", 10, 30),
    )
    even = OutletFactory(code="SH-EVEN-01", city="Shanghai")
    history.write(even, fair("AITO", 40) + fair("LUXEED", 40) + fair("STELATO", 40))
    return history


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def row_html(html: str, outlet: str) -> str:
    row = re.search(rf'<tr data-outlet="{outlet}"[^>]*>(.*?)</tr>', html, re.S)
    assert row, outlet
    return row.group(1)


def cell(html: str, outlet: str, key: str) -> str:
    """The text of one figure's cell in the outlet table (plain text: figures are no links)."""
    found = re.search(rf'data-key="{key}">([^<]*)</td>', row_html(html, outlet))
    assert found, key
    return found.group(1).strip()


# --- who may see the dashboard ---


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("who", ["owner", "staff"])
def test_owners_and_staff_find_no_dashboard(people, unequal, url, who):
    assert page_client(people[who]).get(url, OCTOBER).status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(db, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


@pytest.mark.parametrize("url", PAGES)
def test_another_brand_named_by_a_brand_admin_is_not_found(people, unequal, url):
    client = page_client(people["aito_admin"])
    assert client.get(url, OCTOBER).status_code == 200
    assert client.get(url, {**OCTOBER, "brand": "LUXEED"}).status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_the_alliance_admin_switches_between_brands(people, unequal, url):
    client = page_client(people["alliance_admin"])
    for brand_code in ["", "AITO", "LUXEED"]:
        response = client.get(url, {**OCTOBER, "brand": brand_code})
        assert response.status_code == 200
    assert b'<select name="brand"' in response.content


def test_an_unknown_outlet_in_the_path_is_not_found(people, unequal):
    client = page_client(people["aito_admin"])
    assert client.get("/dashboard/outlets/NOWHERE-01/bookings/", OCTOBER).status_code == 404
    # …and those who may not audit learn nothing about outlets either
    assert (
        page_client(people["owner"]).get("/dashboard/outlets/NOWHERE-01/bookings/").status_code
        == 404
    )


def test_a_brand_admin_never_sees_another_brands_own_figures(people, unequal):
    client = page_client(people["aito_admin"])
    for url in ["/dashboard/", "/dashboard/equity/"]:
        html = client.get(url, OCTOBER).content.decode()
        for code in ["LUXEED", "STELATO", "MAEXTRO", "SHANGJIE"]:
            assert code not in html, (url, code)
    # the equity page compares AITO with the others pooled, and flags the unequal outlet
    html = client.get("/dashboard/equity/", OCTOBER).content.decode()
    assert 'data-brand="AITO" data-side="others"' in html
    assert "At Nanshan Test Centre, AITO owners&#x27; on-time start rate is 33% against 90%" in html


@pytest.mark.parametrize(
    ("language", "adjusted", "family"),
    [
        ("en", "p (adjusted) &lt; 0.001).", "adjusted for the 8 tests this view runs"),
        ("zh-hans", "p（校正后）&lt; 0.001）。", "全部 8 项检验以 Holm 法校正"),
    ],
)
def test_a_flag_gives_its_p_value_adjusted_for_the_views_tests(
    people, unequal, language, adjusted, family
):
    user = people["aito_admin"]
    user.language = language
    user.save(update_fields=["language"])
    # AITO's four figures at each of two outlets: the family of 8 the API reports too.
    assert api(user).get("/api/v1/audit/equity/", API_OCTOBER).json()["tests"] == 8
    for url in ["/dashboard/", "/dashboard/equity/"]:
        html = page_client(user).get(url, OCTOBER).content.decode()
        flag = re.search(r'<li class="dash-flag"[^>]*data-metric="on_time_rate">(.*?)</li>', html)
        assert flag, url
        assert flag.group(1).endswith(adjusted), url
        assert not re.search(r"\de-\d", flag.group(1)), url  # no e-notation
        assert family in html, url


# --- the numbers are the audit API's ---


def test_the_outlet_table_shows_the_apis_figures(people, unequal):
    user = people["aito_admin"]
    body = api(user).get("/api/v1/audit/outlets/", API_OCTOBER).json()
    html = page_client(user).get("/dashboard/", OCTOBER).content.decode()

    unequal_row = next(r for r in body["rows"] if r["outlet"] == "SZ-UNEQUAL-01")
    assert cell(html, "SZ-UNEQUAL-01", "bookings") == str(unequal_row["bookings"]) == "30"
    assert cell(html, "SZ-UNEQUAL-01", "on_time_rate") == "33.3%"  # 10 / 30
    assert unequal_row["on_time_rate"] == 0.3333
    assert cell(html, "SZ-UNEQUAL-01", "rating_mean") == "3.00"
    assert cell(html, "", "bookings") == str(body["total"]["bookings"]) == "70"
    # the flag is on the page, in its sentence, naming the outlet by its name
    assert "⚑" in html
    assert "At Nanshan Test Centre, AITO owners&#x27; median wait" in html


def test_a_flag_names_the_outlet_and_the_brand_in_chinese(people, unequal):
    user = people["aito_admin"]
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    for url in ["/dashboard/", "/dashboard/equity/"]:
        html = page_client(user).get(url, OCTOBER).content.decode()
        flags = re.findall(r'<li class="dash-flag"[^>]*>(.*?)</li>', html, re.S)
        assert flags, url
        for flag in flags:
            assert "在南山测试中心，问界车主" in flag, url
            assert "SZ-UNEQUAL-01" not in flag, url
            assert "AITO" not in flag, url
    # the table names the outlet and its city in Chinese too
    row = row_html(page_client(user).get("/dashboard/", OCTOBER).content.decode(), "SZ-UNEQUAL-01")
    assert "南山测试中心" in row
    assert "<td>深圳</td>" in row


@pytest.mark.parametrize("url", ["/dashboard/", "/dashboard/crews/", "/dashboard/recalls/new/"])
def test_the_brand_choices_name_the_brands_in_the_reader_s_language(people, url):
    user = people["alliance_admin"]
    user.language = "zh-hans"
    user.save(update_fields=["language"])

    html = page_client(user).get(url).content.decode()

    assert '<option value="LUXEED">智界</option>' in html
    assert ">Luxeed<" not in html


def test_a_new_campaign_names_the_models_as_a_chinese_page_does(people):
    user = people["luxeed_admin"]
    user.language = "zh-hans"
    user.save(update_fields=["language"])

    html = page_client(user).get("/dashboard/recalls/new/").content.decode()

    assert "智界 S7" in html
    assert "Luxeed 智界" not in html


def test_one_link_per_outlet_to_the_bookings_behind_its_figures(people, unequal):
    client = page_client(people["aito_admin"])
    html = client.get("/dashboard/", OCTOBER).content.decode()
    row = row_html(html, "SZ-UNEQUAL-01")
    # the figures are text; the outlet's name is the row's one link
    links = re.findall(r'<a href="([^"]*)"', row)
    assert len(links) == 1
    assert links[0].startswith("/dashboard/outlets/SZ-UNEQUAL-01/bookings/?")
    assert ">Nanshan Test Centre</a>" in row
    behind = client.get(links[0].replace("&amp;", "&"))
    assert behind.status_code == 200
    assert "70 bookings" not in behind.content.decode()  # this outlet's, not the network's
    assert "30 bookings" in behind.content.decode()
    # there, the figure chosen narrows them to the late starts: 20, 25 a page, one page
    query = dict(re.findall(r"([a-z_]+)=([^&]*)", links[0].split("?", 1)[1].replace("&amp;", "&")))
    late = client.get(links[0].split("?")[0], {**query, "metric": "late_start"}).content.decode()
    assert "20 bookings" in late
    assert late.count('<th scope="row">HS-A') == 20


def test_the_bookings_list_is_paginated(people, unequal):
    client = page_client(people["aito_admin"])
    url = "/dashboard/outlets/SH-EVEN-01/bookings/"
    first = client.get(url, {**OCTOBER, "metric": "all"}).content.decode()
    assert "40 bookings" in first
    assert first.count('<th scope="row">HS-A') == 25
    assert "Page 1 of 2" in first
    second = client.get(url, {**OCTOBER, "metric": "all", "page": "2"}).content.decode()
    assert second.count('<th scope="row">HS-A') == 15
    # a page past the end or not a number shows a page, never an error
    assert client.get(url, {**OCTOBER, "page": "99"}).status_code == 200
    assert client.get(url, {**OCTOBER, "page": "x"}).status_code == 200


def test_the_csv_buttons_name_the_apis_csv_for_the_same_filters(people, unequal):
    client = page_client(people["aito_admin"])
    html = client.get("/dashboard/", {**OCTOBER, "city": "Shenzhen"}).content.decode()
    href = re.search(r'href="(/api/v1/audit/outlets/\?[^"]*)" download', html).group(1)
    href = href.replace("&amp;", "&")
    for part in ["format=csv", "city=Shenzhen", "date_from=2026-10-01"]:
        assert part in href
    response = client.get(href)  # the session signs the API in too
    assert response["Content-Type"].startswith("text/csv")
    assert "SZ-UNEQUAL-01" in response.content.decode("utf-8-sig")


def test_the_table_sorts_on_the_server(people, unequal):
    client = page_client(people["aito_admin"])
    worst_first = client.get("/dashboard/", {**OCTOBER, "sort": "on_time_rate"}).content.decode()
    best_first = client.get("/dashboard/", {**OCTOBER, "sort": "-on_time_rate"}).content.decode()

    def order(html):
        return re.findall(r'<tr data-outlet="([A-Z][^"]+)"', html)

    assert order(worst_first)[:2] == ["SZ-UNEQUAL-01", "SH-EVEN-01"]
    assert order(best_first)[:2] == ["SH-EVEN-01", "SZ-UNEQUAL-01"]
    assert 'aria-sort="descending"' in best_first
    # an unknown sort is the default order, not an error
    assert client.get("/dashboard/", {**OCTOBER, "sort": "-password"}).status_code == 200


def test_missing_figures_sort_last_both_ways():
    class Row:
        def __init__(self, outlet, rate):
            self.outlet, self.on_time_rate = outlet, rate

    rows = [Row("A", None), Row("B", 0.5), Row("C", 0.9)]
    for sort, expected in [("on_time_rate", "BCA"), ("-on_time_rate", "CBA")]:
        key, descending = parse_sort(sort)
        assert "".join(r.outlet for r in sorted_rows(rows, key=key, descending=descending)) == (
            expected
        )
    assert parse_sort("-nonsense") == ("outlet", False)


# --- the period picker ---


def test_the_presets_dates():
    today = dt.date(2026, 3, 15)
    assert preset_period(Preset.THIS_MONTH, today=today).date_from == dt.date(2026, 3, 1)
    last_month = preset_period(Preset.LAST_MONTH, today=today)
    assert (last_month.date_from, last_month.date_to) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    quarter = preset_period(Preset.LAST_QUARTER, today=today)
    assert quarter.date_to == dt.date(2026, 3, 14)
    assert (quarter.date_to - quarter.date_from).days + 1 == 90
    january = preset_period(Preset.LAST_MONTH, today=dt.date(2026, 1, 5))
    assert (january.date_from, january.date_to) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert preset_period(Preset.CUSTOM, today=today) is None


def test_a_preset_fills_the_date_fields(people, unequal):
    html = page_client(people["aito_admin"]).get("/dashboard/", {"period": "last_month"}).content
    assert b'value="2026-10-01"' in html
    assert b'value="2026-10-31"' in html


def test_a_preset_chosen_over_the_dates_shown_wins(people, unequal):
    # The page showed last quarter's dates; the admin chose "last month" and pressed Show
    # without the script (or with it, before it cleared them): the dates came along unchanged.
    quarter = preset_period(Preset.LAST_QUARTER, today=dt.date(2026, 11, 5))
    shown = f"{quarter.date_from.isoformat()}/{quarter.date_to.isoformat()}"
    query = {
        "period": "last_month",
        "date_from": quarter.date_from.isoformat(),
        "date_to": quarter.date_to.isoformat(),
        "shown": shown,
    }
    html = page_client(people["aito_admin"]).get("/dashboard/", query).content.decode()
    assert '<option value="last_month" selected>' in html
    assert 'value="2026-10-01"' in html
    assert 'value="2026-10-31"' in html
    assert 'name="shown" value="2026-10-01/2026-10-31"' in html
    assert cell(html, "", "bookings") == "70"
    # dates typed over the shown ones still mean custom dates
    typed = {**query, "date_from": "2026-10-10"}
    html = page_client(people["aito_admin"]).get("/dashboard/", typed).content.decode()
    assert '<option value="custom" selected>' in html


def test_typed_dates_mean_custom_dates_without_javascript(people, unequal):
    # the select still says "last quarter", but the dates typed over its own are what counts
    query = {"period": "last_quarter", "date_from": "2026-10-01", "date_to": "2026-10-31"}
    html = page_client(people["aito_admin"]).get("/dashboard/", query).content.decode()
    assert '<option value="custom" selected>' in html
    assert cell(html, "", "bookings") == "70"


# --- bad input: a message next to its field, never a 500 ---


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"period": "custom", "date_from": "2026-10-31", "date_to": "2026-10-01"},
            "date_to",
            "Must not be before date_from.",
        ),
        (
            {"period": "custom", "date_from": "2025-01-01", "date_to": "2026-10-01"},
            "date_to",
            "A period covers at most 366 days.",
        ),
        ({"period": "custom", "date_from": "yesterday"}, "date_from", "Enter a valid date."),
        (
            {"period": "custom", "date_from": "1999-01-01", "date_to": "1999-01-02"},
            "date_from",
            "greater than or equal to",
        ),
        ({"period": "someday"}, "period", "Select a valid choice."),
        ({"outlet": "NOWHERE-01"}, "outlet", "Select a valid choice."),
        ({"city": "Atlantis"}, "city", "Select a valid choice."),
    ],
)
def test_bad_filters_are_explained_next_to_their_field(people, unequal, query, field, message):
    response = page_client(people["aito_admin"]).get("/dashboard/", query)
    assert response.status_code == 200
    html = response.content.decode()
    error = re.search(rf'<small class="field-error" id="id_{field}_error">([^<]*)</small>', html)
    assert error, html[:2000]
    assert message in error.group(1)
    assert 'id="outlet-table"' not in html  # no figures for a period that is not one


def test_an_unknown_metric_is_explained_next_to_its_field(people, unequal):
    response = page_client(people["aito_admin"]).get(
        "/dashboard/outlets/SZ-UNEQUAL-01/bookings/", {**OCTOBER, "metric": "secret"}
    )
    assert response.status_code == 200
    assert 'id="id_metric_error"' in response.content.decode()


def test_a_two_brand_admin_chooses_a_brand(people, unequal):
    user = people["aito_admin"]
    BrandMembershipFactory(user=user, brand=brand("LUXEED"))
    client = page_client(user)
    html = client.get("/dashboard/", OCTOBER).content.decode()
    assert 'id="id_brand_error"' in html  # the scope's own rule: one of your brands
    assert client.get("/dashboard/", {**OCTOBER, "brand": "LUXEED"}).status_code == 200


# --- cost ---


def _network(history: History, first: int, last: int) -> None:
    for n in range(first, last):
        outlet = OutletFactory(code=f"OUT-{n:03d}", city=f"City {n % 3}")
        history.write(
            outlet,
            [
                Visit(b, local("Asia/Shanghai", f"2026-10-{day:02d}", 10), wait=day, rating=4)
                for b in ["AITO", "LUXEED", "STELATO"]
                for day in range(1, 8)
            ],
        )


# Session and user; the auditor's brands (the alliance admin: the brand list instead); the
# cities and outlets of the filters; then one statement per figure set: the outlet figures with
# the equity sides (whose waits the wait chart bands) and the weekly rate (the overview), equity
# alone, or the outlet, the count and the page of the bookings behind a figure.
@pytest.mark.parametrize(
    ("who", "url", "most"),
    [
        ("aito_admin", "/dashboard/", 7),
        ("alliance_admin", "/dashboard/", 7),
        ("aito_admin", "/dashboard/equity/", 6),
        ("aito_admin", "/dashboard/outlets/OUT-000/bookings/", 8),
    ],
)
def test_the_same_queries_for_1_and_30_outlets(
    people, who, url, most, django_assert_max_num_queries
):
    from_django = page_client(people[who])
    history = History()
    _network(history, 0, 1)
    from_django.get("/")  # the header's membership check is cached from here on
    counts = []
    for first, last in [(1, 1), (1, 30)]:
        _network(history, first, last)
        with django_assert_max_num_queries(most) as captured:
            assert from_django.get(url, OCTOBER).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("who", "lands_on"),
    [("aito_admin", "/dashboard/"), ("alliance_admin", "/dashboard/"), ("owner", "/vehicles/")],
)
def test_admins_land_on_the_dashboard_after_signing_in(people, who, lands_on):
    response = Client().post("/sign-in/", {"username": people[who].username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == lands_on


def test_the_charts_numbers_download_as_csv(people, unequal):
    client = page_client(people["aito_admin"])
    html = client.get("/dashboard/", OCTOBER).content.decode()
    href = re.search(r'href="(/dashboard/waits\.csv\?[^"]*)" download', html).group(1)
    waits = client.get(href.replace("&amp;", "&"))
    assert waits["Content-Disposition"] == (
        'attachment; filename="audit-waits_AITO_2026-10-01_2026-10-31.csv"'
    )
    lines = waits.content.decode("utf-8-sig").splitlines()
    assert (
        lines[0]
        == "outlet,outlet_name,started,wait_le_0,wait_le_15,wait_le_30,wait_le_60,wait_gt_60"
    )
    unequal_line = next(line for line in lines if line.startswith("SZ-UNEQUAL-01"))
    # AITO there: 10 waits of 5 min, 20 of 30 … 49 (1 of 30, 19 of 31 … 49)
    assert unequal_line.endswith(",30,0,10,1,19,0")
    weekly = client.get("/dashboard/weekly.csv", OCTOBER).content.decode("utf-8-sig")
    assert weekly.splitlines()[0] == "week,started,on_time,on_time_rate"
    assert client.get("/dashboard/weekly.csv", {**OCTOBER, "brand": "LUXEED"}).status_code == 404
    assert page_client(people["owner"]).get("/dashboard/waits.csv").status_code == 404
    bad = client.get("/dashboard/waits.csv", {"period": "custom", "date_from": "x"})
    assert bad.status_code == 400


# --- recall campaigns ---


@pytest.fixture
def luxeed_campaign(db):
    return RecallCampaignFactory(code="LUX-2026-R01")


@pytest.mark.parametrize(
    "url",
    ["/dashboard/recalls/", "/dashboard/recalls/new/", "/dashboard/recalls/LUX-2026-R01/"],
)
def test_recall_pages_are_for_their_brands_admins(people, luxeed_campaign, url):
    assert page_client(people["luxeed_admin"]).get(url).status_code == 200
    assert page_client(people["alliance_admin"]).get(url).status_code == 200
    for who in ["owner", "staff"]:
        assert page_client(people[who]).get(url).status_code == 404
    if "LUX-" in url:  # another brand's campaign is someone else's: 404
        assert page_client(people["aito_admin"]).get(url).status_code == 404


def test_a_vin_file_with_bad_lines_imports_nothing_and_lists_them(people, luxeed_campaign):
    client = page_client(people["luxeed_admin"])
    upload = SimpleUploadedFile("vins.csv", b"vin\nNOTAVIN\n12345678901234567\n")
    response = client.post("/dashboard/recalls/LUX-2026-R01/vins/", {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    lines = re.search(r'<ol class="bad-lines"[^>]*>(.*?)</ol>', html, re.S).group(1)
    assert lines.count("<li>") == 2
    assert "Line 2 (NOTAVIN)" in lines
    assert "Line 3 (12345678901234567)" in lines
    assert luxeed_campaign.affected_vehicles.count() == 0


def test_a_campaign_is_created_from_the_form(people, db):
    client = page_client(people["luxeed_admin"])
    response = client.post(
        "/dashboard/recalls/new/",
        {
            "brand": "LUXEED",
            "code": "lux-2026-r09",
            "title_zh": "测试",
            "title_en": "Test",
            "description_zh": "测试召回",
            "description_en": "A test recall",
            "service": recall_service().pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/recalls/LUX-2026-R09/"
    assert client.get(response["Location"]).status_code == 200
    # the service's own rule (a unique code) is a message next to the field
    again = client.post(
        "/dashboard/recalls/new/",
        {
            "brand": "LUXEED",
            "code": "LUX-2026-R09",
            "title_zh": "a",
            "title_en": "a",
            "description_zh": "a",
            "description_en": "a",
            "service": recall_service().pk,
        },
    )
    assert again.status_code == 400
    assert 'id="id_code_error"' in again.content.decode()


# --- the opening view, kept (audit.kept): the same page, saying when it was figured ---

KEPT_PAGES = ["/dashboard/", "/dashboard/equity/"]


def kept_a_little_earlier():
    """The beat's refresh, four minutes before the page is asked for."""
    with time_machine.travel("2026-11-05T11:56:00+08:00", tick=False):
        keep_opening_views()


def as_of(html: str) -> str | None:
    found = re.search(r'<p class="zone-note" id="figures-as-of">(.*?)</p>', html, re.S)
    return found.group(1) if found else None


def without_as_of(html: str) -> str:
    # The CSRF token of the page's forms differs per response.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'<p class="zone-note" id="figures-as-of">.*?</p>', "", html, flags=re.S)


@pytest.mark.parametrize("url", KEPT_PAGES)
@pytest.mark.parametrize("who", ["aito_admin", "alliance_admin"])
def test_the_opening_view_is_the_kept_one_and_says_when_it_was_figured(people, unequal, url, who):
    client = page_client(people[who])
    live = client.get(url).content.decode()
    kept_a_little_earlier()
    kept = client.get(url).content.decode()

    assert as_of(live) is None
    assert as_of(kept).startswith("Figures as of 11:56.")
    assert "⚑" in kept  # the unequal outlet's flags, as kept
    assert without_as_of(kept) == without_as_of(live)


@pytest.mark.parametrize("url", KEPT_PAGES)
def test_the_kept_page_speaks_the_readers_language(people, unequal, url):
    user = people["aito_admin"]
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    kept_a_little_earlier()
    html = page_client(user).get(url).content.decode()

    assert as_of(html).startswith("数据截至 11:56。")
    flags = re.findall(r'<li class="dash-flag"[^>]*>(.*?)</li>', html, re.S)
    assert flags
    assert all("在南山测试中心，问界车主" in flag for flag in flags)


@pytest.mark.parametrize("url", KEPT_PAGES)
@pytest.mark.parametrize(
    "query",
    [
        {"city": "Shenzhen"},
        {"period": "this_month"},
        {"period": "custom", "date_from": "2026-10-01", "date_to": "2026-10-31"},
    ],
)
def test_a_filter_or_another_period_is_figured_when_asked(people, unequal, url, query):
    kept_a_little_earlier()
    html = page_client(people["aito_admin"]).get(url, query).content.decode()
    assert 'id="flags-title"' in html  # the figures are there, figured now
    assert as_of(html) is None
