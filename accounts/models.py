from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("%(value)s is not an IANA time zone."), params={"value": value})


def person_name(first_name: str, last_name: str) -> str:
    """A full name as its script writes it: family name first and no space in Chinese (王芳),
    given name first otherwise (Thomas Huber)."""
    if any("\u4e00" <= char <= "\u9fff" for char in first_name + last_name):
        return f"{last_name}{first_name}".strip()
    return f"{first_name} {last_name}".strip()


class CaseInsensitiveUserManager(UserManager):
    """Signs in whatever the case of the username typed: usernames are unique regardless of case
    (User's constraint), and a phone's keyboard capitalises the first letter of a new account's
    name that its owner later types in lower case."""

    def get_by_natural_key(self, username: str | None) -> "User":
        # username__iexact compares UPPER(username), which the constraint's index serves.
        return self.get(username__iexact=username)


class User(AbstractUser):
    """Every person who signs in. Everyone may own vehicles; other roles come from memberships
    (outlet staff: `outlets.OutletMembership`, brand admin: `vehicles.BrandMembership`) and
    alliance admins are `is_staff` users."""

    objects = CaseInsensitiveUserManager()

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", "简体中文"
        EN = "en", "English"

    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ZH_HANS
    )
    # The zone the owner lives in: pages show an outlet's times in the outlet's zone and, where
    # that differs, the owner's own time beside them.
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    email_notifications = models.BooleanField(_("e-mail notifications"), default=True)
    sms_notifications = models.BooleanField(_("SMS notifications"), default=True)
    # The phone and e-mail address that were proven by a one-time code. A channel
    # counts as verified only while its current value is the one proven, so changing the phone
    # or e-mail anywhere clears its verification without any code having to remember to.
    verified_phone = models.CharField(max_length=32, blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    verified_email = models.EmailField(blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # An outlet's counter customer: the holder of walk-in cars the platform cannot attach to a
    # verified owner. Never signs in (inactive, no usable password).
    is_counter_customer = models.BooleanField(default=False)

    class Meta(AbstractUser.Meta):
        indexes = [
            # The accounts a forgotten password names by a verified phone or e-mail address,
            # and the holders a newly verified phone is taken from (bookings.identity).
            models.Index(fields=["verified_phone"], name="user_verified_phone"),
            models.Index(Upper("verified_email"), name="user_verified_email_upper"),
        ]
        constraints = [
            models.UniqueConstraint(
                Upper("username"),
                name="user_username_upper_unique",
                violation_error_message=_("This username is already taken."),
            )
        ]

    @property
    def display_name(self) -> str:
        """The name others see: the full name, else the username."""
        return person_name(self.first_name, self.last_name) or self.username

    @property
    def phone_is_verified(self) -> bool:
        return (
            bool(self.phone)
            and self.phone_verified_at is not None
            and (self.phone == self.verified_phone)
        )

    @property
    def email_is_verified(self) -> bool:
        return (
            bool(self.email)
            and self.email_verified_at is not None
            and (self.email.lower() == self.verified_email.lower())
        )

    @property
    def is_alliance_admin(self) -> bool:
        return self.is_active and (self.is_staff or self.is_superuser)


class OneTimeCode(models.Model):
    """A one-time code sent to prove a phone, an e-mail address or a car's delivery record, or
    to set a forgotten password. Only an HMAC of the code is kept (accounts.codes); `subject`
    names what it proves beyond the address (a vehicle's id), `target` the address it went
    to."""

    class Purpose(models.TextChoices):
        PHONE = "phone", _("phone")
        EMAIL = "email", _("e-mail")
        VEHICLE = "vehicle", _("vehicle owner")
        PASSWORD = "password", _("password reset")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="one_time_codes"
    )
    purpose = models.CharField(max_length=8, choices=Purpose.choices)
    target = models.CharField(max_length=254)
    subject = models.CharField(max_length=64, blank=True)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "purpose", "created_at"], name="otc_user_created"),
            models.Index(fields=["target", "created_at"], name="otc_target_created"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} code for user {self.user_id}"
