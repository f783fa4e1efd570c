"""Who works at an outlet, and as what."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .outlet import Outlet


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
