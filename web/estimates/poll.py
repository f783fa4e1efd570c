"""The owner's timeline stays current as the staff board does (web.staff.board): the page
carries a signed token naming the booking and its owner, and a cookie-less poll asks for the
version, one query, answered 304 while nothing changed."""

from __future__ import annotations

from django.core import signing

from bookings.models import Booking

SALT = "web.estimates.timeline-poll"
MAX_AGE = 12 * 3600  # a page left open for a day's visit; a reload signs anew


def timeline_token(*, booking: Booking) -> str:
    return signing.dumps({"b": booking.pk, "o": booking.owner_id}, salt=SALT)


def timeline_grant(token: str) -> tuple[int, int] | None:
    """(booking id, owner id) of a token; None when forged, malformed or too old."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        return int(data["b"]), int(data["o"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def timeline_version(*, booking_id: int, owner_id: int) -> str | None:
    """Every step of the timeline moves the booking's updated_at (status actions; the
    estimate services touch it), except the inspection, which has its own."""
    row = (
        Booking.objects.filter(pk=booking_id, owner_id=owner_id)
        .values_list("updated_at", "inspection__updated_at")
        .first()
    )
    if row is None:
        return None
    return "-".join(str(int(moment.timestamp() * 1000)) if moment else "0" for moment in row)
