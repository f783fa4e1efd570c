from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .validators import validate_delivery_date


class Brand(models.Model):
    """One of the alliance's brands. Brands are data: no code branches on a brand."""

    code = models.SlugField(max_length=16, unique=True)
    name = models.CharField(max_length=64)
    name_zh = models.CharField(max_length=64, blank=True)
    partner_maker = models.CharField(max_length=64, blank=True)
    also_known_as = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VehicleModel(models.Model):
    class Powertrain(models.TextChoices):
        BEV = "bev", _("battery electric")
        EREV = "erev", _("extended-range electric")

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="models")
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    name_zh = models.CharField(max_length=64, blank=True)
    powertrain = models.CharField(max_length=8, choices=Powertrain.choices, default=Powertrain.BEV)
    maintenance_interval_months = models.PositiveSmallIntegerField(default=12)
    maintenance_interval_km = models.PositiveIntegerField(default=20000)

    class Meta:
        ordering = ["brand__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(maintenance_interval_months__gt=0)
                & models.Q(maintenance_interval_km__gt=0),
                name="vehiclemodel_interval_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand.name} {self.name}"


class Vehicle(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vehicles"
    )
    vin = models.CharField("VIN", max_length=17, unique=True)
    model = models.ForeignKey(VehicleModel, on_delete=models.PROTECT, related_name="vehicles")
    model_year = models.PositiveSmallIntegerField()
    plate = models.CharField(max_length=16, blank=True)
    odometer_km = models.PositiveIntegerField(default=0)
    delivery_date = models.DateField(null=True, blank=True, validators=[validate_delivery_date])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The full VIN rules live in vehicles.vin; the database keeps the shape honest.
            models.CheckConstraint(
                condition=models.Q(vin__regex=r"^[A-HJ-NPR-Z0-9]{17}$"), name="vehicle_vin_shape"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vin} ({self.model})"

    @property
    def brand(self) -> Brand:
        return self.model.brand


class OdometerReading(models.Model):
    """Readings over time: the history that mileage estimates are made from."""

    class Source(models.TextChoices):
        OWNER = "owner", _("owner")
        SERVICE = "service", _("service visit")

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="odometer_readings")
    km = models.PositiveIntegerField()
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.OWNER)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["vehicle", "recorded_at"]
        indexes = [models.Index(fields=["vehicle", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.vehicle_id}: {self.km} km"


class BrandMembership(models.Model):
    """Makes a user a brand admin: read-only auditor of how that brand's vehicles are served."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brand_memberships"
    )
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="admins")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "brand"], name="brandmembership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} admin of {self.brand}"
