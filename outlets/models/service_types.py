"""The alliance's catalog: the capabilities a bay or a technician has, an outlet's amenities
and the service types every outlet offers to one standard."""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hima_service.language import in_chinese, localized


class Capability(models.TextChoices):
    GENERAL = "general", _("general")
    EV_BATTERY = "ev_battery", _("EV battery")
    BODY_PAINT = "body_paint", _("body and paint")
    ADAS_CALIBRATION = "adas_calibration", _("ADAS calibration")
    TYRE = "tyre", _("tyre")


def capability_labels(codes: Iterable[str]) -> str:
    """Capabilities as a sentence names them, in the reader's language: "EV battery, tyre"."""
    return ", ".join(sorted(str(Capability(code).label) for code in codes))


class Amenity(models.TextChoices):
    DINING = "dining", _("dining")
    KIDS_AREA = "kids_area", _("kids' area")
    BUSINESS_LOUNGE = "business_lounge", _("business lounge")
    CHARGING = "charging", _("charging")


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
