"""The owner sees the fixed standard price for their car's model, in the outlet's currency, on
the picker (each service and the visit) and on the confirmation, in English and Chinese."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.tests.factories import UserFactory
from outlets.models import ServiceType
from outlets.tests.factories import BayFactory, OutletFactory
from vehicles.tests.factories import VehicleFactory, vehicle_model
from web.owners.selectors import free_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    return list(ServiceType.objects.filter(code__in=["mnt-annual", "bat-12v"]))


@pytest.fixture
def shanghai(catalog):
    outlet = OutletFactory(code="SH-PRICE-01", services=catalog)
    BayFactory(outlet=outlet)
    return outlet


@pytest.fixture
def munich(catalog):
    outlet = OutletFactory(
        code="DE-MUC-01",
        name="München Service",
        city="Munich",
        country="DE",
        currency="EUR",
        time_zone="Europe/Berlin",
        services=catalog,
    )
    BayFactory(outlet=outlet)
    return outlet


@pytest.fixture
def owner():
    return UserFactory(username="flagship-owner")


@pytest.fixture
def flagship(owner):
    return VehicleFactory(owner=owner, model=vehicle_model("maextro-s800"))


@pytest.fixture
def owner_client(owner) -> Client:
    client = Client()
    client.force_login(owner)
    return client


def _pick(client, outlet, vehicle, **headers):
    url = f"/outlets/{outlet.code}/book/"
    return client.get(url, {"vehicle": vehicle.pk, "service": "mnt-annual"}, **headers)


def _confirm(client, outlet, vehicle):
    annual = ServiceType.objects.filter(code="mnt-annual")
    days = free_days(outlet=outlet, services=list(annual), vehicle=vehicle)
    start = next(start for day in days for start in day.starts)
    query = {"vehicle": vehicle.pk, "service": "mnt-annual", "start": start.isoformat()}
    return client.get(f"/outlets/{outlet.code}/book/confirm/", query)


def test_the_picker_shows_each_service_at_the_cars_own_price(shanghai, flagship, owner_client):
    html = owner_client.get(f"/outlets/{shanghai.code}/book/").content.decode()
    assert '<span class="service-price" id="price-mnt-annual">¥1,299</span>' in html
    assert '<span class="service-price" id="price-bat-12v">¥850</span>' in html


def test_the_chosen_visit_shows_its_standard_price(shanghai, flagship, owner_client):
    response = _pick(owner_client, shanghai, flagship)
    assert response.status_code == 200
    assert response.context["visit"].price == 1299
    assert "standard price <strong>¥1,299</strong>" in response.content.decode()


def test_another_car_is_priced_at_the_price_for_every_model(shanghai, owner, owner_client):
    m7 = VehicleFactory(owner=owner, model=vehicle_model("aito-m7"))
    html = _pick(owner_client, shanghai, m7).content.decode()
    assert "standard price <strong>¥699</strong>" in html
    assert 'id="price-mnt-annual">¥699</span>' in html


def test_changing_the_car_updates_each_price_out_of_band(shanghai, flagship, owner_client):
    html = _pick(owner_client, shanghai, flagship, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="price-mnt-annual" hx-swap-oob="true">¥1,299</span>' in html


def test_the_confirmation_shows_the_price_before_booking(shanghai, flagship, owner_client):
    response = _confirm(owner_client, shanghai, flagship)
    assert response.status_code == 200
    assert "Book now · ¥1,299" in response.content.decode()


def test_a_german_outlet_quotes_the_euro_price(munich, flagship, owner_client):
    html = _confirm(owner_client, munich, flagship).content.decode()
    assert "standard price <strong>€449</strong>" in html
    assert "Book now · €449" in html
    picker = owner_client.get(f"/outlets/{munich.code}/book/").content.decode()
    assert 'id="price-bat-12v">€289</span>' in picker


def test_the_outlet_page_lists_the_price_for_every_model(munich, client):
    html = client.get(f"/outlets/{munich.code}/").content.decode()
    assert 'id="price-mnt-annual">€249</span>' in html


def test_in_chinese_too(shanghai, flagship, owner, owner_client):
    owner.language = "zh-hans"
    owner.save()
    html = _confirm(owner_client, shanghai, flagship).content.decode()
    assert "标准价格 <strong>¥1,299</strong>" in html
    assert "立即预约 · ¥1,299" in html


def test_a_service_the_book_cannot_price_there_is_refused_next_to_the_services(
    munich, flagship, owner_client
):
    unpriced = ServiceType.objects.create(
        code="test-unpriced",
        name="Unpriced",
        category="maintenance",
        labour_minutes=30,
        capability="general",
        price=100,
    )
    munich.services.add(unpriced)
    response = owner_client.get(
        f"/outlets/{munich.code}/book/", {"vehicle": flagship.pk, "service": "test-unpriced"}
    )
    html = response.content.decode()
    assert "No standard price in EUR for: test-unpriced." in html
    assert response.context["visit"].price is None
    assert 'id="price-test-unpriced"></span>' in html
