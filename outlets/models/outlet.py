"""An outlet and its calendar: where it is, its own clock, its opening hours, the days it is
closed and its bays."""

import datetime as dt
from zoneinfo import ZoneInfo, available_timezones

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hima_service.language import in_chinese, localized
from vehicles.models import Brand

from .service_types import Amenity, Capability, ServiceType


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("%(value)s is not an IANA time zone."), params={"value": value})


class Outlet(models.Model):
    class Kind(models.TextChoices):
        SERVICE_CENTRE = "service_centre", _("service centre")
        FLAGSHIP = "flagship", _("Harmony flagship space")
        EXPRESS = "express", _("express point")

    code = models.SlugField(max_length=32, unique=True, allow_unicode=False)
    name = models.CharField(max_length=128)
    name_zh = models.CharField(max_length=128, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SERVICE_CENTRE)
    address = models.CharField(max_length=255)
    address_zh = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=64, db_index=True)
    city_zh = models.CharField(max_length=64, blank=True)
    province = models.CharField(max_length=64, blank=True)
    province_zh = models.CharField(max_length=64, blank=True)
    country = models.CharField(max_length=2, default="CN")
    currency = models.CharField(
        max_length=3, default="CNY", help_text=_("ISO 4217 code of the prices it quotes.")
    )
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    time_zone = models.CharField(
        max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    phone = models.CharField(max_length=32, blank=True)
    brands = models.ManyToManyField(Brand, related_name="outlets")
    services = models.ManyToManyField(ServiceType, related_name="outlets")
    amenities = ArrayField(
        models.CharField(max_length=24, choices=Amenity.choices), default=list, blank=True
    )
    night_service = models.BooleanField(
        _("Starry Night Service"), default=False, help_text=_("Overnight pickup, service, return.")
    )
    night_capacity = models.PositiveSmallIntegerField(
        default=0, help_text=_("Night-service cars the outlet takes per night.")
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    turnover_minutes = models.PositiveSmallIntegerField(
        default=0, help_text=_("Bay preparation time between two bookings.")
    )
    # The service desk: how many cars the advisors can check in at one slot start and in one
    # local day. Empty: no limit. Online bookings stop at it; staff may pass it with a reason.
    # Starts need a qualified crew as well as a bay once the outlet's technicians, shifts and
    # certificates are entered; until then it is planned by its bays alone (an outlet joining
    # the alliance enters its roster first, then switches this on).
    plans_crews = models.BooleanField(default=False)
    desk_per_slot = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    desk_per_day = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField(default=True)
    # Not a field: the closures from today on, set by outlets.selectors.outlet_get on the outlet
    # it returns (a type annotation only, so Django does not see it).
    closures_ahead: "list[Closure]"

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(slot_step_minutes__gte=5), name="outlet_slot_step_min"
            ),
            models.CheckConstraint(
                condition=models.Q(night_service=True) | models.Q(night_capacity=0),
                name="outlet_night_capacity_needs_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_zh)

    @property
    def display_address(self) -> str:
        return localized(self.address, self.address_zh)

    @property
    def display_city(self) -> str:
        return localized(self.city, self.city_zh)

    @property
    def display_province(self) -> str:
        return localized(self.province, self.province_zh)

    @property
    def display_locality(self) -> str:
        """City and province as the reader writes them: "Shenzhen, Guangdong", 广东深圳 (a
        province that is its own city once: Shanghai, 上海)."""
        city, province = self.display_city, self.display_province
        if not province or self.province == self.city:
            return city
        return f"{province}{city}" if in_chinese() else f"{city}, {province}"

    # An outlet's own clock: "today", a day's bounds and the times it quotes are local to it
    # ("today" in Munich is not today in Shanghai). The one place that converts.
    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def local_day(self, moment: dt.datetime) -> dt.date:
        """The outlet's calendar date at an instant."""
        return moment.astimezone(self.zone).date()

    def day_bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) of a local date as aware instants (23 or 25 hours across DST)."""
        start = dt.datetime.combine(day, dt.time.min, tzinfo=self.zone)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=self.zone)
        return start, end

    def local_iso(self, moment: dt.datetime) -> str:
        """An instant as the outlet's clock reads it, with its offset (ISO 8601)."""
        return moment.astimezone(self.zone).isoformat()


class OpeningHours(models.Model):
    """One opening interval on a weekday (0 = Monday); several per day make a lunch break."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)])
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["outlet", "weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="hours_weekday_range"),
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="hours_closes_after_opens"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outlet.code} day {self.weekday} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Closure(models.Model):
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    reason = models.CharField(max_length=128, blank=True)
    # The manager may write the reason in both languages; a Chinese page falls back to the
    # English one when no Chinese was written.
    reason_zh = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["outlet", "date"]
        constraints = [
            models.UniqueConstraint(fields=["outlet", "date"], name="closure_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.outlet.code} closed {self.date}"

    @property
    def display_reason(self) -> str:
        return localized(self.reason, self.reason_zh)


class Bay(models.Model):
    """A workplace at an outlet: the capacity that bookings consume."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="bays")
    name = models.CharField(max_length=32)
    name_zh = models.CharField(max_length=32, blank=True)
    capabilities = ArrayField(models.CharField(max_length=24, choices=Capability.choices))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["outlet", "name"]
        constraints = [
            models.UniqueConstraint(fields=["outlet", "name"], name="bay_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.outlet.code}/{self.name}"

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_zh)
