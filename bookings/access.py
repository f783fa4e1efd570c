"""Who may do what with a booking (DESIGN rule 4). Scopes decide what a user can see at all;
anything outside a user's scope answers 404, inside it a forbidden action answers 403."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import User

from .models import Booking


def _membership_ids(user: User, relation: str, column: str) -> set[int]:
    """Ids of the user's memberships, read once per request (kept on the user object)."""
    if not user.is_authenticated:
        return set()
    cache_name = f"_{relation}_{column}s"
    cached = getattr(user, cache_name, None)
    if cached is None:
        cached = set(getattr(user, relation).values_list(column, flat=True))
        setattr(user, cache_name, cached)
    return cached


def staff_outlet_ids(user: User) -> set[int]:
    """The outlets the user works at."""
    return _membership_ids(user, "outlet_memberships", "outlet_id")


def admin_brand_ids(user: User) -> set[int]:
    """The brands the user is a brand admin of."""
    return _membership_ids(user, "brand_memberships", "brand_id")


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
