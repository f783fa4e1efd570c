"""The price book's standard for the demo's visits written directly (the history, today's
board): what booking online would have charged. The catalog's price is the CNY standard only;
an outlet abroad charges its own currency, and a model of its own may have its own price."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from outlets.models import ServiceType
from pricing.selectors import known_prices


class StandardPrices:
    """Service prices per (model, currency), read once for every active service: the demo's
    price book holds one price per service and model from before any demo history
    (pricing/migrations/0002), and the audit prices a visit on the day it was booked, today."""

    def __init__(self) -> None:
        self.today = timezone.localdate()
        self.services = list(ServiceType.objects.filter(is_active=True))
        self.book: dict[tuple[int, str], dict[int, Decimal]] = {}

    def of(self, service: ServiceType, *, model_id: int, currency: str) -> Decimal:
        key = (model_id, currency)
        if key not in self.book:
            self.book[key] = known_prices(
                services=self.services, model_id=model_id, currency=currency, on=self.today
            )
        try:
            return self.book[key][service.pk]
        except KeyError:
            raise LookupError(
                f"The price book has no {currency} price for {service.code}."
            ) from None

    def total(self, services: Sequence[ServiceType], *, model_id: int, currency: str) -> Decimal:
        return sum((self.of(s, model_id=model_id, currency=currency) for s in services), Decimal(0))
