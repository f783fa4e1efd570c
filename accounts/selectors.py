from __future__ import annotations

from contextlib import suppress
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q

from .models import User
from .phones import normalize_phone


def user_roles(*, user: User) -> dict[str, Any]:
    """The roles a user holds. Memberships are read through their reverse relations so that
    accounts does not import the apps that define them."""
    outlet_memberships = getattr(user, "outlet_memberships", None)
    brand_memberships = getattr(user, "brand_memberships", None)
    outlet_staff = (
        [
            {"outlet": m.outlet.code, "outlet_name": m.outlet.name, "role": m.role}
            for m in outlet_memberships.select_related("outlet").order_by("outlet__code")
        ]
        if outlet_memberships is not None
        else []
    )
    brand_admin = (
        [m.brand.code for m in brand_memberships.select_related("brand").order_by("brand__code")]
        if brand_memberships is not None
        else []
    )
    names = ["owner"]
    if outlet_staff:
        names.append("outlet_staff")
    if brand_admin:
        names.append("brand_admin")
    if user.is_alliance_admin:
        names.append("alliance_admin")
    return {
        "roles": names,
        "outlet_staff": outlet_staff,
        "brand_admin": brand_admin,
        "alliance_admin": user.is_alliance_admin,
    }


def account_for_recovery(*, identifier: str) -> User | None:
    """The account a forgotten-password request names: by its username (in any case), or by a
    phone number or e-mail address it has verified and still holds (as User.phone_is_verified
    and email_is_verified judge). Only an active person's account, not an alliance admin's, and
    only when exactly one matches: a code to set a password goes where one account is meant,
    never to an address typed but not proven."""
    text = identifier.strip()
    if not text:
        return None
    named = Q(username__iexact=text)
    if "@" in text:
        named |= Q(email__iexact=text, verified_email__iexact=text, email_verified_at__isnull=False)
    else:
        with suppress(ValidationError):  # not a phone number: a username only
            phone = normalize_phone(text)
            named |= Q(phone=phone, verified_phone=phone, phone_verified_at__isnull=False)
    # Alliance admins reach the Django admin: a code by SMS (a SIM swap away) must not replace
    # their password; they set it with `manage.py changepassword`.
    people = User.objects.filter(
        is_active=True, is_counter_customer=False, is_staff=False, is_superuser=False
    )
    found = list(people.filter(named).order_by("pk")[:2])
    return found[0] if len(found) == 1 else None
