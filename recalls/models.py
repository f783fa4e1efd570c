from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from outlets.models import Outlet, ServiceType
from vehicles.models import Brand, Vehicle, VehicleModel


class RecallCampaign(models.Model):
    """One brand's safety or quality action, fixed by one recall-category catalog service.

    Vehicles are affected by model and model-year range (resolved in SQL when the campaign is
    created and again by each notice scan, so cars registered later are caught) and/or by an
    uploaded VIN list (`AffectedVehicle` rows keyed by VIN, whether or not the car is on the
    platform yet)."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("recall campaign", "open")
        CLOSED = "closed", pgettext_lazy("recall campaign", "closed")

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="recall_campaigns")
    # Upper-case, unique: it names the campaign in URLs and notification keys.
    code = models.SlugField(max_length=32, unique=True)
    title_zh = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    description_zh = models.TextField(max_length=4000)
    description_en = models.TextField(max_length=4000)
    service_type = models.ForeignKey(
        ServiceType,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"category": ServiceType.Category.RECALL},
    )
    # Range criteria; no models and no years means "no range": the VIN list alone.
    vehicle_models = models.ManyToManyField(VehicleModel, related_name="+", blank=True)
    model_year_from = models.PositiveSmallIntegerField(null=True, blank=True)
    model_year_to = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code=Upper("code")), name="recallcampaign_code_upper"
            ),
            models.CheckConstraint(
                condition=models.Q(model_year_from__isnull=True)
                | models.Q(model_year_to__isnull=True)
                | models.Q(model_year_from__lte=models.F("model_year_to")),
                name="recallcampaign_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title_en}"


class AffectedVehicle(models.Model):
    """One VIN in one campaign and where it stands. `vehicle` is the platform's car with that
    VIN, when there is one (linked at import, by the range resolution, or by the notice scan
    once the owner registers it). State moves along `recalls.services.MOVES`."""

    class State(models.TextChoices):
        AFFECTED = "affected", pgettext_lazy("recall state", "affected, not yet notified")
        NOTIFIED = "notified", pgettext_lazy("recall state", "notified")
        BOOKED = "booked", pgettext_lazy("recall state", "booked")
        DONE = "done", pgettext_lazy("recall state", "done")

    class Source(models.TextChoices):
        RANGE = "range", _("model and model-year range")
        LIST = "list", _("uploaded VIN list")

    campaign = models.ForeignKey(
        RecallCampaign, on_delete=models.CASCADE, related_name="affected_vehicles"
    )
    vin = models.CharField("VIN", max_length=17)
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.SET_NULL, null=True, blank=True, related_name="recalls"
    )
    source = models.CharField(max_length=8, choices=Source.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.AFFECTED)
    notified_at = models.DateTimeField(null=True, blank=True)
    follow_up_at = models.DateTimeField(null=True, blank=True)
    # Where the fix is booked or was done, and the booking that holds it (by reference: the
    # booking core sits above this app, so no foreign key points up to it).
    outlet = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    booking_reference = models.CharField(max_length=12, blank=True)
    booked_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign", "vin"]
        indexes = [
            models.Index(fields=["vin"], name="affected_vin"),
            models.Index(
                fields=["booking_reference"],
                name="affected_booking",
                condition=~models.Q(booking_reference=""),
            ),
            models.Index(fields=["campaign", "state"], name="affected_campaign_state"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "vin"], name="affectedvehicle_unique"),
            models.CheckConstraint(
                condition=models.Q(vin__regex=r"^[A-HJ-NPR-Z0-9]{17}$"), name="affected_vin_shape"
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["booked", "done"]) | models.Q(outlet__isnull=False),
                name="affected_booked_has_outlet",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.vin} {self.state}"
