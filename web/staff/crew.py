"""The crew a board card names: each booking's technicians (Booking.crew, lead first), looked up
for every card of the board in one query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bookings.models import Booking
from crews.models import Technician


@dataclass(frozen=True)
class CrewMember:
    name: str
    # The first of the crew leads the job; the others are there as guardians (监护人).
    lead: bool


def crews_of(bookings: Iterable[Booking]) -> dict[int, list[CrewMember]]:
    """Booking pk → its crew, in the booking's order. One query for all of them (none when no
    booking holds a crew)."""
    bookings = list(bookings)
    ids = {technician_id for booking in bookings for technician_id in booking.crew}
    if not ids:
        return {}
    names = {
        technician.pk: technician.user.display_name
        for technician in Technician.objects.filter(pk__in=ids).select_related("user")
    }
    return {
        booking.pk: [
            CrewMember(name=names[technician_id], lead=n == 0)
            for n, technician_id in enumerate(booking.crew)
            if technician_id in names
        ]
        for booking in bookings
        if booking.crew
    }
