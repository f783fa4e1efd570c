from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Every person who signs in. Everyone may own vehicles; other roles come from memberships
    (outlet staff: `outlets.OutletMembership`, brand admin: `vehicles.BrandMembership`) and
    alliance admins are `is_staff` users."""

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", "简体中文"
        EN = "en", "English"

    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ZH_HANS
    )
    email_notifications = models.BooleanField(_("e-mail notifications"), default=True)
    sms_notifications = models.BooleanField(_("SMS notifications"), default=True)

    @property
    def display_name(self) -> str:
        """The name others see: the full name, else the username."""
        return self.get_full_name() or self.username

    @property
    def is_alliance_admin(self) -> bool:
        return self.is_active and (self.is_staff or self.is_superuser)
