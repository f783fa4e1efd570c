import datetime as dt
from decimal import Decimal

import factory

from outlets.tests.factories import ServiceTypeFactory
from pricing.models import LabourRate, ServicePrice


class ServicePriceFactory(factory.django.DjangoModelFactory):
    """An all-models CNY price in force since 2026-01-01 unless told otherwise."""

    class Meta:
        model = ServicePrice

    service_type = factory.SubFactory(ServiceTypeFactory)
    model = None
    currency = "CNY"
    price = Decimal("499.00")
    valid_from = dt.date(2026, 1, 1)


class LabourRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LabourRate

    currency = "CNY"
    rate_per_hour = Decimal("280.00")
    valid_from = dt.date(2026, 1, 1)
