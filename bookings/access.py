"""Who may do what with a booking (DESIGN rule 4). Scopes decide what a user can see at all;
anything outside a user's scope answers 404, inside it a forbidden action answers 403."""

from __future__ import annotations

from django.db.models import Q, Value

from accounts.models import User
from outlets.models import OutletMembership
from vehicles.models import BrandMembership

from .models import Booking


def _load_memberships(user: User) -> None:
    """The user's outlet and brand memberships in one query (a UNION), cached on the user for
    the request: every scoped read needs both."""
    outlets = OutletMembership.objects.filter(user_id=user.pk).values_list(Value("o"), "outlet_id")
    brands = BrandMembership.objects.filter(user_id=user.pk).values_list(Value("b"), "brand_id")
    rows = list(outlets.union(brands, all=True))
    user._staff_outlet_ids = {pk for kind, pk in rows if kind == "o"}
    user._admin_brand_ids = {pk for kind, pk in rows if kind == "b"}


def staff_outlet_ids(user: User) -> set[int]:
    """The outlets the user works at."""
    if not user.is_authenticated:
        return set()
    if getattr(user, "_staff_outlet_ids", None) is None:
        _load_memberships(user)
    return user._staff_outlet_ids


def admin_brand_ids(user: User) -> set[int]:
    """The brands the user is a brand admin of."""
    if not user.is_authenticated:
        return set()
    if getattr(user, "_admin_brand_ids", None) is None:
        _load_memberships(user)
    return user._admin_brand_ids


def booking_scope(user: User) -> Q | None:
    """The bookings a user may read: own, their outlets', their brand's; None means all."""
    if user.is_alliance_admin:
        return None
    scope = Q(owner=user)
    if outlets := staff_outlet_ids(user):
        scope |= Q(outlet_id__in=outlets)
    if brands := admin_brand_ids(user):
        scope |= Q(vehicle__model__brand_id__in=brands)
    return scope


def is_staff_of(user: User, outlet_id: int) -> bool:
    return user.is_alliance_admin or outlet_id in staff_outlet_ids(user)


def may_run(user: User, booking: Booking) -> bool:
    """Staff transitions: the booking's outlet staff and alliance admins."""
    return is_staff_of(user, booking.outlet_id)


def owns(user: User, booking: Booking) -> bool:
    """The booking's owner: rates it and takes its calendar file."""
    return booking.owner_id == user.pk


def may_change(user: User, booking: Booking) -> bool:
    """Reschedule and cancel: the owner, the outlet's staff and alliance admins."""
    return owns(user, booking) or may_run(user, booking)
