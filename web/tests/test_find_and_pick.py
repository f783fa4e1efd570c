"""Finding an outlet and picking a time, through Django's test client: "sooner nearby" keeps to
a radius the owner can widen and offers only sooner outlets; a closed day stays in the list with
its reason; Continue without a time says so next to the times."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation

from outlets.models import OpeningHours, ServiceType
from outlets.tests.factories import BayFactory, ClosureFactory, OutletFactory
from web.owners.selectors import NEARBY_KM, free_days

pytestmark = pytest.mark.django_db

KM_PER_DEGREE = 111.195  # along a meridian
PICK = "/outlets/SH-WEB-02/book/"


def _north_of(outlet, km: float) -> dict:
    return {
        "latitude": Decimal(str(round(float(outlet.latitude) + km / KM_PER_DEGREE, 6))),
        "longitude": outlet.longitude,
    }


@pytest.fixture
def minhang(shop):
    """The Minhang centre (SH-WEB-02) offers the whole catalog but is closed today (a closure)
    and every Thursday (no hours): its first free time is on Friday. Around it: the Pudong
    centre (about 16 km, free today), a centre 10 km away with nothing sooner than Minhang's,
    and two centres 150 and 394 km away, free today."""
    here = shop.nearby
    here.services.set(ServiceType.objects.filter(is_active=True))
    today = timezone.localdate()
    ClosureFactory(outlet=here, date=today, reason="Staff training", reason_zh="员工培训")
    thursday = 3
    OpeningHours.objects.filter(outlet=here, weekday=thursday).delete()
    later = OutletFactory(
        code="SH-WEB-03", name="Xinzhuang Web Centre", services=shop.services, **_north_of(here, 10)
    )
    BayFactory(outlet=later)
    for n in range(3):  # closed until Friday; from 09:00 then, after Minhang's 08:00
        ClosureFactory(outlet=later, date=today + dt.timedelta(days=n), reason="Works")
    for code, name, km in [
        ("JS-FAR-150", "Suzhou Far Centre", 150),
        ("AH-FAR-394", "Hefei Far Centre", 394),
    ]:
        far = OutletFactory(code=code, name=name, services=shop.services, **_north_of(here, km))
        BayFactory(outlet=far)
    return here


@pytest.fixture
def owner_client(shop) -> Client:
    client = Client()
    client.force_login(shop.owner)
    return client


def _nearby(owner_client, shop, **params) -> list[str]:
    response = owner_client.get(
        PICK, {"vehicle": shop.vehicle.pk, "service": "mnt-annual", **params}
    )
    assert response.status_code == 200
    first = next(s for d in response.context["days"] for s in d.starts)
    assert all(slot.earliest_start < first for slot in response.context["nearby"])
    return [slot.outlet.code for slot in response.context["nearby"]]


def test_sooner_nearby_keeps_to_the_radius_and_widens(minhang, shop, owner_client):
    assert NEARBY_KM == 50
    assert _nearby(owner_client, shop) == ["SH-WEB-01"]
    assert sorted(_nearby(owner_client, shop, within=200)) == ["JS-FAR-150", "SH-WEB-01"]
    assert sorted(_nearby(owner_client, shop, within=500)) == [
        "AH-FAR-394",
        "JS-FAR-150",
        "SH-WEB-01",
    ]
    # An edited link with an unknown radius is the default one, not an error.
    assert _nearby(owner_client, shop, within=7) == ["SH-WEB-01"]


def test_no_alternative_when_the_chosen_outlet_is_soonest(shop, owner_client):
    response = owner_client.get(
        "/outlets/SH-WEB-02/book/", {"vehicle": shop.vehicle.pk, "service": "mnt-annual"}
    )
    assert response.context["nearby"] == []


def test_a_closed_day_stays_in_the_list_with_its_reason(minhang, shop):
    annual = [s for s in shop.services if s.code == "mnt-annual"]
    with translation.override("en"):
        days = free_days(outlet=minhang, services=annual, vehicle=shop.vehicle)
    today = timezone.localdate()
    assert len(days) == 14
    assert [d.day for d in days] == [today + dt.timedelta(days=n) for n in range(14)]
    closed = {d.day.weekday(): d.closed for d in days if d.closed}
    assert closed == {2: "Staff training", 3: "no opening hours on Thursday"}
    assert all(d.starts == [] for d in days if d.closed)
    assert days[2].starts  # Friday, the first free day, shown
    with translation.override("zh-hans"):  # the manager wrote the reason in both languages
        days = free_days(outlet=minhang, services=annual, vehicle=shop.vehicle)
    assert days[0].closed == "员工培训"
    assert not days[2].later


def test_continue_without_a_time_says_so_next_to_the_times(shop, owner_client):
    query = {"vehicle": shop.vehicle.pk, "service": "mnt-annual"}
    response = owner_client.get("/outlets/SH-WEB-01/book/confirm/", query)
    assert response.status_code == 302
    assert response["Location"].endswith("start=#free-times")
    picker = owner_client.get(response["Location"].split("#")[0], HTTP_ACCEPT_LANGUAGE="en")
    page = picker.content.decode()
    assert 'id="times-error"' in page
    assert "Choose one of the free times." in page
    assert " checked" not in page.split('id="free-times"')[1]


@pytest.mark.parametrize("start", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:00:00-08:00"])
def test_a_start_at_the_ends_of_the_calendar_is_no_free_time(shop, owner_client, start):
    query = {"vehicle": shop.vehicle.pk, "service": "mnt-annual", "start": start}
    response = owner_client.get("/outlets/SH-WEB-01/book/confirm/", query)
    assert response.status_code == 302
    assert response["Location"].endswith("#free-times")


def test_the_picker_checks_no_time_and_groups_the_services(minhang, shop, owner_client):
    response = owner_client.get(PICK, {"vehicle": shop.vehicle.pk, "service": "mnt-annual"})
    page = response.content.decode()
    assert 'name="start"' in page
    assert 'type="radio" name="start" value=' in page
    assert "checked" not in page.split('id="free-times"')[1].split('class="soonest-nearby"')[0]
    categories = set(minhang.services.values_list("category", flat=True))
    assert page.count('class="service-category"') == len(categories)


@pytest.mark.parametrize(
    ("language", "label"), [("zh-hans", "问界 M7 · 沪A12345"), ("en", "AITO M7 · 沪A12345")]
)
def test_the_car_is_named_once_by_brand_and_model_in_the_readers_language(
    shop, owner_client, language, label
):
    shop.owner.language = language
    shop.owner.save()
    response = owner_client.get(f"/outlets/{shop.outlet.code}/book/?vehicle={shop.vehicle.pk}")
    assert response.status_code == 200
    assert f">{label}</option>" in response.content.decode()
