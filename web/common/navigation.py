"""The header's links by role: owners their cars, bookings and data; outlet staff their boards
(and a manager the outlet's settings); brand and alliance admins the audit dashboard. A person
with several roles sees each role's links. What the roles are is read in one query and kept in
the cache for a few minutes: the header only decides which links to show, every page behind
them checks access itself."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from outlets.models import OutletMembership
from vehicles.models import BrandMembership, Vehicle

# How long the header trusts what it knows of a user's roles (a cache hit keeps every page at
# its query budget); a membership given or taken shows in the header within this time.
ROLES_CACHE_SECONDS = 300
# Up to this many outlets get a board link each; more (alliance admins) get one link to the
# staff landing page, whose board switches between outlets.
BOARD_LINKS_MAX = 3


@dataclass(frozen=True)
class Roles:
    """What a signed-in user is, for the header: plain data, safe to cache."""

    owns_vehicles: bool
    brand_admin: bool
    outlets: tuple[str, ...]  # codes of the active outlets the user works at, in order
    managed: tuple[str, ...]  # the codes among them where the user is a manager


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


def roles_key(user_id: int) -> str:
    return f"web:nav-roles:{user_id}"


def _read_roles(user: User) -> Roles:
    """Vehicles, brand memberships and outlet memberships in one query."""
    active = Q(outlet_memberships__outlet__is_active=True)
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            owns_vehicles=Exists(Vehicle.objects.filter(owner=OuterRef("pk"))),
            brand_admin=Exists(BrandMembership.objects.filter(user=OuterRef("pk"))),
            outlet_codes=ArrayAgg(
                "outlet_memberships__outlet__code",
                filter=active,
                order_by="outlet_memberships__outlet__code",
                default=[],
            ),
            managed_codes=ArrayAgg(
                "outlet_memberships__outlet__code",
                filter=active & Q(outlet_memberships__role=OutletMembership.Role.MANAGER),
                default=[],
            ),
        )
        .values("owns_vehicles", "brand_admin", "outlet_codes", "managed_codes")
        .first()
    )
    if row is None:
        return Roles(owns_vehicles=False, brand_admin=False, outlets=(), managed=())
    return Roles(
        owns_vehicles=row["owns_vehicles"],
        brand_admin=row["brand_admin"],
        outlets=tuple(row["outlet_codes"]),
        managed=tuple(row["managed_codes"]),
    )


def user_roles(user: User) -> Roles:
    return cache.get_or_set(roles_key(user.pk), lambda: _read_roles(user), ROLES_CACHE_SECONDS)


def _link(
    request: HttpRequest, label: str, url: str, *, under: str | None = None, besides: str = ""
) -> NavLink:
    """A link, current on the pages under `under` (the link's own URL by default) that are not
    under `besides` (a section of its own)."""
    path = request.path
    current = path.startswith(under or url) and not (besides and path.startswith(besides))
    return NavLink(label=label, url=url, current=current)


def _staff_links(request: HttpRequest, roles: Roles, *, admin: bool) -> list[NavLink]:
    codes = roles.outlets
    if (admin and not codes) or len(codes) > BOARD_LINKS_MAX:
        return [_link(request, _("Boards"), reverse("web:staff"), under="/staff/")]
    if len(codes) == 1:
        board = reverse("web:board", kwargs={"code": codes[0]})
        links = [_link(request, _("Board"), board, besides=f"{board}manage/")]
        if codes[0] in roles.managed:
            hours = reverse("web:staff-hours", kwargs={"code": codes[0]})
            links.append(_link(request, _("Outlet settings"), hours, under=f"{board}manage/"))
        return links
    links = []
    for code in codes:
        board = reverse("web:board", kwargs={"code": code})
        links.append(_link(request, _("Board %(code)s") % {"code": code}, board))
    return links


def nav_links(request: HttpRequest) -> list[NavLink]:
    """The role links of the header for this request's user (none when signed out)."""
    user = request.user
    if not user.is_authenticated:
        return []
    roles = user_roles(user)
    admin = user.is_alliance_admin
    links = _staff_links(request, roles, admin=admin)
    if admin or roles.brand_admin:
        links.append(_link(request, _("Audit dashboard"), reverse("web:dashboard")))
    # Everyone may own cars: the owners' links show unless the user has another role and no car.
    if roles.owns_vehicles or not links:
        links.append(_link(request, _("My vehicles"), reverse("web:vehicles")))
        links.append(_link(request, _("My bookings"), reverse("web:bookings")))
    # Everyone has personal data to download or erase, whatever their roles.
    links.append(_link(request, _("My data"), reverse("web:my-data")))
    return links
