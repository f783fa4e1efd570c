from __future__ import annotations

from typing import Any

from .models import User


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
