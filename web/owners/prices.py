"""The price book on the owner's pages: the fixed standard price for the owner's car model in
the outlet's currency, on the day the owner looks (the price they book at)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from outlets.catalog import duration_minutes
from outlets.models import Outlet, ServiceType
from pricing.selectors import catalog_prices, known_prices, service_prices
from vehicles.models import Vehicle

from .selectors import Visit


def priced_visit(
    services: Sequence[ServiceType],
    *,
    outlet: Outlet,
    vehicle: Vehicle | None,
    known: dict[str, Decimal] | None = None,
) -> Visit:
    """The visit with its standard price from the price book (`known`: the prices already
    read for this car, today, by code). PriceMissing (a DomainError) names the services the
    book cannot price in the outlet's currency."""
    if known is not None and all(service.code in known for service in services):
        total = sum((known[service.code] for service in services), Decimal("0"))
    else:
        prices = service_prices(
            services=services,
            model_id=vehicle.model_id if vehicle else None,
            currency=outlet.currency,
            on=outlet.local_day(timezone.now()),
        )
        total = sum(prices.values(), Decimal("0"))
    return Visit(
        services=list(services),
        minutes=duration_minutes(services),
        price=total,
        currency=outlet.currency,
    )


def unpriced_visit(services: Sequence[ServiceType], *, outlet: Outlet) -> Visit:
    """The visit when the book cannot price it: its time, and no price (none is shown)."""
    return Visit(
        services=list(services),
        minutes=duration_minutes(services),
        price=None,
        currency=outlet.currency,
    )


def picker_prices(
    services: QuerySet[ServiceType] | Sequence[ServiceType],
    *,
    outlet: Outlet,
    vehicle: Vehicle | None,
) -> dict[str, Decimal]:
    """Service code → standard price for the picker's checkboxes (a queryset, read with its
    prices in one query) or a list already read (the outlet's table: one query more); one the
    book cannot price there is left out and shows no price."""
    model_id = vehicle.model_id if vehicle else None
    on = outlet.local_day(timezone.now())
    if isinstance(services, QuerySet):
        return catalog_prices(services, model_id=model_id, currency=outlet.currency, on=on)
    prices = known_prices(services=services, model_id=model_id, currency=outlet.currency, on=on)
    return {service.code: prices[service.pk] for service in services if service.pk in prices}
