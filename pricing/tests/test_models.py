"""The book's history is kept by the database and by the admin's form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from outlets.tests.factories import ServiceTypeFactory
from pricing.models import ServicePrice
from vehicles.tests.factories import vehicle_model

from .factories import LabourRateFactory, ServicePriceFactory

pytestmark = pytest.mark.django_db


def test_one_all_models_price_per_service_currency_and_day():
    first = ServicePriceFactory()
    with pytest.raises(IntegrityError):
        ServicePriceFactory(service_type=first.service_type)  # model NULL twice


def test_a_model_price_and_the_all_models_price_may_start_the_same_day():
    first = ServicePriceFactory()
    ServicePriceFactory(service_type=first.service_type, model=vehicle_model("aito-m9"))
    assert ServicePrice.objects.filter(service_type=first.service_type).count() == 2


def test_a_negative_price_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        ServicePriceFactory(price=Decimal("-1.00"))


def test_one_labour_rate_per_currency_and_day():
    LabourRateFactory(currency="CHF")
    with pytest.raises(IntegrityError):
        LabourRateFactory(currency="CHF")


def test_a_new_price_cannot_start_in_the_past():
    wash = ServiceTypeFactory(code="test-wash")
    backdated = ServicePriceFactory.build(service_type=wash, valid_from=dt.date(2026, 11, 17))
    with pytest.raises(ValidationError) as refused:
        backdated.full_clean()
    assert "valid_from" in refused.value.message_dict
    today = ServicePriceFactory.build(service_type=wash, valid_from=dt.date(2026, 11, 18))
    today.full_clean()
