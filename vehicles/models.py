from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hima_service.language import localized

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

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_zh)


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
    """A car as one account holds it. Several accounts may hold the same VIN unverified (one
    of them may be squatting it); once its owner is verified that account's row is the only
    one left: the others are released (`released_at`), their holders told why. A VIN is unique
    among verified cars, and an account holds a VIN at most once (vehicles.ownership)."""

    class VerifiedVia(models.TextChoices):
        COUNTER = "counter", _("registration certificate at an outlet's counter")
        DELIVERY_RECORD = "delivery_record", _("code to the phone in the delivery record")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vehicles"
    )
    vin = models.CharField("VIN", max_length=17, db_index=True)
    model = models.ForeignKey(VehicleModel, on_delete=models.PROTECT, related_name="vehicles")
    model_year = models.PositiveSmallIntegerField()
    plate = models.CharField(max_length=16, blank=True)
    odometer_km = models.PositiveIntegerField(default=0)
    delivery_date = models.DateField(null=True, blank=True, validators=[validate_delivery_date])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The owner proven (how and when; who and where in OwnershipVerification), or not yet.
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_via = models.CharField(
        max_length=16, choices=VerifiedVia.choices, blank=True, default=""
    )
    # Lost to the verified owner: kept for its service history, gone from its holder's cars.
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # The full VIN rules live in vehicles.vin; the database keeps the shape honest.
            models.CheckConstraint(
                condition=models.Q(vin__regex=r"^[A-HJ-NPR-Z0-9]{17}$"), name="vehicle_vin_shape"
            ),
            # A VIN is unique across the platform among verified cars, under any race.
            models.UniqueConstraint(
                fields=["vin"],
                condition=models.Q(verified_at__isnull=False, released_at__isnull=True),
                name="vehicle_vin_verified_unique",
            ),
            models.UniqueConstraint(
                fields=["vin", "owner"],
                condition=models.Q(released_at__isnull=True),
                name="vehicle_vin_once_per_holder",
            ),
            models.CheckConstraint(
                condition=models.Q(verified_at__isnull=True) | ~models.Q(verified_via=""),
                name="vehicle_verified_says_how",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vin} ({self.model})"

    @property
    def brand(self) -> Brand:
        return self.model.brand

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None and self.released_at is None


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


class DeliveryRecord(models.Model):
    """A brand's record that it delivered a car to a buyer: a code sent to that phone proves
    the car's owner. Uploaded by the brand's admins (vehicles.delivery_records); the latest
    record of a VIN is the one that counts (a second-hand sale may add a new one)."""

    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="delivery_records")
    vin = models.CharField("VIN", max_length=17)
    buyer_phone = models.CharField(max_length=32)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [
            models.Index(fields=["vin", "uploaded_at"], name="delivery_vin_latest"),
            # The records naming a person's proven phone: their data's export and erasure.
            models.Index(fields=["buyer_phone"], name="delivery_buyer_phone"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "vin", "buyer_phone"], name="deliveryrecord_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(vin__regex=r"^[A-HJ-NPR-Z0-9]{17}$"), name="delivery_vin_shape"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand.code} {self.vin}"


class OwnershipVerification(models.Model):
    """The audit trail of verified owners: who was verified for which car, how, and — at the
    counter — by which staff member at which outlet (by code: outlets sit above this app)."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="verifications")
    vin = models.CharField("VIN", max_length=17)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    via = models.CharField(max_length=16, choices=Vehicle.VerifiedVia.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outlet_code = models.CharField(max_length=32, blank=True)
    booking_reference = models.CharField(max_length=12, blank=True)
    delivery_record = models.ForeignKey(
        DeliveryRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(via="counter")
                | (models.Q(staff__isnull=False) & ~models.Q(outlet_code="")),
                name="ownershipverification_counter_names_staff",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vin} → {self.owner_id} ({self.via})"
