"""Reads of inspections and photos, scoped: the booking's owner and its outlet's staff see
them; anyone else gets the 404 a missing one gets."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Case, Prefetch, When
from django.http import Http404

from accounts.models import User
from bookings import access
from bookings import selectors as booking_selectors
from bookings.models import Booking

from .models import Angle, DamageMark, Inspection, Photo, WalkAroundView

# The walk-around in the order staff walk it, not the order the views were first recorded.
WALK_ORDER = Case(*(When(angle=angle, then=index) for index, angle in enumerate(Angle.values)))


def sees_inspection(user: User, booking: Booking) -> bool:
    """The owner and the outlet's staff (and alliance admins, who are staff everywhere); a brand
    admin reads the booking without its personal data, and the car's photos are such data."""
    return access.owns(user, booking) or access.may_run(user, booking)


def booking_for_inspection(*, user: User, reference: str) -> Booking:
    """The booking, when the user may see its inspection; 404 otherwise."""
    booking = booking_selectors.booking_get(user=user, reference=reference, details=False)
    if not sees_inspection(user, booking):
        raise Http404
    return booking


def inspection_of(booking: Booking) -> Inspection | None:
    """The booking's inspection with its views, marks and photos, or None before one exists."""
    return (
        Inspection.objects.select_related("inspected_by")
        .prefetch_related(
            Prefetch(
                "views",
                queryset=WalkAroundView.objects.select_related("photo").order_by(WALK_ORDER),
            ),
            Prefetch(
                "damage_marks",
                queryset=DamageMark.objects.select_related("photo").order_by("created_at", "id"),
            ),
        )
        .filter(booking=booking)
        .first()
    )


def photo_for_reader(*, user: User, key: UUID | str) -> Photo:
    """A photo the user may see; someone else's answers 404 like a missing one."""
    photo = Photo.objects.select_related("booking").filter(key=key).first()
    if photo is None or not user.is_authenticated or not sees_inspection(user, photo.booking):
        raise Http404
    return photo
