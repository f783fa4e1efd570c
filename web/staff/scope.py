"""What a staff page acts on: an outlet the user works at, a booking of that outlet. Anything
else answers the 404 of an unknown code, as the API does (the same selector decides)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from rest_framework.exceptions import NotFound as ApiNotFound

from bookings.models import Booking
from bookings.selectors import outlet_for_staff
from outlets.models import Outlet


def staff_outlet(request: HttpRequest, code: str) -> Outlet:
    """The outlet when the signed-in user is its staff; anyone else gets the 404 of an unknown
    code (the API's rule, from the same selector)."""
    try:
        return outlet_for_staff(user=request.user, code=code)
    except ApiNotFound as exc:
        raise Http404(str(exc.detail)) from exc


def booking_at(outlet: Outlet, reference: str) -> Booking:
    """A booking of this outlet by reference; another outlet's booking is 404 here."""
    booking = Booking.objects.filter(outlet=outlet, reference=reference.upper()).first()
    if booking is None:
        raise Http404
    return booking
