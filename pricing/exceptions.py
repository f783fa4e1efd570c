"""What the price book refuses, in the project's error shape (hima_service.exceptions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from hima_service.exceptions import RuleViolation


class PriceMissing(RuleViolation):
    """No standard price (or labour rate) is valid that day in that currency: nothing is
    charged at a price the book does not hold."""

    code = "price_missing"
    default_detail = gettext_lazy("The price book has no standard price for this yet.")


class UnknownCurrency(RuleViolation):
    code = "unknown_currency"
    default_detail = gettext_lazy("The price book has no prices in this currency.")
