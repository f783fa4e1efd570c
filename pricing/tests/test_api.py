"""GET /api/v1/price-book/: anyone reads today's standard prices for a model and a currency."""

from __future__ import annotations

import pytest

from outlets.models import ServiceType
from pricing.tests.factories import ServicePriceFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/price-book/"


def _services(body: dict) -> dict[str, dict]:
    return {line["code"]: line for line in body["services"]}


def test_anyone_reads_the_prices_for_every_model_in_cny_by_default(api):
    response = api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["currency"] == "CNY"
    assert body["valid_on"] == "2026-11-18"
    assert body["model"] is None
    assert body["labour_rate_per_hour"] == "280.00"
    annual = _services(body)["mnt-annual"]
    assert annual == {
        "code": "mnt-annual",
        "name": "Annual maintenance service",
        "name_zh": "年度定期保养",
        "category": "maintenance",
        "labour_minutes": 90,
        "price": "699.00",
        "model_specific": False,
    }


def test_a_model_gets_its_own_price_in_the_currency_asked(api):
    body = api.get(URL, {"model": "maextro-s800", "currency": "EUR"}).json()
    assert body["model"] == "maextro-s800"
    assert body["labour_rate_per_hour"] == "135.00"
    services = _services(body)
    assert services["mnt-annual"]["price"] == "449.00"
    assert services["mnt-annual"]["model_specific"] is True
    assert services["bat-12v"] == {
        **services["bat-12v"],
        "price": "289.00",
        "model_specific": False,
    }


def test_a_price_change_shows_from_its_day_on(api):
    annual = ServiceType.objects.get(code="mnt-annual")
    ServicePriceFactory(service_type=annual, price="729.00", valid_from="2026-11-18")
    ServicePriceFactory(service_type=annual, price="759.00", valid_from="2026-11-19")
    assert _services(api.get(URL).json())["mnt-annual"]["price"] == "729.00"


def test_an_unknown_model_is_a_400_naming_the_field(api):
    response = api.get(URL, {"model": "no-such-car"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "Some fields are not valid.",
        "fields": {"model": ["Unknown vehicle model: no-such-car."]},
    }


@pytest.mark.parametrize(
    ("currency", "code"),
    [("USD", "unknown_currency"), ("eur", "invalid"), ("EURO", "invalid")],
)
def test_an_unknown_currency_is_a_400_naming_the_field(api, currency, code):
    response = api.get(URL, {"currency": currency})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert list(body["fields"]) == ["currency"]


def test_the_operation_is_in_the_schema(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/price-book/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"model", "currency"}
    assert set(operation["responses"]) >= {"200", "400"}


def test_the_refusal_is_said_in_chinese_to_a_chinese_reader(api):
    response = api.get(URL, {"currency": "USD"}, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert response.status_code == 400
    assert response.json()["fields"] == {"currency": ["标准价目表中没有以 USD 计价的价格。"]}
