"""The dashboard's crews page through Django's test client: a brand admin sees, per outlet of
their brand, the certificates lapsing within 30 days and the days without a qualified crew, in
English and Chinese, the API's facts; others get 404, bad dates become messages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from accounts.tests.factories import AdminFactory, UserFactory
from audit.tests.crew_factories import FAR, battery_service, general_service, technician
from outlets.tests.factories import OutletFactory, OutletMembershipFactory
from vehicles.tests.factories import BrandMembershipFactory, brand

pytestmark = pytest.mark.django_db

URL = "/dashboard/crews/"
WEEK = {"date_from": "2026-10-21", "date_to": "2026-10-27"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-10-20T12:00:00+08:00", tick=False):
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
def crews(db):
    """SH-CREW-01 (AITO) plans crews: its guardian is away on the 22nd and 23rd; its lead's HV
    certificate lapses on the 30th."""
    outlet = OutletFactory(
        code="SH-CREW-01",
        name="Pudong Crew Centre",
        name_zh="浦东班组中心",
        plans_crews=True,
        brands=[brand("AITO")],
        services=[general_service(), battery_service()],
    )
    battery = outlet.services.get(code="crew-battery")
    battery.name_zh = "电池检修"
    battery.save(update_fields=["name_zh"])
    technician(
        outlet,
        name="Lead",
        skills=("general", "ev_battery"),
        hv=2,
        hv_until=dt.date(2026, 10, 30),
    )
    technician(outlet, name="Guard", hv=2, hv_until=FAR, away=[("2026-10-22", "2026-10-23")])
    return outlet


def page(user, params=None):
    client = Client()
    client.force_login(user)
    return client.get(URL, params or {})


def rows(html: str, table: str) -> list[str]:
    body = re.search(rf'<table class="dash-table" id="{table}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body, table
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
    ]


def test_a_brand_admin_sees_lapsing_certificates_and_crewless_days(people, crews):
    response = page(people["aito_admin"], WEEK)
    assert response.status_code == 200
    html = response.content.decode()

    assert "Certificates lapsing within 30 days" in html
    assert rows(html, "lapsing-table") == [
        "Pudong Crew Centre SH-CREW-01 Lead High-voltage certificate (level 2) 30 Oct 2026 10"
    ]
    assert rows(html, "crewless-table") == [
        "Pudong Crew Centre SH-CREW-01 22 Oct 2026 Crew Battery",
        "Pudong Crew Centre SH-CREW-01 23 Oct 2026 Crew Battery",
    ]
    # the download is the API's CSV for the same brand and days
    assert "/api/v1/audit/crews/?brand=AITO&amp;date_from=2026-10-21&amp;date_to=2026-10-27" in html
    assert 'aria-current="page">Crews</a>' in html


def test_the_page_shows_the_api_s_facts(people, crews):
    user = people["aito_admin"]
    client = APIClient()
    client.force_authenticate(user)
    body = client.get("/api/v1/audit/crews/", WEEK).json()
    html = page(user, WEEK).content.decode()

    outlet = next(o for o in body["outlets"] if o["outlet"] == "SH-CREW-01")
    assert len(rows(html, "lapsing-table")) == len(outlet["lapsing"]) == 1
    days = [d["date"] for d in outlet["days_without_crew"]]
    assert re.findall(r'data-day="([\d-]+)"', html) == days == ["2026-10-22", "2026-10-23"]


def test_the_page_reads_in_chinese(people, crews):
    user = people["aito_admin"]
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    html = page(user, WEEK).content.decode()

    assert "30 天内到期的证书" in html
    assert "没有合格班组的日子" in html
    assert "高压作业证书（2 级）" in html
    (lapse,) = rows(html, "lapsing-table")
    assert lapse.startswith("浦东班组中心 SH-CREW-01 Lead")
    assert all("电池检修" in row for row in rows(html, "crewless-table"))


def test_the_default_days_are_the_30_ahead(people, crews):
    html = page(people["aito_admin"]).content.decode()
    assert 'value="2026-10-20"' in html
    assert 'value="2026-11-18"' in html
    # the guardian's two days away, then every day after the lead's certificate lapses
    days = re.findall(r'data-day="([\d-]+)"', html)
    assert days[:3] == ["2026-10-22", "2026-10-23", "2026-10-31"]
    assert days[-1] == "2026-11-18"
    assert len(days) == 2 + 19


@pytest.mark.parametrize(
    ("who", "params"), [("owner", {}), ("staff", {}), ("luxeed_admin", {"brand": "AITO"})]
)
def test_others_get_404(people, crews, who, params):
    assert page(people[who], params).status_code == 404


def test_the_alliance_admin_chooses_a_brand(people, crews):
    admin = people["alliance_admin"]
    html = page(admin).content.decode()
    assert "Choose a brand." in html
    assert 'id="lapsing-table"' not in html
    html = page(admin, {**WEEK, "brand": "AITO"}).content.decode()
    assert len(rows(html, "crewless-table")) == 2


def test_a_period_too_long_is_a_message_next_to_its_field(people, crews):
    response = page(people["aito_admin"], {"date_from": "2026-10-21", "date_to": "2027-12-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "A period covers at most 366 days." in html
    assert 'id="lapsing-table"' not in html


def test_a_brand_admin_with_no_lapsing_certificates_is_told_so(people, crews):
    html = page(people["luxeed_admin"], WEEK).content.decode()
    assert rows(html, "lapsing-table") == ["No certificate lapses within this time."]
    assert rows(html, "crewless-table") == [
        "Every open day had a qualified crew for every service."
    ]
