"""Who manages which recall campaigns (DESIGN rule 4). Brand admins manage their own brand's
campaigns; alliance admins every brand's. Owners and outlet staff have no recall area at all:
like the audit and a queue that is not theirs, it answers 404, not 403."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from hima_service.exceptions import NotFound
from vehicles.models import Brand


@dataclass(frozen=True)
class RecallManager:
    """A user who may manage campaigns: an alliance admin, or the admin of these brands."""

    user: User
    is_alliance: bool
    brands: tuple[Brand, ...]

    def scope(self) -> Q:
        """The campaigns this manager sees, as a filter on RecallCampaign."""
        return Q() if self.is_alliance else Q(brand__in=[b.pk for b in self.brands])


def recall_manager(*, user: User) -> RecallManager:
    """The user as a campaign manager; 404 for everyone else (rule 4)."""
    if user.is_alliance_admin:
        return RecallManager(user=user, is_alliance=True, brands=())
    brands = tuple(Brand.objects.filter(admins__user=user).order_by("code"))
    if not brands:
        raise NotFound(_("Not found."))
    return RecallManager(user=user, is_alliance=False, brands=brands)


def brand_for_new_campaign(*, manager: RecallManager, brand_code: str | None) -> Brand:
    """The brand a new campaign is for: a brand admin's own (named or by default), any brand
    for an alliance admin. An unknown code is a field error; another brand's answers 404, as
    everywhere a brand admin names another brand's data (the audit does the same)."""
    if not brand_code:
        if len(manager.brands) == 1:
            return manager.brands[0]
        raise ValidationError({"brand": [_("Name the brand of the campaign.")]})
    brand = Brand.objects.filter(code__iexact=brand_code).first()
    if brand is None:
        raise ValidationError({"brand": [_("Unknown brand.")]})
    if not manager.is_alliance and brand not in manager.brands:
        raise NotFound(_("Not found."))
    return brand
