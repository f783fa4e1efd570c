"""Reads of the price book: what a service costs, and the labour rate, on a given day.

The rules, once:
- the row for the car's model wins over the all-models row (as long as it is valid that day:
  to end an override, add a new model row at the general price);
- of each, the row with the latest valid_from on or before the day counts (history kept);
- prices are per currency; a price is never converted.
- Fallback: a service with no row valid that day is priced, in CNY only, at the catalog's
  ServiceType.price (the CNY standard the book started from, copied in as its first rows).
  In any other currency it is refused (PriceMissing): no outlet charges a guessed price.
- The labour rate has no fallback: none valid that day is PriceMissing; a currency the book
  has never held a rate in is UnknownCurrency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from outlets.models import ServiceType
from vehicles.models import VehicleModel

from .exceptions import PriceMissing, UnknownCurrency
from .models import LabourRate, ServicePrice

# The currency of ServiceType.price, the catalog's own standard before the book.
CATALOG_CURRENCY = "CNY"


@dataclass(frozen=True)
class PriceLine:
    service: ServiceType
    price: Decimal
    model_specific: bool


@dataclass(frozen=True)
class PriceBook:
    """The standard prices on one day, in one currency, for one model (None: all models)."""

    currency: str
    on: dt.date
    model: VehicleModel | None
    labour_rate_per_hour: Decimal
    lines: list[PriceLine]


def service_prices(
    *, services: Sequence[ServiceType], model_id: int | None, currency: str, on: dt.date
) -> dict[int, Decimal]:
    """Service type id → the standard price on `on` for a car of `model_id` (None: the
    all-models price), in `currency`. One query. PriceMissing names the services without one."""
    prices = known_prices(services=services, model_id=model_id, currency=currency, on=on)
    if missing := [service.code for service in services if service.pk not in prices]:
        raise _missing(missing, currency)
    return prices


def known_prices(
    *, services: Sequence[ServiceType], model_id: int | None, currency: str, on: dt.date
) -> dict[int, Decimal]:
    """service_prices without the refusal: a service the book cannot price is left out (a
    list that shows what it can). One query."""
    found = _book_rows(services, model_id=model_id, currency=currency, on=on)
    prices: dict[int, Decimal] = {}
    for service in services:
        if service.pk in found:
            prices[service.pk] = found[service.pk][0]
        elif currency == CATALOG_CURRENCY:
            prices[service.pk] = service.price
    return prices


def labour_rate(*, currency: str, on: dt.date) -> Decimal:
    """The standard labour rate per hour on `on` in `currency`."""
    rate = (
        LabourRate.objects.filter(currency=currency, valid_from__lte=on)
        .order_by("-valid_from")
        .values_list("rate_per_hour", flat=True)
        .first()
    )
    if rate is not None:
        return rate
    if not LabourRate.objects.filter(currency=currency).exists():
        raise UnknownCurrency(
            fields={
                "currency": [
                    _("The price book has no prices in %(currency)s.") % {"currency": currency}
                ]
            }
        )
    raise PriceMissing(
        _("The price book has no labour rate in %(currency)s on %(day)s.")
        % {"currency": currency, "day": on.isoformat()},
        fields={"currency": [_("No labour rate is valid on that day.")]},
    )


def catalog_prices(
    services: QuerySet[ServiceType], *, model_id: int | None, currency: str, on: dt.date
) -> dict[str, Decimal]:
    """Service code → standard price for a queryset of service types, read with them in one
    query (a list of checkboxes). known_prices' rules; the unpriced are left out."""
    book = _in_force(
        ServicePrice.objects.filter(service_type=OuterRef("pk")),
        model_id=model_id,
        currency=currency,
        on=on,
    ).values("price")[:1]
    price: Subquery | Coalesce = Subquery(book)
    if currency == CATALOG_CURRENCY:
        price = Coalesce(price, F("price"))
    rows = services.annotate(book_price=price).values_list("code", "book_price")
    return {code: value for code, value in rows if value is not None}


def price_book(*, model_id: int | None, currency: str, on: dt.date) -> PriceBook:
    """Every active service type with its standard price, and the labour rate. A service the
    book cannot price in that currency that day is left out (it cannot be booked there)."""
    rate = labour_rate(currency=currency, on=on)
    model = VehicleModel.objects.filter(pk=model_id).first() if model_id is not None else None
    services = list(ServiceType.objects.filter(is_active=True).order_by("category", "code"))
    found = _book_rows(services, model_id=model_id, currency=currency, on=on)
    lines = []
    for service in services:
        if service.pk in found:
            price, row_model_id = found[service.pk]
            lines.append(PriceLine(service, price, model_specific=row_model_id is not None))
        elif currency == CATALOG_CURRENCY:
            lines.append(PriceLine(service, service.price, model_specific=False))
    return PriceBook(currency, on, model, rate, lines)


def _book_rows(
    services: Sequence[ServiceType], *, model_id: int | None, currency: str, on: dt.date
) -> dict[int, tuple[Decimal, int | None]]:
    """Service type id → (price, the row's model id) of the row that counts, by DISTINCT ON:
    per service, the model's rows first, then the latest valid_from."""
    if not services:
        return {}
    rows = _in_force(
        ServicePrice.objects.filter(service_type_id__in=[service.pk for service in services]),
        model_id=model_id,
        currency=currency,
        on=on,
    ).distinct("service_type_id")
    return {
        service_id: (price, row_model_id)
        for service_id, price, row_model_id in rows.values_list(
            "service_type_id", "price", "model_id"
        )
    }


def _in_force(
    rows: QuerySet[ServicePrice], *, model_id: int | None, currency: str, on: dt.date
) -> QuerySet[ServicePrice]:
    """The rows that may count on `on`, the one that counts first for each service: the
    model's own before the all-models row, then the latest valid_from."""
    rows = rows.filter(currency=currency, valid_from__lte=on)
    if model_id is None:
        rows = rows.filter(model__isnull=True)
    else:
        rows = rows.filter(Q(model__isnull=True) | Q(model_id=model_id))
    return rows.order_by("service_type_id", F("model_id").asc(nulls_last=True), "-valid_from")


def _missing(codes: list[str], currency: str) -> PriceMissing:
    message = _("No standard price in %(currency)s for: %(codes)s.") % {
        "currency": currency,
        "codes": ", ".join(codes),
    }
    return PriceMissing(message, fields={"services": [message]})
