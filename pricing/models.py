"""The price book: the alliance-wide standard price of each service type and the standard
labour rate, per currency, each with its history. A change is a new row with a later
valid_from; rows are never edited to change a price, so any past day can be priced again."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outlets.models import ServiceType
from vehicles.models import VehicleModel

validate_currency = RegexValidator(
    r"^[A-Z]{3}$", _("Give the ISO 4217 code in capitals, such as CNY or EUR.")
)


class HistoryKept(models.Model):
    """A new row changes prices from its valid_from on: never for a day already past, whose
    prices may have been quoted and charged."""

    valid_from: models.DateField

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self._state.adding and self.valid_from and self.valid_from < timezone.localdate():
            raise ValidationError(
                {"valid_from": _("A new price starts today or later; the past is kept as it was.")}
            )


class ServicePrice(HistoryKept):
    """The standard price of a service type in one currency from valid_from on. With a model it
    overrides the all-models row (model empty) for cars of that model."""

    service_type = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="standard_prices"
    )
    model = models.ForeignKey(
        VehicleModel,
        on_delete=models.PROTECT,
        related_name="standard_prices",
        null=True,
        blank=True,
        help_text=_("Empty: the price for every model without a price of its own."),
    )
    currency = models.CharField(max_length=3, validators=[validate_currency])
    price = models.DecimalField(max_digits=9, decimal_places=2, validators=[MinValueValidator(0)])
    valid_from = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service_type__code", "currency", "model__code", "-valid_from"]
        verbose_name = _("standard service price")
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="serviceprice_gte_0"),
            models.CheckConstraint(
                condition=models.Q(currency__regex=r"^[A-Z]{3}$"),
                name="serviceprice_currency_iso",
            ),
            # One price per day of change; the all-models row (model NULL) counts as one model.
            models.UniqueConstraint(
                fields=["service_type", "model", "currency", "valid_from"],
                nulls_distinct=False,
                name="serviceprice_one_per_day",
            ),
        ]
        indexes = [models.Index(fields=["currency", "service_type", "valid_from"])]

    def __str__(self) -> str:
        scope = self.model.code if self.model else _("all models")
        return (
            f"{self.service_type.code} ({scope}) {self.price} {self.currency} ≥ {self.valid_from}"
        )


class LabourRate(HistoryKept):
    """The standard labour rate per hour in one currency from valid_from on."""

    currency = models.CharField(max_length=3, validators=[validate_currency])
    rate_per_hour = models.DecimalField(
        max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )
    valid_from = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["currency", "-valid_from"]
        verbose_name = _("standard labour rate")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate_per_hour__gte=0), name="labourrate_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(currency__regex=r"^[A-Z]{3}$"),
                name="labourrate_currency_iso",
            ),
            models.UniqueConstraint(
                fields=["currency", "valid_from"], name="labourrate_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rate_per_hour} {self.currency}/h ≥ {self.valid_from}"
