"""Who can do the work: technicians with their skills, brand authorizations and high-voltage
certificate, their weekly shifts per outlet and their absences (DESIGN.md "Workshop capacity").

A technician is a person, not a membership: one certificate and one calendar whichever outlets
they work at, so a booking's crew (bookings.Booking.crew) can never hold one person in two
places at once. Technicians are retired (`is_active`), never deleted: bookings name them.
"""

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from outlets.models import Capability, Outlet
from vehicles.models import Brand


class HvLevel(models.IntegerChoices):
    NONE = 0, _("none")
    AWARE = 1, _("aware")
    QUALIFIED = 2, _("qualified")
    LIVE_WORK = 3, _("live work")


# A crew of two or more on high-voltage work: the technician and a guardian (监护人) of at least
# this level, both on site for the whole job.
GUARDIAN_HV_LEVEL = HvLevel.QUALIFIED


class Technician(models.Model):
    # integer, not bigint: a booking's crew is an integer[] under an exclusion constraint, and
    # the GiST operator class for arrays (intarray's gist__int_ops) takes int4 only.
    id = models.AutoField(primary_key=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="technician"
    )
    skills = ArrayField(
        models.CharField(max_length=24, choices=Capability.choices), default=list, blank=True
    )
    hv_level = models.PositiveSmallIntegerField(choices=HvLevel.choices, default=HvLevel.NONE)
    hv_valid_until = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hv_level__gte=0, hv_level__lte=3), name="technician_hv_0_to_3"
            ),
            models.CheckConstraint(
                condition=models.Q(hv_level=0) | models.Q(hv_valid_until__isnull=False),
                name="technician_hv_has_validity",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def hv_level_on(self, day: dt.date) -> int:
        """The high-voltage level that counts on `day`: none from the day after it lapses."""
        if self.hv_valid_until is None or day > self.hv_valid_until:
            return HvLevel.NONE
        return self.hv_level


class BrandAuthorization(models.Model):
    """The brand has trained the technician on its cars, until `valid_until` (inclusive)."""

    technician = models.ForeignKey(
        Technician, on_delete=models.CASCADE, related_name="authorizations"
    )
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="+")
    valid_until = models.DateField()

    class Meta:
        ordering = ["technician", "brand"]
        constraints = [
            models.UniqueConstraint(
                fields=["technician", "brand"], name="brandauthorization_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.technician_id}:{self.brand_id} until {self.valid_until}"


class Shift(models.Model):
    """A weekly shift at one outlet, in the outlet's local time."""

    technician = models.ForeignKey(Technician, on_delete=models.CASCADE, related_name="shifts")
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="shifts")
    weekday = models.PositiveSmallIntegerField(help_text=_("0 = Monday … 6 = Sunday"))
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["technician", "outlet", "weekday", "starts"]
        indexes = [models.Index(fields=["outlet", "weekday"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="shift_weekday_0_to_6"
            ),
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")), name="shift_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technician_id}@{self.outlet_id} {self.weekday} {self.starts}-{self.ends}"


class Absence(models.Model):
    """Whole local days away (leave, training, sickness), first and last day inclusive."""

    technician = models.ForeignKey(Technician, on_delete=models.CASCADE, related_name="absences")
    first_day = models.DateField()
    last_day = models.DateField()
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["technician", "first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="absence_last_after_first",
            )
        ]

    def __str__(self) -> str:
        return f"{self.technician_id} away {self.first_day}–{self.last_day}"
