"""Who may audit which brand (DESIGN rule 4). Brand admins read their own brand only; alliance
admins read any brand, or all of them at once. Anyone else has no audit at all: like a queue
that is not theirs, it answers 404, not 403."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from hima_service.exceptions import NotFound
from vehicles.models import Brand


@dataclass(frozen=True)
class Auditor:
    """A user who may read audits: an alliance admin, or the admin of these brands."""

    # None: no one in particular, the platform figuring a view ahead (audit.kept), which
    # depends only on the other two.
    user: User | None
    is_alliance: bool
    brands: tuple[Brand, ...]


@dataclass(frozen=True)
class AuditScope:
    auditor: Auditor
    # None: every brand together (alliance admins only).
    brand: Brand | None

    @property
    def is_alliance(self) -> bool:
        return self.auditor.is_alliance


def auditor_for(*, user: User) -> Auditor:
    """The user as an auditor; 404 for owners and outlet staff, who have no audit."""
    if user.is_alliance_admin:
        return Auditor(user=user, is_alliance=True, brands=())
    brands = tuple(Brand.objects.filter(admins__user=user).order_by("code"))
    if not brands:
        raise NotFound(_("Not found."))
    return Auditor(user=user, is_alliance=False, brands=brands)


def audit_scope(*, auditor: Auditor, brand_code: str | None) -> AuditScope:
    """The brand an audit covers. A brand admin's defaults to their own; naming another brand
    answers 404 (someone else's data), naming no brand at all answers 400."""
    if not brand_code:
        if auditor.is_alliance:
            return AuditScope(auditor=auditor, brand=None)
        if len(auditor.brands) > 1:
            codes = ", ".join(b.code for b in auditor.brands)
            raise ValidationError(
                {"brand": [_("Choose one of your brands: %(codes)s.") % {"codes": codes}]}
            )
        return AuditScope(auditor=auditor, brand=auditor.brands[0])
    if not auditor.is_alliance:
        own = next((b for b in auditor.brands if b.code.lower() == brand_code.lower()), None)
        if own is not None:
            return AuditScope(auditor=auditor, brand=own)
    brand = Brand.objects.filter(code__iexact=brand_code).first()
    if brand is None:
        raise ValidationError({"brand": [_("Unknown brand.")]})
    if not auditor.is_alliance:
        raise NotFound(_("Not found."))
    return AuditScope(auditor=auditor, brand=brand)
