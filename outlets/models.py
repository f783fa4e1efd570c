import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vehicles.models import Brand


class Capability(models.TextChoices):
    GENERAL = "general", _("general")
    EV_BATTERY = "ev_battery", _("EV battery")
    BODY_PAINT = "body_paint", _("body and paint")
    ADAS_CALIBRATION = "adas_calibration", _("ADAS calibration")
    TYRE = "tyre", _("tyre")


class Amenity(models.TextChoices):
    DINING = "dining", _("dining")
    KIDS_AREA = "kids_area", _("kids' area")
    BUSINESS_LOUNGE = "business_lounge", _("business lounge")
    CHARGING = "charging", _("charging")


def in_chinese() -> bool:
    """Whether the active language is Chinese: the catalog keeps a second field for it."""
    return (get_language() or "").startswith("zh")


def localized(english: str, chinese: str) -> str:
    """The Chinese text for Chinese readers when the data has it, else the English."""
    return chinese if chinese and in_chinese() else english


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("%(value)s is not an IANA time zone."), params={"value": value})


class ServiceType(models.Model):
    """The alliance-wide standard: the same labour time, price and checklist at every outlet."""

    class Category(models.TextChoices):
        MAINTENANCE = "maintenance", _("maintenance")
        REPAIR = "repair", _("repair")
        DIAGNOSTICS = "diagnostics", _("diagnostics")
        TYRE = "tyre", _("tyre")
        BATTERY = "battery", _("battery")
        ADAS = "adas", _("ADAS")
        BODYWORK = "bodywork", _("bodywork")
        RECALL = "recall", _("recall")
        SOFTWARE = "software", _("software")

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=96)
    name_zh = models.CharField(max_length=96, blank=True)
    category = models.CharField(max_length=16, choices=Category.choices)
    labour_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)]
    )
    capability = models.CharField(max_length=24, choices=Capability.choices)
    # Who may do it (DESIGN.md "Workshop capacity"): a technician with this skill, authorized
    # for the car's brand, of at least this high-voltage level, with crew_size - 1 guardians of
    # HV level 2 or more beside them for the whole job.
    skill = models.CharField(max_length=24, choices=Capability.choices, default=Capability.GENERAL)
    min_hv_level = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(3)], help_text=_("0 none … 3 live work")
    )
    crew_size = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    price = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    checklist = models.JSONField(default=list, help_text=_("The items a technician must tick."))
    checklist_zh = models.JSONField(
        default=list,
        blank=True,
        help_text=_("The same items in Chinese, in the same order (empty: shown in English)."),
    )
    counts_as_maintenance = models.BooleanField(
        default=False, help_text=_("Completing it resets the maintenance interval.")
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(labour_minutes__gt=0), name="servicetype_labour_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="servicetype_price_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(min_hv_level__lte=3), name="servicetype_hv_0_to_3"
            ),
            models.CheckConstraint(
                condition=models.Q(crew_size__gte=1, crew_size__lte=3),
                name="servicetype_crew_1_to_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def clean(self) -> None:
        super().clean()
        # Items are ticked by position: a Chinese list must say the same items in the same order.
        if self.checklist_zh and len(self.checklist_zh) != len(self.checklist or []):
            raise ValidationError(
                {"checklist_zh": _("Give one Chinese item for each checklist item, in order.")}
            )

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_zh)

    @property
    def display_checklist(self) -> list[str]:
        """The checklist in the reader's language (items keep their English position)."""
        if in_chinese() and self.checklist_zh and len(self.checklist_zh) == len(self.checklist):
            return list(self.checklist_zh)
        return list(self.checklist)

    @property
    def checklist_pairs(self) -> list[tuple[str, str]]:
        """(stored item, its words in the reader's language): a form ticks the stored item."""
        return list(zip(self.checklist, self.display_checklist, strict=True))


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


class OutletMembership(models.Model):
    """Makes a user staff of an outlet: sees and runs that outlet's queue."""

    class Role(models.TextChoices):
        ADVISOR = "advisor", _("service advisor")
        TECHNICIAN = "technician", _("technician")
        MANAGER = "manager", _("manager")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outlet_memberships"
    )
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "outlet"], name="outletmembership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} at {self.outlet.code}"


class OutletVersion(models.Model):
    """How often what an outlet can offer has changed: a count kept by the database itself.

    Triggers (migrations outlets 0003, bookings 0007) add one in the same transaction as every
    write to the outlet's bookings, opening hours, closures, bays, services, brands or its own
    row, whoever writes (services, admin, factories, a COPY). An outlet's version is the sum of
    its rows, which only grows: by at least one with every commit that changed the outlet. Each
    transaction counts in one of SHARDS rows (by its transaction id), so that concurrent
    bookings at one outlet do not queue on one row lock until they commit. Cached availability
    answers carry the versions they were computed under (bookings.availability.answers). No
    code writes it; an outlet without rows is version 0. No foreign key: deleting an outlet
    deletes its hours and bays first, which the triggers count, so its rows stay behind
    (harmless) rather than break a foreign key at commit."""

    SHARDS = 16

    outlet_id = models.BigIntegerField()
    shard = models.SmallIntegerField()
    version = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["outlet_id", "shard"], name="outlet_version_shard")
        ]

    def __str__(self) -> str:
        return f"outlet {self.outlet_id} shard {self.shard}: {self.version}"
