"""The price book's rules: the model's own price beats the all-models price, the latest row in
force on the day counts, prices are per currency, and what happens when the book has no row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from outlets.models import ServiceType
from outlets.tests.factories import ServiceTypeFactory
from pricing.exceptions import PriceMissing, UnknownCurrency
from pricing.selectors import (
    catalog_prices,
    known_prices,
    labour_rate,
    price_book,
    service_prices,
)
from vehicles.tests.factories import vehicle_model

from .factories import LabourRateFactory, ServicePriceFactory

pytestmark = pytest.mark.django_db

JAN, JUL, NOV = dt.date(2026, 1, 1), dt.date(2026, 7, 1), dt.date(2026, 11, 18)


@pytest.fixture
def wash():
    return ServiceTypeFactory(code="test-wash", price=Decimal("99.00"))


def _price(service, *, model=None, currency="CNY", on=NOV) -> Decimal:
    prices = service_prices(
        services=[service], model_id=model.pk if model else None, currency=currency, on=on
    )
    return prices[service.pk]


def test_the_model_price_beats_the_price_for_every_model(wash):
    s800, m7 = vehicle_model("maextro-s800"), vehicle_model("aito-m7")
    ServicePriceFactory(service_type=wash, price=Decimal("120.00"))
    ServicePriceFactory(service_type=wash, model=s800, price=Decimal("260.00"))
    assert _price(wash, model=s800) == Decimal("260.00")
    assert _price(wash, model=m7) == Decimal("120.00")
    assert _price(wash) == Decimal("120.00")


def test_the_latest_row_in_force_on_the_day_counts(wash):
    ServicePriceFactory(service_type=wash, price=Decimal("120.00"), valid_from=JAN)
    ServicePriceFactory(service_type=wash, price=Decimal("135.00"), valid_from=JUL)
    ServicePriceFactory(service_type=wash, price=Decimal("150.00"), valid_from=dt.date(2027, 1, 1))
    assert _price(wash, on=JUL - dt.timedelta(days=1)) == Decimal("120.00")
    assert _price(wash, on=JUL) == Decimal("135.00")
    assert _price(wash, on=NOV) == Decimal("135.00")  # the next year's price is not yet
    assert _price(wash, on=dt.date(2027, 1, 1)) == Decimal("150.00")


def test_a_model_price_counts_from_its_own_day_and_outlives_a_general_rise(wash):
    s800 = vehicle_model("maextro-s800")
    ServicePriceFactory(service_type=wash, price=Decimal("120.00"), valid_from=JAN)
    ServicePriceFactory(service_type=wash, model=s800, price=Decimal("260.00"), valid_from=JUL)
    ServicePriceFactory(service_type=wash, price=Decimal("140.00"), valid_from=dt.date(2026, 9, 1))
    assert _price(wash, model=s800, on=dt.date(2026, 6, 30)) == Decimal("120.00")
    assert _price(wash, model=s800, on=NOV) == Decimal("260.00")
    assert _price(wash, on=NOV) == Decimal("140.00")


def test_prices_are_per_currency_never_converted(wash):
    ServicePriceFactory(service_type=wash, currency="CNY", price=Decimal("120.00"))
    ServicePriceFactory(service_type=wash, currency="EUR", price=Decimal("39.00"))
    assert _price(wash, currency="CNY") == Decimal("120.00")
    assert _price(wash, currency="EUR") == Decimal("39.00")


def test_without_a_row_in_force_cny_falls_back_to_the_catalog_price(wash):
    ServicePriceFactory(service_type=wash, price=Decimal("120.00"), valid_from=dt.date(2027, 1, 1))
    assert _price(wash, currency="CNY") == Decimal("99.00")  # ServiceType.price


def test_without_a_row_in_force_any_other_currency_is_refused(wash):
    annual = ServiceType.objects.get(code="mnt-annual")
    with pytest.raises(PriceMissing) as refused:
        service_prices(services=[annual, wash], model_id=None, currency="EUR", on=NOV)
    assert refused.value.code == "price_missing"
    assert "test-wash" in refused.value.detail
    assert "mnt-annual" not in refused.value.detail
    assert "services" in refused.value.fields


def test_many_services_are_priced_in_one_query(django_assert_num_queries):
    services = list(ServiceType.objects.filter(is_active=True))
    s800 = vehicle_model("maextro-s800")
    with django_assert_num_queries(1):
        prices = service_prices(services=services, model_id=s800.pk, currency="EUR", on=NOV)
    assert set(prices) == {s.pk for s in services}


def test_the_seeded_book_prices_the_whole_catalog_in_both_currencies():
    services = list(ServiceType.objects.filter(is_active=True))
    cny = service_prices(services=services, model_id=None, currency="CNY", on=NOV)
    eur = service_prices(services=services, model_id=None, currency="EUR", on=NOV)
    assert cny == {s.pk: s.price for s in services}
    annual = next(s for s in services if s.code == "mnt-annual")
    assert eur[annual.pk] == Decimal("249.00")
    flagship = vehicle_model("maextro-s800")
    assert _price(annual, model=flagship) == Decimal("1299.00") > cny[annual.pk]
    assert labour_rate(currency="CNY", on=NOV) == Decimal("280.00")
    assert labour_rate(currency="EUR", on=NOV) == Decimal("135.00")


def test_the_labour_rate_is_the_latest_in_force():
    LabourRateFactory(currency="EUR", rate_per_hour=Decimal("142.00"), valid_from=JUL)
    assert labour_rate(currency="EUR", on=JUL - dt.timedelta(days=1)) == Decimal("135.00")
    assert labour_rate(currency="EUR", on=NOV) == Decimal("142.00")


def test_the_labour_rate_has_no_fallback():
    with pytest.raises(UnknownCurrency) as unknown:
        labour_rate(currency="USD", on=NOV)
    assert unknown.value.fields == {"currency": ["The price book has no prices in USD."]}
    with pytest.raises(PriceMissing):
        labour_rate(currency="CNY", on=dt.date(2025, 12, 31))  # before the first rate


def test_the_price_book_lists_the_active_catalog_with_the_models_own_prices(wash):
    ServiceTypeFactory(code="test-retired", is_active=False)
    book = price_book(model_id=vehicle_model("maextro-s800").pk, currency="CNY", on=NOV)
    by_code = {line.service.code: line for line in book.lines}
    assert "test-retired" not in by_code
    assert by_code["test-wash"].price == Decimal("99.00")  # the CNY fallback
    assert by_code["mnt-annual"].price == Decimal("1299.00")
    assert by_code["mnt-annual"].model_specific
    assert not by_code["bat-12v"].model_specific
    assert book.labour_rate_per_hour == Decimal("280.00")


def test_the_price_book_leaves_out_what_it_cannot_price_in_that_currency(wash):
    book = price_book(model_id=None, currency="EUR", on=NOV)
    codes = {line.service.code for line in book.lines}
    assert "test-wash" not in codes
    assert "mnt-annual" in codes


@pytest.mark.parametrize("currency", ["CNY", "EUR"])
@pytest.mark.parametrize("model_code", [None, "maextro-s800", "aito-m9"])
def test_a_queryset_is_priced_in_one_query_by_the_same_rules(
    wash, currency, model_code, django_assert_num_queries
):
    model_id = vehicle_model(model_code).pk if model_code else None
    ServicePriceFactory(service_type=wash, price=Decimal("120.00"), valid_from=JUL)
    ServicePriceFactory(service_type=wash, price=Decimal("150.00"), valid_from=dt.date(2027, 1, 1))
    services = ServiceType.objects.filter(is_active=True)
    known = known_prices(services=list(services), model_id=model_id, currency=currency, on=NOV)
    with django_assert_num_queries(1):
        by_code = catalog_prices(services, model_id=model_id, currency=currency, on=NOV)
    assert by_code == {s.code: known[s.pk] for s in services if s.pk in known}
    assert ("test-wash" in by_code) == (currency == "CNY")
